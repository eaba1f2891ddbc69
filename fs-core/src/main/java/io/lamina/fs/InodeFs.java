package io.lamina.fs;

import java.nio.ByteBuffer;
import java.util.List;
import java.util.OptionalInt;

/**
 * An inode-based filesystem, the face a transport (FUSE, or a test) serves. Nodes are named by
 * NodeIds handed out by {@link #lookup} and the creating calls; each such answer adds one to the
 * node's lookup count and {@link #forget} takes counts away, as in the FUSE protocol. The root is
 * {@link #ROOT} and is never forgotten. Open files and directories are named by handles.
 *
 * <p>Every method reports failure as an {@link FsException} with the errno the Linux system call
 * would return; a name that does not exist is a {@code null} from {@link #lookup}, not an exception.
 * Implementations are safe for concurrent use.
 */
public interface InodeFs extends AutoCloseable {
    long ROOT = 1;

    /** RENAME_NOREPLACE and RENAME_EXCHANGE flags of renameat2(2). */
    int RENAME_NOREPLACE = 1;
    int RENAME_EXCHANGE = 2;
    /** whence values of lseek(2). */
    int SEEK_SET = 0, SEEK_CUR = 1, SEEK_END = 2, SEEK_DATA = 3, SEEK_HOLE = 4;
    /** setxattr(2) flags. */
    int XATTR_CREATE = 1, XATTR_REPLACE = 2;

    /** The child {@code name} of directory {@code parent}, or null if there is none. ENOTDIR if parent is not a directory. */
    Entry lookup(long parent, String name);

    /** Drops {@code count} lookups of a node; a node with none left may be freed. */
    void forget(long node, long count);

    Attr getattr(long node);

    /** Applies {@code changes}; {@code fh} is an open handle of the node or -1. Returns the new attributes. */
    Attr setattr(long node, SetAttr changes, long fh, Caller caller);

    String readlink(long node);

    Entry mknod(long parent, String name, int mode, long rdev, Caller caller);

    Entry mkdir(long parent, String name, int mode, Caller caller);

    Entry symlink(long parent, String name, String target, Caller caller);

    /** A new hard link {@code newName} in {@code newParent} to {@code node}. */
    Entry link(long node, long newParent, String newName);

    void unlink(long parent, String name);

    void rmdir(long parent, String name);

    /** rename/renameat2; {@code flags} is 0, {@link #RENAME_NOREPLACE} or {@link #RENAME_EXCHANGE}. */
    void rename(long parent, String name, long newParent, String newName, int flags);

    /** Opens a non-directory; {@code flags} are open(2) flags (O_ACCMODE, O_TRUNC, O_APPEND...). */
    long open(long node, int flags);

    /** Creates and opens a regular file (O_EXCL semantics when {@code flags} has O_EXCL). */
    Created create(long parent, String name, int mode, int flags, Caller caller);

    /** Reads up to {@code dst.remaining()} bytes at {@code offset}; returns the count, 0 at end of file. */
    int read(long fh, long offset, ByteBuffer dst);

    /** Writes all of {@code src} at {@code offset} (or at the end for O_APPEND handles); returns the count. */
    int write(long fh, long offset, ByteBuffer src);

    void flush(long fh);

    void release(long fh);

    void fsync(long fh, boolean dataOnly);

    void fallocate(long fh, int mode, long offset, long length);

    long lseek(long fh, long offset, int whence);

    /** A handle on the directory; its merged listing is a snapshot taken at the first readdir. */
    long opendir(long node);

    /**
     * Entries of the listing from {@code offset} (0 = start, else a {@link DirEntry#nextOffset}),
     * including "." and "..", at most {@code max}. An empty list marks the end.
     */
    List<DirEntry> readdir(long dh, long offset, int max);

    void releasedir(long dh);

    void fsyncdir(long dh, boolean dataOnly);

    /** The value of xattr {@code name}; ENODATA if absent. */
    byte[] getxattr(long node, String name);

    void setxattr(long node, String name, byte[] value, int flags);

    List<String> listxattr(long node);

    void removexattr(long node, String name);

    StatFs statfs();

    /** access(2): EACCES unless {@code caller} may do all of {@code mask} (R_OK=4, W_OK=2, X_OK=1; F_OK=0). */
    void access(long node, int mask, Caller caller);

    /**
     * The descriptor of the real file holding the data of open handle {@code fh}, when there is
     * one, so that a transport may let the kernel read, write and mmap it directly (FUSE
     * passthrough) instead of calling {@link #read}/{@link #write}. Contract: the descriptor is
     * opened with the handle's access mode, stays owned by the engine and valid until
     * {@link #release}{@code (fh)}; for a handle open for writing it is the file that receives
     * the writes (so a lower file is copied up before it is handed out); it is empty whenever
     * reads or writes of the handle must go through the engine. The default has no backing files.
     */
    default OptionalInt backingFd(long fh) {
        return OptionalInt.empty();
    }

    /** Unmounts the upper's private tmpfs, if any, and closes every descriptor. */
    @Override
    void close();
}

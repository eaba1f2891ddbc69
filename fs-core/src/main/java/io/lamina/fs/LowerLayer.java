package io.lamina.fs;

import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.List;

/**
 * One read-only lower layer as the engine reads it: a directory in overlayfs or OCI form, or a
 * content-addressed layer (or a whole flattened chain of them) served from an index and an object
 * store. The engine asks it only these questions; it never touches a layer's files any other way.
 *
 * <p>Paths are relative to the layer root: {@code ""} is the root, components are separated by
 * {@code /}, never empty, {@code .} or {@code ..}. Implementations are safe for concurrent reads.
 * A miss is a null or empty result; an {@link FsException} means the layer itself failed (EIO).
 */
public interface LowerLayer extends AutoCloseable {

    /**
     * A directory as a lower layer, in the kernel overlayfs form (whiteouts are char devices 0/0,
     * {@code trusted.overlay.opaque}/{@code redirect} xattrs) or the OCI form ({@code .wh.NAME},
     * {@code .wh..wh..opq}), or a mix. It holds the directory open (an O_PATH descriptor) until
     * {@link #close}; every access resolves beneath it without following a symlink.
     *
     * @throws FsException ENOENT or ENOTDIR when {@code dir} is not a directory
     */
    static LowerLayer ofDirectory(Path dir) {
        return DirLayer.open(dir);
    }

    /**
     * What this layer holds at {@code path}: an entry, a whiteout hiding the name in the layers
     * below, or null when this layer says nothing about the name (nor when a parent is missing or
     * not a directory). Layer markers (OCI {@code .wh.} names) are never entries themselves.
     */
    LowerEntry probe(String path);

    /**
     * The stat of the entry {@link #probe} would give for {@code path}, or null when it gives none
     * (a whiteout, a marker, a miss). The engine asks this for attributes it does not have yet; a
     * layer may answer it more cheaply than a probe (no opaque or redirect to read).
     */
    default Stat stat(String path) {
        LowerEntry e = probe(path);
        return e == null || e.whiteout() ? null : e.stat();
    }

    /**
     * The names directly inside directory {@code dir}, each once, in any stable order, with
     * whiteouts included (so the engine can hide the name below) and layer markers left out.
     * Empty when {@code dir} is not a directory of this layer.
     */
    List<LowerDirEntry> list(String dir);

    /** The target of the symlink at {@code path}. @throws FsException EINVAL if it is not a symlink */
    String readlink(String path);

    /** Names of the extended attributes of {@code path}, the layer's own private ones left out. */
    List<String> xattrNames(String path);

    /** The value of extended attribute {@code name} of {@code path}, or null when it has none. */
    byte[] xattr(String path, String name);

    /**
     * A descriptor open for reading (O_RDONLY) on the data of the regular file at {@code path}; the
     * caller closes it. It is a real file, so it can back FUSE passthrough and copy_file_range.
     */
    int openData(String path);

    /** Releases what the layer holds open. */
    @Override
    void close();
}

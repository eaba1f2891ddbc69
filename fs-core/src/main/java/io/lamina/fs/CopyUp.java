package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

/**
 * The only code that copies from a lower layer to the upper. Every copy is built in the work
 * directory and renamed into place, so a failure at any step leaves the upper as it was (and never
 * touches the lower). Regular files are copied metadata-only when the caller does not need the data
 * (the upper file is then sparse and marked {@code trusted.overlay.metacopy}; its data is the
 * lower file at the same path, or where its redirect points once it is moved or linked); the first
 * data write copies the data into it. Holes stay holes.
 *
 * <p>For a lower file with more than one link, the copy (metadata-only or whole, as for any file)
 * is first linked into the work directory's index, named by the lower inode, so the other names of
 * that inode find it and stay linked to it. The index entry records, in {@link #LOWER_LINKS_XATTR}, how many
 * names of the inode still live only in the lower layer, which is what makes st_nlink right.
 */
final class CopyUp {
    /** Test seam: called before each step that changes the upper; a throw aborts the copy there. */
    @FunctionalInterface
    interface Faults {
        Faults NONE = step -> { };

        void before(String step);
    }

    static final String LOWER_LINKS_XATTR = "trusted.lamina.lowerlinks";
    /** On a copy of a hardlinked lower file: its index name, so every link finds the count. */
    static final String INDEX_KEY_XATTR = "trusted.lamina.index";
    private static final long CHUNK = 8L << 20;

    private final Upper upper;
    private final Faults faults;

    CopyUp(Upper upper, Faults faults) {
        this.upper = upper;
        this.faults = faults;
    }

    /**
     * Gives {@code node} (and its ancestors) an upper entry. With {@code withData} a metacopy file
     * gets its data too.
     */
    void ensureUpper(Node node, boolean withData) {
        if (node.inUpper) {
            if (withData && node.metacopy) copyData(node);
            return;
        }
        ensureUpper(node.parent, false);
        int parentFd = upper.dirFd(node.parent);
        // Copy-up is not a change of the parent directory: keep its times (as the kernel does).
        Stat parent = Posix.fstat(parentFd);
        String key = indexKey(node);
        if (key != null) {
            linkFromIndex(node, key, parentFd, withData);
        } else {
            copyEntry(node, parentFd, withData);
        }
        Posix.utimensat(parentFd, ".", parent.atimeSec(), parent.atimeNsec(), parent.mtimeSec(),
                parent.mtimeNsec(), 0);
        node.inUpper = true;
    }

    /** The index name of a node still in a lower layer whose file has more than one link, or null. */
    String indexKey(Node node) {
        return node.inUpper ? null : node.lowerIndexKey;
    }

    /** The index name for the lower file of {@code r} when it has more than one link, or null. */
    static String indexKeyOf(Resolution r) {
        if (r.type() != FileType.REGULAR || r.lower() == null || r.lowerStat().nlink() < 2) return null;
        Stat st = r.lowerStat();
        return r.lower().layer().depth() + "-" + Long.toHexString(st.dev()) + "-" + Long.toHexString(st.ino());
    }

    /** The index entry of a hardlinked lower file, or null if none of its names was copied up yet. */
    Stat indexed(String key) {
        return key == null ? null : Posix.fstatatOrNull(upper.indexFd, key, Posix.AT_SYMLINK_NOFOLLOW);
    }

    /** Names of an indexed inode that still live only in the lower layer. */
    long lowerLinks(String key) {
        byte[] v = Posix.lgetxattr(Beneath.procPath(upper.indexFd, key), LOWER_LINKS_XATTR);
        return v == null ? 0 : Long.parseLong(new String(v, StandardCharsets.US_ASCII));
    }

    /** One lower-only name of an indexed inode goes away (copied up, or unlinked). */
    void dropLowerLink(String key) {
        long left = Math.max(0, lowerLinks(key) - 1);
        Posix.lsetxattr(Beneath.procPath(upper.indexFd, key), LOWER_LINKS_XATTR,
                Long.toString(left).getBytes(StandardCharsets.US_ASCII), 0);
    }

    /** A lower name of a hardlinked inode goes away: the inode's other names must count one link less. */
    void dropLowerName(Node c) {
        String key = indexKey(c);
        if (key == null) return;
        ensureIndexed(c, key, false);
        dropLowerLink(key);
    }

    /** Makes sure a hardlinked lower file has its index entry (the inode other names link to). */
    void ensureIndexed(Node node, String key, boolean withData) {
        if (indexed(key) == null) {
            String tmp = upper.tempName();
            try {
                buildCopy(node, tmp, withData, key);
            } finally {
                upper.discardTemp(tmp);
            }
        } else if (withData && isMetacopyIndex(key)) {
            int out = Posix.openat(upper.indexFd, key, Posix.O_WRONLY | Posix.O_NOFOLLOW, 0);
            try {
                copyDataInto(out, node.lower);
            } finally {
                Posix.close(out);
            }
        }
    }

    /** Whether the index entry holds metadata only (its data is still the lower file's). */
    boolean isMetacopyIndex(String key) {
        return WhiteoutFormat.isMetacopyAt(upper.indexFd, key);
    }

    private void linkFromIndex(Node node, String key, int parentFd, boolean withData) {
        ensureIndexed(node, key, withData);
        faults.before("rename");
        Posix.linkat(upper.indexFd, key, parentFd, node.name, 0);
        dropLowerLink(key);
        node.metacopy = isMetacopyIndex(key);
    }

    private void copyEntry(Node node, int parentFd, boolean withData) {
        String tmp = upper.tempName();
        try {
            buildCopy(node, tmp, withData, null);
            faults.before("rename");
            Posix.renameat2(upper.tempFd, tmp, parentFd, node.name, Posix.RENAME_NOREPLACE);
        } catch (RuntimeException e) {
            upper.discardTemp(tmp);
            throw e;
        }
        node.metacopy = node.type == FileType.REGULAR && !withData;
    }

    /**
     * Builds the copy of {@code node}'s lower entry as {@code tmp} in the work directory. With an
     * index {@code key}, the copy is also linked into the index (whole data, lower-link count set).
     */
    private void buildCopy(Node node, String tmp, boolean withData, String key) {
        LowerRef src = NodeAttributes.lowerMetadata(node);
        Stat st = src.requireStat();
        faults.before("create");
        switch (node.type) {
            case DIRECTORY -> Posix.mkdirat(upper.tempFd, tmp, 0700);
            case SYMLINK -> Posix.symlinkat(src.readlink(), upper.tempFd, tmp);
            case REGULAR -> copyFile(src, st, tmp, withData);
            default -> Posix.mknodat(upper.tempFd, tmp, st.mode(), st.rdev());
        }
        copyMetadata(src, st, tmp, node.ino);
        if (key != null) {
            faults.before("index");
            Posix.lsetxattr(Beneath.procPath(upper.tempFd, tmp), LOWER_LINKS_XATTR,
                    Long.toString(st.nlink()).getBytes(StandardCharsets.US_ASCII), 0);
            Posix.lsetxattr(Beneath.procPath(upper.tempFd, tmp), INDEX_KEY_XATTR,
                    key.getBytes(StandardCharsets.US_ASCII), 0);
            Posix.linkat(upper.tempFd, tmp, upper.indexFd, key, 0);
        }
    }

    private void copyFile(LowerRef src, Stat st, String tmp, boolean withData) {
        int out = Posix.openat(upper.tempFd, tmp, Posix.O_CREAT | Posix.O_EXCL | Posix.O_WRONLY, 0600);
        try {
            if (withData) {
                int in = src.openData();
                try {
                    copyData(in, out, st.size());
                } finally {
                    Posix.close(in);
                }
            } else {
                faults.before("write");
                Posix.ftruncate(out, st.size());
                Posix.fsetxattr(out, WhiteoutFormat.METACOPY_XATTR, new byte[0], 0);
            }
            upper.fsync(out);
        } finally {
            Posix.close(out);
        }
    }

    /**
     * Copies the data of a metacopy file into it. Until the metacopy mark is removed at the end, the
     * lower data stays the truth, so a failure part way leaves nothing half-visible.
     */
    void copyData(Node node) {
        int out = Posix.openat(upper.parentFd(node), node.name, Posix.O_WRONLY | Posix.O_NOFOLLOW, 0);
        try {
            copyDataInto(out, node.lower);
        } finally {
            Posix.close(out);
        }
        node.metacopy = false;
    }

    private void copyDataInto(int out, LowerRef src) {
        int in = src.openData();
        try {
            copyData(in, out, Posix.fstat(in).size());
        } finally {
            Posix.close(in);
        }
        upper.fsync(out);
        faults.before("rename");
        // The redirect stays, as with the kernel: it still names the file's lower origin.
        Posix.fremovexattr(out, WhiteoutFormat.METACOPY_XATTR);
    }

    /** Copies the data extents of {@code in} to {@code out}, skipping holes; sets the size. */
    private void copyData(int in, int out, long size) {
        faults.before("write");
        Posix.ftruncate(out, size);
        long off = 0;
        while (off < size) {
            long data;
            try {
                data = Posix.lseek(in, off, Posix.SEEK_DATA);
            } catch (FsException e) {
                if (e.errno() == Errno.ENXIO) break; // only a hole is left
                throw e;
            }
            long end = Posix.lseek(in, data, Posix.SEEK_HOLE);
            for (long pos = data; pos < end; ) {
                faults.before("write");
                long n = copyRange(in, out, pos, Math.min(CHUNK, end - pos));
                if (n <= 0) break;
                pos += n;
            }
            off = end;
        }
    }

    /**
     * Copies one range in the kernel (copy_file_range, which may share blocks on filesystems that
     * can), or through a buffer when the two files are on filesystems it cannot span (a tmpfs upper).
     */
    private static long copyRange(int in, int out, long pos, long length) {
        try {
            return Posix.copyFileRange(in, pos, out, pos, length);
        } catch (FsException e) {
            if (e.errno() != Errno.EXDEV && e.errno() != Errno.EOPNOTSUPP && e.errno() != Errno.EINVAL
                    && e.errno() != Errno.ENOSYS) {
                throw e;
            }
        }
        ByteBuffer buf = ByteBuffer.allocateDirect((int) Math.min(length, 1 << 20));
        int n = Posix.pread(in, buf, pos);
        if (n <= 0) return n;
        buf.flip();
        return Posix.pwrite(out, buf, pos);
    }

    /** xattrs, owner, mode, times of the lower entry onto the copy (in that order: chown clears setuid). */
    private void copyMetadata(LowerRef src, Stat st, String tmp, long ino) {
        faults.before("metadata");
        String dstPath = Beneath.procPath(upper.tempFd, tmp);
        for (String x : src.xattrNames()) {
            if (WhiteoutFormat.isPrivateXattr(x)) continue;
            byte[] v = src.xattr(x);
            if (v != null) Posix.lsetxattr(dstPath, x, v, 0);
        }
        Posix.lsetxattr(dstPath, WhiteoutFormat.ORIGIN_XATTR, WhiteoutFormat.originValue(ino), 0);
        Posix.fchownat(upper.tempFd, tmp, st.uid(), st.gid(), Posix.AT_SYMLINK_NOFOLLOW);
        if (!st.isSymlink()) Posix.fchmodat(upper.tempFd, tmp, st.mode() & 07777, Posix.AT_SYMLINK_NOFOLLOW);
        Posix.utimensat(upper.tempFd, tmp, st.atimeSec(), st.atimeNsec(), st.mtimeSec(), st.mtimeNsec(),
                Posix.AT_SYMLINK_NOFOLLOW);
    }
}

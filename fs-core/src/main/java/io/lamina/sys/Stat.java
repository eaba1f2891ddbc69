package io.lamina.sys;

/** struct stat as the kernel fills it (x86_64). {@code mode} includes the S_IFMT type bits. */
public record Stat(long dev, long ino, long nlink, int mode, int uid, int gid, long rdev, long size,
                   long blksize, long blocks, long atimeSec, long atimeNsec, long mtimeSec,
                   long mtimeNsec, long ctimeSec, long ctimeNsec) {

    public static final int S_IFMT = 0170000, S_IFREG = 0100000, S_IFDIR = 0040000,
            S_IFLNK = 0120000, S_IFCHR = 0020000, S_IFBLK = 0060000, S_IFIFO = 0010000,
            S_IFSOCK = 0140000;

    public int type() {
        return mode & S_IFMT;
    }

    public boolean isDir() {
        return type() == S_IFDIR;
    }

    public boolean isRegular() {
        return type() == S_IFREG;
    }

    public boolean isSymlink() {
        return type() == S_IFLNK;
    }

    /** The overlayfs whiteout: a character device numbered 0/0. */
    public boolean isCharDevice00() {
        return type() == S_IFCHR && rdev == 0;
    }
}

package io.lamina.fs;

/** The type of a node. Fixed at birth: a node never changes type. */
public enum FileType {
    REGULAR(0100000, 8), DIRECTORY(0040000, 4), SYMLINK(0120000, 10), FIFO(0010000, 1),
    CHAR_DEVICE(0020000, 2), BLOCK_DEVICE(0060000, 6), SOCKET(0140000, 12);

    public static final int S_IFMT = 0170000;

    /** The S_IFMT bits of this type. */
    public final int modeBits;
    /** The d_type value readdir reports (DT_REG, DT_DIR, ...). */
    public final int dirType;

    FileType(int modeBits, int dirType) {
        this.modeBits = modeBits;
        this.dirType = dirType;
    }

    /** The type a d_type value (DT_*) names; REGULAR for one that names none (DT_UNKNOWN). */
    static FileType ofDirType(int dtype) {
        for (FileType t : values()) {
            if (t.dirType == dtype) return t;
        }
        return REGULAR;
    }

    public static FileType ofMode(int mode) {
        int fmt = mode & S_IFMT;
        for (FileType t : values()) {
            if (t.modeBits == fmt) return t;
        }
        throw new FsException(Errno.EINVAL, "unknown file type in mode " + Integer.toOctalString(mode));
    }
}

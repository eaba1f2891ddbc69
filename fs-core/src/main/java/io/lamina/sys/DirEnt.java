package io.lamina.sys;

/** One record of getdents64(2): name, d_ino and d_type (DT_*). */
public record DirEnt(String name, long ino, int type) {
    /** d_type values (dirent.h). */
    public static final int DT_UNKNOWN = 0, DT_FIFO = 1, DT_CHR = 2, DT_DIR = 4, DT_BLK = 6, DT_REG = 8,
            DT_LNK = 10, DT_SOCK = 12;
}

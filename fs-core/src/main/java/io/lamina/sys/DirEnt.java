package io.lamina.sys;

/** One record of getdents64(2): name, d_ino and d_type (DT_*). */
public record DirEnt(String name, long ino, int type) {
}

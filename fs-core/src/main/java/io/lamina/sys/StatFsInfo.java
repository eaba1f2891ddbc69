package io.lamina.sys;

/** struct statfs (x86_64). */
public record StatFsInfo(long type, long bsize, long blocks, long bfree, long bavail, long files,
                         long ffree, long namelen, long frsize, long flags) {
}

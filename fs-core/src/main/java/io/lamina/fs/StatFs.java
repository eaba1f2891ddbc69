package io.lamina.fs;

/** What statfs(2) shows of the mount: the upper filesystem's figures. */
public record StatFs(long blocks, long blocksFree, long blocksAvailable, long files, long filesFree,
                     int blockSize, int nameMax, int fragmentSize) {
}

package io.lamina.fs.contract;

/** The parts of statfs(2) a user of a union can rely on: block size and maximum name length. */
public record UserStatFs(long blockSize, long nameMax, boolean hasBlocks) {
}

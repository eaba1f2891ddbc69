package io.lamina.fs;

import io.lamina.sys.Posix;

import java.nio.file.Path;

/**
 * One read-only lower layer: a directory held open by an O_PATH descriptor. Every access resolves
 * beneath it, one component at a time, following no symlink.
 *
 * @param depth 0 for the top lower layer, counting down the stack
 */
record Layer(int depth, Path dir, int rootFd, long dev) {

    static Layer open(int depth, Path dir) {
        int fd = Posix.openat(Posix.AT_FDCWD, dir.toString(), Posix.O_PATH | Posix.O_DIRECTORY, 0);
        return new Layer(depth, dir, fd, Posix.fstat(fd).dev());
    }

    void close() {
        Posix.closeQuietly(rootFd);
    }
}

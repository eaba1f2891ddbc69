package io.lamina.snapshotter;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.HashSet;
import java.util.Set;

/**
 * What a directory tree uses on disk, as containerd's Usage reports it: {@code size} is the
 * allocated bytes (st_blocks × 512) and {@code inodes} the number of distinct inodes, the top
 * directory included; hard links count once. Symlinks are not followed.
 */
record DiskUsage(long size, long inodes) {
    static final DiskUsage NONE = new DiskUsage(0, 0);

    static DiskUsage of(Path top) throws IOException {
        if (!Files.isDirectory(top)) return NONE;
        Set<Long> seen = new HashSet<>();
        long[] bytes = {0};
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) {
                count(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                count(file);
                return FileVisitResult.CONTINUE;
            }

            private void count(Path p) {
                Stat st = Posix.fstatatOrNull(Posix.AT_FDCWD, p.toString(), Posix.AT_SYMLINK_NOFOLLOW);
                if (st != null && seen.add(st.ino())) bytes[0] += st.blocks() * 512;
            }
        });
        return new DiskUsage(bytes[0], seen.size());
    }
}

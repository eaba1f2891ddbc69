package io.lamina.store;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;

/** The few file-tree chores of the image layer. */
final class Fs {
    private Fs() {
    }

    /** Deletes {@code root} and everything under it, without following symlinks; quiet when absent. */
    static void deleteTree(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return;
        }
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                    Files.delete(file);
                    return FileVisitResult.CONTINUE;
                }

                @Override
                public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
                    Files.delete(dir);
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StoreException(root + ": cannot remove (" + e.getMessage() + ")", e);
        }
    }

    /** Removes the directory {@code dir} if it is empty (an objects/HH fan-out dir gc or a rollback emptied). */
    static void deleteIfEmpty(Path dir) {
        try {
            Files.deleteIfExists(dir);
        } catch (java.nio.file.DirectoryNotEmptyException e) {
            // still in use
        } catch (IOException e) {
            throw new StoreException(dir + ": cannot remove (" + e.getMessage() + ")", e);
        }
    }

    /** Total bytes of the regular files under {@code root} (0 when absent). */
    static long treeBytes(Path root) {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
            return 0;
        }
        long[] sum = {0};
        try {
            Files.walkFileTree(root, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                    if (attrs.isRegularFile()) {
                        sum[0] += attrs.size();
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new StoreException(root + ": cannot walk (" + e.getMessage() + ")", e);
        }
        return sum[0];
    }
}

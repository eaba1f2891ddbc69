package io.lamina.snapshotter;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.OptionalLong;
import java.util.concurrent.ThreadLocalRandom;

/**
 * The snapshot directories under {@code <root>/snapshots}, each named by the snapshot's numeric id
 * (keys never become file names):
 * <pre>
 *   snapshots/ID/fs          the snapshot's upper in the overlay format
 *   snapshots/ID/work        the engine's work directory beside it (same filesystem)
 *   snapshots/ID/mnt         where lamina's FUSE mount of the snapshot lives
 *   snapshots/ID/journal.cm  the change journal of that mount
 * A committed snapshot is a chain of layers in the store and has no directory.
 * </pre>
 * A directory is built as {@code new-XXXX} and renamed to its id when complete, and renamed to
 * {@code rm-ID} before it is deleted, so a crash leaves only names that {@link #garbage} reports.
 */
final class SnapshotDirs {
    private final Path base;

    SnapshotDirs(Path root) throws IOException {
        this.base = root.resolve("snapshots");
        Files.createDirectories(base);
    }

    Path dir(long id) {
        return base.resolve(Long.toString(id));
    }

    Path upper(long id) {
        return dir(id).resolve("fs");
    }

    Path work(long id) {
        return dir(id).resolve("work");
    }

    Path mountpoint(long id) {
        return dir(id).resolve("mnt");
    }

    /** The state file of the change journal of the snapshot's mount. */
    Path journal(long id) {
        return dir(id).resolve("journal.cm");
    }

    /** Builds the directory of snapshot {@code id} aside and renames it into place. */
    void create(long id) throws IOException {
        Path tmp = base.resolve("new-" + Long.toUnsignedString(ThreadLocalRandom.current().nextLong(), 36));
        try {
            Files.createDirectory(tmp);
            for (String sub : List.of("fs", "work", "mnt")) {
                Path p = Files.createDirectory(tmp.resolve(sub));
                // The root of a snapshot is 0755 whatever the umask (containerd's RootPermission check).
                Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
            }
            Files.move(tmp, dir(id), StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            deleteTree(tmp);
            throw e;
        }
    }

    /** Removes snapshot {@code id}'s directory: renamed away first, then deleted. */
    void remove(long id) throws IOException {
        Path d = dir(id);
        if (!Files.exists(d)) return;
        Path gone = base.resolve("rm-" + id);
        Files.move(d, gone, StandardCopyOption.ATOMIC_MOVE);
        deleteTree(gone);
    }

    /** The largest numeric directory name, so that a new id never reuses one left behind. */
    OptionalLong largestId() throws IOException {
        long max = -1;
        for (Path p : entries()) {
            try {
                max = Math.max(max, Long.parseLong(p.getFileName().toString()));
            } catch (NumberFormatException notAnId) {
                // new-XXXX or rm-ID
            }
        }
        return max < 0 ? OptionalLong.empty() : OptionalLong.of(max);
    }

    /** The entries under snapshots/ that are not the directory of one of {@code known} ids. */
    List<Path> garbage(java.util.Set<Long> known) throws IOException {
        List<Path> out = new ArrayList<>();
        for (Path p : entries()) {
            String name = p.getFileName().toString();
            boolean isKnown;
            try {
                isKnown = known.contains(Long.parseLong(name)) && name.equals(Long.toString(Long.parseLong(name)));
            } catch (NumberFormatException e) {
                isKnown = false;
            }
            if (!isKnown) out.add(p);
        }
        return out;
    }

    private List<Path> entries() throws IOException {
        try (var s = Files.list(base)) {
            return s.toList();
        }
    }

    /** Deletes a tree without following symlinks; a missing tree is no error. */
    static void deleteTree(Path top) throws IOException {
        if (!Files.exists(top, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(top, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                Files.deleteIfExists(file);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path dir, IOException e) throws IOException {
                if (e != null && !(e instanceof NoSuchFileException)) throw e;
                Files.deleteIfExists(dir);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

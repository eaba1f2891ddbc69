package io.lamina.run;

import io.lamina.fuse.MountTable;
import io.lamina.fuse.Unmount;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * The directory of one container under {@code ROOT/runs/ID}: {@code lock} (held by the
 * {@code lamina run} process while the container lives), {@code run.json} ({@link RunRecord}),
 * {@code config.json} (the bundle is this directory), {@code upper}, {@code work}, {@code mnt}
 * (the lamina mount, the container's rootfs) and {@code journal} (the change journal's state).
 * A directory whose lock nobody holds and whose record is not a kept one is garbage left by a
 * killed run; the next run of that name and {@code rm} remove it ({@code ps} lists it as dead).
 */
final class RunDir implements AutoCloseable {
    private static final Pattern NAME = Pattern.compile("[a-zA-Z0-9][a-zA-Z0-9_.-]{0,63}");

    final Path dir;
    private final FileChannel lockChannel;
    private final FileLock lock;

    private RunDir(Path dir, FileChannel lockChannel, FileLock lock) {
        this.dir = dir;
        this.lockChannel = lockChannel;
        this.lock = lock;
    }

    static Path runsDir(Path root) {
        return root.resolve("runs");
    }

    /** @throws RunException when {@code name} cannot name a container */
    static void checkName(String name) {
        if (!NAME.matcher(name).matches()) {
            throw new RunException("invalid name '" + name + "': use 1-64 of [a-zA-Z0-9_.-], starting with a letter or digit");
        }
    }

    /**
     * Takes the directory of container {@code id} (creating it, or clearing the garbage of a killed
     * run there) and holds its lock until {@link #close}.
     *
     * @throws RunException when a running container or a kept snapshot has that name
     */
    static RunDir claim(Path root, String id) {
        checkName(id);
        Path dir = runsDir(root).resolve(id);
        try {
            Files.createDirectories(dir);
            FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new RunException("name '" + id + "' is in use by a running container");
            }
            RunDir d = new RunDir(dir, ch, l);
            RunRecord r = RunRecord.read(d.record());
            if (r != null && r.keep()) {
                d.close();
                throw new RunException("name '" + id + "' is in use by a kept snapshot (lamina rm " + id + " removes it)");
            }
            d.clearExceptLock();
            return d;
        } catch (IOException e) {
            throw new RunException("cannot create " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Takes the lock of an existing directory {@code dir} to remove it. @throws RunException when it is held */
    static RunDir claimForRemoval(Path dir) {
        try {
            FileChannel ch = FileChannel.open(dir.resolve("lock"), StandardOpenOption.CREATE, StandardOpenOption.WRITE);
            FileLock l;
            try {
                l = ch.tryLock();
            } catch (OverlappingFileLockException e) {
                l = null;
            }
            if (l == null) {
                ch.close();
                throw new RunException("container '" + dir.getFileName() + "' is running");
            }
            return new RunDir(dir, ch, l);
        } catch (IOException e) {
            throw new RunException("cannot lock " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Whether a process holds the lock of {@code dir} (its container runs). */
    static boolean running(Path dir) {
        Path lockFile = dir.resolve("lock");
        if (!Files.exists(lockFile)) return false;
        try (FileChannel ch = FileChannel.open(lockFile, StandardOpenOption.WRITE)) {
            FileLock l = ch.tryLock();
            if (l == null) return true;
            l.release();
            return false;
        } catch (OverlappingFileLockException e) {
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    Path record() {
        return dir.resolve("run.json");
    }

    Path upper() {
        return dir.resolve("upper");
    }

    Path work() {
        return dir.resolve("work");
    }

    Path mnt() {
        return dir.resolve("mnt");
    }

    Path journal() {
        return dir.resolve("journal");
    }

    static Path journal(Path dir) {
        return dir.resolve("journal");
    }

    /** Removes everything but the lock (a detached leftover mount at mnt first). */
    void clearExceptLock() {
        if (MountTable.at(mnt()).isPresent()) Unmount.unmountQuietly(mnt());
        if (MountTable.at(mnt()).isPresent()) throw new RunException(mnt() + " is still mounted: cannot reuse " + dir);
        try (var s = Files.list(dir)) {
            for (Path p : s.toList()) {
                if (!p.getFileName().toString().equals("lock")) deleteTree(p);
            }
        } catch (IOException e) {
            throw new RunException("cannot clear " + dir + ": " + e.getMessage(), e);
        }
    }

    /** Removes the whole directory (nothing may be mounted at mnt any more) and releases the lock. */
    void remove() {
        if (MountTable.at(mnt()).isPresent()) throw new RunException(mnt() + " is still mounted: " + dir + " is left in place");
        try {
            clearExceptLock();
            Files.deleteIfExists(dir.resolve("lock"));
            close();
            Files.deleteIfExists(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove " + dir, e);
        }
    }

    @Override
    public void close() {
        try {
            if (lock.isValid()) lock.release();
            lockChannel.close();
        } catch (IOException e) {
            // closing a lock file cannot lose anything
        }
    }

    /** Deletes {@code p} and what is under it, never following a symlink nor crossing into a mount. */
    static void deleteTree(Path p) throws IOException {
        if (!Files.exists(p, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        List<IOException> failures = new ArrayList<>();
        java.util.Set<Path> mounts = new java.util.HashSet<>();
        MountTable.read(MountTable.SELF).forEach(m -> mounts.add(m.mountpoint()));
        Files.walkFileTree(p, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path d, BasicFileAttributes a) {
                if (!d.equals(p) && mounts.contains(d.toAbsolutePath())) {
                    failures.add(new IOException(d + " is a mount point"));
                    return FileVisitResult.SKIP_SUBTREE;
                }
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path f, BasicFileAttributes a) throws IOException {
                Files.deleteIfExists(f);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path f, IOException e) throws IOException {
                if (e instanceof NoSuchFileException) return FileVisitResult.CONTINUE;
                throw e;
            }

            @Override
            public FileVisitResult postVisitDirectory(Path d, IOException e) throws IOException {
                if (e != null) throw e;
                if (failures.isEmpty()) Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
        if (!failures.isEmpty()) throw failures.getFirst();
    }
}

package io.lamina.bench;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/**
 * Every mount the harness makes is registered here until it is closed; a JVM shutdown hook closes
 * what is left, newest first, so Ctrl-C (SIGINT) or a failure never leaves a mount behind. This is
 * the one lock of the harness (registrations come from its single driver thread and the hook).
 */
final class Cleanup {
    private static final Deque<AutoCloseable> OPEN = new ArrayDeque<>();

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("bench-cleanup").unstarted(Cleanup::closeAll));
    }

    private Cleanup() {
    }

    /** Registers {@code c} to be closed at exit unless {@link #closed} is called first. */
    static synchronized <T extends AutoCloseable> T register(T c) {
        OPEN.push(c);
        return c;
    }

    /** Forgets {@code c}: its owner closed it. */
    static synchronized void closed(AutoCloseable c) {
        OPEN.remove(c);
    }

    /** Closes every registered resource, newest first; failures are reported on stderr. */
    static void closeAll() {
        List<AutoCloseable> all;
        synchronized (Cleanup.class) {
            all = new ArrayList<>(OPEN);
            OPEN.clear();
        }
        for (AutoCloseable c : all) {
            try {
                c.close();
            } catch (Exception e) {
                System.err.println("bench: cleanup of " + c + " failed: " + e);
            }
        }
    }

    /** Removes {@code root} and everything under it, not following symlinks; quiet when absent. */
    static void deleteTree(Path root) throws IOException {
        if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) return;
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
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
                Files.deleteIfExists(d);
                return FileVisitResult.CONTINUE;
            }
        });
    }
}

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
    /** Set once the JVM is shutting down: the driver thread may still be making a mount then. */
    private static boolean exiting;

    static {
        Runtime.getRuntime().addShutdownHook(Thread.ofPlatform().name("bench-cleanup").unstarted(() -> {
            synchronized (Cleanup.class) {
                exiting = true;
            }
            closeAll();
        }));
    }

    private Cleanup() {
    }

    /**
     * Registers {@code c} to be closed at exit unless {@link #closed} is called first. During
     * shutdown, {@code c} is closed at once and an IllegalStateException thrown, so a mount made
     * while the hook runs does not outlive the JVM.
     */
    static <T extends AutoCloseable> T register(T c) {
        synchronized (Cleanup.class) {
            if (!exiting) {
                OPEN.push(c);
                return c;
            }
        }
        try {
            c.close();
        } catch (Exception e) {
            System.err.println("bench: cleanup of " + c + " failed: " + e);
        }
        throw new IllegalStateException("shutting down");
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

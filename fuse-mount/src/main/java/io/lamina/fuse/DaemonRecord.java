package io.lamina.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.HexFormat;
import java.util.Optional;

/**
 * The record of the daemon that serves one mount point: {@code <runDir>/mounts/<name>.pid} holds
 * "pid start-millis" (the start time tells a live daemon from a reused pid), {@code <name>.log}
 * what the daemon printed, {@code <name>.mount} what is mounted (see {@link MountedLayers}), and
 * {@code <runDir>/journals/<name>.journal} the mount's change journal (kept after the daemon
 * exits, so that the next mount of the same upper at the same place starts from it). {@code <name>} is the mount
 * point with '/' and '%' percent-encoded (a SHA-256 for very long paths).
 */
final class DaemonRecord {
    private final Path pidFile;
    private final Path logFile;
    private final Path base;

    private DaemonRecord(Path base) {
        this.base = base;
        this.pidFile = base.resolveSibling(base.getFileName() + ".pid");
        this.logFile = base.resolveSibling(base.getFileName() + ".log");
    }

    static DaemonRecord of(Host host, Path mountpoint) {
        String name = mountpoint.toString().replace("%", "%25").replace("/", "%2F");
        if (name.length() > 200) name = sha256(name);
        return new DaemonRecord(host.mountsDir().resolve(name));
    }

    /** The mount's change journal (a Chronicle Map file in {@code <runDir>/journals}). */
    Path journalFile() {
        return base.getParent().resolveSibling("journals").resolve(base.getFileName() + ".journal");
    }

    /** What is mounted (lowers, upper), for commands that work on the mount's layers. */
    Path layersFile() {
        return base.resolveSibling(base.getFileName() + ".mount");
    }

    Path pidFile() {
        return pidFile;
    }

    Path logFile() {
        return logFile;
    }

    /** Records {@code process} as the daemon (written aside, then renamed into place). */
    void write(ProcessHandle process) {
        try {
            Files.createDirectories(pidFile.getParent());
            Path tmp = pidFile.resolveSibling(pidFile.getFileName() + ".new");
            Files.writeString(tmp, process.pid() + " " + startMillis(process) + "\n");
            Files.move(tmp, pidFile, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot record the daemon in " + pidFile, e);
        }
    }

    /** The recorded daemon if it is still running (same pid and same start time). */
    Optional<ProcessHandle> live() {
        String[] f;
        try {
            f = Files.readString(pidFile, StandardCharsets.UTF_8).trim().split(" ");
        } catch (IOException e) {
            return Optional.empty();
        }
        try {
            long pid = Long.parseLong(f[0]);
            long start = f.length > 1 ? Long.parseLong(f[1]) : -1;
            return ProcessHandle.of(pid).filter(ProcessHandle::isAlive).filter(p -> startMillis(p) == start);
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }

    /** Removes the record and log if they are {@code process}'s (a newer daemon may have replaced them). */
    void removeIfOf(ProcessHandle process) {
        try {
            String s = Files.readString(pidFile, StandardCharsets.UTF_8).trim();
            if (s.startsWith(process.pid() + " ")) {
                Files.deleteIfExists(pidFile);
                Files.deleteIfExists(logFile);
                Files.deleteIfExists(layersFile());
            }
        } catch (IOException ignored) {
            // already gone
        }
    }

    /** Removes the record and log of a daemon that is no longer running. */
    void removeStale() {
        if (live().isPresent()) return;
        try {
            Files.deleteIfExists(pidFile);
            Files.deleteIfExists(logFile);
            Files.deleteIfExists(layersFile());
        } catch (IOException ignored) {
            // nothing to clean
        }
    }

    /** The daemon's last line starting with {@code prefix}, else its last non-blank line, or null. */
    String lastLogLine(String prefix) {
        try {
            var lines = Files.readAllLines(logFile, StandardCharsets.UTF_8);
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (lines.get(i).startsWith(prefix)) return lines.get(i).strip();
            }
            for (int i = lines.size() - 1; i >= 0; i--) {
                if (!lines.get(i).isBlank()) return lines.get(i).strip();
            }
        } catch (IOException ignored) {
            // no log
        }
        return null;
    }

    private static long startMillis(ProcessHandle p) {
        return p.info().startInstant().map(Instant::toEpochMilli).orElse(-1L);
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.store.journal.Journal;
import io.lamina.store.journal.LowerImage;

import java.io.File;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Function;

/**
 * The life cycle behind {@code lamina mount} and {@code lamina umount}, so that the cli only
 * parses. Every failure is one line on {@code err} ("lamina mount: …") and a non-zero exit code
 * ({@link MountException#USAGE} or {@link MountException#FAILED}), with nothing left mounted.
 *
 * <ul>
 * <li>{@link #serve}: the foreground mount. Opens the engine, mounts it, records this process
 *     as the mount's daemon and serves until the mount goes away (umount, or SIGTERM/SIGINT,
 *     which unmount).</li>
 * <li>{@link #startDaemon}: checks everything, starts {@code launcher + request.foregroundArgs()}
 *     detached (setsid, stdin from /dev/null, output to the daemon's log), and returns once the
 *     mount point is listed in the mount table, or prints the daemon's last line if it exits.</li>
 * <li>{@link #umount}: unmounts (lazily if asked) and waits for the daemon to exit; also clears
 *     the mount of a daemon that died (ENOTCONN).</li>
 * <li>{@link #mounted}: what a running mount stacks and where its change journal is.</li>
 * </ul>
 *
 * <p>Every writable mount keeps a change journal ({@link Journal}) beside its daemon record; it is
 * closed (and marked clean) after the engine, when the mount goes away.
 */
public final class MountCommandSupport {
    private static final long DAEMON_START_MS = 120_000;
    private static final long DAEMON_EXIT_MS = 60_000;
    private static final Path SETSID = Path.of("/usr/bin/setsid");
    private static final String PREFIX = "lamina mount: ";

    private final Host host;
    private final PrintWriter err;
    private final Function<UnionSpec, InodeFs> engine;

    public MountCommandSupport(Host host, PrintWriter err) {
        this(host, err, UnionFs::open);
    }

    /** With another engine than {@link UnionFs} (tests). */
    public MountCommandSupport(Host host, PrintWriter err, Function<UnionSpec, InodeFs> engine) {
        this.host = host;
        this.err = err;
        this.engine = engine;
    }

    /** Reports a failure found while parsing (before a request exists) the same way; returns its exit code. */
    public int report(String command, MountException e) {
        err.println("lamina " + command + ": " + e.getMessage());
        err.flush();
        return e.exitCode();
    }

    // ---- foreground

    /** Mounts {@code r} and serves it until it is unmounted; returns the exit code. */
    public int serve(MountRequest r) {
        try {
            return serveOrThrow(r);
        } catch (MountException e) {
            return report("mount", e);
        } catch (RuntimeException e) {
            // A bug: keep the trace for the log, and still end with the one line a user reads.
            e.printStackTrace(err);
            return report("mount", MountException.failed("unexpected error: " + e));
        }
    }

    private int serveOrThrow(MountRequest r) {
        prepareWork(r);
        MountChecks.check(r, host);
        FuseTransport transport = Transports.byName(r.transport());
        DaemonRecord record = DaemonRecord.of(host, r.mountpoint());
        Session session = new Session(record);
        Thread hook = new Thread(session::close, "lamina unmount at exit");
        try {
            if (r.mountsImage()) session.image = StoredImage.open(r.storeRoot(), r.image(), r.mountpoint());
            if (!r.readOnly()) session.journal = openJournal(r, record, session.image);
            session.fs = openEngine(r, session.journal, session.image);
            try {
                session.mounted = transport.mount(session.fs, r.mountpoint(), r.mountOptions());
            } catch (RuntimeException e) {
                throw MountException.failed("cannot mount " + r.mountpoint() + ": " + describe(e));
            }
            Runtime.getRuntime().addShutdownHook(hook);
            new MountedLayers(r.lowers(), r.upper(), r.mountpoint(),
                    session.journal == null ? null : record.journalFile(),
                    session.image == null ? null : session.image.name())
                    .write(record.layersFile());
            session.record.write(ProcessHandle.current());
            session.mounted.awaitUnmount();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } finally {
            session.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException | IllegalArgumentException e) {
                // the hook is running or has run, or was never added
            }
        }
        return 0;
    }

    private InodeFs openEngine(MountRequest r, Journal journal, StoredImage image) {
        try {
            return engine.apply((image == null ? r.spec() : r.spec(image.layers())).withChanges(journal));
        } catch (FsException e) {
            throw MountException.failed("cannot open the layers: " + e.getMessage());
        }
    }

    /** The journal of the mount (its saved state, or one rebuilt by a walk of the upper). */
    private static Journal openJournal(MountRequest r, DaemonRecord record, StoredImage image) {
        try {
            return Journal.open(record.journalFile(), r.upper(),
                    image == null ? LowerImage.ofDirs(r.lowers()) : image.journalView());
        } catch (RuntimeException e) {
            throw MountException.failed("cannot open the change journal " + record.journalFile() + ": " + describe(e));
        }
    }

    /**
     * One mount being served, filled in as its parts open; closing unmounts, then closes the
     * engine, the journal and the stored image, and drops the record, once, whatever was reached.
     */
    private static final class Session {
        final DaemonRecord record;
        StoredImage image;
        Journal journal;
        InodeFs fs;
        FuseTransport.Mounted mounted;
        private boolean closed;

        Session(DaemonRecord record) {
            this.record = record;
        }

        synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                if (mounted != null) mounted.close();
            } finally {
                try {
                    if (fs != null) fs.close();
                } finally {
                    try {
                        if (journal != null) journal.close();
                    } finally {
                        try {
                            if (image != null) image.close();
                        } finally {
                            record.removeIfOf(ProcessHandle.current());
                        }
                    }
                }
            }
        }
    }

    // ---- daemon

    /**
     * Starts the mount daemon ({@code launcher} followed by the request's foreground arguments)
     * and waits until the mount answers; returns the exit code.
     */
    public int startDaemon(MountRequest r, List<String> launcher) {
        try {
            return startDaemonOrThrow(r, launcher);
        } catch (MountException e) {
            return report("mount", e);
        }
    }

    private int startDaemonOrThrow(MountRequest r, List<String> launcher) {
        prepareWork(r);
        MountChecks.check(r, host);
        if (r.mountsImage()) StoredImage.check(r.storeRoot(), r.image());
        Transports.byName(r.transport());
        DaemonRecord record = DaemonRecord.of(host, r.mountpoint());
        List<String> cmd = new ArrayList<>();
        // A new session, so that the daemon outlives the terminal that started it.
        if (Files.isExecutable(SETSID)) cmd.add(SETSID.toString());
        cmd.addAll(launcher);
        cmd.addAll(r.foregroundArgs());
        Process p;
        try {
            Files.createDirectories(host.mountsDir());
            record.removeStale();
            Files.deleteIfExists(record.logFile());
            p = new ProcessBuilder(cmd).directory(new File("/"))
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectErrorStream(true)
                    .redirectOutput(ProcessBuilder.Redirect.appendTo(record.logFile().toFile()))
                    .start();
        } catch (IOException e) {
            throw MountException.failed("cannot start the mount daemon: " + e.getMessage());
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(DAEMON_START_MS);
        while (true) {
            if (record.live().isPresent() && MountTable.at(host.mountInfo(), r.mountpoint()).isPresent()) return 0;
            if (!p.isAlive()) {
                String line = record.lastLogLine(PREFIX);
                if (line == null) line = "the mount daemon exited with code " + p.exitValue();
                int code = p.exitValue() == 0 ? MountException.FAILED : p.exitValue();
                throw new MountException(code, line.startsWith(PREFIX) ? line.substring(PREFIX.length()) : line);
            }
            if (System.nanoTime() > deadline) {
                p.destroyForcibly();
                waitFor(p.toHandle());
                if (MountTable.at(host.mountInfo(), r.mountpoint()).isPresent()) Unmount.unmountQuietly(r.mountpoint());
                throw MountException.failed("the mount daemon did not mount " + r.mountpoint() + " in time (log: " + record.logFile() + ")");
            }
            try {
                Thread.sleep(20);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw MountException.failed("interrupted while waiting for the mount daemon (pid " + p.pid() + ")");
            }
        }
    }

    // ---- umount

    /** Unmounts {@code mountpoint} and waits for its daemon to exit (unless lazy); returns the exit code. */
    public int umount(Path mountpoint, boolean lazy) {
        try {
            return umountOrThrow(mountpoint, lazy);
        } catch (MountException e) {
            return report("umount", e);
        }
    }

    private int umountOrThrow(Path mountpoint, boolean lazy) {
        Path mp = MountChecks.realOrSelf(mountpoint.toAbsolutePath().normalize());
        DaemonRecord record = DaemonRecord.of(host, mp);
        Optional<ProcessHandle> daemon = record.live();
        Optional<MountTable.Mount> mount = MountTable.at(host.mountInfo(), mp);
        if (mount.isEmpty()) {
            record.removeStale();
            throw MountException.failed(mp + " is not mounted");
        }
        if (!mount.get().fsType().equals("fuse.lamina")) {
            throw MountException.failed(mp + " is not a lamina mount (it is " + mount.get().fsType() + ")");
        }
        try {
            Unmount.unmount(mp, lazy);
        } catch (FsException e) {
            throw switch (e.errno()) {
                case EBUSY -> MountException.failed(mp + " is busy: close what uses it, or umount --lazy");
                case EPERM -> MountException.failed("permission denied: unmounting " + mp + " needs root");
                default -> MountException.failed("cannot unmount " + mp + ": " + e.getMessage());
            };
        }
        if (daemon.isPresent() && !lazy && !waitFor(daemon.get())) {
            throw MountException.failed("unmounted " + mp + ", but its daemon (pid " + daemon.get().pid() + ") did not exit");
        }
        record.removeStale();
        return 0;
    }

    // ---- running mounts

    /**
     * What the running lamina mount at {@code mountpoint} stacks, and its journal.
     *
     * @throws MountException when nothing is mounted there, it is not a lamina mount, or its
     *                        daemon left no record (a mount made by another lamina)
     */
    public MountedLayers mounted(Path mountpoint) {
        Path mp = MountChecks.realOrSelf(mountpoint.toAbsolutePath().normalize());
        Optional<MountTable.Mount> mount = MountTable.at(host.mountInfo(), mp);
        if (mount.isEmpty()) throw MountException.failed(mp + " is not mounted");
        if (!mount.get().fsType().equals("fuse.lamina")) {
            throw MountException.failed(mp + " is not a lamina mount (it is " + mount.get().fsType() + ")");
        }
        DaemonRecord record = DaemonRecord.of(host, mp);
        try {
            return MountedLayers.read(record.layersFile());
        } catch (IOException e) {
            throw MountException.failed("no record of the mount at " + mp + " (" + record.layersFile() + " cannot be read)");
        }
    }

    // ---- helpers

    /** Creates the work directory lamina chose itself (beside an existing upper). */
    private static void prepareWork(MountRequest r) {
        if (!r.workDefaulted() || r.usesTmpfs() || !Files.isDirectory(r.upper()) || Files.exists(r.work())) return;
        try {
            Files.createDirectory(r.work());
        } catch (IOException e) {
            throw MountException.failed("cannot create workdir " + r.work() + ": " + e.getMessage());
        }
    }

    private static boolean waitFor(ProcessHandle p) {
        try {
            p.onExit().get(DAEMON_EXIT_MS, TimeUnit.MILLISECONDS);
            return true;
        } catch (TimeoutException e) {
            return false;
        } catch (ExecutionException e) {
            return !p.isAlive();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return false;
        }
    }

    private static String describe(RuntimeException e) {
        if (e instanceof FsException fe && fe.errno() == Errno.EIO) return fe.getMessage().substring("EIO: ".length());
        return e.getMessage() != null ? e.getMessage() : e.toString();
    }
}

package io.lamina.run;

import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.Host;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.Transports;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.store.StoreException;
import io.lamina.store.journal.Journal;
import io.lamina.store.journal.LowerImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * {@code lamina run}: one container on a lamina snapshot of a stored image, served by a FUSE
 * mount inside this JVM (no snapshotter needed). The snapshot is the image's chain under its own
 * upper ({@code ROOT/runs/ID/upper}, or a private tmpfs), mounted at {@code ROOT/runs/ID/mnt}
 * with a change journal; the directory is also the OCI bundle. The runtime's output is this
 * process's output; the exit code is the container's. When the container ends, or this process
 * gets SIGTERM/SIGINT (the container is then killed), the runtime's state is deleted, the mount
 * goes away, and the directory is removed (all by the thread that ran it, also after a signal), unless the snapshot is kept: then its upper, journal
 * and record stay for {@code lamina ps}, {@code lamina commit --snapshot ID} and {@code lamina rm ID}.
 */
public final class ContainerRun {
    private static final Path FUSE = Path.of("/dev/fuse");

    private ContainerRun() {
    }

    /**
     * Runs the container of {@code r} to its end and returns its exit code.
     *
     * @throws RunException (one line) when the caller is not root, the runtime or /dev/fuse is
     *                      missing, the image is unknown, the name is invalid or taken, there is
     *                      no command to run, or the snapshot cannot be mounted
     */
    public static int run(RunRequest r) {
        if (!Host.current().root()) throw new RunException("needs root: it mounts the snapshot and starts the container");
        OciRuntime runtime = OciRuntime.find(r.runtime());
        if (!Files.exists(FUSE)) throw new RunException(FUSE + " is missing (modprobe fuse)");
        if (r.keep() && r.tmpfsBytes() > 0) {
            throw new RunException("--keep needs an upper on disk: a tmpfs upper goes away with the container");
        }
        if (r.name() != null) RunDir.checkName(r.name());
        FuseTransport transport = Transports.byName(r.transport());
        String id = r.name() != null ? r.name() : HexFormat.of().formatHex(new SecureRandom().generateSeed(6));
        Store store = Store.open(r.root());
        Session s = null;
        try {
            try (Images images = Images.open(store)) {
                ImageRecord image = images.require(r.image());
                ImageConfig config = ImageConfig.parse(image.configJson());
                List<String> args = config.args(r.command());
                if (args.isEmpty()) {
                    throw new RunException("image '" + r.image() + "' has no Entrypoint or Cmd: give a command after --");
                }
                RunDir dir = RunDir.claim(store.root(), id);
                try {
                    // gc keeps the image's layers while the container or its kept snapshot exists.
                    images.hold(holder(id), image.diffIds());
                } catch (RuntimeException e) {
                    dir.remove();
                    throw e;
                }
                s = new Session(store, dir, runtime, r, image, config, args);
            }
        } catch (StoreException e) {
            store.close();
            throw new RunException(e.getMessage(), e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Session session = s;
        // SIGTERM/SIGINT/SIGHUP kill the container; this thread then cleans up as after a normal end
        // (the JVM's own exit would race Chronicle's close-at-exit hook that closes the journal and store maps).
        List<Signals.Previous> previous = Signals.handle(List.of("TERM", "INT", "HUP"), session::kill);
        // Only for an exit nobody handles (System.exit elsewhere): kill the container and unmount.
        Thread hook = new Thread(session::emergencyStop, "lamina run: stop " + id);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.start(transport);
            return session.await();
        } finally {
            session.close();
            Signals.restore(previous);
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
    }

    /** Lets go of the layers container {@code id} held; a failure only leaves them for a later rm or gc of holds. */
    static void releaseQuietly(Store store, String id) {
        try (Images images = Images.open(store)) {
            images.release(holder(id));
        } catch (RuntimeException e) {
            // the hold stays: the layers are kept longer than needed, never lost
        }
    }

    /** The name under which a container holds its image's layers in {@link Images#hold}. */
    static String holder(String id) {
        return "run/" + id;
    }

    /** One container's resources; {@link #close} releases them once, in order, whoever calls it first. */
    private static final class Session {
        private final Store store;
        private final RunDir dir;
        private final OciRuntime runtime;
        private final RunRequest request;
        private final ImageRecord image;
        private final ImageConfig config;
        private final List<String> args;
        private final String containerId;
        private RunRecord record;
        private Journal journal;
        private InodeFs fs;
        private FuseTransport.Mounted mounted;
        private Process process;
        private Integer exitCode;
        private boolean closed;
        private boolean stopRequested;

        Session(Store store, RunDir dir, OciRuntime runtime, RunRequest request, ImageRecord image,
                ImageConfig config, List<String> args) {
            this.store = store;
            this.dir = dir;
            this.runtime = runtime;
            this.request = request;
            this.image = image;
            this.config = config;
            this.args = args;
            this.containerId = "lamina-" + dir.dir.getFileName();
        }

        synchronized void start(FuseTransport transport) {
            if (closed) throw new RunException("stopped before the container started");
            String id = dir.dir.getFileName().toString();
            String hostname = request.name() != null ? request.name() : id;
            boolean tmpfs = request.tmpfsBytes() > 0;
            record = new RunRecord(id, image.name(), image.id(), args, tmpfs, request.keep(), System.currentTimeMillis(), null);
            record.write(dir.record());
            try {
                if (!tmpfs) {
                    Files.createDirectories(dir.upper());
                    Files.createDirectories(dir.work());
                }
                Files.createDirectories(dir.mnt());
            } catch (IOException e) {
                throw new RunException("cannot create the snapshot under " + dir.dir + ": " + e.getMessage(), e);
            }
            LowerLayer chain;
            try {
                chain = store.openChain(image.diffIds());
            } catch (StoreException e) {
                throw new RunException(e.getMessage(), e);
            }
            ImageUser user;
            try {
                user = ImageUser.resolve(config.user(), chain);
            } catch (RuntimeException e) {
                chain.close();
                throw e;
            }
            long lowerBytes = 0;
            for (String d : image.diffIds()) lowerBytes += store.layer(d).map(LayerRecord::contentBytes).orElse(0L);
            try {
                journal = Journal.open(dir.journal(), tmpfs ? null : dir.upper(),
                        LowerImage.ofLayers(List.of(chain), lowerBytes, Store.chainId(image.diffIds())));
                UnionSpec spec = tmpfs ? UnionSpec.ofLayersTmpfs(List.of(chain), request.tmpfsBytes())
                        : UnionSpec.ofLayers(List.of(chain), dir.upper(), dir.work());
                fs = UnionFs.open(spec.withChanges(journal));
            } catch (RuntimeException e) {
                chain.close();
                throw new RunException("cannot open the snapshot: " + e.getMessage(), e);
            }
            try {
                mounted = transport.mount(fs, dir.mnt(), MountOptions.defaults());
            } catch (RuntimeException e) {
                throw new RunException("cannot mount the snapshot at " + dir.mnt() + ": " + e.getMessage(), e);
            }
            boolean terminal = System.console() != null && System.console().isTerminal();
            OciBundle.write(dir.dir, dir.mnt(), hostname, OciBundle.process(config, args, user, hostname, terminal));
            // A container of this name left in the runtime's state by a killed run would make `run` fail.
            if (Files.exists(runtime.stateRoot().resolve(containerId))) runtime.deleteQuietly(containerId);
            if (stopRequested) throw new RunException("stopped by a signal before the container started");
            process = runtime.start(dir.dir, containerId);
        }

        /** Waits for the runtime and returns the container's exit code. */
        int await() {
            Process p;
            synchronized (this) {
                p = process;
            }
            try {
                int code = p.waitFor();
                synchronized (this) {
                    if (exitCode == null) exitCode = code;
                    return exitCode;
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new RunException("interrupted while the container ran");
            }
        }

        /** A signal: kill the container (the thread in {@link #await} then returns its code); before it starts, prevent it. */
        synchronized void kill() {
            stopRequested = true;
            if (process != null && process.isAlive()) runtime.killQuietly(containerId);
        }

        /** At JVM exit without {@link #close}: kill the container and unmount, nothing that needs the store. */
        void emergencyStop() {
            synchronized (this) {
                if (closed) return;
                closed = true;
                if (process != null && process.isAlive()) {
                    runtime.killQuietly(containerId);
                    try {
                        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                }
                if (process != null) runtime.deleteQuietly(containerId);
                if (mounted != null) mounted.close();
            }
        }

        /** Ends everything once, each step even when one before failed; the last failure is thrown. */
        synchronized void close() {
            if (closed) return;
            closed = true;
            List<Runnable> steps = new java.util.ArrayList<>();
            if (process != null) {
                steps.add(() -> {
                    if (process.isAlive()) {
                        runtime.killQuietly(containerId);
                        try {
                            if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (Files.exists(runtime.stateRoot().resolve(containerId))) runtime.deleteQuietly(containerId);
                });
            }
            if (mounted != null) steps.add(mounted::close);
            // The journal's consumer probes the chain: close it before the engine closes the chain.
            if (journal != null) steps.add(journal::close);
            if (fs != null) steps.add(fs::close);
            boolean kept = request.keep() && record != null && process != null;
            if (!kept) steps.add(() -> releaseQuietly(store, dir.dir.getFileName().toString()));
            steps.add(store::close);
            if (kept) {
                steps.add(() -> record.exited(exitCode == null ? -1 : exitCode).write(dir.record()));
                steps.add(dir::close);
            } else {
                steps.add(dir::remove);
            }
            RuntimeException failure = null;
            for (Runnable step : steps) {
                try {
                    step.run();
                } catch (RuntimeException e) {
                    failure = e;
                }
            }
            if (failure != null) throw failure;
        }
    }
}

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
 * goes away, and the directory is removed, unless the snapshot is kept: then its upper, journal
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
            ImageRecord image;
            try (Images images = Images.open(store)) {
                image = images.require(r.image());
            }
            ImageConfig config = ImageConfig.parse(image.configJson());
            List<String> args = config.args(r.command());
            if (args.isEmpty()) {
                throw new RunException("image '" + r.image() + "' has no Entrypoint or Cmd: give a command after --");
            }
            s = new Session(store, RunDir.claim(store.root(), id), runtime, r, image, config, args);
        } catch (StoreException e) {
            store.close();
            throw new RunException(e.getMessage(), e);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        Session session = s;
        Thread hook = new Thread(session::abort, "lamina run: stop " + id);
        Runtime.getRuntime().addShutdownHook(hook);
        try {
            session.start(transport);
            return session.await();
        } finally {
            session.close();
            try {
                Runtime.getRuntime().removeShutdownHook(hook);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running or has run
            }
        }
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

        /** SIGTERM/SIGINT: kill the container, then clean up as after a normal end. */
        void abort() {
            synchronized (this) {
                if (closed) return;
                if (process != null && process.isAlive()) {
                    runtime.killQuietly(containerId);
                    try {
                        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly();
                    } catch (InterruptedException e) {
                        Thread.currentThread().interrupt();
                    }
                    if (exitCode == null) exitCode = 128 + 9;
                }
            }
            close();
        }

        synchronized void close() {
            if (closed) return;
            closed = true;
            try {
                if (process != null) {
                    if (process.isAlive()) {
                        runtime.killQuietly(containerId);
                        try {
                            process.waitFor(10, TimeUnit.SECONDS);
                        } catch (InterruptedException e) {
                            Thread.currentThread().interrupt();
                        }
                    }
                    if (Files.exists(runtime.stateRoot().resolve(containerId))) runtime.deleteQuietly(containerId);
                }
                if (mounted != null) mounted.close();
                // The journal's consumer probes the chain: close it before the engine closes the chain.
                if (journal != null) journal.close();
                if (fs != null) fs.close();
            } finally {
                store.close();
                if (request.keep() && record != null && process != null) {
                    record.exited(exitCode == null ? -1 : exitCode).write(dir.record());
                    dir.close();
                } else {
                    dir.remove();
                }
            }
        }
    }
}

package io.lamina.bench;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.MountTable;
import io.lamina.fuse.Transports;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/** The five targets of the issue, in the order the harness interleaves them. */
final class Targets {
    static final String PLAIN = "plain";
    static final String OVERLAYFS = "overlayfs";
    static final String FUSE_OVERLAYFS = "fuse-overlayfs";
    static final String LAMINA_NATIVE = "lamina-native";
    static final String LAMINA_JNR = "lamina-jnr";

    /** Kernel overlayfs mount options beside lowerdir/upperdir/workdir: the kernel's defaults. */
    static final String OVERLAY_OPTIONS = "";

    private Targets() {
    }

    static List<Target> all() {
        return List.of(new Plain(), new KernelOverlay(), new FuseOverlayfs(), new Lamina("native"), new Lamina("jnr"));
    }

    /**
     * The targets named in {@code names} (comma-separated), in the harness's order; all of them
     * for null. IllegalArgumentException naming the choices for an unknown name.
     */
    static List<Target> named(String names) {
        if (names == null) return all();
        List<String> wanted = List.of(names.split(","));
        List<String> known = all().stream().map(Target::name).toList();
        for (String w : wanted) {
            if (!known.contains(w)) throw new IllegalArgumentException("unknown target '" + w + "' (choose from: " + String.join(", ", known) + ")");
        }
        return all().stream().filter(t -> wanted.contains(t.name())).toList();
    }

    private static Path mkdirs(Path dir, String name) throws IOException {
        return Files.createDirectories(dir.resolve(name)).toAbsolutePath();
    }

    /** Waits until the root answers a stat and returns the seconds since {@code t0}. */
    private static double answered(Path root, long t0) throws IOException {
        Files.readAttributes(root, "unix:ino");
        return (System.nanoTime() - t0) / 1e9;
    }

    private static void umount(Path mp) throws IOException {
        try {
            Proc.run(List.of("umount", mp.toString()), null);
        } catch (IOException e) {
            Proc.run(List.of("umount", "-l", mp.toString()), null); // busy: detach, it goes when unused
        }
    }

    /** A plain directory holding a copy of the merged tree: the ceiling every union aims at. */
    static final class Plain implements Target {
        @Override
        public String name() {
            return PLAIN;
        }

        @Override
        public Mount mount(Stack stack, Path dir) throws IOException {
            Path src = mkdirs(dir, "merged-ro");
            Path mnt = mkdirs(dir, "mnt");
            // A read-only overlay (no upper) shows the merged tree; cp -a copies it out and it goes.
            Proc.run(List.of("mount", "-t", "overlay", "overlay", "-o", "lowerdir=" + stack.lowerdir(), src.toString()), null);
            // Registered, so that Ctrl-C during the copy does not leave the overlay mounted.
            AutoCloseable readOnly = Cleanup.register(() -> umount(src));
            try {
                Proc.run(List.of("cp", "-a", src + "/.", mnt.toString()), null);
            } finally {
                Cleanup.closed(readOnly);
                umount(src);
            }
            return new Mount(PLAIN, mnt, Double.NaN, -1, () -> Cleanup.deleteTree(mnt));
        }
    }

    /** The kernel's overlayfs with the stack as lowerdir and a fresh upper. */
    static final class KernelOverlay implements Target {
        @Override
        public String name() {
            return OVERLAYFS;
        }

        @Override
        public Mount mount(Stack stack, Path dir) throws IOException {
            Path upper = mkdirs(dir, "upper");
            Path work = mkdirs(dir, "work");
            Path mnt = mkdirs(dir, "mnt");
            String opts = "lowerdir=" + stack.lowerdir() + ",upperdir=" + upper + ",workdir=" + work + OVERLAY_OPTIONS;
            long t0 = System.nanoTime();
            Proc.run(List.of("mount", "-t", "overlay", "overlay", "-o", opts, mnt.toString()), null);
            return new Mount(OVERLAYFS, mnt, answered(mnt, t0), -1, () -> umount(mnt));
        }
    }

    /** fuse-overlayfs in the foreground (one process per mount, so its RSS can be read). */
    static final class FuseOverlayfs implements Target {
        @Override
        public String name() {
            return FUSE_OVERLAYFS;
        }

        @Override
        public String missing() {
            if (!Proc.has("fuse-overlayfs")) return "fuse-overlayfs is not installed (apt-get install fuse-overlayfs)";
            if (!Files.exists(Path.of("/dev/fuse"))) return "no /dev/fuse";
            return null;
        }

        @Override
        public Mount mount(Stack stack, Path dir) throws IOException {
            Path upper = mkdirs(dir, "upper");
            Path work = mkdirs(dir, "work");
            Path mnt = mkdirs(dir, "mnt");
            String opts = "lowerdir=" + stack.lowerdir() + ",upperdir=" + upper + ",workdir=" + work;
            long t0 = System.nanoTime();
            Process p = new ProcessBuilder("fuse-overlayfs", "-f", "-o", opts, mnt.toString())
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD)
                    .redirectError(dir.resolve("fuse-overlayfs.log").toFile()).start();
            long deadline = System.nanoTime() + 30_000_000_000L;
            while (MountTable.at(mnt).filter(m -> m.fsType().startsWith("fuse")).isEmpty()) {
                if (!p.isAlive()) {
                    throw new IOException("fuse-overlayfs exited " + p.exitValue() + ": "
                            + Files.readString(dir.resolve("fuse-overlayfs.log")).strip());
                }
                if (System.nanoTime() > deadline) {
                    p.destroyForcibly();
                    throw new IOException("fuse-overlayfs did not mount " + mnt + " in 30 s");
                }
                Thread.onSpinWait();
            }
            return new Mount(FUSE_OVERLAYFS, mnt, answered(mnt, t0), p.pid(), () -> {
                try {
                    umount(mnt);
                } finally {
                    if (!p.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) p.destroyForcibly();
                }
            });
        }
    }

    /** lamina in this JVM: fs-core's union served by one of fuse-mount's transports. */
    static final class Lamina implements Target {
        private final String transport;

        Lamina(String transport) {
            this.transport = transport;
        }

        @Override
        public String name() {
            return "lamina-" + transport;
        }

        @Override
        public String missing() {
            if (!Files.exists(Path.of("/dev/fuse"))) return "no /dev/fuse";
            if (transport.equals("jnr") && Set.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2", "/lib/x86_64-linux-gnu/libfuse.so.2",
                    "/usr/lib/aarch64-linux-gnu/libfuse.so.2").stream().noneMatch(f -> Files.exists(Path.of(f)))) {
                return "libfuse2 is not installed (apt-get install libfuse2)";
            }
            return null;
        }

        @Override
        public Mount mount(Stack stack, Path dir) throws IOException {
            Path upper = mkdirs(dir, "upper");
            Path work = mkdirs(dir, "work");
            Path mnt = mkdirs(dir, "mnt");
            long t0 = System.nanoTime();
            InodeFs fs = UnionFs.open(UnionSpec.ofDirs(stack.topFirst(), upper, work));
            FuseTransport.Mounted m;
            try {
                m = Transports.byName(transport).mount(fs, mnt, MountOptions.defaults());
            } catch (RuntimeException e) {
                fs.close();
                throw new IOException("lamina " + transport + " mount failed: " + e.getMessage(), e);
            }
            java.util.function.Supplier<java.util.Map<String, Long>> requests =
                    m instanceof io.lamina.fuse.NativeFuseTransport.NativeMount n ? () -> n.counters().snapshot() : java.util.Map::of;
            return new Mount(name(), mnt, answered(mnt, t0), -1, () -> {
                try {
                    m.close();
                } finally {
                    fs.close();
                }
            }, requests);
        }
    }
}

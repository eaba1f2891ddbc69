package io.lamina.bench;

import io.lamina.fuse.MountTable;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Content;
import io.lamina.testdata.ImageConfig;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.OciImages;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Container start (snapshotter issue: {@code ctr run --rm} within 1.5× of containerd's overlayfs):
 * a private containerd with lamina's snapshotter (a child JVM of this one) as a proxy plugin, a
 * busybox image imported and unpacked into both snapshotters, then {@code ctr run --rm IMAGE
 * /bin/true} on each, interleaved, {@code runs} times. The same steps as
 * bench/scripts/snapshotter-vs-overlayfs.sh. Skipped, with the reason, without root, containerd,
 * ctr, runc or /bin/busybox. Both daemons are stopped by pid, every mount under the work
 * directory is gone and the directory deleted when it returns.
 */
final class ContainerStart {
    private static final String REF = "docker.io/bench/start:1";

    private final Path dir;
    private final int runs;
    private final int containers;
    private final int sharedMib;
    private final Progress progress;

    /** {@code runs} timed starts per snapshotter; then {@code containers} at once on lamina, each reading a {@code sharedMib} file. */
    ContainerStart(Path dir, int runs, int containers, int sharedMib, Progress progress) {
        this.dir = dir.toAbsolutePath();
        this.runs = runs;
        this.containers = containers;
        this.sharedMib = sharedMib;
        this.progress = progress;
    }

    /** Why container start cannot be measured here, or null. */
    static String missing() {
        if (!Sys.isRoot()) return "not root";
        for (String tool : List.of("containerd", "ctr", "runc")) {
            if (!Proc.has(tool)) return tool + " is not installed";
        }
        if (!Files.isRegularFile(Path.of("/bin/busybox"))) return "no /bin/busybox for the image";
        return null;
    }

    /** The figures of {@link StoreBench#UNPACK}, {@link StoreBench#CTR}, {@link StoreBench#RSS} and {@link StoreBench#CACHE}, in that order. */
    List<StoreFigure> run() throws Exception {
        String why = missing();
        if (why != null) {
            return List.of(StoreBench.UNPACK, StoreBench.CTR, StoreBench.RSS, StoreBench.CACHE).stream()
                    .map(k -> StoreFigure.skipped(k, StoreBench.GOALS.get(k), "skipped: " + why)).toList();
        }
        String goal = StoreBench.GOALS.get(StoreBench.CTR);
        List<StoreFigure> out = new ArrayList<>();
        Cleanup.deleteTree(dir);
        Files.createDirectories(dir);
        Path image = dir.resolve("image.tar");
        OciImages.writeOciArchive(ImageSpec.of(REF, ImageConfig.defaults(), busybox(), shared(sharedMib)), image, Compression.NONE);
        Process snap = null, containerd = null;
        try {
            Path snapSock = dir.resolve("lamina.sock");
            snap = start(lamina(List.of("--root", dir.resolve("lamina").toString(), "snapshotter", "--address", snapSock.toString())),
                    dir.resolve("lamina.log"));
            waitFor(() -> Files.exists(snapSock), snap, "lamina snapshotter", dir.resolve("lamina.log"));
            Path config = dir.resolve("config.toml");
            Path sock = dir.resolve("containerd.sock");
            Files.writeString(config, "version = 2\nroot = \"" + dir.resolve("root") + "\"\nstate = \"" + dir.resolve("state") + "\"\n"
                    + "disabled_plugins = [\"io.containerd.grpc.v1.cri\"]\n[grpc]\n  address = \"" + sock + "\"\n"
                    + "[proxy_plugins]\n  [proxy_plugins.lamina]\n    type = \"snapshot\"\n    address = \"" + snapSock + "\"\n");
            containerd = start(List.of("containerd", "--config", config.toString()), dir.resolve("containerd.log"));
            List<String> ctr = List.of("ctr", "-a", sock.toString(), "-n", "bench");
            waitFor(() -> {
                try {
                    Proc.run(concat(ctr, "version"), null);
                    return true;
                } catch (IOException e) {
                    return false;
                }
            }, containerd, "containerd", dir.resolve("containerd.log"));
            Proc.run(concat(ctr, "images", "import", "--no-unpack", image.toString()), null);
            Map<String, Double> unpack = new LinkedHashMap<>();
            for (String sn : List.of("overlayfs", "lamina")) {
                progress.show("store · container start · unpacking into " + sn);
                Proc.run(List.of("sync"), null);
                long t0 = System.nanoTime();
                Proc.run(concat(ctr, "images", "import", "--snapshotter", sn, image.toString()), null);
                unpack.put(sn, (System.nanoTime() - t0) / 1e9);
            }
            Map<String, Double> uf = new LinkedHashMap<>();
            uf.put("lamina_s", unpack.get("lamina"));
            uf.put("overlayfs_s", unpack.get("overlayfs"));
            out.add(new StoreFigure(StoreBench.UNPACK, StoreBench.GOALS.get(StoreBench.UNPACK), String.format(Locale.ROOT,
                    "busybox + %d MiB layer, `ctr images import --snapshotter`, once each", sharedMib),
                    unpack.get("overlayfs") / unpack.get("lamina"), "×", 0.6, true, String.format(Locale.ROOT, "lamina %s ms, overlayfs %s ms",
                    Report.fmt(unpack.get("lamina") * 1000), Report.fmt(unpack.get("overlayfs") * 1000)), uf, null));
            Map<String, List<Double>> secs = new LinkedHashMap<>();
            secs.put("overlayfs", new ArrayList<>());
            secs.put("lamina", new ArrayList<>());
            for (int i = 0; i <= runs; i++) {
                for (String sn : secs.keySet()) {
                    progress.show("store · container start · " + sn + " " + i + "/" + runs);
                    long t0 = System.nanoTime();
                    Proc.run(concat(ctr, "run", "--rm", "--snapshotter", sn, REF, "c-" + sn + "-" + i, "/bin/true"), null);
                    if (i > 0) secs.get(sn).add((System.nanoTime() - t0) / 1e9); // run 0 warms both up, unmeasured
                }
            }
            double o = Stats.of(secs.get("overlayfs")).median(), l = Stats.of(secs.get("lamina")).median();
            Map<String, Double> f = new LinkedHashMap<>();
            f.put("lamina_s", l);
            f.put("overlayfs_s", o);
            f.put("runs", (double) runs);
            out.add(new StoreFigure(StoreBench.CTR, goal, String.format(Locale.ROOT, "busybox image, %d runs each, interleaved, median", runs),
                    l / o, "× of overlayfs", 1.5, false, String.format(Locale.ROOT, "lamina %s ms, overlayfs %s ms",
                    Report.fmt(l * 1000), Report.fmt(o * 1000)), f, null));
            try {
                out.addAll(many(ctr, snap.pid()));
            } catch (Exception e) {
                String failed = "failed: " + e.getClass().getSimpleName() + ": " + e.getMessage();
                out.add(StoreFigure.skipped(StoreBench.RSS, StoreBench.GOALS.get(StoreBench.RSS), failed));
                out.add(StoreFigure.skipped(StoreBench.CACHE, StoreBench.GOALS.get(StoreBench.CACHE), failed));
            }
            return out;
        } finally {
            stop(containerd);
            stop(snap);
            for (MountTable.Mount m : MountTable.read(MountTable.SELF).reversed()) {
                if (m.mountpoint().startsWith(dir)) Proc.run(List.of("umount", "-l", m.mountpoint().toString()), null);
            }
            Cleanup.deleteTree(dir);
        }
    }

    /**
     * {@code containers} containers of the image at once, on overlayfs (the baseline) and then on
     * lamina: the snapshotter JVM's RSS (it serves every mount) and the growth of Cached per copy
     * of the file all read. Every container is removed before it returns.
     */
    private List<StoreFigure> many(List<String> ctr, long snapPid) throws Exception {
        Spread base = spread(ctr, "overlayfs", snapPid);
        Spread l = spread(ctr, "lamina", snapPid);
        long one = (long) sharedMib << 20;
        String scale = String.format(Locale.ROOT, "%d containers (issue: 50), a %d MiB file each reads", containers, sharedMib);
        Map<String, Double> rf = new LinkedHashMap<>();
        rf.put("rss_mib", l.rssAfter() / 1048576.0);
        rf.put("rss_growth_mib", (l.rssAfter() - l.rssBefore()) / 1048576.0);
        rf.put("containers", (double) containers);
        Map<String, Double> cf = new LinkedHashMap<>();
        cf.put("cached_growth_mib", l.cachedGrowth() / 1048576.0);
        cf.put("overlayfs_cached_growth_mib", base.cachedGrowth() / 1048576.0);
        cf.put("file_mib", (double) sharedMib);
        cf.put("containers", (double) containers);
        return List.of(
                new StoreFigure(StoreBench.RSS, StoreBench.GOALS.get(StoreBench.RSS), scale, l.rssAfter() / 1048576.0, "MiB", 512, false,
                        String.format(Locale.ROOT, "snapshotter JVM RSS with all running; grew %s MiB from one container",
                                Report.fmt((l.rssAfter() - l.rssBefore()) / 1048576.0)), rf, null),
                new StoreFigure(StoreBench.CACHE, StoreBench.GOALS.get(StoreBench.CACHE), scale, (double) l.cachedGrowth() / one,
                        "× of one copy", 1.1, false, String.format(Locale.ROOT, "Cached (machine-wide) grew %s MiB on lamina; "
                                + "the same on containerd's overlayfs: %s MiB (%s× of one copy)", Report.fmt(l.cachedGrowth() / 1048576.0),
                        Report.fmt(base.cachedGrowth() / 1048576.0), Report.fmt((double) base.cachedGrowth() / one)), cf, null));
    }

    /** What {@link #spread} saw: the snapshotter's RSS before and after, and Cached's growth. */
    private record Spread(long rssBefore, long rssAfter, long cachedGrowth) {
    }

    /**
     * {@code containers} containers on {@code sn} at once, each reading /data/shared.bin and then
     * sleeping (a bind-mounted directory tells when all have read it); measured from after one
     * warm-up container with caches dropped before it.
     */
    private Spread spread(List<String> ctr, String sn, long snapPid) throws Exception {
        Path done = Files.createDirectories(dir.resolve("done-" + sn));
        Sys.dropCaches();
        Proc.run(concat(ctr, "run", "--rm", "--snapshotter", sn, REF, "c-warm-" + sn, "/bin/true"), null);
        long rss0 = Sys.rssBytes(snapPid), cached0 = Sys.cachedBytes();
        List<String> started = new ArrayList<>();
        try {
            for (int i = 0; i < containers; i++) {
                progress.show("store · " + containers + " containers on " + sn + " · starting " + (i + 1));
                String id = "c-many-" + sn + "-" + i;
                Proc.run(concat(ctr, "run", "-d", "--snapshotter", sn, "--mount",
                        "type=bind,src=" + done + ",dst=/done,options=rbind:rw", REF, id,
                        "/bin/sh", "-c", "cat /data/shared.bin > /dev/null && touch /done/" + i + " && exec sleep 3600"), null);
                started.add(id);
            }
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(120);
            while (true) {
                long n;
                try (var s = Files.list(done)) {
                    n = s.count();
                }
                if (n >= containers) break;
                if (System.nanoTime() > deadline) throw new IOException("only " + n + " of " + containers + " containers read the file in 120 s");
                Thread.sleep(100);
            }
            return new Spread(rss0, Sys.rssBytes(snapPid), Sys.cachedBytes() - cached0);
        } finally {
            progress.show("store · " + containers + " containers on " + sn + " · removing them");
            for (String id : started) {
                Proc.run(concat(ctr, "task", "rm", "-f", id), null, java.util.Set.of(0, 1));
                Proc.run(concat(ctr, "containers", "rm", id), null, java.util.Set.of(0, 1));
            }
        }
    }

    /** A layer holding the file every container of {@link #many} reads. */
    private static LayerSpec shared(int mib) {
        return LayerSpec.builder().createdBy("bench: shared file").file("data/shared.bin", Content.seeded(42, (long) mib << 20)).build();
    }

    /** One layer: busybox as /bin/sh and /bin/true, and the directories runc mounts over. */
    private static LayerSpec busybox() throws IOException {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench: container start");
        for (String d : List.of("bin", "etc", "proc", "dev", "sys", "tmp")) b.dir(d);
        b.file("bin/busybox", Content.bytes(Files.readAllBytes(Path.of("/bin/busybox")))).mode(0755);
        b.symlink("bin/sh", "busybox").symlink("bin/true", "busybox");
        b.text("etc/passwd", "root:x:0:0:root:/root:/bin/sh\n");
        return b.build();
    }

    /** A command running lamina's CLI in a child JVM with this JVM's class path and its module and native-access flags. */
    private static List<String> lamina(List<String> args) {
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("--") || a.startsWith("-Dchronicle")) cmd.add(a);
        }
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), "io.lamina.cli.Lamina"));
        cmd.addAll(args);
        return cmd;
    }

    private static Process start(List<String> cmd, Path log) throws IOException {
        return new ProcessBuilder(cmd).redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
                .redirectErrorStream(true).redirectOutput(log.toFile()).start();
    }

    interface Check {
        boolean ok() throws IOException;
    }

    private static void waitFor(Check ready, Process p, String what, Path log) throws Exception {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
        while (!ready.ok()) {
            if (!p.isAlive()) throw new IOException(what + " exited " + p.exitValue() + ": " + tail(log));
            if (System.nanoTime() > deadline) throw new IOException(what + " not ready in 60 s: " + tail(log));
            Thread.sleep(100);
        }
    }

    private static String tail(Path log) throws IOException {
        String s = Files.readString(log).strip();
        return s.substring(Math.max(0, s.length() - 300));
    }

    /** SIGTERM, then SIGKILL after 30 s. */
    private static void stop(Process p) throws InterruptedException {
        if (p == null) return;
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) {
            p.destroyForcibly();
            p.waitFor(10, TimeUnit.SECONDS);
        }
    }

    private static List<String> concat(List<String> head, String... tail) {
        List<String> l = new ArrayList<>(head);
        l.addAll(List.of(tail));
        return l;
    }
}

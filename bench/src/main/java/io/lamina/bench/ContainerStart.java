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
 * ctr, runc or /bin/busybox. Both daemons are stopped by pid and every mount under the work
 * directory is gone when it returns.
 */
final class ContainerStart {
    private static final String REF = "docker.io/bench/start:1";

    private final Path dir;
    private final int runs;
    private final Progress progress;

    ContainerStart(Path dir, int runs, Progress progress) {
        this.dir = dir.toAbsolutePath();
        this.runs = runs;
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

    StoreFigure run() throws Exception {
        String goal = StoreBench.GOALS.get(StoreBench.CTR);
        String why = missing();
        if (why != null) return StoreFigure.skipped(StoreBench.CTR, goal, "skipped: " + why);
        Files.createDirectories(dir);
        Path image = dir.resolve("image.tar");
        OciImages.writeOciArchive(ImageSpec.of(REF, ImageConfig.defaults(), busybox()), image, Compression.NONE);
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
            for (String sn : List.of("overlayfs", "lamina")) {
                Proc.run(concat(ctr, "images", "import", "--snapshotter", sn, image.toString()), null);
            }
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
            return new StoreFigure(StoreBench.CTR, goal, String.format(Locale.ROOT, "busybox image, %d runs each, interleaved, median", runs),
                    l / o, "× of overlayfs", 1.5, false, String.format(Locale.ROOT, "lamina %s ms, overlayfs %s ms",
                    Report.fmt(l * 1000), Report.fmt(o * 1000)), f, null);
        } finally {
            stop(containerd);
            stop(snap);
            for (MountTable.Mount m : MountTable.read(MountTable.SELF).reversed()) {
                if (m.mountpoint().startsWith(dir)) Proc.run(List.of("umount", "-l", m.mountpoint().toString()), null);
            }
        }
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

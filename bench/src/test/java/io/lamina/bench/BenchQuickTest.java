package io.lamina.bench;

import io.lamina.fuse.MountTable;
import org.junit.jupiter.api.Test;

import javax.imageio.ImageIO;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Runs {@code lamina bench --quick} end to end (the CI smoke): every target mounts, every
 * workload runs, the outputs exist, and no mount is left behind. No timing is checked.
 */
class BenchQuickTest {
    private static final boolean CI = "true".equals(System.getenv("CI"));

    private static void require(boolean ok, String why) {
        if (CI && !ok) fail("CI=true but " + why);
        assumeTrue(ok, why);
    }

    @Test
    void quickRunWritesEveryOutputAndCleansUp() throws Exception {
        require(Sys.isRoot(), "the harness needs root (mounts, drop_caches)");
        require(Files.exists(Path.of("/dev/fuse")), "no /dev/fuse");
        require(Proc.has("fuse-overlayfs"), "fuse-overlayfs is not installed");
        Path tmp = Path.of(System.getenv().getOrDefault("LAMINA_TEST_TMP", "target/test-tmp")).toAbsolutePath();
        Path work = tmp.resolve("bench-work");
        Path out = tmp.resolve("bench-out");
        Cleanup.deleteTree(out);
        ByteArrayOutputStream progress = new ByteArrayOutputStream();

        int exit = Bench.run(Profile.QUICK, work, out, tmp.resolve("RESULTS.md"), Targets.all(), "lamina bench --quick (BenchQuickTest)",
                new Progress(new PrintStream(progress, true), false));

        List<MountTable.Mount> left = MountTable.read(MountTable.SELF).stream()
                .filter(m -> m.mountpoint().startsWith(work)).toList();
        assertThat(left).as("mounts left under " + work).isEmpty();
        String md = Files.readString(out.resolve(Report.MD));
        assertThat(exit).as(md).isZero();
        assertThat(md).doesNotContain("**skipped").contains("(all agree)", "No workload failed.");
        for (String t : List.of(Targets.PLAIN, Targets.OVERLAYFS, Targets.FUSE_OVERLAYFS, Targets.LAMINA_NATIVE, Targets.LAMINA_JNR)) {
            assertThat(md).contains("| " + t);
        }
        for (Goal g : Goal.MOUNT_ISSUE) assertThat(md).contains(g.text());
        assertThat(md).contains("## Store and snapshotter targets");
        for (String g : StoreBench.GOALS.values()) assertThat(md).contains("| " + g + " |");
        List<String> jsonl = Files.readAllLines(out.resolve(Report.JSONL));
        // 5 targets × (14 workloads + mount latency, none for the plain directory), then one line per store target
        int workloads = 5 * Workloads.all().size() + 4;
        assertThat(jsonl).hasSize(workloads + StoreBench.GOALS.size());
        assertThat(jsonl.subList(0, workloads)).allMatch(l -> l.startsWith("{\"kind\":\"workload\""));
        assertThat(jsonl.subList(workloads, jsonl.size())).allMatch(l -> l.startsWith("{\"kind\":\"store\""))
                .noneMatch(l -> l.contains("\"skipped\":\"failed"));
        // Every store target is measured; the containerd ones are skipped with the reason where containerd is missing.
        long skipped = jsonl.stream().filter(l -> l.contains("\"skipped\":")).count();
        assertThat(skipped).isEqualTo(ContainerStart.missing() == null ? 0 : 4);
        assertThat(work.resolve("store")).doesNotExist();
        assertThat(ImageIO.read(out.resolve(Charts.RATIOS).toFile())).isNotNull();
        assertThat(progress.toString()).contains("round 1/1", "done:");
        assertThat(work.resolve("mounts")).doesNotExist();
        assertThat(Files.readString(tmp.resolve("RESULTS.md"))).contains("](bench-out/" + Charts.RATIOS + ")");
    }
}

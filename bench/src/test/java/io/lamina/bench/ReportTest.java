package io.lamina.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/** The report's arithmetic and files, from made-up samples (no mounts, no root). */
class ReportTest {
    private static final List<String> TARGETS = List.of(Targets.PLAIN, Targets.OVERLAYFS, Targets.FUSE_OVERLAYFS,
            Targets.LAMINA_NATIVE, Targets.LAMINA_JNR);

    @Test
    void medianOfOddAndEvenCounts() {
        assertThat(Stats.of(List.of(3.0, 1.0, 2.0)).median()).isEqualTo(2.0);
        assertThat(Stats.of(List.of(4.0, 1.0, 2.0, 3.0))).isEqualTo(new Stats(2.5, 1.0, 4.0, 4));
        assertThat(Stats.of(List.of()).present()).isFalse();
    }

    @Test
    void ratioAboveOneMeansTheFirstIsFaster() {
        // lamina takes 1 s for what overlayfs does in 2 s: twice as fast
        List<Sample> s = List.of(sample(1, Targets.LAMINA_NATIVE, "stat-all-warm", 1.0, 100),
                sample(1, Targets.OVERLAYFS, "stat-all-warm", 2.0, 100));
        assertThat(Report.ratio(s, Targets.LAMINA_NATIVE, Targets.OVERLAYFS, "stat-all-warm")).isCloseTo(2.0, within(1e-9));
    }

    @Test
    void goalsAreMetByRatioOrByAbsoluteTime() {
        Goal chmod = Goal.MOUNT_ISSUE.stream().filter(g -> g.workload().equals("copy-up-chmod")).findFirst().orElseThrow();
        Goal rename = Goal.MOUNT_ISSUE.stream().filter(g -> g.workload().equals("rename-lower-dir")).findFirst().orElseThrow();
        List<Sample> s = List.of(sample(1, Targets.LAMINA_NATIVE, "copy-up-chmod", 0.1, 5000),
                sample(1, Targets.OVERLAYFS, "copy-up-chmod", 0.9, 5000),
                sample(1, Targets.LAMINA_NATIVE, "rename-lower-dir", 0.004, 1));
        assertThat(Report.met(s, chmod, Targets.LAMINA_NATIVE)).isFalse(); // 9× < 10×
        assertThat(Report.met(s, rename, Targets.LAMINA_NATIVE)).isTrue(); // 4 ms ≤ 5 ms
        assertThat(Report.met(List.of(), chmod, Targets.LAMINA_NATIVE)).isNull();
    }

    @Test
    void writesMarkdownJsonLinesAndReadableCharts(@TempDir Path tmp) throws Exception {
        List<Sample> samples = new ArrayList<>();
        for (int round = 1; round <= 3; round++) {
            for (String t : TARGETS) {
                for (String w : Workloads.names()) samples.add(sample(round, t, w, 0.1 * round + TARGETS.indexOf(t) * 0.05, 1000));
            }
        }
        samples.add(new Sample(2, Targets.LAMINA_JNR, "untar-small-files", "files", Double.NaN, 0, "IOException: tar exited 2: \"x\""));
        List<MemoryBench.MemSample> memory = List.of(new MemoryBench.MemSample(Targets.OVERLAYFS, 1, 64 << 20, 0, null),
                new MemoryBench.MemSample(Targets.LAMINA_NATIVE, 1, 64 << 20, 12 << 20, null));
        Profile p = new Profile("test", 3, 10, 10, 1, 1, 1, 1, 1, 1, Profile.MIB, Profile.MIB, 1, 1, Profile.MIB, 1, List.of(1));
        List<StoreFigure> store = List.of(
                new StoreFigure(StoreBench.BUILD, StoreBench.GOALS.get(StoreBench.BUILD), "100,000 entries", 2500, "ms", 2000, false, "",
                        Map.of("build_ms", 2500.0), null),
                StoreFigure.skipped(StoreBench.RSS, StoreBench.GOALS.get(StoreBench.RSS), "not measured: no"));
        Harness.Results r = new Harness.Results(p, TARGETS, Map.of(), samples, memory, 1.5, store);

        Path md = Report.write(r, tmp.resolve("out"), tmp.resolve("RESULTS.md"), "lamina bench --test");

        assertThat(md).isEqualTo(tmp.resolve("RESULTS.md"));
        String text = Files.readString(md);
        assertThat(text).contains("> 1 means lamina is faster", "| seq-read-cold |", "lamina-native / overlayfs",
                "](out/ratios.png)", "](out/memory.png)", "tar exited 2", "## Store and snapshotter targets",
                "| store: chain index build for 100k entries < 2 s | 2,500 ms | 100,000 entries |  | **not met** |",
                "| not measured: no |  |  | not measured |");
        List<String> lines = Files.readAllLines(tmp.resolve("out").resolve(Report.JSONL));
        assertThat(lines).hasSize(samples.size() + memory.size() + store.size());
        assertThat(lines.get(samples.size() + memory.size() - 1)).startsWith("{\"kind\":\"memory\"");
        assertThat(lines.get(lines.size() - 2)).startsWith("{\"kind\":\"store\",\"key\":\"chain-build\"")
                .contains("\"value\":2500.0", "\"limit\":2000.0", "\"met\":false", "\"build_ms\":2500.0");
        assertThat(lines.getLast()).contains("\"met\":null", "\"skipped\":\"not measured: no\"");
        assertThat(lines.get(samples.size() - 1)).contains("\"error\":\"IOException: tar exited 2: \\\"x\\\"\"", "\"throughput\":null");
        BufferedImage chart = ImageIO.read(tmp.resolve("out").resolve(Charts.RATIOS).toFile());
        assertThat(chart.getWidth()).isGreaterThanOrEqualTo(1000);
        assertThat(ImageIO.read(tmp.resolve("out").resolve(Charts.MEMORY).toFile())).isNotNull();
    }

    @Test
    void storeFigureIsMetOnTheRightSideOfItsLimit() {
        StoreFigure atLeast = new StoreFigure("k", "g", "", 0.8, "×", 0.8, true, "", Map.of(), null);
        StoreFigure atMost = new StoreFigure("k", "g", "", 1.3, "×", 1.2, false, "", Map.of(), null);
        assertThat(atLeast.met()).isTrue();
        assertThat(atMost.met()).isFalse();
        assertThat(StoreFigure.skipped("k", "g", "skipped: no containerd").met()).isNull();
    }

    private static Sample sample(int round, String target, String workload, double seconds, double units) {
        return new Sample(round, target, workload, "files", seconds, units, null);
    }
}

package io.lamina.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Writes a run's results: {@code results.md} (medians with spread, ratios, the mount issue's
 * targets marked met or not, memory), {@code results.jsonl} (every sample) and the PNG charts.
 */
final class Report {
    static final String MD = "results.md";
    static final String JSONL = "results.jsonl";

    private static final List<String[]> RATIOS = List.of(
            new String[] {Targets.LAMINA_NATIVE, Targets.OVERLAYFS},
            new String[] {Targets.LAMINA_NATIVE, Targets.FUSE_OVERLAYFS},
            new String[] {Targets.LAMINA_JNR, Targets.OVERLAYFS},
            new String[] {Targets.LAMINA_JNR, Targets.FUSE_OVERLAYFS},
            new String[] {Targets.FUSE_OVERLAYFS, Targets.OVERLAYFS});

    private Report() {
    }

    /**
     * Writes every output file into {@code out} (created if needed), and the markdown also to
     * {@code report} unless null, with its chart links relative to it; returns the markdown's path.
     */
    static Path write(Harness.Results r, Path out, Path report, String command) throws IOException {
        Files.createDirectories(out);
        List<String> lines = new ArrayList<>();
        r.samples().forEach(s -> lines.add(s.json()));
        r.memory().forEach(m -> lines.add(m.json()));
        r.store().forEach(f -> lines.add(f.json()));
        Files.write(out.resolve(JSONL), lines);
        List<String> charts = Charts.write(r, out);
        Path md = out.resolve(MD);
        Files.writeString(md, markdown(r, command, charts, ""));
        if (report == null) return md;
        Files.createDirectories(report.getParent());
        String prefix = report.getParent().relativize(out) + "/";
        Files.writeString(report, markdown(r, command, charts, prefix.equals("/") ? "" : prefix));
        return report;
    }

    static double ratio(List<Sample> samples, String a, String b, String workload) {
        return Stats.throughput(samples, a, workload).median() / Stats.throughput(samples, b, workload).median();
    }

    /** The report; chart links are {@code chartPrefix + name}. */
    static String markdown(Harness.Results r, String command, List<String> charts, String chartPrefix) {
        StringBuilder s = new StringBuilder();
        List<Sample> samples = r.samples();
        List<String> targets = r.targets();
        s.append("# lamina side by side with kernel overlayfs and fuse-overlayfs\n\n");
        s.append("- date: ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append('\n');
        s.append("- machine: ").append(Sys.machine()).append('\n');
        s.append("- command: `").append(command).append("`\n");
        s.append("- profile: ").append(r.profile().name()).append(", ").append(r.profile().rounds())
                .append(" round(s), targets interleaved per round (A B C D E, A B C D E…), a fresh upper per mount\n");
        s.append(String.format(Locale.ROOT, "- lower stack: 3 layers (testdata), %,d small files in deep directories, a %d MiB and a %d MiB file, "
                        + "a %,d-entry merged directory; built or reused in %.1f s\n", r.profile().baseFiles(),
                r.profile().seqBytes() >> 20, r.profile().appendBytes() >> 20, r.profile().wideEntries(), r.stackSeconds()));
        s.append("- lamina is mounted in the harness's own JVM through fuse-mount's transports (`native`: FUSE on /dev/fuse via FFM, "
                + "passthrough on; `jnr`: jnr-fuse over libfuse2), `MountOptions.defaults()`; kernel overlayfs with its default options; "
                + "fuse-overlayfs in the foreground, one process per mount; each lamina transport is mounted and exercised once, "
                + "unmeasured, before round 1 (JVM warm-up)\n");
        s.append("- kernel overlayfs module defaults: ").append(Sys.overlayParameters())
                .append(" (with redirect_dir off, renaming a lower directory makes mv copy it; with metacopy off, chmod copies data up)\n");
        s.append("- cold = after `sync; echo 3 > /proc/sys/vm/drop_caches`\n");
        r.skipped().forEach((t, why) -> s.append("- **skipped ").append(t).append("**: ").append(why).append('\n'));
        s.append("\n**Ratio** = throughput of the first target ÷ throughput of the second (= time of the second ÷ time of the first), "
                + "so **> 1 means lamina is faster**.\n\n");

        s.append("## Medians (min–max over the rounds)\n\n| workload | unit |");
        targets.forEach(t -> s.append(' ').append(t).append(" |"));
        s.append("\n|---|---|");
        targets.forEach(t -> s.append("---:|"));
        s.append('\n');
        for (String w : Workloads.names()) {
            boolean timed = timed(w);
            String unit = samples.stream().filter(x -> x.workload().equals(w)).map(Sample::unit).findFirst().orElse("");
            s.append("| ").append(w).append(" | ").append(timed ? "ms" : unit + "/s").append(" |");
            for (String t : targets) {
                Stats st = timed ? Stats.seconds(samples, t, w) : Stats.throughput(samples, t, w);
                double k = timed ? 1000 : 1;
                s.append(' ').append(st.present() ? fmt(st.median() * k) + " (" + fmt(st.min() * k) + "–" + fmt(st.max() * k) + ")" : "–").append(" |");
            }
            s.append('\n');
        }

        s.append("\n## Ratios (throughput, > 1 = first is faster)\n\n| workload |");
        List<String[]> ratios = RATIOS.stream().filter(p -> targets.contains(p[0]) && targets.contains(p[1])).toList();
        ratios.forEach(p -> s.append(' ').append(p[0]).append(" / ").append(p[1]).append(" |"));
        s.append("\n|---|");
        ratios.forEach(p -> s.append("---:|"));
        s.append('\n');
        for (String w : Workloads.names()) {
            s.append("| ").append(w).append(" |");
            for (String[] p : ratios) s.append(' ').append(ratioText(ratio(samples, p[0], p[1], w))).append(" |");
            s.append('\n');
        }

        s.append("\n## The mount issue's targets (lamina-native against kernel overlayfs, this run)\n\n");
        s.append("| target | measured (lamina-native) | lamina-jnr | met |\n|---|---:|---:|:---:|\n");
        for (Goal g : Goal.MOUNT_ISSUE) {
            String native_ = goalFigure(samples, g, Targets.LAMINA_NATIVE);
            String jnr = goalFigure(samples, g, Targets.LAMINA_JNR);
            Boolean met = met(samples, g, Targets.LAMINA_NATIVE);
            s.append("| ").append(g.text()).append(g.scale().isEmpty() ? "" : " (" + g.scale() + ", measured at this run's scale)")
                    .append(" | ").append(native_).append(" | ").append(jnr).append(" | ")
                    .append(met == null ? "n/a" : met ? "met" : "**not met**").append(" |\n");
        }

        if (!r.store().isEmpty()) {
            s.append("\n## Store and snapshotter targets (this run)\n\n");
            s.append("In the harness's JVM after the mount workloads (import, chain index, engine lookups, journal), and through a "
                    + "private containerd (container start).\n\n");
            s.append("| target | measured | scale | detail | met |\n|---|---:|---|---|:---:|\n");
            for (StoreFigure f : r.store()) {
                Boolean met = f.met();
                s.append("| ").append(f.goal()).append(" | ")
                        .append(f.skipped() != null ? f.skipped().replace('|', '/').replace('\n', ' ') : fmt(f.value()) + (f.unit().startsWith("×") ? "" : " ") + f.unit())
                        .append(" | ").append(f.scale()).append(" | ").append(f.detail()).append(" | ")
                        .append(met == null ? (f.skipped() != null && f.skipped().startsWith("not measured") ? "not measured" : "n/a")
                                : met ? "met" : "**not met**").append(" |\n");
            }
        }

        if (!r.memory().isEmpty()) {
            s.append("\n## Memory: N mounts, each with its own upper, all reading the same ")
                    .append(r.profile().appendBytes() >> 20).append(" MiB file\n\n");
            s.append("Growth of Cached (/proc/meminfo, machine-wide) over the reads, caches dropped after mounting; growth of the "
                    + "serving processes' RSS from before mounting to after the reads (lamina: this JVM, all its mounts, after a GC; "
                    + "fuse-overlayfs: the sum of its processes; kernel overlayfs: none).\n\n");
            s.append("| target | mounts | page cache growth (MiB) | RSS growth (MiB) |\n|---|---:|---:|---:|\n");
            for (MemoryBench.MemSample m : r.memory()) {
                s.append("| ").append(m.target()).append(" | ").append(m.mounts()).append(" | ")
                        .append(m.error() == null ? fmt(m.cachedGrowth() / 1048576.0) : "error: " + m.error()).append(" | ")
                        .append(m.error() == null ? fmt(m.rssGrowth() / 1048576.0) : "").append(" |\n");
            }
        }

        s.append("\n## Checks\n\n");
        s.append("Entries seen by `find` (stat-all-warm), per target: ");
        List<String> counts = new ArrayList<>();
        for (String t : targets) {
            samples.stream().filter(x -> x.ok() && x.target().equals(t) && x.workload().equals("stat-all-warm")).findFirst()
                    .ifPresent(x -> counts.add(t + " " + (long) x.units()));
        }
        s.append(String.join(", ", counts)).append(counts.stream().map(c -> c.substring(c.lastIndexOf(' '))).distinct().count() <= 1
                ? " (all agree)\n" : " (**they differ**)\n");
        List<Sample> failed = samples.stream().filter(x -> !x.ok()).toList();
        if (failed.isEmpty()) s.append("\nNo workload failed.\n");
        else {
            s.append("\nFailures:\n\n");
            failed.forEach(f -> s.append("- round ").append(f.round()).append(' ').append(f.target()).append(' ')
                    .append(f.workload()).append(": ").append(f.error().replace('\n', ' ')).append('\n'));
        }
        if (!charts.isEmpty()) {
            s.append("\n## Charts\n\n");
            charts.forEach(c -> s.append("![").append(c).append("](").append(chartPrefix).append(c).append(")\n\n"));
        }
        return s.toString();
    }

    private static boolean timed(String workload) {
        return workload.equals(Workloads.MOUNT) || Workloads.all().stream().anyMatch(w -> w.name().equals(workload) && w.timed());
    }

    private static String goalFigure(List<Sample> samples, Goal g, String target) {
        if (g.absolute()) {
            Stats st = Stats.seconds(samples, target, g.workload());
            return st.present() ? fmt(st.median() * 1000) + " ms" : "–";
        }
        return ratioText(ratio(samples, target, Targets.OVERLAYFS, g.workload()));
    }

    /** Whether {@code target} meets {@code g} in this run; null when it was not measured. */
    static Boolean met(List<Sample> samples, Goal g, String target) {
        if (g.absolute()) {
            Stats st = Stats.seconds(samples, target, g.workload());
            return st.present() ? st.median() * 1000 <= g.maxMillis() : null;
        }
        double r = ratio(samples, target, Targets.OVERLAYFS, g.workload());
        return Double.isNaN(r) ? null : r >= g.min();
    }

    static String ratioText(double r) {
        return Double.isNaN(r) ? "–" : fmt(r) + "×";
    }

    /** Three significant digits, thousands separated. */
    static String fmt(double v) {
        if (Double.isNaN(v) || Double.isInfinite(v)) return "–";
        if (v == 0) return "0";
        double a = Math.abs(v);
        if (a >= 1000) return String.format(Locale.ROOT, "%,.0f", v);
        if (a >= 100) return String.format(Locale.ROOT, "%.0f", v);
        if (a >= 10) return String.format(Locale.ROOT, "%.1f", v);
        if (a >= 1) return String.format(Locale.ROOT, "%.2f", v);
        return String.format(Locale.ROOT, "%.3f", v);
    }
}

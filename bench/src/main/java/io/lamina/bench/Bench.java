package io.lamina.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/**
 * {@code lamina bench}: the side-by-side harness. bin/lamina hands the {@code bench} command to
 * this module's jar, because cli must not depend on bench.
 */
@Command(name = "lamina bench", mixinStandardHelpOptions = true, subcommands = Bench.Jmh.class,
        description = {"Mounts one deterministic lower stack as a plain directory, kernel overlayfs, fuse-overlayfs and "
                + "lamina (native and jnr transports), runs the same workloads on each, interleaved, and writes "
                + "results.md, results.jsonl and PNG charts; then measures the store and snapshotter targets (import against "
                + "tar -x, chain index, lookup at depth 1000, usage/diff, ctr run --rm through containerd when installed). "
                + "Needs root (mounts, drop_caches) and /dev/fuse."})
public final class Bench implements Callable<Integer> {
    @Option(names = "--quick", description = "Small stack, one round, no memory part, the store part at a small "
            + "scale (the CI smoke, under 3 minutes).")
    boolean quick;

    @Option(names = "--out", paramLabel = "DIR", description = "Where the results go (default: bench-results).")
    Path out = Path.of("bench-results");

    @Option(names = "--work", paramLabel = "DIR", description = "Scratch space for the stack and the mounts; must be on a "
            + "disk filesystem that supports overlayfs uppers (default: /var/tmp/lamina-bench).")
    Path work = Path.of("/var/tmp/lamina-bench");

    @Option(names = "--rounds", paramLabel = "N", description = "Rounds (default: 3, or 1 with --quick).")
    Integer rounds;

    @Option(names = "--targets", paramLabel = "LIST", description = "Only these targets, comma-separated, from: plain, "
            + "overlayfs, fuse-overlayfs, lamina-native, lamina-jnr (default: all). Ratios need overlayfs.")
    String targets;

    @Option(names = "--workloads", paramLabel = "LIST", description = "Only these workloads, comma-separated, by the "
            + "names of the report's table (default: all; for profiling one workload).")
    String workloads;

    @Option(names = "--report", paramLabel = "FILE", description = "Also write the markdown report here, its chart "
            + "links pointing into --out (the published run: --out bench/results --report bench/RESULTS.md).")
    Path report;

    /** {@code lamina bench jmh [JMH options]}: the engine's JMH micro-benchmarks (io.lamina.bench.jmh). */
    @Command(name = "jmh", description = {"Runs the JMH micro-benchmarks of the engine; every argument goes to JMH "
            + "(e.g. `-f 1 EngineBench.lookup`, `-l` to list, `-h` for JMH's help)."})
    static final class Jmh implements Callable<Integer> {
        @CommandLine.Unmatched
        java.util.List<String> args = new java.util.ArrayList<>();

        @Override
        public Integer call() throws Exception {
            org.openjdk.jmh.Main.main(args.toArray(String[]::new));
            return 0;
        }
    }

    public static void main(String[] args) {
        System.exit(new CommandLine(new Bench()).execute(args));
    }

    @Override
    public Integer call() throws Exception {
        if (!Sys.isRoot()) {
            System.err.println("lamina bench: needs root (it mounts overlayfs and FUSE and drops the page cache)");
            return 2;
        }
        Profile p = quick ? Profile.QUICK : Profile.FULL;
        if (rounds != null) {
            if (rounds < 1) {
                System.err.println("lamina bench: --rounds must be at least 1");
                return 2;
            }
            p = new Profile(p.name(), rounds, p.baseFiles(), p.wideEntries(), p.chmodFiles(), p.deleteFiles(), p.renameFiles(),
                    p.srcFiles(), p.untarFiles(), p.createFiles(), p.seqBytes(), p.appendBytes(), p.negativeLookups(),
                    p.readdirRepeats(), p.randomReadBytes(), p.randomReadSeconds(), p.memoryMounts());
        }
        java.util.List<Target> chosen;
        try {
            chosen = Targets.named(targets);
        } catch (IllegalArgumentException e) {
            System.err.println("lamina bench: " + e.getMessage());
            return 2;
        }
        java.util.List<Workload> wl;
        try {
            wl = Workloads.named(workloads);
            if (workloads != null) {
                // A chosen subset is for profiling: the memory part is left out.
                p = new Profile(p.name(), p.rounds(), p.baseFiles(), p.wideEntries(), p.chmodFiles(), p.deleteFiles(),
                        p.renameFiles(), p.srcFiles(), p.untarFiles(), p.createFiles(), p.seqBytes(), p.appendBytes(),
                        p.negativeLookups(), p.readdirRepeats(), p.randomReadBytes(), p.randomReadSeconds(), java.util.List.of());
            }
        } catch (IllegalArgumentException e) {
            System.err.println("lamina bench: " + e.getMessage());
            return 2;
        }
        String command = "lamina bench" + (quick ? " --quick" : "") + " --out " + out + (rounds != null ? " --rounds " + rounds : "") + (targets != null ? " --targets " + targets : "") + (workloads != null ? " --workloads " + workloads : "") + (report != null ? " --report " + report : "");
        return run(p, work.toAbsolutePath(), out.toAbsolutePath(), report == null ? null : report.toAbsolutePath(), chosen,
                wl, command, new Progress(System.err, System.console() != null));
    }

    /**
     * Runs the harness over {@code targets} and writes its outputs into {@code out} (and the report also to
     * {@code report} when not null); 0 when every target mounted and every workload ran.
     */
    static int run(Profile p, Path work, Path out, Path report, java.util.List<Target> targets, String command, Progress progress)
            throws Exception {
        return run(p, work, out, report, targets, Workloads.all(), command, progress);
    }

    /** As {@link #run(Profile, Path, Path, Path, java.util.List, String, Progress)}, running only {@code workloads}. */
    static int run(Profile p, Path work, Path out, Path report, java.util.List<Target> targets, java.util.List<Workload> workloads,
                   String command, Progress progress) throws Exception {
        Files.createDirectories(work);
        try {
            Harness.Results r = new Harness(p, work, targets, workloads, progress).run();
            progress.show("writing results to " + out);
            Path md = Report.write(r, out, report, command);
            long failures = r.samples().stream().filter(s -> !s.ok()).count()
                    + r.memory().stream().filter(m -> m.error() != null).count()
                    + r.store().stream().filter(f -> f.skipped() != null && f.skipped().startsWith("failed")).count();
            progress.done("done: " + md + (failures > 0 ? " (" + failures + " failed runs, see the report)" : ""));
            return failures > 0 ? 1 : 0;
        } finally {
            Cleanup.closeAll();
        }
    }
}

package io.lamina.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Runs the side-by-side comparison: builds the stack, then for each round mounts every target in
 * turn (A B C D E, A B C D E…) with a fresh upper, runs every workload on it, unmounts; then the
 * memory part. A target that cannot mount, or a workload that fails, is recorded and the run goes
 * on. Then the store and snapshotter part ({@link StoreBench}). Every mount is closed before the next one is made; {@link Cleanup} covers interruptions.
 */
final class Harness {
    private final Profile profile;
    private final Path work;
    private final List<Target> targets;
    private final List<Workload> workloads;
    private final Progress progress;

    /** A harness over {@code targets}, in the order each round mounts them, running every workload. */
    Harness(Profile profile, Path work, List<Target> targets, Progress progress) {
        this(profile, work, targets, Workloads.all(), progress);
    }

    /** A harness over {@code targets} running only {@code workloads} (in their table order). */
    Harness(Profile profile, Path work, List<Target> targets, List<Workload> workloads, Progress progress) {
        this.profile = profile;
        this.work = work;
        this.targets = List.copyOf(targets);
        this.workloads = List.copyOf(workloads);
        this.progress = progress;
    }

    /** Everything one run measured, and which targets it skipped and why. */
    record Results(Profile profile, List<String> targets, Map<String, String> skipped, List<Sample> samples,
                   List<MemoryBench.MemSample> memory, double stackSeconds, List<StoreFigure> store) {
    }

    Results run() throws IOException {
        long t0 = System.nanoTime();
        progress.show("building the " + profile.name() + " lower stack under " + work + " …");
        Stack stack = Stack.build(profile, work);
        double stackSeconds = (System.nanoTime() - t0) / 1e9;
        Map<String, String> skipped = new LinkedHashMap<>();
        List<Target> active = new ArrayList<>();
        for (Target t : targets) {
            String why = t.missing();
            if (why == null) active.add(t);
            else skipped.put(t.name(), why);
        }
        List<Sample> samples = new ArrayList<>();
        Path runs = work.resolve("mounts");
        warmUp(stack, active, skipped, runs);
        for (int round = 1; round <= profile.rounds(); round++) {
            for (Target t : new ArrayList<>(active)) {
                String where = "round " + round + "/" + profile.rounds() + " · " + t.name();
                Path dir = runs.resolve("r" + round + "-" + t.name());
                Cleanup.deleteTree(dir);
                Files.createDirectories(dir);
                progress.show(where + " · mounting");
                try (Mount m = t.mount(stack, dir)) {
                    if (!Double.isNaN(m.mountSeconds())) {
                        samples.add(new Sample(round, t.name(), Workloads.MOUNT, "mounts", m.mountSeconds(), 1, null));
                    }
                    int i = 0;
                    for (Workload w : workloads) {
                        progress.show(where + " · " + w.name() + " (" + ++i + "/" + workloads.size() + ")");
                        java.util.Map<String, Long> before = m.requests();
                        samples.add(measure(round, t.name(), w, m.root(), stack));
                        if (Boolean.getBoolean("lamina.bench.requests")) printRequests(t.name(), w.name(), before, m.requests());
                    }
                } catch (Exception e) {
                    if (round == 1 && samples.stream().noneMatch(s -> s.target().equals(t.name()))) {
                        active.remove(t);
                        skipped.put(t.name(), "cannot mount: " + e.getMessage());
                    } else {
                        samples.add(new Sample(round, t.name(), Workloads.MOUNT, "mounts", Double.NaN, 0, String.valueOf(e.getMessage())));
                    }
                } finally {
                    Cleanup.deleteTree(dir);
                }
            }
        }
        List<MemoryBench.MemSample> memory = new ArrayList<>();
        if (!profile.memoryMounts().isEmpty()) {
            memory = new MemoryBench(stack, runs.resolve("memory"), progress)
                    .run(active.stream().filter(t -> !t.name().equals(Targets.PLAIN) && !t.name().equals(Targets.LAMINA_JNR)).toList());
        }
        Cleanup.deleteTree(runs);
        // The store and snapshotter part: in this JVM and through containerd, after every mount is gone.
        List<StoreFigure> store = new StoreBench(profile.storeScale(), work.resolve("store"), progress).run();
        return new Results(profile, active.stream().map(Target::name).toList(), skipped, samples, memory, stackSeconds, store);
    }

    /**
     * lamina runs in this JVM: its first mount would pay for class loading and JIT compilation
     * that a long-running mount daemon pays once. Each lamina target is mounted and exercised once,
     * unmeasured, before round 1. A target that cannot mount here is skipped with the reason.
     */
    private void warmUp(Stack stack, List<Target> active, Map<String, String> skipped, Path runs) throws IOException {
        List<Workload> exercise = List.of(new Workloads.StatAll("warm-up", false), new Workloads.SeqRead("warm-up", false),
                new Workloads.ReaddirWide());
        for (Target t : new ArrayList<>(active)) {
            if (!t.name().startsWith("lamina")) continue;
            progress.show("warming up the JVM · " + t.name());
            Path dir = runs.resolve("warm-up-" + t.name());
            Cleanup.deleteTree(dir);
            Files.createDirectories(dir);
            try (Mount m = t.mount(stack, dir)) {
                for (Workload w : exercise) w.run(m.root(), stack);
            } catch (Exception e) {
                active.remove(t);
                skipped.put(t.name(), "cannot mount: " + e.getMessage());
            } finally {
                Cleanup.deleteTree(dir);
            }
        }
    }

    /** With -Dlamina.bench.requests=true: the FUSE requests one workload caused, by opcode (for profiling). */
    private static void printRequests(String target, String workload, Map<String, Long> before, Map<String, Long> after) {
        if (after.isEmpty()) return;
        StringBuilder b = new StringBuilder("requests " + target + " " + workload + ":");
        after.forEach((op, n) -> {
            long d = n - before.getOrDefault(op, 0L);
            if (d != 0) b.append(' ').append(op).append('=').append(d);
        });
        System.err.println(b);
    }

    private static Sample measure(int round, String target, Workload w, Path root, Stack stack) {
        try {
            if (w.cold()) Sys.dropCaches();
            Workload.Result r = w.run(root, stack);
            return new Sample(round, target, w.name(), w.unit(), r.seconds(), r.units(), null);
        } catch (Exception e) {
            return new Sample(round, target, w.name(), w.unit(), Double.NaN, 0, e.getClass().getSimpleName() + ": " + e.getMessage());
        }
    }
}

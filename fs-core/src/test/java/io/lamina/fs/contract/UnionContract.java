package io.lamina.fs.contract;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.DynamicContainer;
import org.junit.jupiter.api.DynamicNode;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.TestInstance;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.stream.Stream;

/**
 * The union contract: every {@link Scenarios scenario} runs on a fresh mount of its layer stack by
 * the {@link #oracle} and by the {@link #subject}, each with its own empty upper, and what a user
 * sees afterwards ({@link Observation}) must be the same, up to the {@link IntendedDifferences}.
 * A concrete test names the two targets; e.g. {@code KernelVsEngineContractTest} (kernel overlayfs
 * vs lamina's engine), and a FUSE module adds its own by subclassing with a FUSE target.
 *
 * <p>Layer stacks are built once per (depth, form) and shared read-only by all scenarios. A
 * missing prerequisite (root, overlayfs) skips the tests, or fails them under CI=true.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
public abstract class UnionContract {
    private final Map<String, LayerStack> stacks = new ConcurrentHashMap<>();
    private Path base;
    private long atime;

    /** The target whose behaviour is right by definition (the kernel). */
    protected abstract UnionTarget oracle();

    /** The target under test. */
    protected abstract UnionTarget subject();

    /** The differences the subject is meant to show; lamina's by default. */
    protected List<IntendedDifferences.Difference> intendedDifferences() {
        return IntendedDifferences.ALL;
    }

    /** Differences known and awaiting a fix in the subject (see {@link KnownMismatch}). */
    protected List<KnownMismatch> knownMismatches() {
        return List.of();
    }

    /** Which scenarios to run; all by default. */
    protected boolean includes(Scenario s) {
        return true;
    }

    @TestFactory
    public Stream<DynamicNode> unionContract() {
        List<Scenario> all = Scenarios.all().stream().filter(this::includes).toList();
        Map<String, List<Scenario>> byStack = new java.util.LinkedHashMap<>();
        for (Scenario s : all) byStack.computeIfAbsent("depth" + s.depth() + "-" + s.form().label(), k -> new ArrayList<>()).add(s);
        return byStack.entrySet().stream().map(e -> DynamicContainer.dynamicContainer(e.getKey(),
                e.getValue().stream().map(s -> DynamicTest.dynamicTest(s.name(), () -> check(s)))));
    }

    private void requirePrerequisites() {
        Prerequisites.require(oracle().checkAvailable());
        Prerequisites.require(subject().checkAvailable());
    }

    private synchronized LayerStack stack(int depth, LayerForm form) {
        if (base == null) {
            base = Prerequisites.tempDir("contract-");
            atime = System.currentTimeMillis() / 1000 + 2 * 86_400;
        }
        return stacks.computeIfAbsent(depth + "-" + form, k ->
                LayerFixtures.build(base.resolve("stack-" + depth + "-" + form.label()), depth, form, atime));
    }

    /** Runs {@code s} on both targets and compares. */
    protected void check(Scenario s) {
        requirePrerequisites();
        LayerStack stack = stack(s.depth(), s.form());
        List<String> want = IntendedDifferences.expected(s.name(), run(oracle(), stack, s).lines(),
                intendedDifferences());
        List<String> got = new ArrayList<>(run(subject(), stack, s).lines());
        got.sort(null);
        List<String> diff = Observation.diff(oracle().name(), want, subject().name(), got);
        if (diff.isEmpty()) return;
        String header = "scenario '" + s.name() + "': " + oracle().name() + " and " + subject().name() + " differ\n";
        List<KnownMismatch> known = knownMismatches();
        List<String> left = Observation.diff(oracle().name(), KnownMismatch.normalize(s.name(), want, known),
                subject().name(), KnownMismatch.normalize(s.name(), got, known));
        if (left.isEmpty()) {
            List<String> ids = known.stream().filter(k -> explains(k, s.name(), want, got)).map(KnownMismatch::id).toList();
            Assumptions.abort("KNOWN MISMATCH " + ids + ": " + header
                    + String.join("\n", diff));
        }
        throw new AssertionError(header + String.join("\n", left)
                + (left.size() < diff.size() ? "\n(and " + (diff.size() - left.size())
                + " line(s) explained by known mismatches)" : ""));
    }

    private boolean explains(KnownMismatch k, String scenario, List<String> want, List<String> got) {
        List<KnownMismatch> one = List.of(k);
        return !KnownMismatch.normalize(scenario, want, one).equals(want)
                || !KnownMismatch.normalize(scenario, got, one).equals(got);
    }

    /** Runs a scenario on one target, on a fresh upper; returns what a user sees. */
    public static Observation run(UnionTarget target, LayerStack stack, Scenario s) {
        Path dir = Prerequisites.tempDir("run-" + target.name() + "-");
        Path upper = dir.resolve("upper"), work = dir.resolve("work");
        try {
            Posix.mkdirat(Posix.AT_FDCWD, upper.toString(), 0755);
            Posix.mkdirat(Posix.AT_FDCWD, work.toString(), 0755);
            TimeWindow window = TimeWindow.openNow();
            Map<String, Long> before;
            Scenario.Log log = new Scenario.Log();
            try (UnionTarget.Mounted m = target.mount(stack.lowersFor(target), upper, work, dir)) {
                before = Observation.inodes(m.fs());
                s.script().run(m.fs(), log);
                if (!s.remount()) return Observation.capture(m.fs(), upper, window.closeNow(), before, log.entries());
            }
            try (UnionTarget.Mounted m = target.mount(stack.lowersFor(target), upper, work, dir)) {
                return Observation.capture(m.fs(), upper, window.closeNow(), before, log.entries());
            }
        } finally {
            removeTree(dir.toString());
        }
    }

    /** rm -rf with system calls (names are UTF-8 whatever the JVM's locale); never follows symlinks. */
    static void removeTree(String path) {
        Stat st = Posix.fstatatOrNull(Posix.AT_FDCWD, path, Posix.AT_SYMLINK_NOFOLLOW);
        if (st == null) return;
        if (st.isDir()) {
            try {
                Posix.fchmodat(Posix.AT_FDCWD, path, 0700, 0);
            } catch (FsException e) {
                if (e.errno() != Errno.EPERM) throw e;
            }
            int fd = Posix.openat(Posix.AT_FDCWD, path, Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW, 0);
            List<DirEnt> children;
            try {
                children = Posix.readDir(fd);
            } finally {
                Posix.close(fd);
            }
            for (DirEnt c : children) removeTree(path + "/" + c.name());
            Posix.unlinkat(Posix.AT_FDCWD, path, Posix.AT_REMOVEDIR);
        } else {
            Posix.unlinkat(Posix.AT_FDCWD, path, 0);
        }
    }

    @AfterAll
    public void removeStacks() {
        if (base != null) removeTree(base.toString());
    }
}

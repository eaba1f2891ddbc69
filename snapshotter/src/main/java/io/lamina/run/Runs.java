package io.lamina.run;

import io.lamina.store.Store;
import io.lamina.store.journal.JournalView;
import io.lamina.store.journal.Usage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** The containers of {@code lamina run} under a store root: listing ({@code lamina ps}) and removal of kept ones. */
public final class Runs {
    private Runs() {
    }

    /**
     * A container: running, or ended and kept. {@code status} is "running", "exited (CODE)",
     * "killed" (a kept one whose {@code lamina run} died without recording an end) or "dead" (the
     * leftovers of a {@code lamina run} that was killed: {@code lamina rm} removes them);
     * {@code usage} is null when its journal cannot be read.
     */
    public record Info(String id, String image, String imageId, List<String> command, String status,
                       long createdMillis, Usage usage) {
    }

    /**
     * The running containers, the kept snapshots and the leftovers of killed runs under {@code root}, oldest first. Sizes come from
     * each one's change journal (a small mapped file), so listing costs nothing per changed file.
     */
    public static List<Info> list(Path root) {
        Path runs = RunDir.runsDir(root);
        List<Info> out = new ArrayList<>();
        if (!Files.isDirectory(runs)) return out;
        List<Path> dirs;
        try (var s = Files.list(runs)) {
            dirs = s.filter(Files::isDirectory).toList();
        } catch (IOException e) {
            throw new RunException("cannot list " + runs + ": " + e.getMessage(), e);
        }
        for (Path d : dirs) {
            RunRecord r = RunRecord.read(d.resolve("run.json"));
            if (r == null) continue;
            boolean running = RunDir.running(d);
            String status = running ? "running" : r.exitCode() != null ? "exited (" + r.exitCode() + ")"
                    : r.keep() ? "killed" : "dead";
            Usage u;
            try {
                u = JournalView.readUsage(RunDir.journal(d));
            } catch (RuntimeException e) {
                u = null;
            }
            out.add(new Info(r.id(), r.image(), r.imageId(), r.command(), status, r.createdMillis(), u));
        }
        out.sort(Comparator.comparingLong(Info::createdMillis).thenComparing(Info::id));
        return out;
    }

    /**
     * Removes the kept snapshot {@code id} (or the leftovers of a killed run).
     *
     * @throws RunException when there is no such container or it is running
     */
    public static void remove(Path root, String id) {
        RunDir.checkName(id);
        Path d = RunDir.runsDir(root).resolve(id);
        if (!Files.isDirectory(d)) throw new RunException("no container or kept snapshot '" + id + "'");
        if (RunDir.running(d)) throw new RunException("container '" + id + "' is running: stop its lamina run first");
        RunDir dir = RunDir.claimForRemoval(d);
        try (Store store = Store.open(root)) {
            ContainerRun.releaseQuietly(store, id);
        } finally {
            dir.remove();
        }
    }
}

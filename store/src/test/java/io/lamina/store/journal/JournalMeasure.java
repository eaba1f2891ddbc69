package io.lamina.store.journal;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A measurement, not a test: usage and diff latency of the journal of an upper holding
 * {@code args[1]} files (default a million), made directly in the upper and taken in by a rebuild.
 * Usage: JournalMeasure DIR [FILES]. Prints milliseconds.
 */
public final class JournalMeasure {
    private JournalMeasure() {
    }

    public static void main(String[] args) throws IOException {
        Path dir = Path.of(args[0]);
        int files = args.length > 1 ? Integer.parseInt(args[1]) : 1_000_000;
        Path lower = Files.createDirectories(dir.resolve("lower"));
        Path upper = dir.resolve("upper");
        Files.writeString(lower.resolve("base"), "x");
        long t0 = System.nanoTime();
        if (!Files.exists(upper)) {
            Files.createDirectories(upper);
            byte[] data = new byte[10];
            for (int d = 0; d < (files + 999) / 1000; d++) {
                Path sub = Files.createDirectory(upper.resolve("d" + d));
                for (int f = 0; f < 1000 && d * 1000 + f < files; f++) Files.write(sub.resolve("f" + f), data);
            }
            System.out.printf("created %d files in %d ms%n", files, ms(t0));
        }
        Path state = dir.resolve("state/journal.cm");
        Files.deleteIfExists(state.resolveSibling("journal.cm.clean"));
        long t1 = System.nanoTime();
        Journal j = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        System.out.printf("rebuild (one walk of the upper) %d ms, rebuilt=%s, usage %s%n", ms(t1), j.rebuilt(), j.usage());
        j.close();

        long t2 = System.nanoTime();
        try (JournalView v = JournalView.open(state)) {
            Usage u = v.usage();
            System.out.printf("first open + usage (cold, Chronicle classes load) %d ms: %s%n", ms(t2), u);
        }
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            try (JournalView v = JournalView.open(state)) {
                v.usage();
            }
            System.out.printf("open + usage %d ms%n", ms(t));
        }
        for (int i = 0; i < 3; i++) {
            long t = System.nanoTime();
            int n;
            try (JournalView v = JournalView.open(state)) {
                n = v.diff().size();
            }
            System.out.printf("open + diff (%d paths, sorted) %d ms%n", n, ms(t));
        }
        long t3 = System.nanoTime();
        Journal again = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        System.out.printf("reopen after a clean stop (loads the saved state) %d ms, rebuilt=%s%n", ms(t3), again.rebuilt());
        again.close();
    }

    private static long ms(long since) {
        return (System.nanoTime() - since) / 1_000_000;
    }
}

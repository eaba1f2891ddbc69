package io.lamina.bench;

import java.io.PrintStream;

/**
 * The one progress line on stderr: overwritten in place on a terminal, one line per step
 * otherwise (CI logs).
 */
final class Progress {
    private final PrintStream err;
    private final boolean terminal;
    private final long t0 = System.nanoTime();
    private int width;

    Progress(PrintStream err, boolean terminal) {
        this.err = err;
        this.terminal = terminal;
    }

    void show(String what) {
        long s = (System.nanoTime() - t0) / 1_000_000_000L;
        String line = String.format("[%d:%02d] %s", s / 60, s % 60, what);
        if (terminal) {
            err.print("\r" + line + " ".repeat(Math.max(0, width - line.length())));
            width = line.length();
        } else {
            err.println(line);
        }
        err.flush();
    }

    /** Ends the line (on a terminal) so later output starts on its own line. */
    void done(String what) {
        show(what);
        if (terminal) err.println();
    }
}

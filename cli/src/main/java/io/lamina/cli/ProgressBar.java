package io.lamina.cli;

import io.lamina.store.ImageImport;

import java.io.PrintStream;

/**
 * A one-line progress bar on the terminal, redrawn in place with '\r' when the shown figure
 * changes; {@link #forTerminal()} gives a silent one when output is not a terminal.
 */
final class ProgressBar implements ImageImport.Progress {
    private static final int WIDTH = 30;
    private final PrintStream out;
    private String label = "";
    private long total;
    private int shown = -1;

    private ProgressBar(PrintStream out) {
        this.out = out;
    }

    /** A bar on stderr when there is a console, else {@link ImageImport.Progress#NONE}. */
    static ImageImport.Progress forTerminal() {
        return System.console() != null ? new ProgressBar(System.err) : ImageImport.Progress.NONE;
    }

    @Override
    public void phase(String label, long totalBytes) {
        this.label = label;
        this.total = totalBytes;
        this.shown = -1;
        advance(0);
    }

    @Override
    public void advance(long doneBytes) {
        int pct = total <= 0 ? 100 : (int) Math.min(100, doneBytes * 100 / total);
        if (pct == shown) {
            return;
        }
        shown = pct;
        int filled = pct * WIDTH / 100;
        out.print("\r" + String.format("%-7s", label) + "[" + "#".repeat(filled) + " ".repeat(WIDTH - filled) + "] "
                + String.format("%3d%%", pct) + " of " + StoreAccess.human(total) + "   ");
        out.flush();
    }

    @Override
    public void finish() {
        if (shown >= 0) {
            out.print("\r" + " ".repeat(WIDTH + 40) + "\r");
            out.flush();
        }
    }
}

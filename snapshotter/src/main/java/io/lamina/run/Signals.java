package io.lamina.run;

import sun.misc.Signal;
import sun.misc.SignalHandler;

import java.util.ArrayList;
import java.util.List;

/**
 * Replaces the JVM's handling of termination signals while a container runs: instead of starting
 * the JVM's shutdown (whose hooks run in no order, Chronicle's closing our maps among them), a
 * signal calls an action and the program ends normally.
 */
final class Signals {
    record Previous(Signal signal, SignalHandler handler) {
    }

    private Signals() {
    }

    /** Lets each of {@code names} ("TERM", "INT", …) run {@code action}; returns what to restore. */
    static List<Previous> handle(List<String> names, Runnable action) {
        List<Previous> previous = new ArrayList<>();
        for (String name : names) {
            Signal s = new Signal(name);
            try {
                previous.add(new Previous(s, Signal.handle(s, sig -> action.run())));
            } catch (IllegalArgumentException e) {
                // the VM handles this one itself (e.g. -Xrs): leave it
            }
        }
        return previous;
    }

    static void restore(List<Previous> previous) {
        for (Previous p : previous) Signal.handle(p.signal(), p.handler());
    }
}

package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * One union scenario: a script of user operations run on a fresh mount of one {@link LayerStack}
 * (empty upper), then observed. {@code name} reads as "stack kind op". With {@code remount} the
 * tree is unmounted after the script and mounted again on the same upper before it is observed,
 * so that what the upper records (whiteouts, opaque and redirect markers, metacopy, hardlink
 * index) is checked, not only what a live mount remembers.
 */
public record Scenario(String name, int depth, LayerForm form, boolean remount, Script script) {

    public Scenario(String name, int depth, LayerForm form, Script script) {
        this(name, depth, form, false, script);
    }

    /** The steps; each appends its rendered outcome to the log. */
    @FunctionalInterface
    public interface Script {
        void run(UserFs fs, Log log);
    }

    /** The rendered outcomes of a script's steps. */
    public static final class Log {
        private final List<String> entries = new ArrayList<>();

        /** Records {@code outcome} under {@code label} and passes it on. */
        public <T> Outcome<T> add(String label, Outcome<T> outcome) {
            entries.add(label + ": " + outcome.render());
            return outcome;
        }

        public List<String> entries() {
            return List.copyOf(entries);
        }
    }

    @Override
    public String toString() {
        return name;
    }
}

package io.lamina.fs.contract;

import java.util.List;

/**
 * Differences of lamina's engine from the kernel that are engine bugs (or open questions), with a
 * note each, awaiting a fix or a decision. The contract skips a scenario whose whole difference
 * these explain and names them; remove an entry when the engine is fixed, since a normalizer left
 * in place would hide a regression.
 *
 * <p>Entries are written against the scenario name ("stack kind op") and observation lines, e.g.
 * <pre>{@code
 * new KnownMismatch("rename-dir-back", "kernel ok, lamina ENOTDIR",
 *         (s, l) -> op(s).equals("rename-and-back") && kind(s).endsWith("dir") ? null : l)
 * }</pre>
 * History: parent-mtime-on-copy-up, upper-regular-file-form, new-dir-not-opaque, rename-dir-back
 * and hardlink-metadata-alias were found here and fixed in main 67e53ed; atime-on-read in 52aefb9;
 * setgid-dir-inheritance after that.
 */
public final class KnownEngineMismatches {

    private KnownEngineMismatches() {
    }

    /** The entry kind of a scenario name ("hardlink", "whiteout-dir"...). */
    static String kind(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    /** The op of a scenario name, without a "+remount" suffix. */
    static String op(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 2 ? parts[2].replace("+remount", "") : "";
    }

    /** Empty: every mismatch found so far is fixed in main. */
    public static final List<KnownMismatch> ALL = List.of();
}

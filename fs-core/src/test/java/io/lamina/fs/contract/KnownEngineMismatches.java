package io.lamina.fs.contract;

import java.util.List;
import java.util.regex.Pattern;

/**
 * Differences of lamina's engine from the kernel that are engine bugs (or open questions) written
 * down in /work/wt/notes/contract-mismatches.md, each awaiting the lead's fix or decision. The
 * contract skips a scenario whose whole difference these explain and names them; remove an entry
 * when the engine is fixed (scenarios it explained then pass, or fail loudly on what is left).
 */
public final class KnownEngineMismatches {
    private static final Pattern MTIME = Pattern.compile(" mtime=\\S+");

    private KnownEngineMismatches() {
    }

    private static String kind(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    private static String op(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 2 ? parts[2].replace("+remount", "") : "";
    }

    public static final List<KnownMismatch> ALL = List.of(
            new KnownMismatch("parent-mtime-on-copy-up",
                    "copying up a child's parent directory sets the parent's mtime to now; the kernel keeps it",
                    (s, l) -> l.startsWith("tree ") && l.contains(" dir ") ? MTIME.matcher(l).replaceFirst(" mtime=?") : l),
            new KnownMismatch("upper-regular-file-form",
                    "upper form of regular files: lamina puts a redirect on every metacopy file, copies data"
                            + " (no metacopy) for hardlinked lower files, and no redirect on a copied-up hardlink;"
                            + " the kernel: redirect only when the name differs, metacopy for hardlinks too",
                    (s, l) -> l.startsWith("upper ") && l.contains(" reg ")
                            ? l.replace(" redirect", "").replaceAll(" (metacopy|sha=\\w+)", " data?") : l),
            new KnownMismatch("new-dir-not-opaque",
                    "a directory created in the upper carries no trusted.overlay.opaque=y; the kernel marks every"
                            + " new directory opaque (harmless where no lower directory has the name or a lower"
                            + " whiteout hides it; the +remount scenarios check that nothing reappears)",
                    (s, l) -> l.startsWith("upper ") && l.contains(" dir ") ? l.replace(" opaque=y", "") : l),
            new KnownMismatch("rename-dir-back",
                    "renaming a renamed lower directory back to its old name fails with ENOTDIR (the old name"
                            + " is a whiteout in the upper); the kernel renames it back",
                    (s, l) -> op(s).equals("rename-and-back") && (kind(s).endsWith("dir") || kind(s).endsWith("directory"))
                            ? null : l),
            new KnownMismatch("hardlink-metadata-alias",
                    "setxattr on one name of a lower hardlink pair is not seen through the other name; the kernel"
                            + " (index=on) shows it on both",
                    (s, l) -> kind(s).equals("hardlink") && op(s).startsWith("setxattr-") ? null : l));
}

package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Where lamina deliberately differs from the kernel oracle ({@link KernelOracle#OPTIONS}). Each
 * difference names itself, says why, and rewrites the oracle's observation lines into what lamina
 * must show instead, so that the comparison still checks lamina's behaviour exactly. A difference
 * that is not listed here is a bug, of lamina or of the contract.
 */
public final class IntendedDifferences {

    /** Turns one oracle line of a scenario into lamina's expected line, or null to drop it. */
    @FunctionalInterface
    public interface Rewrite {
        String apply(String scenario, String oracleLine);
    }

    public record Difference(String name, String why, Rewrite rewrite) {
    }

    /**
     * A whiteout in a lower directory that no other layer (and not the upper) has: the kernel
     * lists such a directory straight from its one layer, so readdir shows the whiteout's name
     * while lstat of it answers ENOENT. lamina hides the name from readdir too. The fixture's
     * {@link LayerFixtures#GHOST} is such a whiteout.
     */
    public static final Difference WHITEOUT_HIDDEN_IN_UNMERGED_DIR = new Difference(
            "whiteout-hidden-in-unmerged-dir",
            "readdir never lists a whiteout (the kernel lists one of a directory only one lower layer has)",
            (scenario, line) -> {
                if (line.startsWith("tree ") && line.endsWith("/" + LayerFixtures.GHOST_NAME + " lstat ENOENT")) return null;
                if (line.startsWith("op ")) {
                    return line.replace(", " + LayerFixtures.GHOST_NAME + ",", ",")
                            .replace("[" + LayerFixtures.GHOST_NAME + ", ", "[")
                            .replace(", " + LayerFixtures.GHOST_NAME + "]", "]")
                            .replace("[" + LayerFixtures.GHOST_NAME + "]", "[]");
                }
                return line;
            });

    /**
     * trusted.overlay.* through the mount: the kernel (6.7+) escapes such names (a set of
     * trusted.overlay.opaque is stored as trusted.overlay.overlay.opaque and shown back to the
     * user), which nested overlays need. lamina owns that namespace: it refuses set and remove with
     * EPERM and never lists or returns one, so no user can forge or see a whiteout, opaque or
     * redirect marker. (Both answer ENODATA to a get of a name that was never set.)
     */
    public static final Difference OVERLAY_XATTRS_RESERVED = new Difference(
            "overlay-xattrs-reserved",
            "setxattr/removexattr of trusted.overlay.* through the mount fail with EPERM (the kernel escapes them)",
            (scenario, line) -> {
                if (!scenario.contains(" private-xattrs")) return line;
                if (line.matches("op \\d+ (set|remove) trusted\\.overlay\\.[a-z]+: .*")) {
                    return line.substring(0, line.lastIndexOf(": ")) + ": EPERM";
                }
                return line.replace(", trusted.overlay.opaque=ok \"y\"", "")
                        .replace("trusted.overlay.opaque=ok \"y\", ", "")
                        .replace("{trusted.overlay.opaque=ok \"y\"}", "{}")
                        .replace(", trusted.overlay.opaque", "").replace("trusted.overlay.opaque, ", "")
                        .replace("[trusted.overlay.opaque]", "[]");
            });

    /**
     * Copy-up of a sparse file: the kernel copies in 1 MiB chunks and skips only whole holes of a
     * chunk, so 11 data bytes at offset 0 become a 1 MiB data extent in the upper; lamina keeps
     * the holes at the filesystem's block granularity (4 KiB on the ext4 the fixtures use), so
     * SEEK_HOLE from 0 stops at the first block after the data.
     */
    public static final Difference COPY_UP_KEEPS_HOLES_PER_BLOCK = new Difference(
            "copy-up-keeps-holes-per-block",
            "copy-up keeps holes at block granularity (the kernel at 1 MiB chunk granularity)",
            (scenario, line) -> scenario.endsWith(" sparse-file write-then-lseek")
                    && line.equals("op 2 SEEK_HOLE 0: ok 1048576") ? "op 2 SEEK_HOLE 0: ok 4096" : line);

    public static final List<Difference> ALL = List.of(WHITEOUT_HIDDEN_IN_UNMERGED_DIR, OVERLAY_XATTRS_RESERVED,
            COPY_UP_KEEPS_HOLES_PER_BLOCK);

    private IntendedDifferences() {
    }

    /** The oracle's lines of {@code scenario} as lamina must show them, sorted. */
    public static List<String> expected(String scenario, List<String> oracle, List<Difference> differences) {
        List<String> out = new ArrayList<>(oracle.size());
        for (String line : oracle) {
            String l = line;
            for (Difference d : differences) {
                if (l == null) break;
                l = d.rewrite().apply(scenario, l);
            }
            if (l != null) out.add(l);
        }
        out.sort(null);
        return out;
    }
}

package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;

/**
 * Differences seen through a FUSE mount on top of {@link KnownEngineMismatches}: engine behaviour
 * that direct engine tests do not reach, because through FUSE some work never reaches the engine.
 */
final class KnownFuseMismatches {
    private static final Pattern ATIME = Pattern.compile(" atime=\\S+");

    private KnownFuseMismatches() {
    }

    private static String kind(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 1 ? parts[1] : "";
    }

    private static String op(String scenario) {
        String[] parts = scenario.split(" ");
        return parts.length > 2 ? parts[2] : "";
    }

    static final List<KnownMismatch> FUSE_ONLY = List.of(
            new KnownMismatch("passthrough-read-atime",
                    "a read through FUSE passthrough goes to the lower file (O_NOATIME) without the engine, so"
                            + " the engine's relatime emulation (first read of a metacopy or indexed name updates"
                            + " the upper's atime) does not run; seen on the other name of a hardlink after"
                            + " utimes. Fix in the engine: do that update when it hands out a backing fd.",
                    (s, l) -> kind(s).equals("hardlink") && op(s).equals("utimes") && l.startsWith("tree ")
                            && l.contains(" reg ") ? ATIME.matcher(l).replaceFirst(" atime=?") : l));

    static List<KnownMismatch> all() {
        List<KnownMismatch> l = new ArrayList<>(KnownEngineMismatches.ALL);
        l.addAll(FUSE_ONLY);
        return List.copyOf(l);
    }
}

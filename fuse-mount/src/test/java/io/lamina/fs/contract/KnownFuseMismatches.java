package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Differences seen through a FUSE mount on top of {@link KnownEngineMismatches}: engine behaviour
 * that direct engine tests do not reach, because through FUSE some work never reaches the engine.
 */
final class KnownFuseMismatches {
    private KnownFuseMismatches() {
    }

    /** None open: the engine updates atime when it hands out a backing file, as a first read would. */
    static final List<KnownMismatch> FUSE_ONLY = List.of();

    static List<KnownMismatch> all() {
        List<KnownMismatch> l = new ArrayList<>(KnownEngineMismatches.ALL);
        l.addAll(FUSE_ONLY);
        return List.copyOf(l);
    }
}

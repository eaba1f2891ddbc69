package io.lamina.bench;

import java.util.List;

/**
 * How big one harness run is: the lower stack's sizes, the workloads' counts and the rounds.
 * {@link #FULL} is the run; {@link #QUICK} is the CI smoke (one round, a tenth of the
 * stack, no memory part), which must finish in under 3 minutes on a 2-core machine.
 */
record Profile(String name, int rounds, int baseFiles, int wideEntries, int chmodFiles, int deleteFiles,
               int renameFiles, int srcFiles, int untarFiles, int createFiles, long seqBytes, long appendBytes,
               int negativeLookups, int readdirRepeats, long randomReadBytes, int randomReadSeconds,
               List<Integer> memoryMounts) {

    static final long MIB = 1L << 20;

    static final Profile FULL = new Profile("full", 3, 20_000, 10_000, 5_000, 5_000, 2_000, 2_000, 5_000, 10_000,
            256 * MIB, 64 * MIB, 10_000, 20, 64 * MIB, 3, List.of(1, 10, 50));

    static final Profile QUICK = new Profile("quick", 1, 2_000, 2_000, 500, 500, 200, 300, 500, 1_000,
            32 * MIB, 8 * MIB, 2_000, 5, 8 * MIB, 1, List.of());

    /** What the lower stack depends on: a stack built for the same key is reused. */
    String stackKey() {
        return List.of(baseFiles, wideEntries, chmodFiles, deleteFiles, renameFiles, srcFiles, untarFiles, seqBytes, appendBytes,
                negativeLookups).toString();
    }

    /** The sizes of the store and snapshotter part: the CI smoke's for the quick profile, else the full run's. */
    StoreBench.Scale storeScale() {
        return name.equals(QUICK.name) ? StoreBench.Scale.QUICK : StoreBench.Scale.FULL;
    }

    /** Overwritten files in the second layer, whiteouts in the second and third: about 1% of the base. */
    int whiteouts() {
        return Math.max(20, baseFiles / 100);
    }
}

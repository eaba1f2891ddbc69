package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * A difference between the oracle and the subject that is known, written down in its note and
 * awaiting a fix. It explains lines by normalizing
 * them on both sides: a scenario whose difference disappears under the known mismatches is skipped
 * with their ids ("KNOWN MISMATCH"); any difference left over fails the scenario as usual.
 *
 * @param id     short name, as in the notes
 * @param note   kernel vs subject in one line
 * @param normalize rewrites one observation line of a scenario (either side); null drops it
 */
public record KnownMismatch(String id, String note, IntendedDifferences.Rewrite normalize) {

    /** Applies every mismatch to every line; sorted. */
    static List<String> normalize(String scenario, List<String> lines, List<KnownMismatch> known) {
        List<String> out = new ArrayList<>(lines.size());
        for (String line : lines) {
            String l = line;
            for (KnownMismatch k : known) {
                if (l == null) break;
                l = k.normalize().apply(scenario, l);
            }
            if (l != null) out.add(l);
        }
        out.sort(null);
        return out;
    }
}

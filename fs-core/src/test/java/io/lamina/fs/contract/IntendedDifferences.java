package io.lamina.fs.contract;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * Where lamina deliberately differs from the kernel oracle ({@link KernelOracle#OPTIONS}). Each
 * difference names itself, says why, and rewrites the oracle's observation into what lamina must
 * show instead (so the comparison still checks lamina's behaviour exactly). A difference that is
 * not listed here is a bug, of lamina or of the contract.
 */
public final class IntendedDifferences {

    /** One difference: {@code expectFromOracle} turns an oracle line into lamina's expected line (or null to drop it). */
    public record Difference(String name, String why, UnaryOperator<String> expectFromOracle) {
    }

    public static final List<Difference> ALL = List.of();

    private IntendedDifferences() {
    }

    /** The oracle's lines as lamina must show them. */
    public static List<String> expected(List<String> oracle, List<Difference> differences) {
        List<String> out = new java.util.ArrayList<>(oracle.size());
        for (String line : oracle) {
            String l = line;
            for (Difference d : differences) {
                if (l == null) break;
                l = d.expectFromOracle().apply(l);
            }
            if (l != null) out.add(l);
        }
        out.sort(null);
        return out;
    }
}

package io.lamina.fs.contract;

import java.util.List;

/**
 * The union contract with kernel overlayfs as the oracle and lamina's engine, called directly, as
 * the subject. {@code -Dlamina.contract.kernelOptions=...} mounts the oracle with other options, to
 * see what each of {@link KernelOracle#OPTIONS} is needed for (results in KernelOracle's doc), and
 * {@code -Dlamina.contract.only=<prefix>} runs only the scenarios whose name starts with it.
 */
class KernelVsEngineContractTest extends UnionContract {

    @Override
    protected UnionTarget oracle() {
        return new KernelOverlayTarget(System.getProperty("lamina.contract.kernelOptions", KernelOracle.OPTIONS));
    }

    /** {@code -Dlamina.contract.only=<name prefix>} runs a part of the matrix, e.g. "depth2-overlay". */
    @Override
    protected boolean includes(Scenario s) {
        return s.name().startsWith(System.getProperty("lamina.contract.only", ""));
    }

    @Override
    protected UnionTarget subject() {
        return new EngineTarget();
    }

    @Override
    protected List<KnownMismatch> knownMismatches() {
        return KnownEngineMismatches.ALL;
    }
}

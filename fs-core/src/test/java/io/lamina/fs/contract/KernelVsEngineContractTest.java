package io.lamina.fs.contract;

import java.util.List;

/** The union contract with kernel overlayfs as the oracle and lamina's engine, called directly, as the subject. */
class KernelVsEngineContractTest extends UnionContract {

    @Override
    protected UnionTarget oracle() {
        return new KernelOverlayTarget();
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

package io.lamina.fs.contract;

import io.lamina.fuse.MountOptions;

import java.util.List;

/**
 * The union contract with kernel overlayfs as the oracle and lamina's engine behind a real FUSE
 * mount as the subject: what the engine shows directly it must show through the kernel's FUSE
 * client too. The engine's known mismatches apply, plus {@link KnownFuseMismatches}.
 */
class KernelVsFuseContractTest extends UnionContract {

    @Override
    protected UnionTarget oracle() {
        return new KernelOverlayTarget();
    }

    @Override
    protected UnionTarget subject() {
        return new FuseTarget(MountOptions.defaults().withWorkers(2));
    }

    @Override
    protected List<KnownMismatch> knownMismatches() {
        return KnownFuseMismatches.all();
    }
}

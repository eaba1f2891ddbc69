package io.lamina.fs.contract;

import io.lamina.fuse.MountOptions;

import java.util.List;

/**
 * The union contract through FUSE with passthrough off, so that every byte goes through READ and
 * WRITE requests and the engine: the transport's normal data path against the kernel oracle.
 * Depth-1 stacks only (all operations and layer forms, a third of the time): stack depth is the
 * engine's concern and is covered by {@link KernelVsFuseContractTest}; all depths passed here too.
 */
class KernelVsFuseNormalPathContractTest extends UnionContract {

    @Override
    protected UnionTarget oracle() {
        return new KernelOverlayTarget();
    }

    @Override
    protected UnionTarget subject() {
        return new FuseTarget(MountOptions.defaults().withWorkers(2).withPassthrough(false));
    }

    @Override
    protected boolean includes(Scenario s) {
        return s.depth() == 1;
    }

    @Override
    protected List<KnownMismatch> knownMismatches() {
        return KnownEngineMismatches.ALL;
    }
}

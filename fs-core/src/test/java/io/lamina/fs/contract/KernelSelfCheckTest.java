package io.lamina.fs.contract;

/**
 * Proves the contract itself: the kernel against the kernel must agree on every scenario of the
 * depth-2 stacks (two independent mounts, two uppers), so any difference is nondeterminism in the
 * harness (times, inode numbers, ordering) rather than in a filesystem.
 */
class KernelSelfCheckTest extends UnionContract {

    @Override
    protected UnionTarget oracle() {
        return new KernelOverlayTarget();
    }

    @Override
    protected UnionTarget subject() {
        return new KernelOverlayTarget();
    }

    /** The kernel does not show lamina's intended differences. */
    @Override
    protected java.util.List<IntendedDifferences.Difference> intendedDifferences() {
        return java.util.List.of();
    }

    @Override
    protected boolean includes(Scenario s) {
        return s.depth() == 2 || "true".equals(System.getenv("LAMINA_CONTRACT_SELFCHECK_ALL"));
    }
}

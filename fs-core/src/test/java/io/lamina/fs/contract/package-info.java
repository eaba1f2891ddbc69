/**
 * The union contract: lamina's union semantics written once and run against kernel overlayfs as
 * the oracle.
 *
 * <p>Pieces: {@link io.lamina.fs.contract.UserFs} is what a user can do (path-based, every result an
 * {@link io.lamina.fs.contract.Outcome}); {@link io.lamina.fs.contract.MountedDirUserFs} does it
 * with system calls on a mounted directory, {@link io.lamina.fs.contract.EngineUserFs} on the
 * engine's inode API. A {@link io.lamina.fs.contract.UnionTarget} mounts a layer stack and hands
 * out a UserFs ({@link io.lamina.fs.contract.KernelOverlayTarget},
 * {@link io.lamina.fs.contract.EngineTarget}). {@link io.lamina.fs.contract.LayerFixtures} builds
 * the stacks (depth 1, 2, 5; overlay and OCI form) once per test class;
 * {@link io.lamina.fs.contract.Scenarios} is the matrix of operations x entry kinds x stacks;
 * {@link io.lamina.fs.contract.Observation} is what a user sees afterwards plus the upper on disk;
 * {@link io.lamina.fs.contract.UnionContract} runs each scenario on an oracle and a subject and
 * compares, after applying {@link io.lamina.fs.contract.IntendedDifferences} (where lamina means to
 * differ) and {@link io.lamina.fs.contract.KnownMismatch known mismatches} (bugs awaiting a fix,
 * skipped with their id).
 *
 * <p>To run the contract through another transport (e.g. a FUSE mount), depend on fs-core's
 * test-jar, implement {@code UnionTarget} (mount the stack, return a {@code MountedDirUserFs} on the
 * mount point, unmount in {@code close}), and subclass:
 * <pre>{@code
 * class KernelVsFuseContractTest extends UnionContract {
 *     protected UnionTarget oracle()  { return new KernelOverlayTarget(); }
 *     protected UnionTarget subject() { return new FuseTarget(); }
 *     protected List<KnownMismatch> knownMismatches() { return KnownEngineMismatches.ALL; }
 * }
 * }</pre>
 * {@code KernelSelfCheckTest} runs the kernel against itself to prove the harness deterministic.
 */
package io.lamina.fs.contract;

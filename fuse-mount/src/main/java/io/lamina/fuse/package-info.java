/**
 * Serves an {@link io.lamina.fs.InodeFs} at a mount point through FUSE.
 *
 * <p>The face is {@link io.lamina.fuse.FuseTransport}, {@link io.lamina.fuse.MountOptions} and
 * the default transport {@link io.lamina.fuse.NativeFuseTransport}, which speaks the FUSE
 * protocol on /dev/fuse from Java through the FFM API. Inside, one class per question:
 * <ul>
 * <li>{@code Abi}: the wire format (numbers, flags, struct offsets), the only place that knows them;</li>
 * <li>{@code Opcode}: request opcodes; {@code Request}/{@code Reply}: one request and its answer in native memory;</li>
 * <li>{@code FuseMount}: mount(2) or fusermount3 ({@code Fusermount}), read-ahead, unmount, shutdown hook;</li>
 * <li>{@code Init}: what is negotiated with the kernel;</li>
 * <li>{@code Workers}: request threads on cloned /dev/fuse descriptors;</li>
 * <li>{@code Dispatcher}: opcode to InodeFs call, and the one place exceptions become -errno;</li>
 * <li>{@code DirEncoder}: fuse_dirent / fuse_direntplus packing;</li>
 * <li>{@code BackingRegistry}: passthrough backing ids and the per-node I/O mode rules;</li>
 * <li>{@link io.lamina.fuse.RequestCounters}: per-opcode counts for tests, metrics and bench;</li>
 * <li>{@code FuseSys}: the few FUSE-specific system calls {@code io.lamina.sys.Posix} does not have.</li>
 * </ul>
 * NodeIds are the engine's: the transport keeps no node table of its own, it forwards lookup
 * counts (LOOKUP, CREATE, READDIRPLUS entries) and FORGETs to the engine.
 */
package io.lamina.fuse;

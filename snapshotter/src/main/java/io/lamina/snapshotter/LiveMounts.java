package io.lamina.snapshotter;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;
import io.lamina.fuse.Unmount;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lamina FUSE mounts this process serves, one per mounted snapshot id, all in this JVM (a
 * container costs its upper and its open files, not a process). A mount is the union of the
 * snapshot's parent chain (committed upper directories, top first) under its own upper.
 */
final class LiveMounts implements AutoCloseable {
    private record Live(InodeFs fs, FuseTransport.Mounted mounted) {
    }

    private final FuseTransport transport;
    private final Map<Long, Live> live = new ConcurrentHashMap<>();
    /** What mounts that are gone had counted, so that the totals only grow. */
    private final Map<String, Long> retiredRequests = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong retiredBackingOpens = new java.util.concurrent.atomic.AtomicLong();

    LiveMounts(FuseTransport transport) {
        this.transport = transport;
    }

    boolean isMounted(long id) {
        return live.containsKey(id);
    }

    /**
     * Mounts snapshot {@code id} at {@code mountpoint}: {@code lowers} (top first) under
     * {@code upper}/{@code work}; read-only for a view. A stale mount left at the mount point by
     * an earlier process is detached first.
     */
    void mount(long id, List<Path> lowers, Path upper, Path work, Path mountpoint, boolean readOnly) {
        if (live.containsKey(id)) return;
        Unmount.unmountQuietly(mountpoint);
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowers, upper, work));
        try {
            FuseTransport.Mounted m = transport.mount(fs, mountpoint,
                    MountOptions.defaults().withReadOnly(readOnly));
            live.put(id, new Live(fs, m));
        } catch (RuntimeException e) {
            fs.close();
            throw e;
        }
    }

    /** Unmounts snapshot {@code id} if it is mounted (detached if busy) and closes its engine. */
    void unmount(long id) {
        Live l = live.remove(id);
        if (l == null) return;
        if (l.mounted() instanceof NativeFuseTransport.NativeMount n) {
            n.counters().snapshot().forEach((op, count) -> retiredRequests.merge(op, count, Long::sum));
            retiredBackingOpens.addAndGet(n.backingOpens());
        }
        try {
            l.mounted().close();
        } finally {
            l.fs().close();
        }
    }

    int count() {
        return live.size();
    }

    /** FUSE requests by opcode over every mount this process has served (native transport). */
    Map<String, Long> requestTotals() {
        Map<String, Long> total = new java.util.TreeMap<>(retiredRequests);
        for (Live l : live.values()) {
            if (l.mounted() instanceof NativeFuseTransport.NativeMount n) {
                n.counters().snapshot().forEach((op, count) -> total.merge(op, count, Long::sum));
            }
        }
        return total;
    }

    /** Files opened with FUSE passthrough (their I/O bypassed this process), over every mount. */
    long passthroughOpens() {
        long n = retiredBackingOpens.get();
        for (Live l : live.values()) {
            if (l.mounted() instanceof NativeFuseTransport.NativeMount m) n += m.backingOpens();
        }
        return n;
    }

    @Override
    public void close() {
        for (Long id : List.copyOf(live.keySet())) unmount(id);
    }
}

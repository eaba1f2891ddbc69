package io.lamina.snapshotter;

import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;
import io.lamina.fuse.Unmount;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.store.journal.Journal;
import io.lamina.store.journal.LowerImage;
import io.lamina.store.journal.Usage;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The lamina FUSE mounts this process serves, one per mounted snapshot id, all in this JVM (a
 * container costs its upper and its open files, not a process). A mount is the union of the
 * parent's chain of stored layers, served by the store as ONE flattened lower layer
 * ({@link Store#openChain}), under the snapshot's own upper. A writable mount reports every
 * change of its upper to its change journal, which keeps the snapshot's usage current.
 */
final class LiveMounts implements AutoCloseable {
    private record Live(InodeFs fs, FuseTransport.Mounted mounted, Journal journal) {
    }

    private final FuseTransport transport;
    private final Store store;
    private final Map<Long, Live> live = new ConcurrentHashMap<>();
    /** What mounts that are gone had counted, so that the totals only grow. */
    private final Map<String, Long> retiredRequests = new ConcurrentHashMap<>();
    private final java.util.concurrent.atomic.AtomicLong retiredBackingOpens = new java.util.concurrent.atomic.AtomicLong();

    LiveMounts(FuseTransport transport, Store store) {
        this.transport = transport;
        this.store = store;
    }

    boolean isMounted(long id) {
        return live.containsKey(id);
    }

    /**
     * Mounts snapshot {@code id} at {@code mountpoint}: the stored layers {@code chain} (diff-ids
     * bottom first; empty for none) under {@code upper}/{@code work}; read-only for a view. A
     * writable mount keeps its change journal in {@code journalFile}. A stale mount left at the
     * mount point by an earlier process is detached first.
     *
     * @throws io.lamina.store.StoreException if a layer of the chain is not stored
     */
    void mount(long id, List<String> chain, Path upper, Path work, Path mountpoint, boolean readOnly, Path journalFile) {
        if (live.containsKey(id)) return;
        Unmount.unmountQuietly(mountpoint);
        List<LowerLayer> lowers = chain.isEmpty() ? List.of() : List.of(store.openChain(chain));
        Journal journal = null;
        InodeFs fs = null;
        try {
            if (!readOnly) {
                long bytes = 0;
                for (String d : chain) bytes += store.layer(d).map(LayerRecord::contentBytes).orElse(0L);
                String identity = chain.isEmpty() ? "empty" : Store.chainId(chain);
                journal = Journal.open(journalFile, upper, LowerImage.ofLayers(lowers, bytes, identity));
            }
            fs = UnionFs.open(UnionSpec.ofLayers(lowers, upper, work).withChanges(journal));
            FuseTransport.Mounted m = transport.mount(fs, mountpoint,
                    MountOptions.defaults().withReadOnly(readOnly));
            live.put(id, new Live(fs, m, journal));
        } catch (RuntimeException e) {
            if (fs != null) fs.close();
            else lowers.forEach(LowerLayer::close);
            if (journal != null) journal.close();
            throw e;
        }
    }

    /** The usage of mounted snapshot {@code id}'s upper, from its journal (every change reported so far). */
    Optional<Usage> usage(long id) {
        Live l = live.get(id);
        if (l == null || l.journal() == null) return Optional.empty();
        l.journal().sync();
        return Optional.of(l.journal().usage());
    }

    /** Unmounts snapshot {@code id} if it is mounted (detached if busy) and closes its engine and journal. */
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
            try {
                // The journal drains first: its consumer may still look into the lower layers.
                if (l.journal() != null) l.journal().close();
            } finally {
                l.fs().close();
            }
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

package io.lamina.store;

import io.lamina.fs.LowerLayer;
import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Opens chain indexes, building one the first time its chain is asked for, and shares each open
 * chain (its Chronicle Map and layer indexes) among all its users in this process, counting them.
 * One lock guards the table of open chains; lookups never take it.
 */
final class Chains implements AutoCloseable {

    /** One open chain, shared by its {@link ChainLayer}s. */
    final class Shared {
        private final String chainId;
        private final ChronicleMap<String, byte[]> map;
        private final IndexFile[] layers;
        private final long dev;
        private int users;

        Shared(String chainId, ChronicleMap<String, byte[]> map, IndexFile[] layers) {
            this.chainId = chainId;
            this.map = map;
            this.layers = layers;
            // A synthetic device number per chain, stable across processes: major 0 (anonymous
            // devices) and a minor taken from the chain-id.
            int h = Integer.parseUnsignedInt(Digests.hexOf(chainId).substring(0, 5), 16);
            this.dev = io.lamina.sys.Posix.makedev(0, h | 0x100000);
        }

        ChronicleMap<String, byte[]> map() {
            return map;
        }

        IndexFile[] layers() {
            return layers;
        }

        long dev() {
            return dev;
        }

        void release() {
            synchronized (Chains.this) {
                if (--users == 0) {
                    open.remove(chainId);
                    closeAll();
                }
            }
        }

        private void closeAll() {
            map.close();
            for (IndexFile f : layers) {
                f.close();
            }
        }
    }

    private final Store store;
    private final Map<String, Shared> open = new HashMap<>();

    Chains(Store store) {
        this.store = store;
    }

    synchronized LowerLayer open(List<String> diffIdsBottomFirst) {
        String chainId = Digests.chainId(diffIdsBottomFirst);
        Shared s = open.get(chainId);
        if (s == null) {
            s = load(chainId, diffIdsBottomFirst);
            open.put(chainId, s);
        }
        s.users++;
        return new ChainLayer(s, store);
    }

    private Shared load(String chainId, List<String> diffIds) {
        if (diffIds.size() > 0xFFFE) {
            throw new StoreException("a chain of " + diffIds.size() + " layers is too deep (at most 65534)");
        }
        List<IndexFile> layers = new ArrayList<>();
        try {
            for (String d : diffIds) {
                layers.add(store.openIndexFile(d));
            }
            Path file = store.chainIndexPath(chainId);
            if (!Files.exists(file)) {
                ChainBuilder.build(layers, file, store.tmpDir());
            }
            ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                    .name("lamina-chain")
                    .entries(64).averageKeySize(16).averageValueSize(ChainValue.HEAD)
                    .createPersistedTo(file.toFile());
            return new Shared(chainId, map, layers.toArray(IndexFile[]::new));
        } catch (IOException | RuntimeException e) {
            layers.forEach(IndexFile::close);
            if (e instanceof StoreException se) {
                throw se;
            }
            throw new StoreException("cannot open the chain index of " + chainId + ": " + e.getMessage(), e);
        }
    }

    @Override
    public synchronized void close() {
        for (Shared s : open.values()) {
            s.closeAll();
        }
        open.clear();
    }
}

package io.lamina.store;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The layer registry ({@code meta/layers.cm}): diff-id to {@link LayerRecord}. A layer counts as
 * stored only once it is registered here, after its directory was renamed into {@code layers/}.
 * Shared by processes through the Chronicle Map file.
 */
final class LayerRegistry implements AutoCloseable {

    private static final int VALUE = 24;

    private final ChronicleMap<String, byte[]> map;

    LayerRegistry(Path file) {
        try {
            this.map = ChronicleMap.of(String.class, byte[].class)
                    .name("lamina-layers")
                    .entries(200_000)
                    .averageKeySize(71)
                    .constantValueSizeBySample(new byte[VALUE])
                    .createPersistedTo(file.toFile());
        } catch (IOException e) {
            throw new StoreException("cannot open the layer registry " + file + ": " + e.getMessage(), e);
        }
    }

    Optional<LayerRecord> get(String diffId) {
        byte[] v = map.get(diffId);
        return v == null ? Optional.empty() : Optional.of(decode(diffId, v));
    }

    void put(LayerRecord r) {
        map.put(r.diffId(), ByteBuffer.allocate(VALUE).putLong(r.entries()).putLong(r.tarBytes())
                .putLong(r.contentBytes()).array());
    }

    boolean remove(String diffId) {
        return map.remove(diffId) != null;
    }

    List<LayerRecord> all() {
        List<LayerRecord> out = new ArrayList<>();
        map.forEach((k, v) -> out.add(decode(k, v)));
        out.sort(java.util.Comparator.comparing(LayerRecord::diffId));
        return out;
    }

    private static LayerRecord decode(String diffId, byte[] v) {
        ByteBuffer b = ByteBuffer.wrap(v);
        return new LayerRecord(diffId, b.getLong(), b.getLong(), b.getLong());
    }

    @Override
    public void close() {
        map.close();
    }
}

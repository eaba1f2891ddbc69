package io.lamina.snapshotter;

import net.openhft.chronicle.map.ChronicleMap;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * The snapshot records, by key, in a persisted Chronicle Map ({@code <root>/meta/snapshots.cm}),
 * so they survive the process. Keys are only ever map keys, never file names. Not synchronized:
 * {@link Snapshots} is its one writer and calls it under its lock.
 *
 * <p>Opening repairs what a crash inside Commit can leave: Commit writes the committed record
 * before it removes the active one, so two records may name one directory; the committed one wins.
 */
final class Metadata implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(Metadata.class.getName());
    /** Sized for this many records up front (the file is allocated, not sparse); it grows 8x beyond. */
    private static final long SNAPSHOTS = 20_000;

    private final ChronicleMap<String, byte[]> records;

    private Metadata(ChronicleMap<String, byte[]> records) {
        this.records = records;
    }

    static Metadata open(Path dir) throws IOException {
        Files.createDirectories(dir);
        ChronicleMap<String, byte[]> map = ChronicleMap.of(String.class, byte[].class)
                .name("lamina-snapshots")
                .averageKey("default/42/sha256:" + "0".repeat(64))
                .averageValueSize(320)
                .entries(SNAPSHOTS)
                .maxBloatFactor(8)
                .createPersistedTo(dir.resolve("snapshots.cm").toFile());
        Metadata m = new Metadata(map);
        m.repair();
        return m;
    }

    private void repair() {
        Map<Long, SnapshotRecord> byId = new HashMap<>();
        for (SnapshotRecord r : all()) {
            SnapshotRecord other = byId.putIfAbsent(r.id(), r);
            if (other == null) continue;
            SnapshotRecord loser = r.kind() == Kind.COMMITTED ? other : r;
            LOG.log(System.Logger.Level.WARNING, "dropping record " + loser.key() + " of an interrupted commit");
            records.remove(loser.key());
            byId.put(r.id(), loser == r ? other : r);
        }
    }

    Optional<SnapshotRecord> get(String key) {
        byte[] b = records.get(key);
        return b == null ? Optional.empty() : Optional.of(SnapshotRecord.decode(b));
    }

    void put(SnapshotRecord r) {
        records.put(r.key(), r.encode());
    }

    void remove(String key) {
        records.remove(key);
    }

    List<SnapshotRecord> all() {
        List<SnapshotRecord> out = new ArrayList<>();
        for (byte[] b : records.values()) out.add(SnapshotRecord.decode(b));
        return out;
    }

    @Override
    public void close() {
        records.close();
    }
}

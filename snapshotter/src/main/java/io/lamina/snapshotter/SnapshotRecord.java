package io.lamina.snapshotter;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * What the metadata knows of one snapshot: its key (containerd's name for it), the numeric
 * {@code id} that names its directory, its kind, its parent's key ("" for none), labels, creation
 * and update times, and for a committed snapshot the usage measured at commit ({@code size} bytes
 * and {@code inodes}; -1 when not measured) and its {@code chain}: the diff-ids of the stored
 * layers it is, bottom first (empty for active snapshots and views).
 */
record SnapshotRecord(String key, long id, Kind kind, String parent, Map<String, String> labels,
                      Instant created, Instant updated, long size, long inodes, List<String> chain) {
    private static final int FORMAT = 2;

    SnapshotRecord {
        labels = Map.copyOf(labels);
        chain = List.copyOf(chain);
    }

    SnapshotRecord(String key, long id, Kind kind, String parent, Map<String, String> labels,
                   Instant created, Instant updated, long size, long inodes) {
        this(key, id, kind, parent, labels, created, updated, size, inodes, List.of());
    }

    /** The name under which the snapshotter holds this snapshot's layers in the store's registry. */
    String holder() {
        return "snapshot/" + id;
    }

    boolean hasParent() {
        return !parent.isEmpty();
    }

    SnapshotRecord withLabels(Map<String, String> newLabels, Instant at) {
        return new SnapshotRecord(key, id, kind, parent, newLabels, created, at, size, inodes, chain);
    }

    /** The committed snapshot this active one becomes under {@code name}: the stored layers {@code layers}. */
    SnapshotRecord committed(String name, Map<String, String> newLabels, Instant at, long bytes, long count,
                             List<String> layers) {
        return new SnapshotRecord(name, id, Kind.COMMITTED, parent, newLabels, at, at, bytes, count, layers);
    }

    byte[] encode() {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(256);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeByte(FORMAT);
            writeString(out, key);
            out.writeLong(id);
            out.writeByte(kind.ordinal());
            writeString(out, parent);
            writeInstant(out, created);
            writeInstant(out, updated);
            out.writeLong(size);
            out.writeLong(inodes);
            out.writeInt(labels.size());
            for (Map.Entry<String, String> e : new TreeMap<>(labels).entrySet()) {
                writeString(out, e.getKey());
                writeString(out, e.getValue());
            }
            out.writeInt(chain.size());
            for (String d : chain) writeString(out, d);
        } catch (IOException e) {
            throw new IllegalStateException(e); // a byte array does not fail
        }
        return bytes.toByteArray();
    }

    /** The record {@link #encode} wrote; IllegalArgumentException for bytes that are not one. */
    static SnapshotRecord decode(byte[] b) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(b))) {
            int format = in.readUnsignedByte();
            if (format != FORMAT && format != 1) throw new IllegalArgumentException("unknown snapshot record format " + format);
            String key = readString(in);
            long id = in.readLong();
            Kind kind = Kind.values()[in.readUnsignedByte()];
            String parent = readString(in);
            Instant created = readInstant(in);
            Instant updated = readInstant(in);
            long size = in.readLong();
            long inodes = in.readLong();
            int n = in.readInt();
            Map<String, String> labels = new TreeMap<>();
            for (int i = 0; i < n; i++) labels.put(readString(in), readString(in));
            List<String> chain = new ArrayList<>();
            if (format >= 2) {
                int c = in.readInt();
                if (c < 0 || c > 1 << 16) throw new IOException("bad chain length " + c);
                for (int i = 0; i < c; i++) chain.add(readString(in));
            }
            return new SnapshotRecord(key, id, kind, parent, labels, created, updated, size, inodes, chain);
        } catch (IOException | RuntimeException e) {
            throw new IllegalArgumentException("corrupt snapshot record: " + e, e);
        }
    }

    private static void writeString(DataOutputStream out, String s) throws IOException {
        byte[] b = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(b.length);
        out.write(b);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0 || n > 1 << 20) throw new IOException("bad string length " + n);
        return new String(in.readNBytes(n), StandardCharsets.UTF_8);
    }

    private static void writeInstant(DataOutputStream out, Instant t) throws IOException {
        out.writeLong(t.getEpochSecond());
        out.writeInt(t.getNano());
    }

    private static Instant readInstant(DataInputStream in) throws IOException {
        return Instant.ofEpochSecond(in.readLong(), in.readInt());
    }
}

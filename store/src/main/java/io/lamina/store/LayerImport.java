package io.lamina.store;

import io.lamina.sys.Posix;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.LongConsumer;

/**
 * Reads one uncompressed OCI layer tar into a private work directory: regular-file contents as
 * objects named by their sha256 ({@code work/objects/HEX}, only those the store lacks), and the
 * layer's index ({@code work/layer/index}). Nothing outside the work directory is written, so the
 * caller moves the results into place only when the whole layer was accepted. Every rejection is
 * a {@link StoreException} naming the tar entry and the reason.
 */
final class LayerImport {

    static final String WHITEOUT = ".wh.";
    static final String OPAQUE = ".wh..wh..opq";
    private static final String XATTR_PAX = PaxXattrs.PREFIX;
    private static final int SMALL = 1 << 20;
    private static final int KNOWN_CAP = 1 << 16;
    private static final int HOLE_BLOCK = 4096;
    private static final byte[] ZEROS = new byte[HOLE_BLOCK];

    /** What an accepted layer produced. */
    record Result(String diffHex, long entries, long tarBytes, long contentBytes, Path layerDir, Path objectsDir) {
    }

    private final Path storeObjects;
    private final Path work;
    private final Path pending;
    private final byte[] buf = new byte[SMALL];
    private final MessageDigest md = Digests.sha256();
    private final Set<String> known = new HashSet<>();
    private IndexBuilder index;
    private int nextGroup = 1;
    private int headerFlags;
    private long contentBytes;
    private int dataSeq;
    private String current = "";
    private Map<String, byte[]> rawXattrs = Map.of();

    LayerImport(Path storeObjects, Path work) {
        this.storeObjects = storeObjects;
        this.work = work;
        this.pending = work.resolve("objects");
    }

    Result run(InputStream tar, LongConsumer progress) throws IOException {
        Files.createDirectories(pending);
        Path layerDir = Files.createDirectories(work.resolve("layer"));
        Path scratch = Files.createDirectories(work.resolve("scratch"));
        try (HashingInput hin = new HashingInput(tar, progress);
             IndexBuilder ib = new IndexBuilder(scratch)) {
            index = ib;
            TarArchiveInputStream tin = new TarArchiveInputStream(hin, 512 * 20, 512, "UTF-8", false);
            int seen = 0;
            byte[] drain = new byte[8192];
            while (true) {
                TarArchiveEntry e;
                try {
                    // Whatever the last entry left unread is read now, so that the capture holds
                    // just this entry's headers (and the padding before them).
                    while (seen > 0 && tin.read(drain) > 0) {
                        // discarded
                    }
                    hin.startCapture();
                    e = tin.getNextEntry();
                    rawXattrs = PaxXattrs.of(hin.stopCapture(), hin.captureStart());
                } catch (IOException | RuntimeException x) {
                    throw new StoreException((seen == 0 ? "layer tar: not a tar archive or a broken first header"
                            : "layer tar: broken header after entry '" + current + "'") + " (at byte "
                            + hin.count() + "): " + x.getMessage(), x);
                }
                if (e == null) {
                    break;
                }
                seen++;
                current = e.getName();
                entry(tin, e);
            }
            hin.drain();
            if (hin.count() == 0) {
                throw new StoreException("layer tar: empty input, not a tar archive");
            }
            if (hin.zeroRun() < 1024) {
                throw new StoreException("layer tar: the stream ends without the end-of-archive marker"
                        + (seen == 0 ? "" : " after entry '" + current + "'") + " (truncated?)");
            }
            byte[] diff = hin.digest();
            ib.write(layerDir.resolve("index"), headerFlags);
            return new Result(Digests.hex(diff), ib.size(), hin.count(), contentBytes, layerDir, pending);
        }
    }

    private StoreException bad(String reason) {
        return new StoreException("layer tar entry '" + current + "': " + reason);
    }

    private void entry(TarArchiveInputStream tin, TarArchiveEntry e) throws IOException {
        String path = normalise(e.getName());
        if (path.isEmpty()) {
            if (!e.isDirectory()) {
                throw bad("the layer root is not a directory");
            }
            return; // the root's own metadata: overlayfs takes the root from the upper
        }
        int slash = path.lastIndexOf('/');
        String parent = slash < 0 ? "" : path.substring(0, slash);
        String name = path.substring(slash + 1);
        if (name.startsWith(WHITEOUT)) {
            marker(parent, name);
            return;
        }
        if (e.isLink()) {
            hardlink(path, e);
            return;
        }
        EntryKind kind = kindOf(e);
        // A sparse entry stores its data without the holes; reading it gives the whole file.
        long size = kind != EntryKind.REGULAR ? 0 : e.isSparse() || e.isPaxGNU1XSparse() ? e.getRealSize() : e.getSize();
        int id = create(path, kind);
        Instant t = e.getLastModifiedTime().toInstant();
        long rdev = kind == EntryKind.CHAR_DEVICE || kind == EntryKind.BLOCK_DEVICE
                ? Posix.makedev(e.getDevMajor(), e.getDevMinor()) : 0;
        index.set(id, kind, e.getMode() & 07777, (int) e.getLongUserId(), (int) e.getLongGroupId(),
                t.getEpochSecond(), t.getNano(), size, rdev);
        String target = null;
        if (kind == EntryKind.SYMLINK) {
            target = e.getLinkName();
            if (target == null || target.isEmpty()) {
                throw bad("a symlink with an empty target");
            }
        }
        extra(id, target, e.getExtraPaxHeaders());
        if (kind == EntryKind.REGULAR) {
            index.setDigest(id, content(tin, size));
            contentBytes += size;
        }
    }

    private static EntryKind kindOf(TarArchiveEntry e) {
        if (e.isDirectory()) {
            return EntryKind.DIRECTORY;
        }
        if (e.isSymbolicLink()) {
            return EntryKind.SYMLINK;
        }
        if (e.isCharacterDevice()) {
            return EntryKind.CHAR_DEVICE;
        }
        if (e.isBlockDevice()) {
            return EntryKind.BLOCK_DEVICE;
        }
        if (e.isFIFO()) {
            return EntryKind.FIFO;
        }
        if (e.isFile() || e.isGNUSparse() || e.isStarSparse()) {
            return EntryKind.REGULAR;
        }
        return null;
    }

    /** {@code .wh.NAME} (a whiteout of NAME) or {@code .wh..wh..opq} (its directory is opaque). */
    private void marker(String parent, String name) {
        if (name.equals(OPAQUE)) {
            if (parent.isEmpty()) {
                headerFlags |= IndexFormat.HF_ROOT_OPAQUE;
                return;
            }
            byte[] p = utf8(parent);
            int id = index.lookup(p);
            if (id < 0) {
                ensureParent(p);
                id = implicitDir(p);
            } else if (index.kind(id) != EntryKind.DIRECTORY) {
                throw bad("an opaque marker inside '" + parent + "', which is not a directory");
            }
            index.setFlags(id, index.flags(id) | IndexFormat.F_OPAQUE);
            return;
        }
        String target = name.substring(WHITEOUT.length());
        if (target.isEmpty()) {
            throw bad("a bare '.wh.' whiteout names nothing");
        }
        if (target.equals(".") || target.equals("..")) {
            throw bad("a whiteout of '" + target + "'");
        }
        if (target.startsWith(WHITEOUT)) {
            throw bad("a whiteout of the reserved name '" + target + "'");
        }
        int id = create(parent.isEmpty() ? target : parent + "/" + target, EntryKind.WHITEOUT);
        index.set(id, EntryKind.WHITEOUT, 0, 0, 0, 0, 0, 0, 0);
    }

    private void hardlink(String path, TarArchiveEntry e) {
        String link = e.getLinkName();
        if (link == null || link.isEmpty()) {
            throw bad("a hardlink with an empty target");
        }
        String target;
        try {
            target = normalise(link);
        } catch (StoreException x) {
            throw bad("hardlink target '" + link + "' is outside the layer");
        }
        int t = target.isEmpty() ? -1 : index.lookup(utf8(target));
        if (t < 0) {
            throw bad("hardlink to '" + link + "', which is not an earlier entry of this layer");
        }
        EntryKind k = index.kind(t);
        if (k == EntryKind.DIRECTORY || k == EntryKind.WHITEOUT) {
            throw bad("hardlink to '" + link + "', which is a " + k.name().toLowerCase().replace('_', ' '));
        }
        int id = create(path, k);
        int group = index.linkGroup(t);
        if (group == 0) {
            group = nextGroup++;
            index.setLinkGroup(t, group);
        }
        index.copyRecord(t, id);
    }

    /**
     * Adds an entry at {@code path} of {@code kind} (null: an unsupported tar type), checking its
     * parents (created as implicit directories when missing) and that the path is new; an
     * implicit directory made for earlier entries is taken over by a directory entry.
     */
    private int create(String path, EntryKind kind) {
        if (kind == null) {
            throw bad("unsupported tar entry type");
        }
        byte[] p = utf8(path);
        int id = index.lookup(p);
        if (id >= 0) {
            boolean implicit = (index.flags(id) & IndexFormat.F_IMPLICIT) != 0;
            if (implicit && kind == EntryKind.DIRECTORY) {
                index.setFlags(id, index.flags(id) & ~IndexFormat.F_IMPLICIT);
                return id;
            }
            if (implicit) {
                throw bad("not a directory, but earlier entries of the layer are inside '" + path + "'");
            }
            throw bad("duplicate entry: the layer already has '" + path + "'");
        }
        ensureParent(p);
        return index.add(p);
    }

    /** Makes sure the parent of {@code p} is a directory of this layer, creating implicit ones. */
    private void ensureParent(byte[] p) {
        int slash = lastSlash(p);
        if (slash < 0) {
            return;
        }
        byte[] parent = Arrays.copyOf(p, slash);
        int id = index.lookup(parent);
        if (id < 0) {
            ensureParent(parent);
            implicitDir(parent);
            return;
        }
        EntryKind k = index.kind(id);
        String ps = new String(parent, StandardCharsets.UTF_8);
        switch (k) {
            case DIRECTORY -> {
            }
            case SYMLINK -> throw bad("the path goes through the symlink '" + ps + "' (an earlier entry)");
            case WHITEOUT -> throw bad("the path goes through '" + ps + "', which this layer whites out");
            default -> throw bad("the parent '" + ps + "' is not a directory");
        }
    }

    private int implicitDir(byte[] p) {
        int id = index.add(p);
        index.set(id, EntryKind.DIRECTORY, 0755, 0, 0, 0, 0, 0, 0);
        index.setFlags(id, IndexFormat.F_IMPLICIT);
        index.setExtra(id, new byte[0], 0);
        return id;
    }

    private static int lastSlash(byte[] p) {
        for (int i = p.length - 1; i >= 0; i--) {
            if (p[i] == '/') {
                return i;
            }
        }
        return -1;
    }

    private void extra(int id, String linkTarget, Map<String, String> pax) {
        Map<String, byte[]> xattrs = new TreeMap<>();
        for (var h : pax.entrySet()) {
            if (h.getKey().startsWith(XATTR_PAX)) {
                String name = h.getKey().substring(XATTR_PAX.length());
                if (name.isEmpty() || name.length() > 255) {
                    throw bad("a bad xattr name '" + name + "'");
                }
                // The raw bytes of the header, when found there: values may be binary.
                byte[] raw = rawXattrs.get(name);
                xattrs.put(name, raw != null ? raw : utf8(h.getValue()));
            }
        }
        if (xattrs.size() > 0xffff) {
            throw bad("too many xattrs");
        }
        if (linkTarget == null && xattrs.isEmpty()) {
            index.setExtra(id, new byte[0], 0);
            return;
        }
        var out = new java.io.ByteArrayOutputStream();
        ByteBuffer n = ByteBuffer.allocate(4).order(ByteOrder.LITTLE_ENDIAN);
        if (linkTarget != null) {
            byte[] t = utf8(linkTarget);
            out.writeBytes(n.putInt(0, t.length).array());
            out.writeBytes(t);
        }
        for (var x : xattrs.entrySet()) {
            byte[] name = utf8(x.getKey());
            out.write(name.length & 0xff);
            out.write(name.length >>> 8);
            out.writeBytes(name);
            out.writeBytes(n.putInt(0, x.getValue().length).array());
            out.writeBytes(x.getValue());
        }
        try {
            index.setExtra(id, out.toByteArray(), xattrs.size());
        } catch (StoreException x) {
            throw bad(x.getMessage());
        }
    }

    /** Reads the entry's data, stores it as an object unless the store has it, returns its sha256. */
    private byte[] content(TarArchiveInputStream tin, long size) throws IOException {
        if (size <= buf.length) {
            readFully(tin, buf, (int) size, size);
            md.update(buf, 0, (int) size);
            byte[] d = md.digest();
            String hex = Digests.hex(d);
            if (!present(hex)) {
                try (FileChannel ch = FileChannel.open(pending.resolve(hex), StandardOpenOption.CREATE_NEW,
                        StandardOpenOption.WRITE)) {
                    writeSparse(ch, 0, (int) size);
                    endFile(ch, size);
                }
            }
            return d;
        }
        Path data = work.resolve("data-" + dataSeq++);
        try (FileChannel ch = FileChannel.open(data, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            long pos = 0;
            while (pos < size) {
                int n = (int) Math.min(buf.length, size - pos);
                readFully(tin, buf, n, size);
                md.update(buf, 0, n);
                writeSparse(ch, pos, n);
                pos += n;
            }
            endFile(ch, size);
        }
        byte[] d = md.digest();
        String hex = Digests.hex(d);
        if (present(hex)) {
            Files.delete(data);
        } else {
            Files.move(data, pending.resolve(hex), StandardCopyOption.ATOMIC_MOVE);
        }
        return d;
    }

    /**
     * Writes {@code buf[0, n)} at {@code pos}, leaving out blocks of zeros: they become holes, as
     * {@code tar -x} makes them for sparse entries, so a sparse or zero-filled file takes no disk
     * space for them (reads see zeros just the same).
     */
    private void writeSparse(FileChannel ch, long pos, int n) throws IOException {
        int start = -1;
        for (int off = 0; off < n; off += HOLE_BLOCK) {
            int len = Math.min(HOLE_BLOCK, n - off);
            boolean zero = Arrays.mismatch(buf, off, off + len, ZEROS, 0, len) < 0;
            if (zero && start >= 0) {
                writeAt(ch, pos + start, start, off - start);
                start = -1;
            } else if (!zero && start < 0) {
                start = off;
            }
        }
        if (start >= 0) {
            writeAt(ch, pos + start, start, n - start);
        }
    }

    private void writeAt(FileChannel ch, long pos, int off, int len) throws IOException {
        ByteBuffer b = ByteBuffer.wrap(buf, off, len);
        while (b.hasRemaining()) {
            pos += ch.write(b, pos);
        }
    }

    /** Gives the file its full size when it ends in a hole. */
    private static void endFile(FileChannel ch, long size) throws IOException {
        if (size > 0 && ch.size() < size) {
            ch.write(ByteBuffer.wrap(new byte[1]), size - 1);
        }
    }

    /** Whether the store or this import already holds object {@code hex}; remembers a bounded number. */
    private boolean present(String hex) {
        if (known.contains(hex)) {
            return true;
        }
        boolean has = exists(storeObjects.resolve(hex.substring(0, 2)).resolve(hex)) || exists(pending.resolve(hex));
        if (known.size() >= KNOWN_CAP) {
            known.clear();
        }
        known.add(hex);
        return has;
    }

    /** Whether {@code p} exists: a stat that reports a miss as null, not as an exception. */
    private static boolean exists(Path p) {
        return Posix.fstatatOrNull(Posix.AT_FDCWD, p.toString(), Posix.AT_SYMLINK_NOFOLLOW) != null;
    }

    private void readFully(InputStream in, byte[] b, int len, long size) {
        int off = 0;
        try {
            while (off < len) {
                int n = in.read(b, off, len - off);
                if (n < 0) {
                    throw bad("truncated: the header says " + size + " bytes, the data ends early");
                }
                off += n;
            }
        } catch (IOException x) {
            throw bad("truncated or unreadable data (the header says " + size + " bytes): " + x.getMessage());
        }
    }

    /**
     * The entry name as a layer path: relative, "./" and "." components and a trailing "/" dropped.
     *
     * @throws StoreException for an absolute name, a ".." component, a NUL, or a whiteout name used
     *                        as a directory
     */
    private String normalise(String raw) {
        if (raw == null || raw.isEmpty()) {
            throw bad("an empty name");
        }
        if (raw.startsWith("/")) {
            throw bad("an absolute path (layer paths are relative)");
        }
        if (raw.indexOf('\0') >= 0) {
            throw bad("a NUL byte in the name");
        }
        List<String> parts = new ArrayList<>();
        for (String c : raw.split("/")) {
            if (c.isEmpty() || c.equals(".")) {
                continue;
            }
            if (c.equals("..")) {
                throw bad("the path has a '..' component");
            }
            if (!parts.isEmpty() && parts.getLast().startsWith(WHITEOUT)) {
                throw bad("the whiteout name '" + parts.getLast() + "' used as a directory");
            }
            if (c.getBytes(StandardCharsets.UTF_8).length > 255) {
                throw bad("a component longer than 255 bytes");
            }
            parts.add(c);
        }
        return String.join("/", parts);
    }

    private static byte[] utf8(String s) {
        return s.getBytes(StandardCharsets.UTF_8);
    }
}

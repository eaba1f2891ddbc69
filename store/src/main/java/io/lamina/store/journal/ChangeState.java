package io.lamina.store.journal;

import io.lamina.fs.Change;
import io.lamina.fs.FileType;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import io.lamina.store.journal.JournalFile.Rec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * The journal's consumer: the changed paths of an upper with their status, and its usage (bytes
 * and inodes, each inode once), kept in memory and mirrored into the {@link JournalFile}. Driven by
 * one thread (the ring's handler); not thread-safe.
 *
 * <p>Each change re-reads the upper at its path, so the state follows the upper whatever order
 * things happened in: a {@link Change.Kind#CREATED} or {@link Change.Kind#DELETED} path is
 * forgotten with everything known below it and read again with everything the upper now has
 * below it (a renamed directory brings its contents); a data or metadata change re-stats the one
 * entry (its size counts by the difference). Parents not yet known are added too: they were
 * copied up by the change.
 */
final class ChangeState {
    private static final String METACOPY = "trusted.overlay.metacopy";

    private final TreeMap<String, Rec> paths = new TreeMap<>();
    /** inode number to {references, bytes}. */
    private final Map<Long, long[]> inodes = new HashMap<>();
    private final LowerImage lower;
    private final JournalFile file;
    private final UsageFile usage;
    private long bytes;
    private long inodeCount;
    private long lowerBytes;

    ChangeState(LowerImage lower, JournalFile file, UsageFile usage) {
        this.lower = lower;
        this.file = file;
        this.usage = usage;
    }

    /** The size of the lower layers, saved with the totals. */
    void lowerBytes(long b) {
        lowerBytes = b;
        file.putMeta(JournalFile.LOWER_BYTES, b);
    }

    /** Takes in what the file holds (a clean stop saved it). */
    void load() {
        lowerBytes = Math.max(0, file.meta(JournalFile.LOWER_BYTES));
        file.forEach((path, r) -> {
            paths.put(path, r);
            account(r);
        });
    }

    /** Forgets everything and reads the whole upper under {@code root} again. */
    void rebuild(Path root) {
        for (String p : new ArrayList<>(paths.keySet())) drop(p);
        UpperWalk.walk(root, "", (rel, st) -> put(rel, rec(root, rel, st)));
        saveTotals();
    }

    void apply(Change.Kind kind, String path, Path root) {
        if (path.isEmpty()) return;
        if (kind == Change.Kind.CREATED || kind == Change.Kind.DELETED) {
            dropTree(path);
            Stat st = UpperWalk.lstat(root + "/" + path);
            if (st != null) {
                put(path, rec(root, path, st));
                if (st.isDir()) UpperWalk.walk(root, path, (rel, s) -> put(rel, rec(root, rel, s)));
            }
        } else {
            Stat st = UpperWalk.lstat(root + "/" + path);
            if (st == null) dropTree(path);
            else put(path, rec(root, path, st));
        }
        // The change copied up the parents it needed: they are changed too.
        for (String p = parent(path); !p.isEmpty() && !paths.containsKey(p); p = parent(p)) {
            Stat st = UpperWalk.lstat(root + "/" + p);
            if (st != null) put(p, rec(root, p, st));
        }
    }

    /** Writes the totals to the file and the usage file (at the end of each batch of changes). */
    void saveTotals() {
        file.putMeta(JournalFile.BYTES, bytes);
        file.putMeta(JournalFile.INODES, inodeCount);
        file.putMeta(JournalFile.CHANGES, paths.size());
        usage.write(bytes, inodeCount, lowerBytes, paths.size());
    }

    long bytes() {
        return bytes;
    }

    long inodes() {
        return inodeCount;
    }

    /** The changed paths, sorted, with their status letters (for tests). */
    List<String> diff() {
        List<String> out = new ArrayList<>(paths.size());
        paths.forEach((p, r) -> out.add((char) r.status() + " /" + p));
        return out;
    }

    private Rec rec(Path root, String path, Stat st) {
        if (st.isCharDevice00()) return new Rec((byte) 'D', Rec.WHITEOUT, st.ino(), 0);
        FileType type = FileType.ofMode(st.mode());
        long size = switch (type) {
            case REGULAR -> isMetacopy(root, path, st) ? 0 : st.size();
            case SYMLINK -> st.size();
            default -> 0;
        };
        byte status = (byte) (lower.contains(path) ? 'C' : 'A');
        return new Rec(status, (byte) type.ordinal(), st.ino(), size);
    }

    /**
     * A metadata-only copy (carries the metacopy xattr). Its st_blocks cannot tell: an xattr block
     * on ext4 counts there too.
     */
    private static boolean isMetacopy(Path root, String path, Stat st) {
        if (st.size() == 0) return false;
        try {
            return Posix.lgetxattr(root + "/" + path, METACOPY) != null;
        } catch (RuntimeException e) {
            return false;
        }
    }

    private void put(String path, Rec r) {
        Rec old = paths.put(path, r);
        if (old != null) unaccount(old);
        account(r);
        file.put(path, r);
    }

    private void drop(String path) {
        Rec old = paths.remove(path);
        if (old == null) return;
        unaccount(old);
        file.remove(path);
    }

    private void dropTree(String path) {
        drop(path);
        // Every path below: those between "path/" and "path0" ('0' follows '/').
        for (String p : new ArrayList<>(paths.subMap(path + "/", path + "0").keySet())) drop(p);
    }

    private void account(Rec r) {
        long[] i = inodes.get(r.ino());
        if (i == null) {
            inodes.put(r.ino(), new long[] {1, r.bytes()});
            inodeCount++;
            bytes += r.bytes();
        } else {
            // Another name of a known inode: count its latest size, once.
            i[0]++;
            bytes += r.bytes() - i[1];
            i[1] = r.bytes();
        }
    }

    private void unaccount(Rec r) {
        long[] i = inodes.get(r.ino());
        if (i == null) return;
        if (--i[0] == 0) {
            inodes.remove(r.ino());
            inodeCount--;
            bytes -= i[1];
        }
    }

    private static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }
}

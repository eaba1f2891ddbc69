package io.lamina.store;

import io.lamina.fs.FsException;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Writes the OCI layer tar (uncompressed) of an upper in the kernel overlayfs format. The same
 * upper gives the same bytes: entries depth first, siblings in byte order of their tar names,
 * parents before children; only mode, owner ids, mtime (with its nanoseconds, PAX), size, link
 * targets, device numbers and xattrs are written (no user or group names, no atime or ctime).
 *
 * <ul>
 * <li>a whiteout (char 0/0) becomes an empty {@code .wh.NAME}; an opaque directory is followed by
 *     {@code DIR/.wh..wh..opq};</li>
 * <li>a directory with a redirect (a renamed lower directory) is written whole at its new name,
 *     as an opaque directory with everything the merged view shows in it; its old name has a
 *     whiteout in the upper already;</li>
 * <li>regular files take their metadata from the upper and their data from the upper when it is
 *     all there, else from the merged view, so a metadata-only copy (metacopy) carries its full data;</li>
 * <li>names of one inode after the first become tar hard links to the first;</li>
 * <li>xattrs are PAX {@code SCHILY.xattr.NAME} records, the union's own
 *     ({@code trusted.overlay.*}, {@code trusted.lamina.*}) left out; long and non-ASCII names
 *     are PAX paths. Sockets cannot be in a tar and are left out.</li>
 * </ul>
 */
final class UpperTar {
    private static final String OVERLAY = "trusted.overlay.";
    private static final String LAMINA = "trusted.lamina.";
    private static final String REDIRECT = "trusted.overlay.redirect";
    private static final String OPAQUE = "trusted.overlay.opaque";
    private static final String METACOPY = "trusted.overlay.metacopy";
    private static final Comparator<String> BYTE_ORDER =
            (a, b) -> Arrays.compareUnsigned(a.getBytes(StandardCharsets.UTF_8), b.getBytes(StandardCharsets.UTF_8));

    private final Path upper;
    private final Path merged;
    private final TarOut tar;
    /** "u dev ino" or "m dev ino" to the tar name first written for that inode. */
    private final Map<String, String> firstNames = new HashMap<>();
    private final byte[] buf = new byte[1 << 16];

    private UpperTar(Path upper, Path merged, OutputStream out) {
        this.upper = upper;
        this.merged = merged;
        this.tar = new TarOut(out);
    }

    /** Writes the layer of {@code upper} (data read under {@code merged}) to {@code out}, and finishes the tar. */
    static void write(Path upper, Path merged, OutputStream out) throws IOException {
        UpperTar t = new UpperTar(upper, merged, out);
        t.upperDir("");
        t.tar.finish();
    }

    /** The entries below the upper directory {@code rel}. */
    private void upperDir(String rel) throws IOException {
        for (String name : sortedNames(upper, rel)) {
            String child = join(rel, name);
            Stat st = lstat(upper, child);
            if (st == null) continue;
            if (st.isCharDevice00()) {
                whiteout(join(rel, ".wh." + name));
            } else if (st.isDir() && Posix.lgetxattr(abs(upper, child), REDIRECT) != null) {
                mergedDir(child);
            } else {
                entry(child, st, upper, "u");
                if (st.isDir()) {
                    if (isOpaque(abs(upper, child))) whiteout(child + "/.wh..wh..opq");
                    upperDir(child);
                }
            }
        }
    }

    /** A renamed lower directory: written whole from the merged view, opaque. */
    private void mergedDir(String rel) throws IOException {
        Stat st = lstat(merged, rel);
        if (st == null || !st.isDir()) throw new IOException("/" + rel + " changed while committing");
        entry(rel, st, merged, "m");
        whiteout(rel + "/.wh..wh..opq");
        mergedTree(rel);
    }

    private void mergedTree(String rel) throws IOException {
        for (String name : sortedNames(merged, rel)) {
            String child = join(rel, name);
            Stat st = lstat(merged, child);
            if (st == null) continue;
            entry(child, st, merged, "m");
            if (st.isDir()) mergedTree(child);
        }
    }

    /** One entry with the metadata of {@code st} (read under {@code root}); a regular file's data comes from the merged view. */
    private void entry(String rel, Stat st, Path root, String inoSpace) throws IOException {
        int fmt = st.type();
        if (fmt == Stat.S_IFSOCK) return;
        if (!st.isDir() && st.nlink() > 1) {
            String key = inoSpace + " " + st.dev() + " " + st.ino();
            String first = firstNames.putIfAbsent(key, rel);
            if (first != null) {
                tar.begin(header(rel, TarOut.LINK, st, 0, first, Map.of()));
                tar.endEntry(0);
                return;
            }
        }
        Map<String, byte[]> xattrs = new LinkedHashMap<>();
        for (String x : xattrNames(abs(root, rel))) {
            byte[] v = Posix.lgetxattr(abs(root, rel), x);
            if (v != null) xattrs.put(x, v);
        }
        if (st.isDir()) {
            tar.begin(header(rel + "/", TarOut.DIRECTORY, st, 0, null, xattrs));
        } else if (st.isSymlink()) {
            tar.begin(header(rel, TarOut.SYMLINK, st, 0, readlink(root, rel), xattrs));
        } else if (fmt == Stat.S_IFCHR || fmt == Stat.S_IFBLK || fmt == Stat.S_IFIFO) {
            byte type = fmt == Stat.S_IFCHR ? TarOut.CHAR : fmt == Stat.S_IFBLK ? TarOut.BLOCK : TarOut.FIFO;
            tar.begin(header(rel, type, st, 0, null, xattrs));
        } else {
            tar.begin(header(rel, TarOut.REGULAR, st, st.size(), null, xattrs));
            // An upper file with all its data is read where it is: through the merged view (a
            // FUSE mount, often) only when its data is still below (metacopy) or it is not in the upper.
            boolean whole = root.equals(upper) && Posix.lgetxattr(abs(upper, rel), METACOPY) == null;
            data(whole ? upper : merged, rel, st.size());
            tar.endEntry(st.size());
            return;
        }
        tar.endEntry(0);
    }

    private static TarOut.Header header(String name, byte type, Stat st, long size, String link, Map<String, byte[]> xattrs) {
        return new TarOut.Header(name, type, st.mode() & 07777, Integer.toUnsignedLong(st.uid()), Integer.toUnsignedLong(st.gid()),
                size, st.mtimeSec(), (int) st.mtimeNsec(), link, Posix.major(st.rdev()), Posix.minor(st.rdev()), xattrs);
    }

    /** Copies exactly {@code size} bytes of the file {@code rel} under {@code root}. */
    private void data(Path root, String rel, long size) throws IOException {
        long left = size;
        try (InputStream in = Files.newInputStream(root.resolve(rel), LinkOption.NOFOLLOW_LINKS)) {
            while (left > 0) {
                int n = in.read(buf, 0, (int) Math.min(buf.length, left));
                if (n < 0) break;
                tar.write(buf, 0, n);
                left -= n;
            }
        }
        if (left != 0) throw new IOException("/" + rel + " changed while committing (shorter than its size " + size + ")");
    }

    private void whiteout(String rel) throws IOException {
        tar.begin(TarOut.Header.of(rel, TarOut.REGULAR, 0, 0, 0));
        tar.endEntry(0);
    }

    private static boolean isOpaque(String abs) {
        byte[] v = Posix.lgetxattr(abs, OPAQUE);
        return v != null && v.length == 1 && v[0] == 'y';
    }

    private static List<String> xattrNames(String abs) {
        List<String> out = new ArrayList<>();
        for (String x : Posix.llistxattr(abs)) {
            if (!x.startsWith(OVERLAY) && !x.startsWith(LAMINA)) out.add(x);
        }
        out.sort(BYTE_ORDER);
        return out;
    }

    private static List<String> sortedNames(Path root, String rel) throws IOException {
        int fd;
        try {
            fd = Posix.openat(Posix.AT_FDCWD, abs(root, rel), Posix.O_RDONLY | Posix.O_DIRECTORY | Posix.O_NOFOLLOW | Posix.O_CLOEXEC, 0);
        } catch (FsException e) {
            throw new IOException("cannot read directory /" + rel + ": " + e.getMessage());
        }
        try {
            List<String> names = new ArrayList<>();
            for (DirEnt d : Posix.readDir(fd)) names.add(d.name());
            // Sorted by the names they have in the tar: a whiteout sorts as ".wh.NAME".
            names.sort(Comparator.comparing(n -> tarName(root, rel, n), BYTE_ORDER));
            return names;
        } finally {
            Posix.closeQuietly(fd);
        }
    }

    private static String tarName(Path root, String rel, String name) {
        Stat st = lstat(root, join(rel, name));
        return st != null && st.isCharDevice00() ? ".wh." + name : name;
    }

    private static Stat lstat(Path root, String rel) {
        try {
            return Posix.fstatatOrNull(Posix.AT_FDCWD, abs(root, rel), Posix.AT_SYMLINK_NOFOLLOW);
        } catch (FsException e) {
            return null;
        }
    }

    private static String readlink(Path root, String rel) {
        Path p = root.resolve(rel);
        int dir = Posix.openat(Posix.AT_FDCWD, p.getParent().toString(), Posix.O_PATH | Posix.O_DIRECTORY | Posix.O_CLOEXEC, 0);
        try {
            return Posix.readlinkat(dir, p.getFileName().toString());
        } finally {
            Posix.closeQuietly(dir);
        }
    }

    private static String abs(Path root, String rel) {
        return rel.isEmpty() ? root.toString() : root + "/" + rel;
    }

    private static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }
}

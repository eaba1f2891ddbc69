package io.lamina.fs.contract;

import io.lamina.fs.FileType;
import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Everything a user sees after a scenario, as sorted text lines so that two observations compare
 * with a readable diff:
 * <ul>
 * <li>{@code op}: each step's outcome (value or errno);</li>
 * <li>{@code tree}: every path of the merged tree, walked with readdir and lstat: type, mode,
 *     owner, nlink, size, rdev, content digest ({@link ContentHash}), symlink target, atime, mtime
 *     ({@link TimeWindow}), xattrs with values; a directory's listing is the set of its paths;</li>
 * <li>{@code ino}: which paths share an inode, and for each path whose inode is not the one
 *     the same path had before the steps, the paths that inode had before (raw numbers never
 *     appear);</li>
 * <li>{@code upper}: the upper directory on disk: names, types (whiteouts as such), mode, owner,
 *     size and digest of regular files that hold data, symlink targets, user-visible xattrs, and
 *     the overlay markers opaque, redirect and metacopy by presence. Other trusted.overlay.*
 *     attributes (origin, impure, nlink, uuid) are the kernel's bookkeeping, and trusted.lamina.*
 *     lamina's; neither is compared (the merged tree must show neither).</li>
 * </ul>
 */
public final class Observation {
    private static final String OVERLAY_XATTR = "trusted.overlay.";
    /** lamina's own bookkeeping in its upper (origin, hardlink index), its counterpart of the kernel's origin/nlink. */
    private static final String LAMINA_XATTR = "trusted.lamina.";

    private final List<String> lines;

    private Observation(List<String> lines) {
        this.lines = List.copyOf(lines);
    }

    public List<String> lines() {
        return lines;
    }

    /** path ("/" for the root) to st_ino of every path of the merged tree. */
    public static Map<String, Long> inodes(UserFs fs) {
        Map<String, Long> inos = new TreeMap<>();
        walk(fs, "", (path, st) -> inos.put(display(path), st.ino()));
        return inos;
    }

    /**
     * Observes {@code fs} and {@code upper}. {@code inosBefore} is {@link #inodes} taken before the
     * steps ran; {@code outcomes} are the rendered step outcomes.
     */
    public static Observation capture(UserFs fs, Path upper, TimeWindow window, Map<String, Long> inosBefore,
                                      List<String> outcomes) {
        List<String> out = new ArrayList<>();
        for (int i = 0; i < outcomes.size(); i++) out.add("op " + (i + 1) + " " + outcomes.get(i));
        Map<String, Long> inos = new TreeMap<>();
        List<String> tree = new ArrayList<>();
        // lstat everything first, read contents after: the observation's own reads must not show
        // up as atime changes (relatime) in the stats it reports
        Map<String, UserStat> stats = new LinkedHashMap<>();
        walk(fs, "", (path, st) -> {
            inos.put(display(path), st.ino());
            stats.put(path, st);
        }, tree);
        stats.forEach((path, st) -> tree.add("tree " + display(path) + " " + describe(fs, path, st, window)));
        tree.sort(null);
        out.addAll(tree);
        out.addAll(inodeLines(inos, inosBefore));
        List<String> up = new ArrayList<>();
        upper(upper.toString(), "", up);
        up.sort(null);
        out.addAll(up);
        return new Observation(out);
    }

    private interface Visitor {
        void visit(String path, UserStat st);
    }

    private static void walk(UserFs fs, String path, Visitor v) {
        walk(fs, path, v, new ArrayList<>());
    }

    /** Depth-first over readdir; a name readdir shows but lstat cannot find becomes an error line. */
    private static void walk(UserFs fs, String path, Visitor v, List<String> errors) {
        Outcome<UserStat> st = fs.lstat(path);
        if (!st.isOk()) {
            errors.add("tree " + display(path) + " lstat " + st.render());
            return;
        }
        v.visit(path, st.value());
        if (st.value().type() != FileType.DIRECTORY) return;
        Outcome<List<String>> names = fs.readdir(path);
        if (!names.isOk()) {
            errors.add("tree " + display(path) + " readdir " + names.render());
            return;
        }
        for (String n : names.value()) walk(fs, path.isEmpty() ? n : path + "/" + n, v, errors);
    }

    static String display(String path) {
        return "/" + path;
    }

    private static String describe(UserFs fs, String path, UserStat st, TimeWindow window) {
        StringBuilder b = new StringBuilder();
        b.append(typeName(st.type())).append(' ').append(String.format("%04o", st.permissions()))
                .append(' ').append(st.uid()).append(':').append(st.gid()).append(" nlink=").append(st.nlink());
        switch (st.type()) {
            case REGULAR -> b.append(" size=").append(st.size()).append(" sha=")
                    .append(fs.contentHash(path).render());
            case SYMLINK -> b.append(" size=").append(st.size()).append(" -> ").append(fs.readlink(path).render());
            case CHAR_DEVICE, BLOCK_DEVICE -> b.append(" rdev=").append(Posix.major(st.rdev())).append(':')
                    .append(Posix.minor(st.rdev()));
            default -> {
            }
        }
        b.append(" atime=").append(window.render(st.atimeSec(), st.atimeNsec()))
                .append(" mtime=").append(window.render(st.mtimeSec(), st.mtimeNsec()));
        b.append(" xattrs=").append(xattrs(fs, path));
        return b.toString();
    }

    private static String xattrs(UserFs fs, String path) {
        Outcome<List<String>> names = fs.listxattr(path);
        if (!names.isOk()) return names.render();
        Map<String, String> values = new TreeMap<>();
        for (String n : names.value()) values.put(n, fs.getxattr(path, n).render());
        return values.toString();
    }

    static String typeName(FileType t) {
        return switch (t) {
            case REGULAR -> "reg";
            case DIRECTORY -> "dir";
            case SYMLINK -> "lnk";
            case FIFO -> "fifo";
            case CHAR_DEVICE -> "chr";
            case BLOCK_DEVICE -> "blk";
            case SOCKET -> "sock";
        };
    }

    private static List<String> inodeLines(Map<String, Long> inos, Map<String, Long> before) {
        List<String> out = new ArrayList<>();
        Map<Long, TreeSet<String>> groups = new HashMap<>();
        inos.forEach((p, i) -> groups.computeIfAbsent(i, k -> new TreeSet<>()).add(p));
        for (TreeSet<String> g : groups.values()) {
            if (g.size() > 1) out.add("ino shared " + String.join(" ", g));
        }
        if (before != null) {
            Map<Long, TreeSet<String>> was = new HashMap<>();
            before.forEach((p, i) -> was.computeIfAbsent(i, k -> new TreeSet<>()).add(p));
            inos.forEach((p, i) -> {
                TreeSet<String> prev = was.getOrDefault(i, new TreeSet<>());
                if (!prev.contains(p)) {
                    out.add("ino " + p + (prev.isEmpty() ? " is new" : " was " + String.join(" ", prev)));
                }
            });
        }
        out.sort(null);
        return out;
    }

    /** Lines for the upper directory, read straight from disk (names as UTF-8 strings). */
    private static void upper(String abs, String rel, List<String> out) {
        Stat st = Posix.fstatat(Posix.AT_FDCWD, abs, Posix.AT_SYMLINK_NOFOLLOW);
        if (!rel.isEmpty()) out.add("upper " + display(rel) + " " + describeUpper(abs, st));
        if (!st.isDir()) return;
        if (rel.isEmpty()) {
            String markers = markers(abs);
            if (!markers.isEmpty()) out.add("upper / " + markers.trim());
        }
        int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY | Posix.O_DIRECTORY, 0);
        List<DirEnt> children;
        try {
            children = Posix.readDir(fd);
        } finally {
            Posix.close(fd);
        }
        for (DirEnt c : children) {
            upper(abs + "/" + c.name(), rel.isEmpty() ? c.name() : rel + "/" + c.name(), out);
        }
    }

    private static String describeUpper(String abs, Stat st) {
        if (st.isCharDevice00()) return "whiteout";
        FileType t = FileType.ofMode(st.mode());
        StringBuilder b = new StringBuilder(typeName(t)).append(' ')
                .append(String.format("%04o", st.mode() & 07777)).append(' ').append(st.uid()).append(':')
                .append(st.gid());
        boolean metacopy = Posix.lgetxattr(abs, OVERLAY_XATTR + "metacopy") != null;
        switch (t) {
            case REGULAR -> {
                b.append(" size=").append(st.size());
                if (!metacopy) b.append(" sha=").append(hashOnDisk(abs));
            }
            case SYMLINK -> b.append(" -> ").append(Posix.readlinkat(Posix.AT_FDCWD, abs));
            case CHAR_DEVICE, BLOCK_DEVICE -> b.append(" rdev=").append(Posix.major(st.rdev())).append(':')
                    .append(Posix.minor(st.rdev()));
            default -> {
            }
        }
        b.append(markers(abs));
        return b.toString();
    }

    /** " opaque", " redirect", " metacopy" by presence, then the non-overlay xattrs with values. */
    private static String markers(String abs) {
        StringBuilder b = new StringBuilder();
        byte[] opaque = Posix.lgetxattr(abs, OVERLAY_XATTR + "opaque");
        if (opaque != null) b.append(" opaque=").append(new String(opaque, java.nio.charset.StandardCharsets.UTF_8));
        if (Posix.lgetxattr(abs, OVERLAY_XATTR + "redirect") != null) b.append(" redirect");
        if (Posix.lgetxattr(abs, OVERLAY_XATTR + "metacopy") != null) b.append(" metacopy");
        Map<String, String> other = new LinkedHashMap<>();
        List<String> names = new ArrayList<>(Posix.llistxattr(abs));
        names.sort(null);
        for (String n : names) {
            if (n.startsWith(OVERLAY_XATTR) || n.startsWith(LAMINA_XATTR)) continue;
            byte[] v = Posix.lgetxattr(abs, n);
            other.put(n, Outcome.renderValue(v == null ? new byte[0] : v));
        }
        if (!other.isEmpty()) b.append(" xattrs=").append(other);
        return b.toString();
    }

    private static String hashOnDisk(String abs) {
        int fd = Posix.openat(Posix.AT_FDCWD, abs, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        try {
            return ContentHash.of(MountedDirUserFs.source(fd));
        } finally {
            Posix.close(fd);
        }
    }

    /**
     * The lines only the oracle shows ("- oracle: line") and only the subject shows
     * ("+ subject: line"), sorted so that the two versions of one path stand together; empty when
     * the observations are equal.
     */
    public static List<String> diff(String oracleName, List<String> oracle, String subjectName, List<String> subject) {
        List<String> minus = new ArrayList<>(oracle);
        minus.removeAll(new java.util.HashSet<>(subject));
        List<String> plus = new ArrayList<>(subject);
        plus.removeAll(new java.util.HashSet<>(oracle));
        TreeMap<String, String> merged = new TreeMap<>();
        int i = 0;
        for (String l : minus) merged.put(l + "\u0000-" + i++, "- " + oracleName + ": " + l);
        for (String l : plus) merged.put(l + "\u0000+" + i++, "+ " + subjectName + ": " + l);
        return List.copyOf(merged.values());
    }
}

package io.lamina.fuse;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * What the kernel says is mounted, read from a mountinfo file (proc(5)): one {@link Mount} per
 * line, with the mount point's octal escapes ({@code \040} for a space…) decoded.
 */
public final class MountTable {
    /** The calling process's mount table. */
    public static final Path SELF = Path.of("/proc/self/mountinfo");

    private MountTable() {
    }

    /** One mount: where, which filesystem type ("fuse.lamina", "tmpfs"…) and its source. */
    public record Mount(Path mountpoint, String fsType, String source) {
    }

    /** Every mount listed in {@code mountinfo}, in the file's order (later mounts stack on earlier). */
    public static List<Mount> read(Path mountinfo) {
        List<String> lines;
        try {
            lines = Files.readAllLines(mountinfo);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + mountinfo, e);
        }
        List<Mount> mounts = new ArrayList<>(lines.size());
        for (String line : lines) {
            String[] f = line.split(" ");
            int dash = indexOf(f, "-");
            if (f.length < 5 || dash < 0 || dash + 2 >= f.length) continue;
            mounts.add(new Mount(Path.of(unescape(f[4])), unescape(f[dash + 1]), unescape(f[dash + 2])));
        }
        return mounts;
    }

    /** The topmost mount at exactly {@code mountpoint} (an absolute, normalized path), if any. */
    public static Optional<Mount> at(Path mountinfo, Path mountpoint) {
        Mount top = null;
        for (Mount m : read(mountinfo)) {
            if (m.mountpoint().equals(mountpoint)) top = m;
        }
        return Optional.ofNullable(top);
    }

    /** Same as {@link #at(Path, Path)} for this process's table. */
    public static Optional<Mount> at(Path mountpoint) {
        return at(SELF, mountpoint);
    }

    private static int indexOf(String[] fields, String s) {
        for (int i = 6; i < fields.length; i++) {
            if (fields[i].equals(s)) return i;
        }
        return -1;
    }

    static String unescape(String s) {
        if (s.indexOf('\\') < 0) return s;
        StringBuilder b = new StringBuilder(s.length());
        for (int i = 0; i < s.length(); i++) {
            char c = s.charAt(i);
            if (c == '\\' && isOctal(s, i + 1)) {
                b.append((char) Integer.parseInt(s.substring(i + 1, i + 4), 8));
                i += 3;
            } else {
                b.append(c);
            }
        }
        return b.toString();
    }

    private static boolean isOctal(String s, int at) {
        if (at + 3 > s.length()) return false;
        for (int i = at; i < at + 3; i++) {
            char c = s.charAt(i);
            if (c < '0' || c > '7') return false;
        }
        return true;
    }
}

package io.lamina.fs;

import io.lamina.sys.DirEnt;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Builds the merged listing of a directory: upper first, then each lower directory down the stack,
 * each name once, minus whiteouts and layer markers. The result is a snapshot: offsets are indexes
 * into it, so a listing stays stable while entries come and go.
 */
final class DirListing {
    private final Upper upper;
    private final InodeNumbers inos;

    DirListing(Upper upper, InodeNumbers inos) {
        this.upper = upper;
        this.inos = inos;
    }

    /** The entries of {@code dir} without "." and "..", with offsets starting after those two. */
    List<DirEntry> list(Node dir) {
        Map<String, DirEntry> seen = new LinkedHashMap<>();
        Set<String> hidden = new HashSet<>();
        if (dir.inUpper) {
            int fd = Beneath.openDirForReading(upper.rootFd, dir.upperPath());
            try {
                for (DirEnt e : Posix.readDir(fd)) {
                    Stat st = needsStat(e) ? Posix.fstatatOrNull(fd, e.name(), Posix.AT_SYMLINK_NOFOLLOW) : null;
                    if (st != null && WhiteoutFormat.isWhiteout(st)) {
                        hidden.add(e.name());
                        continue;
                    }
                    Node live = dir.children.get(e.name());
                    long ino = live != null ? live.ino : upperIno(fd, e);
                    seen.put(e.name(), entry(e, st, ino));
                }
            } finally {
                Posix.close(fd);
            }
        }
        for (LowerRef lower : dir.lowerDirs) {
            Set<String> hiddenHere = new HashSet<>();
            for (LowerDirEntry e : lower.layer().source().list(lower.path())) {
                String name = e.name();
                if (e.isWhiteout()) {
                    hiddenHere.add(name);
                    continue;
                }
                if (seen.containsKey(name) || hidden.contains(name)) continue;
                Node live = dir.children.get(name);
                long ino = live != null ? live.ino : inos.of(lower.layer().dev(), e.ino());
                seen.put(name, new DirEntry(name, ino, e.type(), 0));
            }
            // A whiteout hides the name in the layers below (a non-directory does too: it is seen).
            hidden.addAll(hiddenHere);
        }
        List<DirEntry> out = new ArrayList<>(seen.size());
        long offset = 3;
        for (DirEntry e : seen.values()) {
            out.add(new DirEntry(e.name(), e.ino(), e.type(), offset++));
        }
        return out;
    }

    private long upperIno(int fd, DirEnt e) {
        long origin = WhiteoutFormat.origin(fd, e.name());
        return origin != 0 ? origin : inos.of(upper.dev, e.ino());
    }

    private static boolean needsStat(DirEnt e) {
        return e.type() == DirEnt.DT_CHR || e.type() == DirEnt.DT_UNKNOWN;
    }

    private static DirEntry entry(DirEnt e, Stat st, long ino) {
        FileType type = st != null ? FileType.ofMode(st.mode()) : FileType.ofDirType(e.type());
        return new DirEntry(e.name(), ino, type, 0);
    }
}

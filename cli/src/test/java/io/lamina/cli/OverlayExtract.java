package io.lamina.cli;

import io.lamina.sys.Posix;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Extracts an OCI layer tar into a directory in the kernel overlayfs format (the test's own
 * reading of the OCI rules, independent of the store's importer): {@code .wh.NAME} becomes a
 * 0/0 character device, {@code .wh..wh..opq} the opaque xattr on its directory; modes, owners,
 * nanosecond mtimes and SCHILY xattrs are applied, hard links linked.
 */
final class OverlayExtract {
    private OverlayExtract() {
    }

    static void extract(Path tar, Path dir) throws IOException {
        Files.createDirectories(dir);
        List<Object[]> dirTimes = new ArrayList<>();
        try (InputStream in = Files.newInputStream(tar); TarArchiveInputStream t = new TarArchiveInputStream(in, "UTF-8")) {
            TarArchiveEntry e;
            while ((e = t.getNextEntry()) != null) {
                String name = e.getName();
                while (name.endsWith("/")) name = name.substring(0, name.length() - 1);
                if (name.startsWith("./")) name = name.substring(2);
                Path p = dir.resolve(name);
                String base = p.getFileName().toString();
                if (base.equals(".wh..wh..opq")) {
                    Posix.lsetxattr(p.getParent().toString(), "trusted.overlay.opaque", "y".getBytes(StandardCharsets.US_ASCII), 0);
                    continue;
                }
                if (base.startsWith(".wh.")) {
                    mknod(p.resolveSibling(base.substring(4)), 0020000, 0);
                    continue;
                }
                if (e.isLink()) {
                    Files.createLink(p, dir.resolve(e.getLinkName()));
                    continue;
                }
                if (e.isDirectory()) {
                    Files.createDirectories(p);
                } else if (e.isSymbolicLink()) {
                    Files.createSymbolicLink(p, Path.of(e.getLinkName()));
                } else if (e.isCharacterDevice() || e.isBlockDevice()) {
                    mknod(p, e.isCharacterDevice() ? 0020000 : 0060000, Posix.makedev(e.getDevMajor(), e.getDevMinor()));
                } else if (e.isFIFO()) {
                    mknod(p, 0010000, 0);
                } else {
                    Files.copy(t, p);
                }
                String s = p.toString();
                Posix.fchownat(Posix.AT_FDCWD, s, (int) e.getLongUserId(), (int) e.getLongGroupId(), Posix.AT_SYMLINK_NOFOLLOW);
                if (!e.isSymbolicLink()) Posix.fchmodat(Posix.AT_FDCWD, s, e.getMode() & 07777, 0);
                for (Map.Entry<String, String> x : e.getExtraPaxHeaders().entrySet()) {
                    if (x.getKey().startsWith("SCHILY.xattr.")) {
                        Posix.lsetxattr(s, x.getKey().substring(13), x.getValue().getBytes(StandardCharsets.UTF_8), 0);
                    }
                }
                var mtime = e.getLastModifiedTime().toInstant();
                if (e.isDirectory()) dirTimes.add(new Object[] {s, mtime});
                else Posix.utimensat(Posix.AT_FDCWD, s, 0, Posix.UTIME_OMIT, mtime.getEpochSecond(), mtime.getNano(), Posix.AT_SYMLINK_NOFOLLOW);
            }
        }
        // Directory times last, children first: filling a directory changes its mtime.
        for (Object[] d : dirTimes.reversed()) {
            var mtime = (java.time.Instant) d[1];
            Posix.utimensat(Posix.AT_FDCWD, (String) d[0], 0, Posix.UTIME_OMIT, mtime.getEpochSecond(), mtime.getNano(), 0);
        }
    }

    private static void mknod(Path p, int type, long dev) {
        Posix.mknodat(Posix.AT_FDCWD, p.toString(), type | 0644, dev);
    }

    static boolean exists(Path p) {
        return Files.exists(p, LinkOption.NOFOLLOW_LINKS);
    }
}

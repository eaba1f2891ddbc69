package io.lamina.store.journal;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * What the journal should say, computed the slow way: one java.nio walk of the upper, with the
 * rules of the package doc written out again independently.
 */
final class UpperOracle {
    record Answer(long bytes, long inodes, List<String> diff) {
    }

    private UpperOracle() {
    }

    static Answer walk(Path upper, List<Path> lowersTopFirst) throws IOException {
        Map<Long, Long> sizeByIno = new HashMap<>();
        List<String> diff = new ArrayList<>();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(upper)) visit(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                visit(file);
                return FileVisitResult.CONTINUE;
            }

            private void visit(Path p) throws IOException {
                Map<String, Object> a = Files.readAttributes(p, "unix:ino,mode,size,rdev", LinkOption.NOFOLLOW_LINKS);
                long ino = (Long) a.get("ino");
                int mode = (Integer) a.get("mode");
                long size = (Long) a.get("size");
                int fmt = mode & 0170000;
                boolean whiteout = fmt == 0020000 && (Long) a.get("rdev") == 0;
                long counted = 0;
                if (fmt == 0120000) counted = size;
                if (fmt == 0100000 && !isMetacopy(p)) counted = size;
                sizeByIno.put(ino, counted);
                String rel = upper.relativize(p).toString();
                char status = whiteout ? 'D' : inLower(rel, lowersTopFirst) ? 'C' : 'A';
                diff.add(status + " /" + rel);
            }
        });
        diff.sort(java.util.Comparator.comparing((String s) -> s.substring(2)));
        return new Answer(sizeByIno.values().stream().mapToLong(Long::longValue).sum(), sizeByIno.size(), diff);
    }

    /** java.nio shows only user.* xattrs: the trusted one is read directly. */
    private static boolean isMetacopy(Path p) {
        return io.lamina.sys.Posix.lgetxattr(p.toString(), "trusted.overlay.metacopy") != null;
    }

    private static boolean inLower(String rel, List<Path> lowersTopFirst) throws IOException {
        for (Path l : lowersTopFirst) {
            Path p = l.resolve(rel);
            if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
                Map<String, Object> a = Files.readAttributes(p, "unix:mode,rdev", LinkOption.NOFOLLOW_LINKS);
                return !(((Integer) a.get("mode") & 0170000) == 0020000 && (Long) a.get("rdev") == 0);
            }
        }
        return false;
    }
}

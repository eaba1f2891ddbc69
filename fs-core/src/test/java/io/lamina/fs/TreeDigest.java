package io.lamina.fs;

import io.lamina.fs.TestLayers.View;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.stream.Stream;

/** A one-string summary of a tree (names, types, modes, owners, sizes, content), for before/after checks. */
final class TreeDigest {
    private TreeDigest() {
    }

    /** Of a real directory, read directly. */
    static String of(Path root) throws IOException {
        StringBuilder sb = new StringBuilder();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : s.sorted().toList()) {
                var a = Files.readAttributes(p, "unix:mode,uid,gid,size", LinkOption.NOFOLLOW_LINKS);
                sb.append(root.relativize(p)).append(' ').append(Integer.toOctalString((Integer) a.get("mode")))
                        .append(' ').append(a.get("uid")).append(' ').append(a.get("size"));
                if (Files.isRegularFile(p, LinkOption.NOFOLLOW_LINKS)) sb.append(' ').append(hash(Files.readAllBytes(p)));
                sb.append('\n');
            }
        }
        return sb.toString();
    }

    /** Of a union, through the engine. */
    static String of(View v) {
        StringBuilder sb = new StringBuilder();
        walk(v, "", sb);
        return sb.toString();
    }

    private static void walk(View v, String dir, StringBuilder sb) {
        for (String name : v.list(dir.isEmpty() ? "/" : dir)) {
            String path = dir + "/" + name;
            Attr a = v.stat(path);
            sb.append(path).append(' ').append(Integer.toOctalString(a.mode())).append(' ').append(a.uid())
                    .append(' ').append(a.size());
            // A directory's nlink changes when an ancestor is copied up (merged directories show 1).
            if (a.type() != FileType.DIRECTORY) sb.append(' ').append(a.nlink());
            if (a.type() == FileType.REGULAR) sb.append(' ').append(hash(v.read(path).getBytes()));
            if (a.type() == FileType.SYMLINK) sb.append(" -> ").append(v.fs().readlink(v.node(path)));
            sb.append('\n');
            if (a.type() == FileType.DIRECTORY) walk(v, path, sb);
        }
    }

    static String hash(byte[] data) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data)).substring(0, 16);
        } catch (java.security.NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}

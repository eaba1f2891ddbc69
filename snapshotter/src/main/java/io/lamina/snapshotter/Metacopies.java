package io.lamina.snapshotter;

import io.lamina.sys.Posix;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;

/**
 * Makes an upper self-contained before it becomes a lower layer. A chown, chmod or link of a lower
 * file leaves a metadata-only copy in the upper (marked {@code trusted.overlay.metacopy}, its data
 * still the lower file's). The engine reads such a file's data from below only while the file is
 * in the upper, so Commit has every metacopy file's data copied up first, through the snapshot's
 * own mount: rewriting one byte in place is a data write, which makes the engine copy the data;
 * the times are put back afterwards. (When commit moves to the content-addressed store, the layer
 * is built from the merged view and this goes away.)
 */
final class Metacopies {
    /** The engine's mark of a metadata-only copy (kernel overlayfs's name for it). */
    private static final String METACOPY_XATTR = "trusted.overlay.metacopy";

    private Metacopies() {
    }

    /** Paths, relative to {@code upper}, of its metacopy files. */
    static List<Path> find(Path upper) throws IOException {
        List<Path> out = new ArrayList<>();
        Files.walkFileTree(upper, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
                if (attrs.isRegularFile() && Posix.lgetxattr(file.toString(), METACOPY_XATTR) != null) {
                    out.add(upper.relativize(file));
                }
                return FileVisitResult.CONTINUE;
            }
        });
        return out;
    }

    /** Has the data of each of {@code files} copied up, through {@code mountpoint}. */
    static void fill(Path mountpoint, List<Path> files) throws IOException {
        for (Path rel : files) {
            Path f = mountpoint.resolve(rel.toString());
            BasicFileAttributes before = Files.readAttributes(f, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
            if (before.size() == 0) continue; // no data to share
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ, StandardOpenOption.WRITE)) {
                ByteBuffer b = ByteBuffer.allocate(1);
                ch.read(b, 0);
                b.flip();
                ch.write(b, 0);
            }
            Files.getFileAttributeView(f, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
                    .setTimes(before.lastModifiedTime(), before.lastAccessTime(), null);
        }
    }
}

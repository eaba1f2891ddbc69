package io.lamina.snapshotter;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Changes to apply to a tree (our own take on what containerd's fstest appliers do) and the
 * comparison of two trees by everything a container sees: names, types, permission bits, owners,
 * sizes, file contents and symlink targets.
 */
final class Trees {
    private Trees() {
    }

    /** One change to a tree. */
    @FunctionalInterface
    interface Applier {
        void apply(Path root) throws IOException;
    }

    static Applier all(Applier... steps) {
        return root -> {
            for (Applier a : steps) a.apply(root);
        };
    }

    static Applier createFile(String path, String content, int mode) {
        return root -> {
            Path p = at(root, path);
            Files.writeString(p, content);
            chmod(p, mode);
        };
    }

    static Applier createDir(String path, int mode) {
        return root -> {
            Path p = at(root, path);
            if (!Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) Files.createDirectory(p);
            chmod(p, mode);
        };
    }

    static Applier removeAll(String path) {
        return root -> SnapshotDirs.deleteTree(at(root, path));
    }

    static Applier chown(String path, int uid, int gid) {
        return root -> Posix.fchownat(Posix.AT_FDCWD, at(root, path).toString(), uid, gid, Posix.AT_SYMLINK_NOFOLLOW);
    }

    static Applier link(String existing, String newName) {
        return root -> Files.createLink(at(root, newName), at(root, existing));
    }

    static Applier rename(String from, String to) {
        return root -> Files.move(at(root, from), at(root, to), java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    }

    static Applier truncate(String path, long size) {
        return root -> {
            try (var ch = java.nio.channels.FileChannel.open(at(root, path), java.nio.file.StandardOpenOption.WRITE)) {
                if (size < ch.size()) ch.truncate(size);
                else ch.write(java.nio.ByteBuffer.allocate(1), size - 1);
            }
        };
    }

    private static Path at(Path root, String path) {
        return root.resolve(path.startsWith("/") ? path.substring(1) : path);
    }

    private static void chmod(Path p, int mode) throws IOException {
        Set<PosixFilePermission> perms = new HashSet<>();
        PosixFilePermission[] order = {PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE,
                PosixFilePermission.OTHERS_READ, PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE,
                PosixFilePermission.GROUP_READ, PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE,
                PosixFilePermission.OWNER_READ};
        for (int i = 0; i < order.length; i++) if ((mode & (1 << i)) != 0) perms.add(order[i]);
        Files.setPosixFilePermissions(p, perms);
    }

    /** Asserts that {@code actual} shows the same tree as {@code expected} (roots not compared). */
    static void assertSameTree(Path expected, Path actual) throws IOException {
        assertThat(describe(actual)).isEqualTo(describe(expected));
    }

    /** Relative path -> what a container sees of it. */
    static Map<String, String> describe(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        Files.walkFileTree(root, new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs) throws IOException {
                if (!dir.equals(root)) add(dir);
                return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) throws IOException {
                add(file);
                return FileVisitResult.CONTINUE;
            }

            private void add(Path p) throws IOException {
                Stat st = Posix.fstatat(Posix.AT_FDCWD, p.toString(), Posix.AT_SYMLINK_NOFOLLOW);
                int type = st.mode() & Stat.S_IFMT;
                StringBuilder d = new StringBuilder();
                d.append(Integer.toOctalString(st.mode())).append(' ').append(st.uid()).append(':').append(st.gid());
                if (type == Stat.S_IFREG) {
                    d.append(" size=").append(st.size()).append(" data=").append(Arrays.hashCode(Files.readAllBytes(p)));
                } else if (type == Stat.S_IFLNK) {
                    d.append(" -> ").append(Files.readSymbolicLink(p));
                }
                out.put(root.relativize(p).toString(), d.toString());
            }
        });
        return out;
    }
}

package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** Small helpers for engine tests: temp dirs, writing layer entries, reading through the engine. */
final class TestLayers {
    private TestLayers() {
    }

    static Path tempDir(String prefix) throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path dir = base == null ? Path.of(System.getProperty("java.io.tmpdir")) : Path.of(base);
        Files.createDirectories(dir);
        return Files.createTempDirectory(dir, prefix);
    }

    /** Engine tests write trusted.* xattrs and device nodes: root only (a failure under CI=true). */
    static void requireRoot() {
        boolean root = Posix.getuid() == 0;
        if (!root && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true but not running as root");
        Assumptions.assumeTrue(root, "engine tests need root (trusted.* xattrs, mknod)");
    }

    static void write(Path file, String content) throws IOException {
        Files.createDirectories(file.getParent());
        Files.writeString(file, content);
    }

    static void whiteout(Path path) throws IOException {
        Files.createDirectories(path.getParent());
        int fd = Posix.openat(Posix.AT_FDCWD, path.getParent().toString(), Posix.O_PATH | Posix.O_DIRECTORY, 0);
        try {
            Posix.mknodat(fd, path.getFileName().toString(), Stat.S_IFCHR, 0);
        } finally {
            Posix.close(fd);
        }
    }

    static void xattr(Path path, String name, String value) {
        Posix.lsetxattr(path.toString(), name, value.getBytes(StandardCharsets.UTF_8), 0);
    }

    /** A test's view of an engine: path-based helpers over the inode API. */
    record View(InodeFs fs) {
        Entry entry(String path) {
            long node = InodeFs.ROOT;
            Entry e = null;
            for (String c : path.split("/")) {
                if (c.isEmpty()) continue;
                e = fs.lookup(node, c);
                if (e == null) return null;
                node = e.nodeId();
            }
            return e != null ? e : new Entry(InodeFs.ROOT, fs.getattr(InodeFs.ROOT));
        }

        long node(String path) {
            Entry e = entry(path);
            if (e == null) throw new FsException(Errno.ENOENT, path);
            return e.nodeId();
        }

        Attr stat(String path) {
            return fs.getattr(node(path));
        }

        boolean exists(String path) {
            return entry(path) != null;
        }

        String read(String path) {
            long fh = fs.open(node(path), Posix.O_RDONLY);
            try {
                ByteBuffer buf = ByteBuffer.allocate(1 << 16);
                StringBuilder sb = new StringBuilder();
                long off = 0;
                int n;
                while ((n = fs.read(fh, off, buf.clear())) > 0) {
                    sb.append(new String(buf.array(), 0, n, StandardCharsets.UTF_8));
                    off += n;
                }
                return sb.toString();
            } finally {
                fs.release(fh);
            }
        }

        void write(String path, long offset, String data) {
            long fh = fs.open(node(path), Posix.O_WRONLY);
            try {
                fs.write(fh, offset, ByteBuffer.wrap(data.getBytes(StandardCharsets.UTF_8)));
            } finally {
                fs.release(fh);
            }
        }

        List<String> list(String path) {
            long dh = fs.opendir(node(path));
            try {
                List<String> names = new ArrayList<>();
                for (DirEntry e : fs.readdir(dh, 0, Integer.MAX_VALUE)) {
                    if (!e.name().equals(".") && !e.name().equals("..")) names.add(e.name());
                }
                names.sort(null);
                return names;
            } finally {
                fs.releasedir(dh);
            }
        }

        long parentNode(String path) {
            int slash = path.lastIndexOf('/');
            return slash <= 0 ? InodeFs.ROOT : node(path.substring(0, slash));
        }

        static String name(String path) {
            return path.substring(path.lastIndexOf('/') + 1);
        }
    }
}

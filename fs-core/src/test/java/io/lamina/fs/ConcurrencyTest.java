package io.lamina.fs;

import io.lamina.fs.TestLayers.View;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.Test;

import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * 8 threads doing random operations on one tree for 30 s (LAMINA_STRESS_SECONDS to change), then a
 * consistency check: nothing but FsException escaped, every listed name resolves, every regular
 * file's nlink equals the number of names it has, and a fresh engine over the same upper sees the
 * same tree as the one that did the work.
 */
class ConcurrencyTest {
    private static final String[] NAMES = {"a", "b", "c", "d", "e"};
    private static final String[] DIRS = {"", "/d1", "/d2", "/d1/s"};

    @Test
    void randomOperationsKeepTheTreeConsistent() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("stress");
        Path lower = dir.resolve("lower");
        for (String d : DIRS) {
            for (String n : NAMES) TestLayers.write(lower.resolve(d.isEmpty() ? n : d.substring(1) + "/" + n), "lower " + d + n);
        }
        Files.createLink(lower.resolve("d2/h"), lower.resolve("d2/a"));
        Path upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        UnionSpec spec = UnionSpec.ofDirs(List.of(lower), upper, work);
        long seconds = Long.parseLong(System.getenv().getOrDefault("LAMINA_STRESS_SECONDS", "30"));
        ConcurrentLinkedQueue<Throwable> escaped = new ConcurrentLinkedQueue<>();
        AtomicLong ops = new AtomicLong();
        String digest;
        try (InodeFs fs = UnionFs.open(spec)) {
            View v = new View(fs);
            long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Random rnd = new Random(t);
                threads.add(Thread.ofPlatform().start(() -> {
                    while (System.nanoTime() < deadline) {
                        try {
                            randomOp(v, rnd);
                            ops.incrementAndGet();
                        } catch (FsException expected) {
                            ops.incrementAndGet();
                        } catch (Throwable e) {
                            escaped.add(e);
                        }
                    }
                }));
            }
            for (Thread t : threads) t.join();
            assertThat(escaped).as("exceptions other than FsException").isEmpty();
            assertThat(ops.get()).isPositive();
            checkLinks(v);
            digest = TreeDigest.of(v);
        }
        try (InodeFs fs = UnionFs.open(spec)) {
            assertThat(TreeDigest.of(new View(fs))).as("the tree seen by a fresh engine over the same upper").isEqualTo(digest);
        }
    }

    private static void randomOp(View v, Random rnd) {
        InodeFs fs = v.fs();
        String d = DIRS[rnd.nextInt(DIRS.length)];
        String path = d + "/" + NAMES[rnd.nextInt(NAMES.length)];
        String other = DIRS[rnd.nextInt(DIRS.length)] + "/" + NAMES[rnd.nextInt(NAMES.length)];
        switch (rnd.nextInt(11)) {
            case 0 -> v.read(path);
            case 1 -> v.write(path, rnd.nextInt(64), "w" + rnd.nextInt(1000));
            case 2 -> fs.unlink(v.parentNode(path), View.name(path));
            case 3 -> fs.release(fs.create(v.parentNode(path), View.name(path), 0644, Posix.O_RDWR | Posix.O_EXCL, Caller.ROOT).fh());
            case 4 -> fs.rename(v.parentNode(path), View.name(path), v.parentNode(other), View.name(other), 0);
            case 5 -> fs.setattr(v.node(path), SetAttr.none().withMode(0600 | rnd.nextInt(0100)), -1, Caller.ROOT);
            case 6 -> fs.link(v.node(path), v.parentNode(other), View.name(other));
            case 7 -> fs.mkdir(v.parentNode(path), View.name(path), 0755, Caller.ROOT);
            case 8 -> fs.rmdir(v.parentNode(path), View.name(path));
            case 9 -> v.list(d.isEmpty() ? "/" : d);
            default -> {
                long fh = fs.open(v.node(path), Posix.O_RDWR);
                try {
                    fs.write(fh, 0, ByteBuffer.wrap("open".getBytes()));
                    fs.unlink(v.parentNode(path), View.name(path));
                    fs.read(fh, 0, ByteBuffer.allocate(16));
                } finally {
                    fs.release(fh);
                }
            }
        }
    }

    /** Every regular file's nlink equals the number of names with its st_ino in the tree. */
    private static void checkLinks(View v) {
        Map<Long, Integer> names = new HashMap<>();
        Map<Long, Long> nlink = new HashMap<>();
        walk(v, "", names, nlink);
        for (var e : names.entrySet()) {
            assertThat(nlink.get(e.getKey())).as("nlink of inode " + e.getKey()).isEqualTo((long) e.getValue());
        }
    }

    private static void walk(View v, String dir, Map<Long, Integer> names, Map<Long, Long> nlink) {
        for (String name : v.list(dir.isEmpty() ? "/" : dir)) {
            String path = dir + "/" + name;
            Attr a = v.stat(path);
            if (a.type() == FileType.DIRECTORY) {
                walk(v, path, names, nlink);
            } else {
                names.merge(a.ino(), 1, Integer::sum);
                nlink.put(a.ino(), a.nlink());
            }
        }
    }
}

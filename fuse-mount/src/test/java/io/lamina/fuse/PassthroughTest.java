package io.lamina.fuse;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.MappedByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * FUSE passthrough: a file whose data is a backing file is read by the kernel directly, so no
 * READ request reaches Java; without passthrough the same read goes through READ.
 */
class PassthroughTest {
    private static final int SIZE = 48 * 1024 * 1024 + 17;

    private Path dir, mp, lower;
    private MemFs fs;
    private String expected;
    private NativeFuseTransport.NativeMount mount;

    @BeforeEach
    void setUp() throws IOException, NoSuchAlgorithmException {
        FusePrerequisites.require();
        dir = FusePrerequisites.tempDir("fuse-pt");
        mp = Files.createDirectory(dir.resolve("mnt"));
        lower = dir.resolve("lower-object");
        byte[] data = new byte[SIZE];
        new Random(42).nextBytes(data);
        Files.write(lower, data);
        expected = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(data));
        fs = new MemFs();
        fs.addBackedFile(MemFs.ROOT, "object", lower);
    }

    @AfterEach
    void tearDown() throws IOException {
        try {
            if (mount != null) mount.close();
        } finally {
            if (mp != null) FusePrerequisites.forceUnmount(mp);
        }
    }

    private static String sha256(Path p) throws IOException {
        try (InputStream in = Files.newInputStream(p)) {
            MessageDigest md = MessageDigest.getInstance("SHA-256");
            byte[] buf = new byte[1 << 20];
            for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
            return HexFormat.of().formatHex(md.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new AssertionError(e);
        }
    }

    @Test
    void largeUnchangedFileIsReadWithoutReadRequests() throws IOException {
        mount = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(2));
        if (!mount.passthrough()) {
            if ("true".equals(System.getenv("CI"))) throw new AssertionError("kernel did not grant FUSE passthrough");
            Assumptions.assumeTrue(false, "kernel did not grant FUSE passthrough");
        }
        assertThat(sha256(mp.resolve("object"))).isEqualTo(expected);
        // mmap goes to the backing file as well
        try (FileChannel ch = FileChannel.open(mp.resolve("object"), StandardOpenOption.READ)) {
            MappedByteBuffer m = ch.map(FileChannel.MapMode.READ_ONLY, 0, ch.size());
            assertThat(m.get(SIZE - 1)).isEqualTo(Files.readAllBytes(lower)[SIZE - 1]);
        }
        assertThat(mount.counters().get("OPEN")).isPositive();
        assertThat(mount.counters().get("READ")).isZero();
        assertThat(mount.backingOpens()).isPositive();
        assertThat(fs.reads).isZero();
    }

    @Test
    void concurrentOpensShareOneBackingId() throws IOException {
        mount = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(2));
        Assumptions.assumeTrue(mount.passthrough(), "kernel did not grant FUSE passthrough");
        try (FileChannel a = FileChannel.open(mp.resolve("object"));
             FileChannel b = FileChannel.open(mp.resolve("object"))) {
            ByteBuffer x = ByteBuffer.allocate(4096), y = ByteBuffer.allocate(4096);
            a.read(x, 1000);
            b.read(y, 1000);
            assertThat(x.flip()).isEqualTo(y.flip());
        }
        assertThat(mount.backingOpens()).isEqualTo(1);
        assertThat(mount.counters().get("READ")).isZero();
    }

    /** Cached and passthrough opens of one file never mix (the kernel would fail the open with EIO). */
    @Test
    void cachedAndPassthroughOpensNeverMix() throws IOException {
        fs.addBackedFile(MemFs.ROOT, "object2", lower);
        mount = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(2));
        Assumptions.assumeTrue(mount.passthrough(), "kernel did not grant FUSE passthrough");
        byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(lower), 4096);

        fs.offerBacking = false;
        try (FileChannel cached = FileChannel.open(mp.resolve("object"))) {
            fs.offerBacking = true; // a backing fd now exists, but the node is in cached mode
            try (FileChannel second = FileChannel.open(mp.resolve("object"))) {
                assertThat(readHead(cached)).isEqualTo(head);
                assertThat(readHead(second)).isEqualTo(head);
            }
        }
        assertThat(mount.backingOpens()).isZero();
        long readsBefore = mount.counters().get("READ");

        try (FileChannel pt = FileChannel.open(mp.resolve("object2"))) {
            fs.offerBacking = false; // no backing fd on offer: a reader still shares the node's one
            try (FileChannel second = FileChannel.open(mp.resolve("object2"))) {
                assertThat(readHead(pt)).isEqualTo(head);
                assertThat(readHead(second)).isEqualTo(head);
            }
        }
        assertThat(mount.backingOpens()).isEqualTo(1);
        assertThat(mount.counters().get("READ")).isEqualTo(readsBefore);
    }

    private static byte[] readHead(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(4096);
        while (b.hasRemaining() && ch.read(b, b.position()) > 0) {
            // keep reading until the first 4 KiB are in
        }
        return b.array();
    }

    @Test
    void withoutBackingFdTheSameFileGoesThroughRead() throws IOException {
        fs.offerBacking = false;
        mount = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(2));
        long dev = (Long) Files.getAttribute(mp, "unix:dev");
        Path ra = Path.of("/sys/class/bdi/" + io.lamina.sys.Posix.major(dev) + ":" + io.lamina.sys.Posix.minor(dev)
                + "/read_ahead_kb");
        assertThat(Integer.parseInt(Files.readString(ra).trim())).isGreaterThanOrEqualTo(1024);
        assertThat(sha256(mp.resolve("object"))).isEqualTo(expected);
        // 48 MiB in requests of up to 1 MiB (max_pages + read-ahead): far fewer than the 384 that
        // 128 KiB requests would take.
        assertThat(mount.counters().get("READ")).isPositive().isLessThan(200);
    }

    @Test
    void passthroughOffGoesThroughRead() throws IOException {
        mount = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults().withWorkers(2).withPassthrough(false));
        assertThat(mount.passthrough()).isFalse();
        assertThat(sha256(mp.resolve("object"))).isEqualTo(expected);
        assertThat(mount.counters().get("READ")).isPositive();
    }
}

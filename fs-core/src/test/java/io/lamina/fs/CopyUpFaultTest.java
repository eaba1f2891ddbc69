package io.lamina.fs;

import io.lamina.fs.TestLayers.View;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A failure at every step of every kind of copy-up (each write, the metadata, the rename) leaves
 * no partial entry visible, the lower layer untouched, and the next attempt succeeds.
 */
class CopyUpFaultTest {
    Path lower;

    @BeforeEach
    void setUp() throws IOException {
        TestLayers.requireRoot();
        lower = TestLayers.tempDir("fault-lower");
        // 20 MiB with a hole in the middle: several write steps.
        int fd = Posix.openat(Posix.AT_FDCWD, lower.resolve("big").toString(), Posix.O_CREAT | Posix.O_WRONLY, 0644);
        try {
            byte[] chunk = new byte[1 << 20];
            java.util.Arrays.fill(chunk, (byte) 'b');
            for (int i = 0; i < 9; i++) Posix.pwrite(fd, java.nio.ByteBuffer.wrap(chunk), (long) i << 20);
            for (int i = 11; i < 20; i++) Posix.pwrite(fd, java.nio.ByteBuffer.wrap(chunk), (long) i << 20);
        } finally {
            Posix.close(fd);
        }
        TestLayers.write(lower.resolve("dir/file"), "in dir");
        TestLayers.xattr(lower.resolve("dir/file"), "user.note", "kept");
        Files.createSymbolicLink(lower.resolve("link"), Path.of("dir/file"));
        Files.createLink(lower.resolve("hard2"), Files.writeString(lower.resolve("hard1"), "hard"));
    }

    record Case(String name, String path, Consumer<View> op) {
    }

    static List<Case> cases() {
        return List.of(
                new Case("data write", "/big", v -> v.write("/big", 0, "X")),
                new Case("metadata-only chmod", "/dir/file", v -> v.fs().setattr(v.node("/dir/file"), SetAttr.none().withMode(0600), -1, Caller.ROOT)),
                new Case("directory (by create inside)", "/dir", v -> v.fs().release(
                        v.fs().create(v.node("/dir"), "new", 0644, Posix.O_RDWR, Caller.ROOT).fh())),
                new Case("symlink chown", "/link", v -> v.fs().setattr(v.node("/link"), SetAttr.none().withOwner(7, 7), -1, Caller.ROOT)),
                new Case("hardlink write", "/hard1", v -> v.write("/hard1", 0, "H")),
                new Case("truncate", "/big", v -> v.fs().setattr(v.node("/big"), SetAttr.none().withSize(5), -1, Caller.ROOT)));
    }

    @TestFactory
    Stream<DynamicTest> everyStepOfEveryCopyUp() throws IOException {
        TestLayers.requireRoot();
        setUp();
        List<DynamicTest> tests = new ArrayList<>();
        for (Case c : cases()) {
            int steps = countSteps(c);
            for (int k = 1; k <= steps; k++) {
                int failAt = k;
                tests.add(DynamicTest.dynamicTest(c.name + ": fail at step " + k + " of " + steps, () -> failAt(c, failAt)));
            }
        }
        return tests.stream();
    }

    private int countSteps(Case c) throws IOException {
        AtomicInteger n = new AtomicInteger();
        Path dir = TestLayers.tempDir("fault-count");
        try (Union fs = UnionFs.open(spec(dir), step -> n.incrementAndGet())) {
            c.op.accept(new View(fs));
        }
        return n.get();
    }

    private void failAt(Case c, int k) throws IOException {
        String before = TreeDigest.of(lower);
        Path dir = TestLayers.tempDir("fault");
        AtomicInteger n = new AtomicInteger();
        try (Union fs = UnionFs.open(spec(dir), step -> {
            if (n.incrementAndGet() == k) throw new FsException(Errno.EIO, "injected at " + step);
        })) {
            View v = new View(fs);
            String visible = TreeDigest.of(v);
            assertThatThrownBy(() -> c.op.accept(v)).isInstanceOf(FsException.class).hasMessageContaining("injected");
            assertThat(TreeDigest.of(v)).as("what a user sees after the failed copy-up").isEqualTo(visible);
        }
        assertThat(TreeDigest.of(lower)).as("the lower layer").isEqualTo(before);
        try (Union fs = UnionFs.open(spec(dir), CopyUp.Faults.NONE)) {
            assertThat(Files.list(dir.resolve("work/work")).toList()).as("work dir after reopen").isEmpty();
            c.op.accept(new View(fs));
        }
    }

    private UnionSpec spec(Path dir) throws IOException {
        Files.createDirectories(dir.resolve("upper"));
        Files.createDirectories(dir.resolve("work"));
        return UnionSpec.ofDirs(List.of(lower), dir.resolve("upper"), dir.resolve("work"));
    }
}

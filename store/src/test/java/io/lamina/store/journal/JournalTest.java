package io.lamina.store.journal;

import io.lamina.fs.ChangeSink;
import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fs.contract.EngineUserFs;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Assumptions;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;

/** The journal's usage and diff against a real walk of the upper, after random engine calls. */
class JournalTest {
    Path dir, lower, upper, work, state;

    @BeforeEach
    void setUp() throws IOException {
        boolean root = Posix.getuid() == 0;
        if (!root && "true".equals(System.getenv("CI"))) throw new AssertionError("CI=true but not running as root");
        Assumptions.assumeTrue(root, "the engine needs root (trusted.* xattrs, whiteouts)");
        String base = System.getenv("LAMINA_TEST_TMP");
        Path tmp = Files.createDirectories(Path.of(base != null ? base : System.getProperty("java.io.tmpdir")));
        dir = Files.createTempDirectory(tmp, "journal");
        lower = Files.createDirectories(dir.resolve("lower"));
        upper = Files.createDirectories(dir.resolve("upper"));
        work = Files.createDirectories(dir.resolve("work"));
        state = dir.resolve("state/journal.cm");
        for (String d : List.of("a", "a/b", "c", "c/d", "e")) Files.createDirectories(lower.resolve(d));
        for (String f : List.of("f1", "a/f2", "a/b/f3", "c/f4", "c/d/f5", "e/f6")) {
            Files.writeString(lower.resolve(f), "lower data of " + f + "\n".repeat(100));
        }
        Files.createLink(lower.resolve("a/h2"), lower.resolve("a/f2"));
    }

    private InodeFs mount(Journal j) {
        return UnionFs.open(UnionSpec.ofDirs(List.of(lower), upper, work).withChanges(j));
    }

    private void assertMatchesWalk(Journal j) throws IOException {
        j.sync();
        UpperOracle.Answer want = UpperOracle.walk(upper, List.of(lower));
        Usage u = j.usage();
        assertThat(u.diffBytes()).as("bytes").isEqualTo(want.bytes());
        assertThat(u.inodes()).as("inodes").isEqualTo(want.inodes());
        assertThat(u.changes()).isEqualTo(want.diff().size());
        try (JournalView v = JournalView.open(state)) {
            assertThat(v.diff().stream().map(DiffEntry::toString).toList()).isEqualTo(want.diff());
            assertThat(v.usage()).isEqualTo(u);
            assertThat(JournalView.readUsage(state)).as("the usage file, read without Chronicle").isEqualTo(u);
        }
    }

    @Test
    void randomCallsEndWhereAWalkOfTheUpperDoes() throws IOException {
        Journal j = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        try (InodeFs fs = mount(j)) {
            EngineUserFs u = new EngineUserFs(fs);
            Random rnd = new Random(42);
            String[] names = {"f1", "a", "a/f2", "a/h2", "a/b", "a/b/f3", "c", "c/f4", "c/d", "c/d/f5", "e", "e/f6",
                    "n1", "a/n2", "c/d/n3", "e/n4", "n5"};
            for (int i = 0; i < 2000; i++) {
                String p = names[rnd.nextInt(names.length)];
                String q = names[rnd.nextInt(names.length)];
                byte[] data = ("x".repeat(rnd.nextInt(5000))).getBytes(StandardCharsets.UTF_8);
                switch (rnd.nextInt(13)) {
                    case 0 -> u.create(p, 0644);
                    case 1 -> u.mkdir(p, 0755);
                    case 2 -> u.pwrite(p, rnd.nextInt(3000), data);
                    case 3 -> u.truncate(p, rnd.nextInt(4000));
                    case 4 -> u.chmod(p, 0600 + rnd.nextInt(0100));
                    case 5 -> u.unlink(p);
                    case 6 -> u.rmdir(p);
                    case 7 -> u.rename(p, q, 0);
                    case 8 -> u.link(p, q);
                    case 9 -> u.symlink("target-" + "y".repeat(rnd.nextInt(50)), p);
                    case 10 -> u.setxattr(p, "user.k", data.length > 100 ? new byte[100] : data, 0);
                    case 11 -> u.rename(p, q, InodeFs.RENAME_EXCHANGE);
                    default -> u.utimes(p, io.lamina.fs.contract.UserFs.Time.NOW, io.lamina.fs.contract.UserFs.Time.NOW);
                }
                if (i % 250 == 0) assertMatchesWalk(j);
            }
            assertMatchesWalk(j);
        } finally {
            j.close();
        }
    }

    @Test
    void aCleanStopKeepsTheStateAndAnUncleanOneRebuildsIt() throws IOException {
        Journal j = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        assertThat(j.rebuilt()).isTrue();
        try (InodeFs fs = mount(j)) {
            EngineUserFs u = new EngineUserFs(fs);
            u.mkdir("new", 0755).orThrow("mkdir");
            u.create("new/file", 0644).orThrow("create");
            u.pwrite("new/file", 0, new byte[12345]).orThrow("write");
            u.unlink("c/f4").orThrow("unlink");
            u.chmod("a/f2", 0600).orThrow("chmod");
        }
        assertMatchesWalk(j);
        Usage before = j.usage();
        j.close();
        try (JournalView reader = JournalView.open(state)) {
            assertThat(reader.usage()).as("a reader (lamina usage) does not spoil the saved state").isEqualTo(before);
        }

        Journal again = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        assertThat(again.rebuilt()).as("clean stop: state kept").isFalse();
        assertThat(again.usage()).isEqualTo(before);
        try (InodeFs fs = mount(again)) {
            EngineUserFs u = new EngineUserFs(fs);
            u.pwrite("e/f6", 0, new byte[777]).orThrow("write");
            u.rename("a/b", "moved", 0).orThrow("rename");
        }
        assertMatchesWalk(again);
        // No close: as if the daemon was killed. The state's clean marker is not there.

        Journal rebuilt = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        try {
            assertThat(rebuilt.rebuilt()).as("unclean stop: rebuilt").isTrue();
            assertMatchesWalk(rebuilt);
            assertThat(rebuilt.usage().lowerBytes()).isEqualTo(UpperWalk.regularBytes(lower));
        } finally {
            rebuilt.close();
        }
    }

    @Test
    void aSavedStateThatCannotBeReadIsRebuilt() throws IOException {
        Journal j = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        try (InodeFs fs = mount(j)) {
            new EngineUserFs(fs).create("x", 0644).orThrow("create");
        }
        j.close();
        Files.write(state, new byte[4096]);
        Journal again = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        try {
            assertThat(again.rebuilt()).isTrue();
            assertMatchesWalk(again);
        } finally {
            again.close();
        }
    }

    @Test
    void anotherUpperDoesNotReuseTheState() throws IOException {
        Journal j = Journal.open(state, upper, LowerImage.ofDirs(List.of(lower)));
        try (InodeFs fs = mount(j)) {
            new EngineUserFs(fs).create("x", 0644).orThrow("create");
        }
        j.close();
        Path other = Files.createDirectories(dir.resolve("other-upper"));
        Journal again = Journal.open(state, other, LowerImage.ofDirs(List.of(lower)));
        try {
            assertThat(again.rebuilt()).isTrue();
            assertThat(again.usage().changes()).isZero();
        } finally {
            again.close();
        }
    }

    @Test
    void aTmpfsUpperIsReachedThroughTheEnginesDescriptor() throws IOException {
        Journal j = Journal.open(state, null, LowerImage.ofDirs(List.of(lower)));
        Path[] root = new Path[1];
        ChangeSink sink = c -> {
            root[0] = c.upper();
            j.changed(c);
        };
        try (InodeFs fs = UnionFs.open(UnionSpec.ofTmpfs(List.of(lower), 8 << 20).withChanges(sink))) {
            EngineUserFs u = new EngineUserFs(fs);
            u.create("a/new", 0644).orThrow("create");
            u.pwrite("a/new", 0, new byte[3000]).orThrow("write");
            u.unlink("c/f4").orThrow("unlink");
            j.sync();
            assertThat(root[0].toString()).startsWith("/proc/self/fd/");
            // "/." so that java.nio walks the directory the magic link names, not the link
            UpperOracle.Answer want = UpperOracle.walk(Path.of(root[0] + "/."), List.of(lower));
            assertThat(j.usage().diffBytes()).isEqualTo(want.bytes()).isEqualTo(3000);
            assertThat(j.usage().inodes()).isEqualTo(want.inodes());
            try (JournalView v = JournalView.open(state)) {
                assertThat(v.diff().stream().map(DiffEntry::toString).toList()).isEqualTo(want.diff())
                        .containsExactly("C /a", "A /a/new", "C /c", "D /c/f4");
            }
        } finally {
            j.close();
        }
    }
}

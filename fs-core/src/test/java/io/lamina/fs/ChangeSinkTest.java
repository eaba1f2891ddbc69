package io.lamina.fs;

import io.lamina.fs.contract.EngineUserFs;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** The changes the engine reports for each kind of call (the contract of {@link ChangeSink}). */
class ChangeSinkTest {
    final List<String> seen = new ArrayList<>();
    Path upper;
    InodeFs fs;
    EngineUserFs u;

    @BeforeEach
    void setUp() throws Exception {
        TestLayers.requireRoot();
        Path dir = TestLayers.tempDir("changes");
        Path lower = Files.createDirectories(dir.resolve("lower"));
        upper = Files.createDirectories(dir.resolve("upper"));
        Path work = Files.createDirectories(dir.resolve("work"));
        TestLayers.write(lower.resolve("a"), "aaa");
        TestLayers.write(lower.resolve("d/x"), "x");
        fs = UnionFs.open(UnionSpec.ofDirs(List.of(lower), upper, work).withChanges(c -> {
            assertThat(c.upper()).isEqualTo(upper);
            seen.add(c.kind() + " " + c.path() + " " + c.type());
        }));
        u = new EngineUserFs(fs);
    }

    @AfterEach
    void tearDown() {
        if (fs != null) fs.close();
    }

    private List<String> drain() {
        List<String> out = List.copyOf(seen);
        seen.clear();
        return out;
    }

    @Test
    void createsAndRemovals() {
        u.mkdir("n", 0755).orThrow("op");
        u.create("n/f", 0644).orThrow("op");
        u.symlink("t", "n/s").orThrow("op");
        assertThat(drain()).containsExactly("CREATED n DIRECTORY", "CREATED n/f REGULAR", "DATA n/f REGULAR",
                "DATA n/f REGULAR", "DATA n/f REGULAR", "CREATED n/s SYMLINK");
        u.unlink("d/x").orThrow("op");
        u.rmdir("d").orThrow("op");
        assertThat(drain()).containsExactly("DELETED d/x REGULAR", "DELETED d DIRECTORY");
    }

    @Test
    void writesAndMetadata() {
        u.pwrite("a", 0, "b".getBytes(StandardCharsets.UTF_8)).orThrow("op");
        assertThat(drain()).contains("DATA a REGULAR").allMatch(s -> s.equals("DATA a REGULAR"));
        u.chmod("d/x", 0600).orThrow("op");
        assertThat(drain()).containsExactly("METADATA d/x REGULAR");
        u.setxattr("d", "user.k", "v".getBytes(StandardCharsets.UTF_8), 0).orThrow("op");
        assertThat(drain()).containsExactly("METADATA d DIRECTORY");
    }

    @Test
    void renameIsDeleteThenCreate() {
        u.rename("d", "e", 0).orThrow("op");
        assertThat(drain()).containsExactly("DELETED d DIRECTORY", "CREATED e DIRECTORY");
        u.link("a", "a2").orThrow("op");
        assertThat(drain()).containsExactly("CREATED a2 REGULAR", "METADATA a REGULAR");
    }

    @Test
    void failedCallsReportNothing() {
        assertThat(u.mkdir("d", 0755).isOk()).isFalse();
        assertThat(u.rmdir("d").isOk()).isFalse();
        assertThat(drain()).isEmpty();
    }
}

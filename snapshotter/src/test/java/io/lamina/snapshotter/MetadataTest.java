package io.lamina.snapshotter;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetadataTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00.123456789Z");

    @Test
    void recordsRoundTripThroughTheirEncoding() {
        SnapshotRecord r = new SnapshotRecord("default/3/sha256:ab cd", 42, Kind.VIEW, "p/a:b",
                Map.of("k", "v", "containerd.io/gc.root", "é"), T, T.plusSeconds(5), 123, 4);
        assertThat(SnapshotRecord.decode(r.encode())).isEqualTo(r);
        SnapshotRecord c = r.committed("done", Map.of(), T, 9, 3, java.util.List.of("sha256:" + "a".repeat(64), "sha256:" + "b".repeat(64)));
        assertThat(SnapshotRecord.decode(c.encode())).isEqualTo(c);
        assertThat(SnapshotRecord.decode(c.encode()).chain()).hasSize(2);
    }

    @Test
    void recordsSurviveReopeningAndAnInterruptedCommitIsResolvedForTheCommittedRecord() throws IOException {
        Path dir = Prereqs.tempDir("meta-");
        try {
            SnapshotRecord active = new SnapshotRecord("active", 7, Kind.ACTIVE, "base", Map.of(), T, T, -1, -1);
            SnapshotRecord other = new SnapshotRecord("base", 6, Kind.COMMITTED, "", Map.of("a", "b"), T, T, 1, 1);
            try (Metadata m = Metadata.open(dir)) {
                m.put(active);
                m.put(other);
                // A crash inside Commit: the committed record is written, the active one not yet removed.
                m.put(active.committed("done", Map.of(), T, 5, 2, java.util.List.of("sha256:" + "a".repeat(64))));
            }
            try (Metadata m = Metadata.open(dir)) {
                assertThat(m.get("active")).isEmpty();
                assertThat(m.get("done")).map(SnapshotRecord::kind).contains(Kind.COMMITTED);
                assertThat(m.get("base")).contains(other);
                assertThat(m.all()).hasSize(2);
            }
        } finally {
            SnapshotDirs.deleteTree(dir);
        }
    }
}

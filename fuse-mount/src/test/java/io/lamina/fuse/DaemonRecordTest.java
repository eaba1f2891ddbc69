package io.lamina.fuse;

import org.junit.jupiter.api.Test;

import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

class DaemonRecordTest {
    @Test
    void recordsLiveProcessesAndSpotsReusedPids() throws Exception {
        Path run = FusePrereqs.tempDir("run");
        Host host = new Host(Path.of("/dev/fuse"), MountTable.SELF, true, run);
        DaemonRecord r = DaemonRecord.of(host, Path.of("/mnt/a b/%x"));
        assertThat(r.pidFile().getFileName().toString()).isEqualTo("%2Fmnt%2Fa b%2F%25x.pid");
        assertThat(r.live()).isEmpty();

        r.write(ProcessHandle.current());
        assertThat(r.live()).contains(ProcessHandle.current());
        r.removeStale();
        assertThat(r.pidFile()).as("a live record stays").exists();

        // Same pid, other start time: a reused pid, not our daemon.
        Files.writeString(r.pidFile(), ProcessHandle.current().pid() + " 12345\n");
        assertThat(r.live()).isEmpty();
        r.removeStale();
        assertThat(r.pidFile()).doesNotExist();
    }

    @Test
    void veryLongMountPointsGetAHashedName() throws Exception {
        Host host = new Host(Path.of("/dev/fuse"), MountTable.SELF, true, FusePrereqs.tempDir("run"));
        DaemonRecord r = DaemonRecord.of(host, Path.of("/" + "d".repeat(300)));
        assertThat(r.pidFile().getFileName().toString()).hasSize(64 + 4);
    }
}

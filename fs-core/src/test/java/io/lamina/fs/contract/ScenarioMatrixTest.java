package io.lamina.fs.contract;

import org.junit.jupiter.api.Test;

import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/** The scenario matrix itself (no mounts): big enough, uniquely named, covering every kind at every depth. */
class ScenarioMatrixTest {
    private final List<Scenario> all = Scenarios.all();

    @Test
    void hasAtLeast150UniquelyNamedScenarios() {
        assertThat(all).hasSizeGreaterThanOrEqualTo(150);
        Set<String> names = new HashSet<>();
        for (Scenario s : all) assertThat(names.add(s.name())).as("duplicate name %s", s.name()).isTrue();
    }

    @Test
    void everyKindRunsAtEveryDepthAndMarkersInBothForms() {
        for (EntryKind k : EntryKind.values()) {
            for (int depth : Scenarios.DEPTHS) {
                for (LayerForm form : LayerForm.values()) {
                    if (form == LayerForm.OCI && !k.marker) continue;
                    String prefix = "depth" + depth + "-" + form.label() + " " + k.label() + " ";
                    assertThat(all).as(prefix).anyMatch(s -> s.name().startsWith(prefix));
                }
            }
        }
    }

    @Test
    void everyOperationOfTheIssueIsExercised() {
        Set<String> ops = new HashSet<>();
        for (Scenario s : all) ops.add(s.name().split(" ")[2].replace("+remount", ""));
        assertThat(ops).contains("chmod-0700", "chown", "truncate-3", "utimes", "utimes-now-omit", "read", "write",
                "create-here", "mknod-fifo", "mknod-char", "mknod-block", "mknod-socket", "mkdir-child", "unlink",
                "rmdir", "rename", "rename-noreplace", "rename-exchange", "link", "symlink-child", "readlink",
                "getxattr", "setxattr-user", "listxattr", "removexattr", "statfs", "access-rwx", "fallocate",
                "lseek-data-hole", "readdir", "open-unlink-write-read", "observe");
    }
}

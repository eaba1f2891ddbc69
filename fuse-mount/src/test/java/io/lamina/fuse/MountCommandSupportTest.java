package io.lamina.fuse;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** How the parent relays a daemon that fails before mounting: its last line, its exit code, nothing mounted. */
class MountCommandSupportTest {
    private Path dir, mnt;
    private Host host;
    private final StringWriter err = new StringWriter();

    @BeforeEach
    void setUp() throws Exception {
        FusePrereqs.requireRootAndFuse();
        dir = FusePrereqs.tempDir("support");
        Files.createDirectory(dir.resolve("lower"));
        mnt = Files.createDirectory(dir.resolve("mnt"));
        host = Host.current();
        host = new Host(host.fuseDevice(), host.mountInfo(), host.root(), dir.resolve("run"));
    }

    private MountRequest request() {
        return MountRequest.builder().lower(dir.resolve("lower")).upper("tmpfs:size=1m").transport("jnr").mountpoint(mnt).build();
    }

    private int start(String script) {
        // A stand-in daemon: the request's arguments land in $1… and are ignored.
        return new MountCommandSupport(host, new PrintWriter(err, true))
                .startDaemon(request(), List.of("/bin/sh", "-c", script, "daemon"));
    }

    @Test
    void theDaemonsLastLineAndExitCodeComeBack() {
        int code = start("echo 'some warning'; echo 'lamina mount: cannot mount: it broke' >&2; exit 3");
        assertThat(code).isEqualTo(3);
        assertThat(err.toString().lines()).containsExactly("lamina mount: cannot mount: it broke");
        assertThat(MountTable.at(mnt)).isEmpty();
    }

    @Test
    void theLastLaminaLineWinsOverATrace() {
        int code = start("echo 'lamina mount: unexpected error: boom' >&2; echo '\tat some.Frame' >&2; exit 1");
        assertThat(code).isEqualTo(1);
        assertThat(err.toString().lines()).containsExactly("lamina mount: unexpected error: boom");
    }

    @Test
    void aDaemonThatExitsSilentlyIsAFailure() {
        int code = start("exit 0");
        assertThat(code).isEqualTo(MountException.FAILED);
        assertThat(err.toString().lines()).containsExactly("lamina mount: the mount daemon exited with code 0");
    }
}

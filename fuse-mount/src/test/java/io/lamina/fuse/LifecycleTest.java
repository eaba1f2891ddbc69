package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/** Mount life cycle: unmounted on SIGTERM and SIGINT, on an outside umount, and refused on a bad mount point. */
class LifecycleTest {

    @Test
    void sigtermUnmounts() throws Exception {
        signalUnmounts("TERM");
    }

    @Test
    void sigintUnmounts() throws Exception {
        signalUnmounts("INT");
    }

    private void signalUnmounts(String signal) throws Exception {
        FusePrerequisites.require();
        Path mp = Files.createDirectory(FusePrerequisites.tempDir("fuse-sig").resolve("mnt"));
        List<String> cmd = new ArrayList<>();
        cmd.add(ProcessHandle.current().info().command().orElseThrow());
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--enable-native-access") || a.startsWith("--sun-misc")).toList());
        cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), MountMain.class.getName(), mp.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("mounted")) {
                // skip anything the child logs before it is mounted
            }
            assertThat(line).isEqualTo("mounted yes");
            assertThat(Files.readString(mp.resolve("alive"))).isEqualTo("yes");
            new ProcessBuilder("kill", "-" + signal, Long.toString(p.pid())).start().waitFor();
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(FusePrerequisites.mounted(mp)).isFalse();
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor();
            FusePrerequisites.forceUnmount(mp);
        }
    }

    /** Without root the mount goes through fusermount3, and SIGTERM still unmounts it. */
    @Test
    void unprivilegedMountThroughFusermount3() throws Exception {
        FusePrerequisites.require();
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/setpriv")), "setpriv is needed to drop root");
        Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/fusermount3"))
                || Files.isExecutable(Path.of("/bin/fusermount3")), "fusermount3 is not installed");
        Path base = FusePrerequisites.tempDir("fuse-user");
        Path mp = Files.createDirectory(base.resolve("mnt"));
        for (Path p : List.of(base, mp)) Files.setAttribute(p, "unix:uid", 65534);
        String cp = String.join(":", codeSource(MountMain.class), codeSource(NativeFuseTransport.class),
                codeSource(io.lamina.fs.InodeFs.class));
        List<String> cmd = new ArrayList<>(List.of("/usr/bin/setpriv", "--reuid=65534", "--regid=65534",
                "--clear-groups", "--inh-caps=-all", ProcessHandle.current().info().command().orElseThrow(),
                "--enable-native-access=ALL-UNNAMED", "-cp", cp, MountMain.class.getName(), mp.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        try {
            BufferedReader out = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
            StringBuilder log = new StringBuilder();
            String line;
            while ((line = out.readLine()) != null && !line.startsWith("mounted")) log.append(line).append('\n');
            // Where setuid does not lift fusermount3 to root (some sandboxes), /dev/fuse stays closed
            // to users: nothing of ours to test then (FusermountHandoffTest covers the hand-off).
            Assumptions.assumeFalse(log.toString().contains("failed to open /dev/fuse: Permission denied"),
                    "setuid fusermount3 cannot open /dev/fuse in this environment");
            assertThat(line).as("child output: %s", log).isEqualTo("mounted yes");
            assertThat(FusePrerequisites.mounted(mp)).isTrue();
            p.destroy(); // SIGTERM
            assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
            assertThat(FusePrerequisites.mounted(mp)).isFalse();
        } finally {
            if (p.isAlive()) p.destroyForcibly().waitFor();
            FusePrerequisites.forceUnmount(mp);
        }
    }

    private static String codeSource(Class<?> c) throws Exception {
        return Path.of(c.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
    }

    @Test
    void outsideUnmountEndsTheWorkers() throws Exception {
        FusePrerequisites.require();
        Path mp = Files.createDirectory(FusePrerequisites.tempDir("fuse-out").resolve("mnt"));
        var m = new NativeFuseTransport().mount(new MemFs(), mp, MountOptions.defaults());
        try {
            io.lamina.sys.Posix.umount2(mp.toString(), 0);
            m.awaitUnmount();
            assertThat(FusePrerequisites.mounted(mp)).isFalse();
        } finally {
            m.close();
            FusePrerequisites.forceUnmount(mp);
        }
    }

    @Test
    void badMountPointIsRefused() throws IOException {
        FusePrerequisites.require();
        Path file = Files.createFile(FusePrerequisites.tempDir("fuse-bad").resolve("file"));
        assertThatThrownBy(() -> new NativeFuseTransport().mount(new MemFs(), file, MountOptions.defaults()))
                .isInstanceOfSatisfying(FsException.class, e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
        assertThat(FusePrerequisites.mounted(file)).isFalse();
    }
}

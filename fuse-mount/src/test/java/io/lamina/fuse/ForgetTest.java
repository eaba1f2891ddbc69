package io.lamina.fuse;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Lookup counts: every entry the kernel gets (LOOKUP, CREATE, READDIRPLUS) is counted once, and
 * when the kernel drops its inodes the FORGETs bring every count back to zero, so the engine's
 * node table stays bounded by what the kernel holds.
 */
class ForgetTest {
    @Test
    void forgetsReturnEveryLookup() throws Exception {
        FusePrerequisites.require();
        Path mp = Files.createDirectory(FusePrerequisites.tempDir("fuse-forget").resolve("mnt"));
        MemFs fs = new MemFs();
        long d = fs.addDir(MemFs.ROOT, "d");
        for (int i = 0; i < 3000; i++) fs.addFile(d, "f" + i, new byte[] {1});
        NativeFuseTransport.NativeMount m = new NativeFuseTransport().mount(fs, mp, MountOptions.defaults());
        try {
            assertThat(NativeFuseMountTest.names(mp.resolve("d"))).hasSize(3000); // READDIRPLUS lookups
            for (int i = 0; i < 3000; i += 3) Files.size(mp.resolve("d/f" + i));  // LOOKUPs
            assertThat(fs.liveNodes()).isGreaterThan(1000);

            // Drop clean dentries and inodes (not the page cache): the kernel FORGETs them.
            for (int round = 0; round < 50 && fs.liveNodes() > 10; round++) {
                Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "2");
                Thread.sleep(100);
            }
            assertThat(fs.liveNodes()).isLessThanOrEqualTo(10);
            assertThat(fs.overForgets).isZero();
            assertThat(m.counters().get("FORGET") + m.counters().get("BATCH_FORGET")).isPositive();
        } finally {
            m.close();
            FusePrerequisites.forceUnmount(mp);
        }
    }
}

package io.lamina.fuse;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The fusermount3 protocol (socket named by _FUSE_COMMFD, descriptor sent with SCM_RIGHTS), run
 * against a stand-in helper that does what fusermount3 does, so that the hand-off is tested even
 * where the real setuid helper cannot work.
 */
class FusermountHandoffTest {
    /** Opens /dev/fuse, mounts it with mount(2), sends the descriptor back: fusermount3's job. */
    private static final String HELPER = """
            #!/usr/bin/python3
            import ctypes, os, socket, sys
            opts, mp = sys.argv[2], sys.argv[4]
            fd = os.open("/dev/fuse", os.O_RDWR)
            libc = ctypes.CDLL(None, use_errno=True)
            data = f"fd={fd},rootmode=40000,user_id=0,group_id=0,{opts}".encode()
            if libc.mount(b"lamina", mp.encode(), b"fuse.lamina", 0, data) != 0:
                sys.exit("mount: " + os.strerror(ctypes.get_errno()))
            sock = socket.socket(fileno=int(os.environ["_FUSE_COMMFD"]))
            socket.send_fds(sock, [b"\\0"], [fd])
            """;

    @Test
    void descriptorArrivesThroughTheSocket() throws Exception {
        FusePrerequisites.require();
        Path base = FusePrerequisites.tempDir("fuse-helper");
        Path helper = base.resolve("fake-fusermount3");
        Files.writeString(helper, HELPER);
        Files.setPosixFilePermissions(helper, PosixFilePermissions.fromString("rwx------"));
        Path mp = Files.createDirectory(base.resolve("mnt"));
        MemFs fs = new MemFs();
        fs.addFile(MemFs.ROOT, "f", "via helper".getBytes(StandardCharsets.UTF_8));
        MountOptions o = MountOptions.defaults();
        var m = new NativeFuseTransport().serve(fs, FuseMount.viaHelper(helper, mp, "default_permissions"), o);
        try {
            assertThat(Files.readString(mp.resolve("f"))).isEqualTo("via helper");
            assertThat(FusePrerequisites.mounted(mp)).isTrue();
        } finally {
            m.close(); // unmounts with the real fusermount3 -u (root may)
            FusePrerequisites.forceUnmount(mp);
        }
        assertThat(FusePrerequisites.mounted(mp)).isFalse();
    }
}

package io.lamina.fuse;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/** A child process for {@link LifecycleTest}: mounts a {@link MemFs} at args[0], reads a file through it, says so, waits. */
public final class MountMain {
    private MountMain() {
    }

    public static void main(String[] args) throws Exception {
        MemFs fs = new MemFs();
        fs.addFile(MemFs.ROOT, "alive", "yes".getBytes(StandardCharsets.UTF_8));
        var m = new NativeFuseTransport().mount(fs, Path.of(args[0]), MountOptions.defaults());
        System.out.println("mounted " + java.nio.file.Files.readString(Path.of(args[0], "alive")));
        System.out.flush();
        m.awaitUnmount();
    }
}

package io.lamina.fs.contract;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.JnrFuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.function.Supplier;

/** lamina's engine served through a real FUSE mount by one of fuse-mount's transports. */
public final class FuseTarget implements UnionTarget {
    private static final Path LIBFUSE2 = Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2");

    private final String name;
    private final Supplier<FuseTransport> transport;
    private final MountOptions options;
    private final boolean needsLibfuse2;

    private FuseTarget(String name, Supplier<FuseTransport> transport, MountOptions options, boolean needsLibfuse2) {
        this.name = name;
        this.transport = transport;
        this.options = options;
        this.needsLibfuse2 = needsLibfuse2;
    }

    /** The native transport ({@link NativeFuseTransport}) with {@code options}. */
    public FuseTarget(MountOptions options) {
        this("fuse", NativeFuseTransport::new, options, false);
    }

    /** The jnr-fuse transport over libfuse2. */
    public static FuseTarget jnr() {
        return new FuseTarget("jnr", JnrFuseTransport::new, new MountOptions("lamina", false, 4, false), true);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean readsOciForm() {
        return true;
    }

    @Override
    public String checkAvailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) return "/dev/fuse is missing";
        if (needsLibfuse2 && !Files.exists(LIBFUSE2)) return "no libfuse2";
        return Prerequisites.isRoot() ? null : "not root: FUSE mounts and the layer fixtures need root";
    }

    @Override
    public Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch) {
        Path mnt = scratch.resolve(name + "-mnt");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowers, upper, work));
        FuseTransport.Mounted m;
        MountedDirUserFs user;
        try {
            m = transport.get().mount(fs, mnt, options);
        } catch (RuntimeException e) {
            fs.close();
            throw e;
        }
        try {
            user = new MountedDirUserFs(mnt);
        } catch (RuntimeException e) {
            m.close();
            fs.close();
            throw e;
        }
        return new Mounted() {
            @Override
            public UserFs fs() {
                return user;
            }

            @Override
            public void close() {
                try {
                    user.close();
                } finally {
                    try {
                        m.close();
                    } finally {
                        fs.close();
                    }
                }
            }
        };
    }
}

package io.lamina.fs.contract;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** lamina's engine served through a real FUSE mount by {@link NativeFuseTransport}. */
public final class FuseTarget implements UnionTarget {
    private final MountOptions options;

    public FuseTarget(MountOptions options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "fuse";
    }

    @Override
    public boolean readsOciForm() {
        return true;
    }

    @Override
    public String checkAvailable() {
        if (!Files.exists(Path.of("/dev/fuse"))) return "/dev/fuse is missing";
        return Prerequisites.isRoot() ? null : "not root: FUSE mounts and the layer fixtures need root";
    }

    @Override
    public Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch) {
        Path mnt = scratch.resolve("fuse-mnt");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowers, upper, work));
        NativeFuseTransport.NativeMount m;
        MountedDirUserFs user;
        try {
            m = new NativeFuseTransport().mount(fs, mnt, options);
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

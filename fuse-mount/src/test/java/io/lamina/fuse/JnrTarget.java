package io.lamina.fuse;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fs.contract.MountedDirUserFs;
import io.lamina.fs.contract.Prerequisites;
import io.lamina.fs.contract.UnionTarget;
import io.lamina.fs.contract.UserFs;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** The engine served through a jnr-fuse (libfuse2) mount: the union contract's path to the jnr transport. */
final class JnrTarget implements UnionTarget {
    @Override
    public String name() {
        return "jnr";
    }

    @Override
    public boolean readsOciForm() {
        return true;
    }

    @Override
    public String checkAvailable() {
        if (!Prerequisites.isRoot()) return "not root: the layer fixtures need mknod and trusted.* xattrs";
        if (!Files.exists(Path.of("/dev/fuse"))) return "no /dev/fuse";
        if (!Files.exists(Path.of("/usr/lib/x86_64-linux-gnu/libfuse.so.2"))) return "no libfuse2";
        return null;
    }

    @Override
    public Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch) {
        Path mnt = scratch.resolve("jnr-mnt");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowers, upper, work));
        FuseTransport.Mounted m;
        try {
            m = new JnrFuseTransport().mount(fs, mnt, new MountOptions("lamina", false, 4, false));
        } catch (RuntimeException e) {
            fs.close();
            throw e;
        }
        MountedDirUserFs user;
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

package io.lamina.fs.contract;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;

import java.nio.file.Path;
import java.util.List;

/** lamina's engine called directly through {@link EngineUserFs}: no mount, no FUSE. */
public final class EngineTarget implements UnionTarget {

    @Override
    public String name() {
        return "engine";
    }

    @Override
    public boolean readsOciForm() {
        return true;
    }

    @Override
    public String checkAvailable() {
        // The fixtures hold device nodes and trusted.* xattrs, which only root can make.
        return Prerequisites.isRoot() ? null : "not root: the layer fixtures need mknod and trusted.* xattrs";
    }

    @Override
    public Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch) {
        InodeFs fs = UnionFs.open(UnionSpec.ofDirs(lowers, upper, work));
        EngineUserFs user = new EngineUserFs(fs);
        return new Mounted() {
            @Override
            public UserFs fs() {
                return user;
            }

            @Override
            public void close() {
                fs.close();
            }
        };
    }
}

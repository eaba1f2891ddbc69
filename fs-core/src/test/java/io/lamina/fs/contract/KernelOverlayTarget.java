package io.lamina.fs.contract;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.sys.Posix;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Linux overlayfs mounted with {@link KernelOracle#OPTIONS} (or other options): the oracle of the
 * union contract. Reads lower layers in overlay form only.
 */
public final class KernelOverlayTarget implements UnionTarget {
    private final String options;

    /** The oracle: overlayfs with {@link KernelOracle#OPTIONS}. */
    public KernelOverlayTarget() {
        this(KernelOracle.OPTIONS);
    }

    /** overlayfs with other {@code options} (for finding out what each option changes). */
    public KernelOverlayTarget(String options) {
        this.options = options;
    }

    @Override
    public String name() {
        return "kernel";
    }

    @Override
    public boolean readsOciForm() {
        return false;
    }

    @Override
    public String checkAvailable() {
        return KernelOracle.unavailableReason();
    }

    @Override
    public Mounted mount(List<Path> lowers, Path upper, Path work, Path scratch) {
        Path mnt = scratch.resolve("kernel-mnt");
        try {
            Files.createDirectories(mnt);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        String data = "lowerdir=" + lowers.stream().map(Path::toString).collect(Collectors.joining(":"))
                + ",upperdir=" + upper + ",workdir=" + work + (options.isEmpty() ? "" : "," + options);
        Posix.mount("overlay", mnt.toString(), "overlay", 0, data);
        MountedDirUserFs fs;
        try {
            fs = new MountedDirUserFs(mnt);
        } catch (RuntimeException e) {
            unmount(mnt);
            throw e;
        }
        return new Mounted() {
            @Override
            public UserFs fs() {
                return fs;
            }

            @Override
            public void close() {
                try {
                    fs.close();
                } finally {
                    unmount(mnt);
                }
            }
        };
    }

    /** Unmounts; a mount still busy (an fd a failed scenario leaked) is detached instead. */
    static void unmount(Path mnt) {
        try {
            Posix.umount2(mnt.toString(), 0);
        } catch (FsException e) {
            if (e.errno() != Errno.EBUSY) throw e;
            Posix.umount2(mnt.toString(), Posix.MNT_DETACH);
        }
    }
}

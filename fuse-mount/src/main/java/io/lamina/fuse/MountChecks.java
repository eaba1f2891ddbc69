package io.lamina.fuse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;

/**
 * The preconditions of a mount, checked before anything is mounted so that each failure is one
 * clear line and leaves nothing behind. In order: the FUSE device exists; we may use it (root, or
 * read-write access; a tmpfs upper always needs root); the mount point exists, is a directory and
 * is not already a mount point; every lower layer is a directory; the upper and work directories
 * exist, are directories, are on one filesystem and neither contains the other.
 */
final class MountChecks {
    private MountChecks() {
    }

    /** Throws a {@link MountException} (exit {@link MountException#FAILED}) for the first unmet precondition. */
    static void check(MountRequest r, Host host) {
        if (!Files.exists(host.fuseDevice())) {
            throw MountException.failed(host.fuseDevice() + " is missing: load the fuse kernel module (modprobe fuse)");
        }
        if (!host.root()) {
            // Without CAP_SYS_ADMIN the transport mounts through fusermount, which needs the
            // device and a mount point the user may write; a private tmpfs needs mount(2) itself.
            if (!Files.isReadable(host.fuseDevice()) || !Files.isWritable(host.fuseDevice())) {
                throw MountException.failed("permission denied: " + host.fuseDevice() + " needs root or read-write access");
            }
            if (r.usesTmpfs()) throw MountException.failed("permission denied: a tmpfs upper needs root (CAP_SYS_ADMIN)");
        }
        Path mp = r.mountpoint();
        if (MountTable.at(host.mountInfo(), realOrSelf(mp)).isPresent() || MountTable.at(host.mountInfo(), mp).isPresent()) {
            throw MountException.failed(mp + " is already a mount point (umount it first)");
        }
        if (!Files.exists(mp)) throw MountException.failed("mount point " + mp + " does not exist");
        if (!Files.isDirectory(mp)) throw MountException.failed("mount point " + mp + " is not a directory");
        for (Path l : r.lowers()) {
            if (!Files.exists(l, LinkOption.NOFOLLOW_LINKS)) throw MountException.failed("lower layer " + l + " does not exist");
            if (!Files.isDirectory(l)) throw MountException.failed("lower layer " + l + " is not a directory");
        }
        if (r.usesTmpfs()) return;
        requireDir("upperdir", r.upper());
        requireDir("workdir", r.work());
        Path upper = realOrSelf(r.upper()), work = realOrSelf(r.work());
        if (upper.startsWith(work) || work.startsWith(upper)) {
            throw MountException.failed("upperdir " + r.upper() + " and workdir " + r.work() + " must not contain each other");
        }
        if (device(r.upper()) != device(r.work())) {
            throw MountException.failed("upperdir " + r.upper() + " and workdir " + r.work() + " are on different filesystems");
        }
    }

    private static void requireDir(String what, Path p) {
        if (!Files.exists(p)) throw MountException.failed(what + " " + p + " does not exist");
        if (!Files.isDirectory(p)) throw MountException.failed(what + " " + p + " is not a directory");
    }

    private static long device(Path p) {
        try {
            return ((Number) Files.getAttribute(p, "unix:dev")).longValue();
        } catch (IOException e) {
            throw MountException.failed("cannot stat " + p + ": " + e.getMessage());
        }
    }

    /** The path with symlinks resolved, or as given when that fails (a dead FUSE mount cannot be resolved). */
    static Path realOrSelf(Path p) {
        try {
            return p.toRealPath();
        } catch (IOException e) {
            return p;
        }
    }
}

package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.Launcher;
import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.fuse.MountRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lamina mount}: parses, then hands over to {@link MountCommandSupport}. */
@Command(name = "mount", mixinStandardHelpOptions = true,
        description = {"Mounts a union of lower layers (top first) under an upper layer at MOUNTPOINT.",
                "Without --foreground it returns once the mount answers, leaving a daemon that serves it."},
        footer = {"", "Examples:",
                "  lamina mount -o lowerdir=/l1:/l2,upperdir=/u,workdir=/w /mnt",
                "  lamina mount --lower /l1 --lower /l2 --upper tmpfs:size=512m --volatile /mnt",
                "  lamina mount --image busybox:latest --upper tmpfs:size=64m /mnt"})
final class MountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Option(names = "-o", paramLabel = "OPTIONS", description = {"Overlay-style options: lowerdir=L1:L2:...,upperdir=U,workdir=W[,volatile][,ro];",
            "generic mount options (rw, dev, suid, exec, lazytime, fsname=...) are accepted."})
    List<String> options = new ArrayList<>();

    @Option(names = "--lower", paramLabel = "DIR", description = "A lower layer; repeat, top layer first.")
    List<Path> lowers = new ArrayList<>();

    @Option(names = "--image", paramLabel = "NAME", description = "The lowers are this image of the store (--root), served from its index and objects.")
    String image;

    @Option(names = "--upper", paramLabel = "DIR|tmpfs:size=SIZE", description = "The writable layer: a directory, or a private tmpfs of SIZE (e.g. 512m).")
    String upper;

    @Option(names = "--work", paramLabel = "DIR", description = "Work directory on the upper's filesystem (default: UPPER.work beside the upper, created).")
    Path work;

    @Option(names = "--volatile", description = "Never fsync the upper (ephemeral containers).")
    boolean volatileUpper;

    @Option(names = "--read-only", description = "Mount read-only.")
    boolean readOnly;

    @Option(names = "--fsname", paramLabel = "NAME", description = "Source shown in the mount table (default: lamina).")
    String fsName;

    @Option(names = "--transport", paramLabel = "native|jnr", description = "The FUSE transport (default: native when built in, else jnr).")
    String transport;

    @Option(names = "--foreground", description = "Serve in this process until unmounted.")
    boolean foreground;

    @Parameters(paramLabel = "MOUNTPOINT", description = "An existing directory.")
    Path mountpoint;

    @Override
    public Integer call() {
        MountCommandSupport support = new MountCommandSupport(Host.current(), spec.commandLine().getErr());
        MountRequest r;
        try {
            r = request();
        } catch (MountException e) {
            return support.report("mount", e);
        }
        return foreground ? support.serve(r) : support.startDaemon(r, Launcher.currentJvm(Lamina.class.getName()));
    }

    MountRequest request() {
        MountRequest.Builder b = MountRequest.builder();
        for (String o : options) b.options(o);
        lowers.forEach(b::lower);
        if (image != null) b.image(image, lamina.root());
        if (upper != null) b.upper(upper);
        if (work != null) b.work(work);
        return b.volatileUpper(volatileUpper).readOnly(readOnly).fsName(fsName).transport(transport)
                .mountpoint(mountpoint).build();
    }
}

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
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/**
 * The mount(8) helper: {@code mount -t fuse.lamina SOURCE DIR -o OPTIONS} runs
 * {@code mount.fuse.lamina SOURCE DIR [-sfnv] -o OPTIONS [-t fuse.lamina]}, which bin/mount.fuse.lamina
 * turns into this command. SOURCE becomes the name in the mount table unless fsname= is given.
 */
@Command(name = "mount.fuse.lamina", hidden = true, mixinStandardHelpOptions = true,
        description = "mount(8) helper for -t fuse.lamina (installed as /sbin/mount.fuse.lamina).")
final class MountHelperCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(index = "0", paramLabel = "SOURCE")
    String source;

    @Parameters(index = "1", paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Option(names = "-o", paramLabel = "OPTIONS")
    List<String> options = new ArrayList<>();

    @Option(names = "-t", paramLabel = "TYPE")
    String type;

    @Option(names = "-f", description = "Fake: check everything, mount nothing.")
    boolean fake;

    @Option(names = {"-n", "-s", "-v"}, description = "Accepted and ignored (no mtab, sloppy, verbose).")
    boolean ignored;

    @Option(names = "--transport", hidden = true)
    String transport;

    @Override
    public Integer call() {
        MountCommandSupport support = new MountCommandSupport(Host.current(), spec.commandLine().getErr());
        MountRequest r;
        try {
            if (type != null && !type.equals("fuse.lamina") && !type.equals("lamina")) {
                throw new MountException(MountException.USAGE, "unexpected type " + type + " (this helper mounts fuse.lamina)");
            }
            MountRequest.Builder b = MountRequest.builder().fsName(source);
            for (String o : options) b.options(o);
            r = b.transport(transport).mountpoint(mountpoint).build();
        } catch (MountException e) {
            return support.report("mount", e);
        }
        return fake ? 0 : support.startDaemon(r, Launcher.currentJvm(Lamina.class.getName()));
    }
}

package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.MountCommandSupport;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lamina umount}: unmounts a lamina mount and waits for its daemon to exit. */
@Command(name = "umount", mixinStandardHelpOptions = true,
        description = {"Unmounts a lamina mount and waits for its daemon to exit.",
                "Also clears the mount of a daemon that died (Transport endpoint is not connected)."})
final class UmountCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--lazy", description = "Detach now, finish when no longer busy (MNT_DETACH).")
    boolean lazy;

    @Parameters(paramLabel = "MOUNTPOINT")
    Path mountpoint;

    @Override
    public Integer call() {
        return new MountCommandSupport(Host.current(), spec.commandLine().getErr()).umount(mountpoint, lazy);
    }
}

package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.fuse.MountedLayers;
import io.lamina.store.Commit;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lamina commit}: the upper of a running mount becomes a content-addressed layer in the store. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Turns the changes of a mount (its upper) into a new layer in the store (--root) and prints",
                "its diff-id. The layer tar has OCI whiteouts and opaque markers; file data is read through",
                "the mount, so files whose data is still in a lower layer (chmod only) carry it.",
                "Quiesce the mount first: changes made meanwhile may or may not be in the layer."})
final class CommitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Parameters(paramLabel = "MOUNTPOINT", description = "A running lamina mount with a directory upper.")
    Path mountpoint;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        MountCommandSupport support = new MountCommandSupport(Host.current(), err);
        MountedLayers m;
        try {
            m = support.mounted(mountpoint);
            if (m.upper() == null) {
                throw new MountException(MountException.FAILED, "cannot commit " + m.mountpoint()
                        + ": its upper is a private tmpfs that only the mount's daemon can reach");
            }
        } catch (MountException e) {
            return support.report("commit", e);
        }
        LayerRecord layer;
        try (Store store = Store.open(lamina.root())) {
            layer = Commit.commit(store, m.upper(), m.mountpoint(), bytes -> { });
        } catch (StoreException | UncheckedIOException e) {
            err.println("lamina commit: " + e.getMessage());
            err.flush();
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(layer.diffId());
        out.flush();
        return 0;
    }
}

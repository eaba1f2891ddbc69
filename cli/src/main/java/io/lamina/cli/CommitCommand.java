package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.fuse.MountedLayers;
import io.lamina.run.KeptSnapshot;
import io.lamina.run.RunException;
import io.lamina.store.Commit;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.store.StoreException;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lamina commit}: the upper of a running mount becomes a content-addressed layer in the store. */
@Command(name = "commit", mixinStandardHelpOptions = true,
        description = {"Turns the changes of a mount (its upper) into a new layer in the store",
                "(--root) and prints its diff-id. The layer tar has OCI whiteouts and",
                "opaque markers; file data is read through the mount, so files whose data",
                "is still in a lower layer (chmod only) carry it. Quiesce the mount first:",
                "changes made meanwhile may or may not be in the layer.",
                "With --name it also records an image NAME, as docker commit does, and",
                "prints the image's id: the mount's image plus the new layer; for a mount",
                "of directory lowers (--lower), each lower directory becomes a layer too",
                "(bottom first), so that the image is complete on its own.",
                "With --snapshot ID instead of MOUNTPOINT it commits the kept snapshot of",
                "lamina run --keep (mounted read-only for the commit; the snapshot stays",
                "until lamina rm ID)."})
final class CommitCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Parameters(paramLabel = "MOUNTPOINT", arity = "0..1", description = "A running lamina mount with a directory upper.")
    Path mountpoint;

    @Option(names = "--snapshot", paramLabel = "ID", description = "A kept snapshot of lamina run --keep (see lamina ps) instead of a mount.")
    String snapshot;

    @Option(names = "--name", paramLabel = "NAME", description = "Record an image of that name (replacing one of the same name).")
    String name;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        if ((snapshot == null) == (mountpoint == null)) {
            err.println("lamina commit: give either MOUNTPOINT or --snapshot ID");
            err.flush();
            return 2;
        }
        if (snapshot != null) return commitSnapshot(err);
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
        String result;
        try (Store store = Store.open(lamina.root())) {
            LayerRecord layer = Commit.commit(store, m.upper(), m.mountpoint(), bytes -> { });
            result = name == null ? layer.diffId() : recordImage(store, m, layer);
        } catch (StoreException | UncheckedIOException e) {
            err.println("lamina commit: " + e.getMessage());
            err.flush();
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(result);
        out.flush();
        return 0;
    }

    private int commitSnapshot(PrintWriter err) {
        String result;
        try {
            result = KeptSnapshot.commit(lamina.root(), snapshot, name);
        } catch (RunException | UncheckedIOException e) {
            err.println("lamina commit: " + e.getMessage());
            err.flush();
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        out.println(result);
        out.flush();
        return 0;
    }

    /** Records the image --name: the mount's image (or its lower directories, as layers) plus {@code layer}. */
    private String recordImage(Store store, MountedLayers m, LayerRecord layer) {
        try (Images images = Images.open(store)) {
            ImageRecord base = m.image() == null ? null : images.require(m.image());
            List<LayerRecord> added = new ArrayList<>();
            List<String> createdBy = new ArrayList<>();
            if (base == null) {
                for (Path lower : m.lowersTopFirst().reversed()) {
                    added.add(Commit.commit(store, lower, lower, bytes -> { }));
                    createdBy.add("lamina commit: lower layer " + lower);
                }
            }
            added.add(layer);
            createdBy.add("lamina commit " + m.mountpoint());
            return Commit.recordImage(images, name, base, added, createdBy).id();
        }
    }
}

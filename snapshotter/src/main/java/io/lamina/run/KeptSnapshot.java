package io.lamina.run;

import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.Host;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.Transports;
import io.lamina.store.Commit;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.store.StoreException;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/** {@code lamina commit --snapshot ID}: the upper of a kept snapshot of lamina run becomes a layer (and an image). */
public final class KeptSnapshot {
    private KeptSnapshot() {
    }

    /**
     * Commits the kept snapshot {@code id} under {@code root} into the store: its upper becomes a
     * content-addressed layer, with file data read through a read-only lamina mount of the
     * snapshot made for the commit (a chmod-only file's data is in the image). With a
     * {@code name}, also records an image: the snapshot's image plus the new layer. The snapshot
     * stays (remove it with {@code lamina rm}). Returns the layer's diff-id, or the image id.
     *
     * @throws RunException when there is no such kept snapshot, its container runs, it has no
     *                      upper on disk, its image is gone, or the commit fails
     */
    public static String commit(Path root, String id, String name) {
        RunDir.checkName(id);
        Path d = RunDir.runsDir(root).resolve(id);
        RunRecord r = RunRecord.read(d.resolve("run.json"));
        if (r == null) throw new RunException("no kept snapshot '" + id + "'");
        if (r.tmpfs()) throw new RunException("snapshot '" + id + "' had a tmpfs upper: nothing is left to commit");
        if (!Host.current().root()) throw new RunException("needs root: it mounts the snapshot to read its files");
        try (RunDir dir = RunDir.claimForRemoval(d); Store store = Store.open(root)) {
            ImageRecord image;
            try (Images images = Images.open(store)) {
                image = images.get(r.imageId()).or(() -> images.get(r.image()))
                        .filter(i -> i.id().equals(r.imageId()))
                        .orElseThrow(() -> new RunException("the image of snapshot '" + id + "' (" + r.image() + ", "
                                + r.imageId() + ") is no longer stored"));
            }
            LayerRecord layer = commitLayer(store, dir, image);
            if (name == null) return layer.diffId();
            try (Images images = Images.open(store)) {
                return images.locked(() -> Commit.recordImage(images, name, image, List.of(layer),
                        List.of("lamina run " + String.join(" ", r.command()))).id());
            }
        } catch (StoreException e) {
            throw new RunException(e.getMessage(), e);
        }
    }

    private static LayerRecord commitLayer(Store store, RunDir dir, ImageRecord image) {
        Path mnt = dir.dir.resolve("commit-mnt");
        Path work = dir.work();
        try {
            Files.createDirectories(mnt);
            Files.createDirectories(work);
        } catch (IOException e) {
            throw new RunException("cannot create " + mnt + ": " + e.getMessage(), e);
        }
        LowerLayer chain = store.openChain(image.diffIds());
        InodeFs fs;
        try {
            fs = UnionFs.open(UnionSpec.ofLayers(List.of(chain), dir.upper(), work));
        } catch (RuntimeException e) {
            chain.close();
            throw new RunException("cannot open the snapshot: " + e.getMessage(), e);
        }
        FuseTransport transport = Transports.byName(Transports.defaultName());
        try (FuseTransport.Mounted m = transport.mount(fs, mnt, MountOptions.defaults().withReadOnly(true))) {
            return Commit.commit(store, dir.upper(), mnt, bytes -> { });
        } finally {
            fs.close();
            try {
                Files.deleteIfExists(mnt);
            } catch (IOException e) {
                // an empty directory left behind; rm removes it
            }
        }
    }
}

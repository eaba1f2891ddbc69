package io.lamina.fuse;

import io.lamina.fs.LowerLayer;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.Store;
import io.lamina.store.StoreException;
import io.lamina.store.journal.LowerImage;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * A stored image opened for one mount: its chain as the one lower layer the engine reads, served
 * from the store's index and objects. While mounted, the image's layers are held (as a snapshot
 * holds them) so that {@code lamina gc} keeps them even if the image is removed.
 */
final class StoredImage implements AutoCloseable {
    private final Store store;
    private final Images images;
    private final String holder;
    private final ImageRecord record;
    private final LowerLayer chain;

    private StoredImage(Store store, Images images, String holder, ImageRecord record, LowerLayer chain) {
        this.store = store;
        this.images = images;
        this.holder = holder;
        this.record = record;
        this.chain = chain;
    }

    /** Opens image {@code name} of the store under {@code root} for the mount at {@code mountpoint}. */
    static StoredImage open(Path root, String name, Path mountpoint) {
        requireStore(root);
        Store store = null;
        Images images = null;
        try {
            store = Store.open(root);
            images = Images.open(store);
            ImageRecord record = find(images, root, name);
            String holder = "mount:" + mountpoint;
            images.hold(holder, record.diffIds());
            return new StoredImage(store, images, holder, record, store.openChain(record.diffIds()));
        } catch (StoreException e) {
            closeQuietly(images, store);
            throw MountException.failed("cannot open image " + name + ": " + e.getMessage());
        } catch (RuntimeException e) {
            closeQuietly(images, store);
            throw e;
        }
    }

    /** Checks that image {@code name} exists, without holding it. */
    static void check(Path root, String name) {
        requireStore(root);
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            find(images, root, name);
        } catch (StoreException e) {
            throw MountException.failed("cannot open image " + name + ": " + e.getMessage());
        }
    }

    private static void requireStore(Path root) {
        if (!Files.isDirectory(root)) throw MountException.failed("no image store at " + root + " (lamina image import first)");
    }

    private static ImageRecord find(Images images, Path root, String name) {
        return images.get(name)
                .orElseThrow(() -> MountException.failed("no image " + name + " in " + root + " (see lamina image ls)"));
    }

    /** The image's name as the registry knows it. */
    String name() {
        return record.name();
    }

    /** The chain, handed to the engine (which closes it). */
    List<LowerLayer> layers() {
        return List.of(chain);
    }

    /** What the change journal needs: presence of paths below, and the image's size. */
    LowerImage journalView() {
        long bytes = 0;
        for (String id : record.diffIds()) bytes += store.layer(id).map(l -> l.contentBytes()).orElse(0L);
        return LowerImage.ofLayers(List.of(chain), bytes, Store.chainId(record.diffIds()));
    }

    /** Lets the layers go: releases the hold and closes the store (after the engine closed). */
    @Override
    public void close() {
        try {
            images.release(holder);
        } finally {
            closeQuietly(images, store);
        }
    }

    private static void closeQuietly(AutoCloseable... all) {
        for (AutoCloseable c : all) {
            if (c == null) continue;
            try {
                c.close();
            } catch (Exception e) {
                // closing read handles: nothing to save
            }
        }
    }
}

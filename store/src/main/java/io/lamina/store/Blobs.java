package io.lamina.store;

import java.io.IOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.UUID;

/**
 * blobs/sha256/HEX: manifests, configs and layer blobs as received, each written under tmp/ and
 * renamed into place, so a blob under its name is always complete and verified by its caller.
 */
final class Blobs {
    private final Path dir;
    private final Path tmp;

    Blobs(Path root) {
        this.dir = root.resolve("blobs").resolve("sha256");
        this.tmp = root.resolve("tmp");
    }

    Path path(String digest) {
        return dir.resolve(Sha256.hex(digest));
    }

    Path dir() {
        return dir;
    }

    /** Moves the verified {@code file} (on the store's filesystem) in as {@code digest}, unless present. */
    void putFile(String digest, Path file) {
        Path target = path(digest);
        if (Files.exists(target)) {
            return;
        }
        try {
            Files.createDirectories(dir);
            Files.move(file, target, StandardCopyOption.ATOMIC_MOVE);
        } catch (FileAlreadyExistsException e) {
            // Another import stored the same blob first: same bytes.
        } catch (IOException e) {
            throw new StoreException("blob " + digest + ": cannot store (" + e.getMessage() + ")", e);
        }
    }

    /** Writes verified {@code bytes} in as {@code digest}, unless present. */
    void putBytes(String digest, byte[] bytes) {
        if (Files.exists(path(digest))) {
            return;
        }
        Path t = tmp.resolve("blob-" + UUID.randomUUID());
        try {
            Files.createDirectories(tmp);
            Files.write(t, bytes);
            putFile(digest, t);
        } catch (IOException e) {
            throw new StoreException("blob " + digest + ": cannot store (" + e.getMessage() + ")", e);
        } finally {
            try {
                Files.deleteIfExists(t);
            } catch (IOException ignored) {
                // gc removes tmp/ leftovers
            }
        }
    }
}

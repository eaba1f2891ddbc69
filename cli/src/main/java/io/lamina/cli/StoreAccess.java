package io.lamina.cli;

import io.lamina.store.Images;
import io.lamina.store.Store;

import java.nio.file.Path;
import java.util.function.Function;

/** Opens the store under --root and its image registry for one command, and closes both. */
final class StoreAccess {
    private StoreAccess() {
    }

    static <T> T withImages(Path root, Function<Images, T> action) {
        try (Store store = Store.open(root); Images images = Images.open(store)) {
            return action.apply(images);
        }
    }

    /** 1023 B, 1.5 KiB, 12.0 MiB, 3.2 GiB. */
    static String human(long bytes) {
        if (bytes < 1024) {
            return bytes + " B";
        }
        String[] units = {"KiB", "MiB", "GiB", "TiB", "PiB"};
        double v = bytes;
        int u = -1;
        while (v >= 1024 && u < units.length - 1) {
            v /= 1024;
            u++;
        }
        return String.format(java.util.Locale.ROOT, "%.1f %s", v, units[u]);
    }
}

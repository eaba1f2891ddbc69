package io.lamina.fs;

import java.util.HashMap;
import java.util.Map;

/**
 * Turns a real (st_dev, st_ino) into the st_ino a user sees. When the upper and every lower layer
 * sit on one filesystem, real inode numbers are already unique and are used as they are (so
 * lamina shows what the kernel's overlayfs shows); otherwise each filesystem gets a number in the
 * top 8 bits, like overlayfs's xino.
 */
final class InodeNumbers {
    private final Map<Long, Integer> devIndex = new HashMap<>();

    InodeNumbers(long upperDev, Iterable<Layer> layers) {
        devIndex.put(upperDev, 0);
        for (Layer l : layers) devIndex.putIfAbsent(l.dev(), devIndex.size());
    }

    long of(long dev, long ino) {
        if (devIndex.size() == 1) return ino;
        Integer fs = devIndex.get(dev);
        return ((long) (fs == null ? 255 : fs) << 56) | (ino & 0x00ff_ffff_ffff_ffffL);
    }
}

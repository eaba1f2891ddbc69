package io.lamina.fs;

import io.lamina.sys.Stat;

/**
 * What a lower layer holds at one path. For a whiteout only {@code whiteout} is meaningful.
 * {@code stat.dev()} and {@code stat.ino()} identify the inode within the layer (names of one
 * hardlinked file share them, and {@code stat.nlink()} counts them); they must be stable for the
 * life of the layer, since st_ino is derived from them.
 *
 * @param opaque   a directory that hides everything below it in the stack
 * @param redirect a directory's {@code trusted.overlay.redirect} value, or null
 */
public record LowerEntry(Stat stat, boolean whiteout, boolean opaque, String redirect) {

    public static final LowerEntry WHITEOUT = new LowerEntry(null, true, false, null);

    public static LowerEntry of(Stat stat) {
        return new LowerEntry(stat, false, false, null);
    }
}

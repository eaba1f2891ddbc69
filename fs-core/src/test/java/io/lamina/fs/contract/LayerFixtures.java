package io.lamina.fs.contract;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the lower layers every union scenario runs on: one stack per (depth, form), each holding
 * every kind of entry. Content entries sit in the bottom layer; at depth 5 three filler layers
 * lie above it (each adds a file to {@code dir}, and the middle one shadows {@code dir/a}); the
 * top lower layer holds the markers (whiteouts, an opaque directory, a redirected directory)
 * above the content they hide. At depth 1 the markers sit in the only layer and hide nothing.
 *
 * <p>Entry paths are the public constants below; {@link EntryKind} names them for scenarios.
 */
public final class LayerFixtures {
    public static final String FILE = "file", DIR = "dir", DIR_CHILD = "dir/a", DIR_SUB = "dir/sub",
            DIR2 = "dir2", EMPTY_DIR = "emptydir", SYMLINK_REL = "lnk-rel", SYMLINK_ABS = "lnk-abs",
            SYMLINK_DANGLING = "lnk-dangling", HARDLINK_1 = "hl1", HARDLINK_2 = "hl2", FIFO = "fifo",
            CHAR_DEVICE = "chr", BLOCK_DEVICE = "blk", SOCKET = "sock", SPARSE = "sparse", XATTR_FILE = "xfile",
            SETUID_FILE = "suid", SETGID_DIR = "sgid-dir", NON_ASCII = "ünïcødé 名前", NON_ASCII_DIR = "ünï-dir",
            WHITEOUT = "gone", WHITEOUT_DIR = "gonedir", OPAQUE = "opq", REDIRECTED = "renamed",
            REDIRECT_ORIGIN = "dir-orig";
    /** A whiteout in the bottom layer inside {@link #DIR2}, a directory no other layer has. */
    public static final String GHOST_NAME = "ghost", GHOST = DIR2 + "/" + GHOST_NAME;
    public static final long SPARSE_SIZE = 1L << 30;
    /** Where the sparse file holds data; everything else is a hole. */
    public static final long[] SPARSE_DATA = {0, (256L << 20) + 3, SPARSE_SIZE - 11};

    private LayerFixtures() {
    }

    /**
     * Builds the stack of {@code depth} layers in {@code form} under {@code base} (which must not
     * exist yet). {@code atimeSec} is given to every entry as its atime; pick it in the future so
     * that relatime never touches a lower entry a kernel mount reads.
     */
    public static LayerStack build(Path base, int depth, LayerForm form, long atimeSec) {
        List<Path> lamina = write(base.resolve("lamina"), depth, form, atimeSec);
        List<Path> overlay = form == LayerForm.OVERLAY ? lamina
                : write(base.resolve("overlay-twin"), depth, LayerForm.OVERLAY, atimeSec, form);
        return new LayerStack(depth, form, lamina, overlay);
    }

    private static List<Path> write(Path dir, int depth, LayerForm form, long atimeSec) {
        return write(dir, depth, form, atimeSec, form);
    }

    /** {@code shape} decides how a renamed directory is represented: a redirect (overlay) or a copy (OCI). */
    private static List<Path> write(Path dir, int depth, LayerForm form, long atimeSec, LayerForm shape) {
        List<Path> layers = new ArrayList<>();
        for (int i = 0; i < depth; i++) layers.add(dir.resolve("L" + i));
        LayerWriter bottom = new LayerWriter(layers.get(depth - 1), form);
        content(bottom);
        if (depth > 1) {
            hiddenContent(bottom);
            LayerWriter top = new LayerWriter(layers.get(0), form);
            markers(top, shape, true);
            for (int i = 1; i < depth - 1; i++) filler(new LayerWriter(layers.get(i), form), i);
            top.finish(atimeSec);
            for (int i = 1; i < depth - 1; i++) new LayerWriter(layers.get(i), form).finish(atimeSec);
        } else {
            markers(bottom, shape, false);
        }
        bottom.finish(atimeSec);
        return layers;
    }

    private static void content(LayerWriter w) {
        w.file(FILE, "hello, lamina\n", 0644, 1000, 1000)
                .dir(DIR, 0755, 0, 0).file(DIR_CHILD, "a\n", 0644, 0, 0)
                .dir(DIR_SUB, 0755, 0, 0).file(DIR_SUB + "/b", "b\n", 0644, 0, 0)
                .dir(DIR2, 0750, 2000, 2000).file(DIR2 + "/c", "c\n", 0600, 2000, 2000).whiteout(GHOST)
                .dir(EMPTY_DIR, 0700, 0, 0)
                .symlink(SYMLINK_REL, FILE, 1000, 1000)
                .symlink(SYMLINK_ABS, "/etc/hostname", 0, 0)
                .symlink(SYMLINK_DANGLING, "no/such/target", 0, 0)
                .file(HARDLINK_1, "linked\n", 0600, 3000, 3000).hardlink(HARDLINK_1, HARDLINK_2)
                .node(FIFO, Stat.S_IFIFO | 0640, 0, 0, 0)
                .node(CHAR_DEVICE, Stat.S_IFCHR | 0620, Posix.makedev(1, 7), 0, 5)
                .node(BLOCK_DEVICE, Stat.S_IFBLK | 0660, Posix.makedev(7, 0), 0, 6)
                .node(SOCKET, Stat.S_IFSOCK | 0755, 0, 0, 0)
                .sparse(SPARSE, SPARSE_SIZE, SPARSE_DATA, "sparse-data", 0644)
                .file(XATTR_FILE, "x\n", 0644, 0, 0)
                .xattr(XATTR_FILE, "user.color", "blue").xattr(XATTR_FILE, "user.empty", "")
                .xattr(XATTR_FILE, "trusted.note", "t")
                .file(SETUID_FILE, "#!/bin/sh\n", 04755, 0, 0)
                .dir(SETGID_DIR, 02775, 0, 50).file(SETGID_DIR + "/inherited", "g\n", 0664, 0, 50)
                .file(NON_ASCII, "unicode\n", 0644, 0, 0)
                .dir(NON_ASCII_DIR, 0755, 0, 0).file(NON_ASCII_DIR + "/ö", "umlaut\n", 0644, 0, 0);
    }

    /** What the markers of the top layer hide (only at depth > 1). */
    private static void hiddenContent(LayerWriter w) {
        w.file(WHITEOUT, "gone\n", 0644, 0, 0)
                .dir(WHITEOUT_DIR, 0755, 0, 0).file(WHITEOUT_DIR + "/inner", "inner\n", 0644, 0, 0)
                .dir(OPAQUE, 0755, 0, 0).file(OPAQUE + "/old1", "old1\n", 0644, 0, 0)
                .file(OPAQUE + "/old2", "old2\n", 0644, 0, 0)
                .dir(REDIRECT_ORIGIN, 0755, 0, 0).file(REDIRECT_ORIGIN + "/x", "x\n", 0644, 0, 0)
                .dir(REDIRECT_ORIGIN + "/deep", 0755, 0, 0).file(REDIRECT_ORIGIN + "/deep/y", "y\n", 0644, 0, 0);
    }

    /**
     * Whiteouts, an opaque directory and a renamed directory. {@code shape} OVERLAY renames by
     * redirect; OCI by an opaque full copy, as an image layer records a rename.
     */
    private static void markers(LayerWriter w, LayerForm shape, boolean above) {
        w.whiteout(WHITEOUT).whiteout(WHITEOUT_DIR)
                .dir(OPAQUE, 0755, 0, 0).opaque(OPAQUE).file(OPAQUE + "/new1", "new1\n", 0644, 0, 0)
                .dir(REDIRECTED, 0755, 0, 0).file(REDIRECTED + "/added", "added\n", 0644, 0, 0)
                .whiteout(REDIRECT_ORIGIN);
        if (shape == LayerForm.OVERLAY) {
            w.redirect(REDIRECTED, "/" + REDIRECT_ORIGIN);
        } else {
            w.opaque(REDIRECTED);
            if (above) {
                w.file(REDIRECTED + "/x", "x\n", 0644, 0, 0).dir(REDIRECTED + "/deep", 0755, 0, 0)
                        .file(REDIRECTED + "/deep/y", "y\n", 0644, 0, 0);
            }
        }
    }

    /**
     * Filler layer {@code i} (1 = just under the marker layer): each adds to the merged {@code dir};
     * L1 also gives {@code dir} other metadata (the topmost wins) and re-creates {@code dir/sub/b},
     * which L2 deletes (a whiteout in a middle layer) and shadows {@code dir/a}; L3 makes
     * {@code dir2} opaque (an opaque directory in a middle layer).
     */
    private static void filler(LayerWriter w, int i) {
        w.file("filler" + i, "filler " + i + "\n", 0644, 0, 0)
                .dir(DIR, i == 1 ? 0775 : 0755, i == 1 ? 10 : 0, i == 1 ? 10 : 0)
                .file(DIR + "/from-L" + i, "from L" + i + "\n", 0644, 0, 0);
        if (i == 1) w.file(DIR_SUB + "/b", "b from L1\n", 0644, 0, 0);
        if (i == 2) w.file(DIR_CHILD, "a from L2\n", 0644, 0, 0).whiteout(DIR_SUB + "/b");
        if (i == 3) w.dir(DIR2, 0750, 2000, 2000).opaque(DIR2).file(DIR2 + "/c3", "c3\n", 0600, 2000, 2000);
    }
}

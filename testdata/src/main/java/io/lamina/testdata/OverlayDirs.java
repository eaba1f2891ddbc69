package io.lamina.testdata;

import java.io.IOException;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Writes a {@link LayerSpec} as a directory in the kernel overlayfs format, usable as a
 * {@code lowerdir} of a kernel overlay mount or as a directory layer of lamina: a whiteout is a
 * character device 0/0, an opaque directory carries {@code trusted.overlay.opaque=y}, sparse
 * files have real holes, and owners, modes (setuid/setgid/sticky included), xattrs and
 * nanosecond mtimes are set as the spec says.
 *
 * <p>Needs root (device nodes, whiteouts, other owners, {@code trusted.*} xattrs) and the
 * {@code mknod}, {@code chmod} and {@code setfattr} (Debian package {@code attr}) commands.
 * Files, links and times are made through java.nio; the rest through those commands, because
 * testdata depends on nothing of ours (fs-core has the syscalls).
 */
public final class OverlayDirs {

    /** The xattr that marks an overlayfs directory opaque. */
    public static final String OPAQUE_XATTR = "trusted.overlay.opaque";

    private OverlayDirs() {}

    /**
     * Writes {@code layer} into {@code dir}, which must not exist. The tree is built under a
     * temporary sibling name and renamed into place when complete.
     *
     * @throws java.nio.file.FileAlreadyExistsException if {@code dir} exists
     * @throws IOException if a command fails, typically for lack of root
     */
    public static void write(LayerSpec layer, Path dir) throws IOException {
        if (Files.exists(dir, LinkOption.NOFOLLOW_LINKS)) {
            throw new java.nio.file.FileAlreadyExistsException(dir.toString(), null, "will not overwrite");
        }
        Path partial = dir.resolveSibling("." + dir.getFileName() + ".partial");
        OciImages.deleteTree(partial);
        Files.createDirectories(partial);
        try {
            populate(layer, partial);
            Files.move(partial, dir, StandardCopyOption.ATOMIC_MOVE);
        } finally {
            OciImages.deleteTree(partial);
        }
    }

    /**
     * Writes each layer into {@code root/1}, {@code root/2}, ... (lowest first).
     *
     * @return the layer directories, lowest first
     */
    public static List<Path> writeAll(List<LayerSpec> layers, Path root) throws IOException {
        Files.createDirectories(root);
        List<Path> dirs = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            Path d = root.resolve(Integer.toString(i + 1));
            write(layers.get(i), d);
            dirs.add(d);
        }
        return dirs;
    }

    /** The {@code lowerdir=} value for these layer directories (given lowest first): highest first, colon-separated. */
    public static String lowerdir(List<Path> lowestFirst) {
        List<String> parts = new ArrayList<>();
        for (Path p : lowestFirst.reversed()) {
            parts.add(p.toAbsolutePath().toString());
        }
        return String.join(":", parts);
    }

    private static void populate(LayerSpec layer, Path root) throws IOException {
        Map<Integer, List<String>> specialModes = new TreeMap<>();
        for (Entry e : LayerTar.tarOrder(layer.entries())) {
            Path p = root.resolve(e.path());
            create(e, p, root);
            if (e.type() == EntryType.HARDLINK || e.type() == EntryType.WHITEOUT) {
                continue; // a hardlink shares its target's inode; a whiteout stays root-owned, mode 0
            }
            // chown first: it clears setuid/setgid, which the mode then sets again.
            Files.setAttribute(p, "unix:uid", e.uid(), LinkOption.NOFOLLOW_LINKS);
            Files.setAttribute(p, "unix:gid", e.gid(), LinkOption.NOFOLLOW_LINKS);
            if (e.type() != EntryType.SYMLINK) {
                if ((e.mode() & 07000) != 0) {
                    specialModes.computeIfAbsent(e.mode(), m -> new ArrayList<>()).add(p.toString());
                } else {
                    Files.setPosixFilePermissions(p, permissions(e.mode()));
                }
            }
            for (var x : e.xattrs().entrySet()) {
                setXattr(p, x.getKey(), x.getValue(), e.type() == EntryType.SYMLINK);
            }
            if (e.opaque()) {
                setXattr(p, OPAQUE_XATTR, new byte[] {'y'}, false);
            }
        }
        for (var m : specialModes.entrySet()) {
            // Five digits: GNU chmod keeps a directory's setgid bit for a shorter numeric mode.
            List<String> cmd = new ArrayList<>(List.of("chmod", String.format("%05o", m.getKey()), "--"));
            cmd.addAll(m.getValue());
            Exec.run(cmd);
        }
        // Times last, children before parents: creating a child changes its parent's mtime.
        for (Entry e : layer.entries().reversed()) {
            if (e.type() != EntryType.HARDLINK) {
                setTimes(root.resolve(e.path()), e.type(), e.mtime());
            }
        }
    }

    private static void create(Entry e, Path p, Path root) throws IOException {
        switch (e.type()) {
            case DIRECTORY -> Files.createDirectory(p);
            case FILE -> writeFile(e.content(), p);
            case SYMLINK -> {
                if (Path.of(e.linkTarget()).toString().equals(e.linkTarget())) {
                    Files.createSymbolicLink(p, Path.of(e.linkTarget()));
                } else {
                    // java.nio would normalise "a//b" or "dir/": the target is data, keep it verbatim.
                    Exec.run(List.of("ln", "-s", "--", e.linkTarget(), p.toString()));
                }
            }
            case HARDLINK -> Files.createLink(p, root.resolve(e.linkTarget()));
            case FIFO -> mknod(p, e.mode(), "p");
            case CHAR_DEVICE -> mknod(p, e.mode(), "c", e.devMajor(), e.devMinor());
            case BLOCK_DEVICE -> mknod(p, e.mode(), "b", e.devMajor(), e.devMinor());
            case WHITEOUT -> mknod(p, 0, "c", 0, 0);
        }
    }

    private static void writeFile(Content c, Path p) throws IOException {
        if (!c.sparse()) {
            try (OutputStream out = new java.io.BufferedOutputStream(
                    Files.newOutputStream(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), 1 << 16)) {
                c.writeTo(out);
            }
            return;
        }
        try (FileChannel ch = FileChannel.open(p, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
            for (Content.Extent x : c.extents()) {
                var buf = new java.io.ByteArrayOutputStream((int) Math.min(x.length(), 1 << 20));
                long done = 0;
                while (done < x.length()) {
                    long n = Math.min(1 << 20, x.length() - done);
                    buf.reset();
                    c.write(x.offset() + done, n, buf);
                    ByteBuffer bb = ByteBuffer.wrap(buf.toByteArray());
                    long pos = x.offset() + done;
                    while (bb.hasRemaining()) {
                        pos += ch.write(bb, pos);
                    }
                    done += n;
                }
            }
        }
        // A trailing hole: extend without writing.
        try (RandomAccessFile raf = new RandomAccessFile(p.toFile(), "rw")) {
            raf.setLength(c.size());
        }
    }

    private static void mknod(Path p, int mode, String type, int... dev) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("mknod", "-m", String.format("%04o", mode), "--", p.toString(), type));
        for (int d : dev) {
            cmd.add(Integer.toString(d));
        }
        Exec.run(cmd);
    }

    private static void setXattr(Path p, String name, byte[] value, boolean noFollow) throws IOException {
        List<String> cmd = new ArrayList<>(List.of("setfattr"));
        if (noFollow) {
            cmd.add("-h");
        }
        cmd.addAll(List.of("-n", name));
        if (value.length > 0) {
            cmd.addAll(List.of("-v", "0x" + HexFormat.of().formatHex(value)));
        }
        cmd.addAll(List.of("--", p.toString()));
        Exec.run(cmd);
    }

    private static void setTimes(Path p, EntryType type, java.time.Instant mtime) throws IOException {
        if (type != EntryType.FILE && type != EntryType.DIRECTORY) {
            // java.nio opens the file to set its times: that blocks on a fifo and fails on 0/0.
            // touch -h calls utimensat on the name instead.
            String stamp = "@" + mtime.getEpochSecond() + "." + String.format("%09d", mtime.getNano());
            Exec.run(List.of("touch", "-h", "-d", stamp, "--", p.toString()));
            return;
        }
        FileTime t = FileTime.from(mtime);
        Files.getFileAttributeView(p, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).setTimes(t, t, null);
    }

    private static Set<PosixFilePermission> permissions(int mode) {
        Set<PosixFilePermission> set = EnumSet.noneOf(PosixFilePermission.class);
        PosixFilePermission[] order = {
            PosixFilePermission.OTHERS_EXECUTE, PosixFilePermission.OTHERS_WRITE, PosixFilePermission.OTHERS_READ,
            PosixFilePermission.GROUP_EXECUTE, PosixFilePermission.GROUP_WRITE, PosixFilePermission.GROUP_READ,
            PosixFilePermission.OWNER_EXECUTE, PosixFilePermission.OWNER_WRITE, PosixFilePermission.OWNER_READ};
        for (int i = 0; i < 9; i++) {
            if ((mode & (1 << i)) != 0) {
                set.add(order[i]);
            }
        }
        return set;
    }
}

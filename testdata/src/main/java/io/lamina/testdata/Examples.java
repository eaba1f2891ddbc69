package io.lamina.testdata;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * Ready-made images. Each is a pure function of its seed (and, for {@link #busybox()}, of the
 * installed {@code /bin/busybox}), so writing one twice gives byte-identical output.
 */
public final class Examples {

    /** The seed of the no-argument factories. */
    public static final long DEFAULT_SEED = 20240101L;

    /** The names {@link #named} knows. */
    public static final List<String> NAMES = List.of("demo", "tricky", "busybox");

    /** Where Debian's busybox-static puts its binary. */
    public static final Path BUSYBOX = Path.of("/bin/busybox");

    /** The applets linked in /bin: all symlinks to {@code busybox}, except {@link #BUSYBOX_HARDLINKS}. */
    static final List<String> BUSYBOX_APPLETS = List.of(
            "[", "ash", "awk", "basename", "cat", "chgrp", "chmod", "chown", "clear", "cp", "cut", "date", "dd",
            "df", "diff", "dirname", "du", "echo", "egrep", "expr", "false", "fgrep", "find", "free", "grep",
            "gunzip", "gzip", "head", "hostname", "id", "kill", "less", "ln", "ls", "md5sum", "mkdir", "mkfifo",
            "mknod", "mktemp", "more", "mount", "mv", "nproc", "printf", "ps", "pwd", "readlink", "realpath", "rm",
            "rmdir", "sed", "seq", "sh", "sha256sum", "sleep", "sort", "stat", "sync", "tail", "tar", "tee", "test",
            "top", "touch", "tr", "true", "truncate", "umount", "uname", "uniq", "vi", "wc", "whoami", "xargs",
            "yes", "zcat");
    /** Applets that are hard links to /bin/busybox rather than symlinks. */
    static final List<String> BUSYBOX_HARDLINKS = List.of("cat", "ls");
    /** Applets in /usr/bin, as absolute symlinks to /bin/busybox. */
    static final List<String> BUSYBOX_USR_BIN = List.of("env", "which", "xxd", "hexdump", "timeout", "nsenter");

    private Examples() {}

    /** The example called {@code name} ({@link #NAMES}), with the default seed. */
    public static ImageSpec named(String name) {
        return switch (name) {
            case "demo" -> demoStack();
            case "tricky" -> tricky();
            case "busybox" -> busybox();
            default -> throw new IllegalArgumentException("unknown example '" + name + "' (" + String.join(", ", NAMES) + ")");
        };
    }

    /**
     * Three small layers for the README demo: a base with {@code etc/os-release},
     * {@code etc/hostname}, {@code etc/motd} and {@code usr/share/doc/lamina/{README,CHANGES}};
     * a middle layer that deletes {@code etc/motd} (whiteout) and adds {@code etc/issue}; a top
     * layer that makes {@code usr/share/doc/lamina} opaque with a new {@code README}.
     */
    public static ImageSpec demoStack() {
        LayerSpec base = LayerSpec.builder().createdBy("demo: base")
                .text("etc/os-release", """
                        PRETTY_NAME="Lamina Demo 1"
                        NAME="Lamina Demo"
                        VERSION_ID="1"
                        ID=lamina-demo
                        """)
                .text("etc/hostname", "lamina-demo\n")
                .text("etc/motd", "Welcome to the lamina demo. This file is deleted by layer 2.\n")
                .text("usr/share/doc/lamina/README", "The old README, hidden by the opaque directory of layer 3.\n")
                .text("usr/share/doc/lamina/CHANGES", "Also hidden by layer 3.\n")
                .dir("var/log")
                .dir("home/user").owner(1000, 1000)
                .text("home/user/notes.txt", "Edit me: the first write copies this file up.\n").owner(1000, 1000)
                .build();
        LayerSpec middle = LayerSpec.builder().createdBy("demo: delete etc/motd, add etc/issue")
                .whiteout("etc/motd")
                .text("etc/issue", "Lamina Demo 1 \\n \\l\n")
                .build();
        LayerSpec top = LayerSpec.builder().createdBy("demo: replace usr/share/doc/lamina")
                .opaqueDir("usr/share/doc/lamina")
                .text("usr/share/doc/lamina/README", "The new README: the only file left in this directory.\n")
                .build();
        return ImageSpec.of("lamina/demo:latest", ImageConfig.defaults(), base, middle, top);
    }

    /** {@link #tricky(long)} with {@link #DEFAULT_SEED}. */
    public static ImageSpec tricky() {
        return tricky(DEFAULT_SEED);
    }

    /**
     * Every hard case over three layers.
     *
     * <p>Layer 1: empty, small and large (5 MiB + 7) files; sparse files (data between holes,
     * and all hole); hardlinks (two names of one file, one that sorts before its target, one to
     * a long-named file); symlinks (relative, absolute, dangling, a two-link loop, a self loop,
     * one to a directory, one with a 150-byte target); a fifo, a char and a block device; xattrs
     * (user.*, an empty value, 1000 bytes, non-ASCII value, on a directory; the empty value is a
     * pax record with no value, which GNU tar restores as an empty xattr while Go's archive/tar
     * (containerd, umoci) and commons-compress read it as "unset"); a path over 100 bytes that
     * fits the ustar prefix, a 120-byte component and a path over 255 bytes; non-ASCII names;
     * owners 1000, 65534 and 70000000 (beyond the octal field); setuid, setgid, sticky and mode
     * 0000; sub-second mtimes on a file, a directory and a symlink; directories
     * {@code gone}, {@code opq} and {@code del} that later layers change.
     *
     * <p>Layer 2: a file whiteout ({@code del/remove-me}), a directory whiteout ({@code gone}),
     * a whiteout of one name of a hardlinked file, a file replaced by a directory and a directory
     * replaced by a file. Layer 3: {@code gone} re-created (it must not show layer 1's content),
     * {@code opq} made opaque with a new child, a whiteout of a name no layer has.
     */
    public static ImageSpec tricky(long seed) {
        Instant nanos = Instant.parse("2024-02-29T12:34:56.123456789Z");
        Instant micros = Instant.parse("2023-06-15T08:00:00.000001Z");
        Instant old = Instant.parse("1999-12-31T23:59:59.5Z");
        String longComponent = "c".repeat(120);
        String prefixable = "long/" + "p".repeat(60) + "/" + "q".repeat(60) + "/file-in-prefix";
        String veryLong = "long/" + String.join("/", java.util.Collections.nCopies(6, "d".repeat(50))) + "/deep.txt";
        LayerSpec l1 = LayerSpec.builder().createdBy("tricky: base")
                .file("data/empty", Content.empty())
                .text("data/small.txt", "small file\n").mtime(nanos)
                .file("data/large.bin", seeded(seed, "data/large.bin", 5 * 1024 * 1024 + 7))
                .file("sparse/holes.img", Content.sparse(seed, 16L << 20,
                        new Content.Extent(0, 4096), new Content.Extent(1 << 20, 8192),
                        new Content.Extent((16L << 20) - 100, 100)))
                .file("sparse/hole-first.img", Content.sparse(seed + 1, 4L << 20,
                        new Content.Extent(3L << 20, 65536)))
                .file("sparse/all-hole.img", Content.sparse(seed + 2, 1 << 20))
                .hardlink("links/hard1", "data/small.txt")
                .hardlink("links/hard2", "data/small.txt")
                .hardlink("a-hardlink-sorted-first", "data/large.bin")
                .symlink("links/relative", "../data/small.txt")
                .symlink("links/absolute", "/data/small.txt")
                .symlink("links/dangling", "nowhere/missing")
                .symlink("links/loop-a", "loop-b")
                .symlink("links/loop-b", "loop-a")
                .symlink("links/self", "self")
                .symlink("links/to-dir", "../data").mtime(micros)
                .symlink("links/long-target", "../" + "t".repeat(147))
                .fifo("dev/fifo")
                .charDevice("dev/null", 1, 3)
                .blockDevice("dev/loop0", 7, 0)
                .text("xattrs/file", "has xattrs\n")
                .xattr("user.lamina.text", "hello")
                .xattr("user.lamina.empty", new byte[0])
                .xattr("user.lamina.big", "x".repeat(1000))
                .xattr("user.lamina.unicode", "wert ✓ ünïcödé")
                .dir("xattrs/dir").xattr("user.lamina.dir", "on a directory")
                .text(prefixable, "a path over 100 bytes that fits name + prefix\n")
                .text("long/" + longComponent, "a 120-byte name\n")
                .text(veryLong, "a path over 255 bytes\n")
                .hardlink("long/hardlink-to-long", veryLong)
                .text("unicode/héllo wörld.txt", "accents and a space\n")
                .text("unicode/日本語.txt", "CJK\n")
                .text("unicode/emoji-🙂", "outside the BMP\n")
                .dir("unicode/κατάλογος")
                .text("owners/user1000", "owned by 1000\n").owner(1000, 1000)
                .text("owners/nobody", "owned by 65534\n").owner(65534, 65534)
                .text("owners/big-id", "owned by an id beyond the octal field\n").owner(70_000_000, 70_000_001)
                .dir("owners/user-dir").owner(1000, 100).mode(0750)
                .file("perms/setuid", seeded(seed, "perms/setuid", 100)).mode(04755)
                .file("perms/setgid", seeded(seed, "perms/setgid", 100)).mode(02755).owner(0, 50)
                .dir("perms/sticky").mode(01777)
                .dir("perms/setgid-dir").mode(02775).owner(0, 50)
                .dir("perms/setgid-dir/child")
                .text("perms/none", "mode 0000\n").mode(0)
                .text("perms/old", "an mtime with half a second\n").mtime(old)
                .dir("times").mtime(nanos)
                .text("gone/sub/file", "deleted with its directory by layer 2\n")
                .text("gone/top", "also deleted\n")
                .text("opq/a", "hidden by the opaque dir of layer 3\n")
                .text("opq/b", "hidden too\n")
                .text("del/keep", "stays\n")
                .text("del/remove-me", "deleted by layer 2\n")
                .text("replace/file-to-dir", "becomes a directory in layer 2\n")
                .text("replace/dir-to-file/child", "its directory becomes a file in layer 2\n")
                .build();
        LayerSpec l2 = LayerSpec.builder().createdBy("tricky: whiteouts and type changes")
                .whiteout("del/remove-me")
                .whiteout("gone")
                .whiteout("links/hard2")
                .text("replace/file-to-dir/child", "a file in what was a file\n")
                .text("replace/dir-to-file", "a file where a directory was\n")
                .text("layer2.txt", "added by layer 2\n")
                .build();
        LayerSpec l3 = LayerSpec.builder().createdBy("tricky: re-created dir, opaque dir")
                .text("gone/new", "the only file of the re-created directory\n")
                .opaqueDir("opq")
                .text("opq/c", "the only file left in opq\n")
                .whiteout("never-existed")
                .build();
        return ImageSpec.of("lamina/tricky:latest", ImageConfig.defaults(), l1, l2, l3);
    }

    /**
     * A runnable image from Debian's busybox-static. Layer 1: {@code bin/busybox}, {@code bin/sh}
     * and common applets as relative symlinks ({@code cat} and {@code ls} as hard links), some
     * {@code usr/bin} applets as absolute symlinks, {@code etc/passwd} and {@code etc/group} with
     * root and user 1000, {@code tmp} 1777, {@code root} 0700, {@code home/user} owned by 1000,
     * {@code etc/motd} and {@code var/cache/app/{old-1,old-2}}. Layer 2: deletes {@code etc/motd},
     * makes {@code var/cache/app} opaque with a new file, adds {@code etc/lamina-release}.
     * Config: {@code Env PATH=...}, {@code Cmd ["/bin/sh"]}, {@code WorkingDir "/"}.
     *
     * @throws IllegalStateException if /bin/busybox is missing ({@code apt-get install -y busybox-static})
     */
    public static ImageSpec busybox() {
        if (!Files.isRegularFile(BUSYBOX)) {
            throw new IllegalStateException(BUSYBOX + " is missing: apt-get install -y busybox-static");
        }
        byte[] binary;
        try {
            binary = Files.readAllBytes(BUSYBOX);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + BUSYBOX, e);
        }
        LayerSpec.Builder b = LayerSpec.builder().createdBy("busybox: base from Debian busybox-static")
                .file("bin/busybox", Content.bytes(binary)).mode(0755);
        for (String applet : BUSYBOX_APPLETS) {
            if (BUSYBOX_HARDLINKS.contains(applet)) {
                b.hardlink("bin/" + applet, "bin/busybox");
            } else {
                b.symlink("bin/" + applet, "busybox");
            }
        }
        for (String applet : BUSYBOX_USR_BIN) {
            b.symlink("usr/bin/" + applet, "/bin/busybox");
        }
        b.dir("sbin").dir("usr/sbin").dir("dev").dir("proc").dir("sys").dir("run").dir("var/tmp").mode(01777)
                .dir("tmp").mode(01777)
                .dir("root").mode(0700)
                .dir("home/user").owner(1000, 1000)
                .text("home/user/.profile", "export PS1='\\u@lamina:\\w\\$ '\n").owner(1000, 1000)
                .text("etc/passwd", """
                        root:x:0:0:root:/root:/bin/sh
                        user:x:1000:1000:user:/home/user:/bin/sh
                        nobody:x:65534:65534:nobody:/nonexistent:/bin/false
                        """)
                .text("etc/group", """
                        root:x:0:
                        user:x:1000:
                        nogroup:x:65534:
                        """)
                .text("etc/hostname", "lamina\n")
                .text("etc/motd", "deleted by layer 2\n")
                .text("var/cache/app/old-1", "hidden by the opaque dir of layer 2\n")
                .text("var/cache/app/old-2", "hidden too\n");
        LayerSpec base = b.build();
        LayerSpec top = LayerSpec.builder().createdBy("busybox: delete etc/motd, reset var/cache/app")
                .whiteout("etc/motd")
                .opaqueDir("var/cache/app")
                .text("var/cache/app/fresh", "the only file left in var/cache/app\n")
                .text("etc/lamina-release", "lamina busybox test image\n")
                .build();
        ImageConfig config = ImageConfig.defaults().withCmd("/bin/sh").withWorkingDir("/");
        return ImageSpec.of("lamina/busybox:latest", config, base, top);
    }

    /** Seeded content whose seed also depends on the path, so equal sizes give different bytes. */
    private static Content seeded(long seed, String path, long size) {
        return Content.seeded(seed * 31 + path.hashCode(), size);
    }
}

package io.lamina.cli;

import io.lamina.fs.InodeFs;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OverlayDirs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.stream.Stream;

/**
 * {@code lamina demo}: the bundled example. Writes testdata's 3-layer demo stack, mounts it through
 * FUSE, shows a whiteout, an opaque directory and a copy-up as a user sees them, and cleans up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = "Mount a bundled 3-layer example, show whiteouts and copy-up, unmount.")
final class Demo implements Callable<Integer> {
    @Option(names = "--keep", description = "Keep the example's layers and upper (in the printed directory).")
    boolean keep;

    private final PrintStream out = System.out;

    @Override
    public Integer call() throws IOException {
        if (Posix.getuid() != 0) {
            System.err.println("lamina demo: needs root (it mounts through FUSE and writes whiteouts as device nodes)");
            return 1;
        }
        Path dir = Files.createTempDirectory("lamina-demo-");
        try {
            ImageSpec image = Examples.demoStack();
            List<Path> layers = OverlayDirs.writeAll(image.layers(), dir.resolve("layers"));
            Path upper = Files.createDirectories(dir.resolve("upper"));
            Path work = Files.createDirectories(dir.resolve("work"));
            Path merged = Files.createDirectories(dir.resolve("merged"));
            out.println("lamina demo: " + layers.size() + " layers of " + image.reference() + " in " + dir.resolve("layers"));
            for (int i = 0; i < layers.size(); i++) out.println("  layer " + (i + 1) + ": " + image.layers().get(i).createdBy());
            List<Path> topFirst = new ArrayList<>(layers);
            java.util.Collections.reverse(topFirst);
            try (InodeFs fs = UnionFs.open(UnionSpec.ofDirs(topFirst, upper, work));
                 FuseTransport.Mounted mount = new NativeFuseTransport().mount(fs, merged, MountOptions.defaults())) {
                out.println("mounted at " + merged + " (FUSE, native transport), upper " + upper);
                show(layers, upper, merged);
            }
            out.println("unmounted " + merged);
            return 0;
        } finally {
            if (keep) out.println("kept " + dir);
            else deleteTree(dir);
        }
    }

    private void show(List<Path> layers, Path upper, Path merged) throws IOException {
        step("1. A whiteout in layer 2 hides etc/motd of layer 1");
        out.println("   layer 1 has etc/motd:  " + Files.exists(layers.get(0).resolve("etc/motd")));
        out.println("   merged has etc/motd:   " + Files.exists(merged.resolve("etc/motd")));
        out.println("   merged etc/:           " + list(merged.resolve("etc")));

        step("2. An opaque directory in layer 3 hides everything below it");
        out.println("   layer 1 usr/share/doc/lamina: " + list(layers.get(0).resolve("usr/share/doc/lamina")));
        out.println("   merged  usr/share/doc/lamina: " + list(merged.resolve("usr/share/doc/lamina")));

        step("3. The first write copies a file up into the upper; the layer stays as it was");
        Path notes = merged.resolve("home/user/notes.txt");
        out.println("   upper before:  " + tree(upper));
        Files.writeString(notes, "Changed through the mount.\n", java.nio.file.StandardOpenOption.APPEND);
        out.println("   upper after:   " + tree(upper));
        out.println("   merged notes.txt:  " + Files.readString(notes).strip().replace("\n", " | "));
        out.println("   layer 1 notes.txt: " + Files.readString(layers.get(0).resolve("home/user/notes.txt")).strip());

        step("4. Deleting a lower file leaves a whiteout (a 0/0 character device) in the upper");
        Files.delete(merged.resolve("etc/hostname"));
        Stat wh = Posix.fstatat(Posix.AT_FDCWD, upper.resolve("etc/hostname").toString(), Posix.AT_SYMLINK_NOFOLLOW);
        out.println("   merged has etc/hostname: " + Files.exists(merged.resolve("etc/hostname")));
        out.println("   upper etc/hostname: " + (wh.type() == Stat.S_IFCHR ? "character device " : "mode " + Integer.toOctalString(wh.mode()) + " ")
                + Posix.major(wh.rdev()) + "/" + Posix.minor(wh.rdev()));
    }

    private void step(String title) {
        out.println();
        out.println(title);
    }

    private static List<String> list(Path dir) throws IOException {
        try (Stream<Path> s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).sorted().toList();
        }
    }

    /** The regular files and whiteouts under {@code root}, relative. */
    private static List<String> tree(Path root) throws IOException {
        try (Stream<Path> s = Files.walk(root)) {
            return s.filter(p -> !Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS))
                    .map(p -> root.relativize(p).toString()).sorted().toList();
        }
    }

    private static void deleteTree(Path dir) throws IOException {
        try (Stream<Path> s = Files.walk(dir)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }
}

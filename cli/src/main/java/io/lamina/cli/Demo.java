package io.lamina.cli;

import io.lamina.fs.InodeFs;
import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionFs;
import io.lamina.fs.UnionSpec;
import io.lamina.fuse.FuseTransport;
import io.lamina.fuse.MountOptions;
import io.lamina.fuse.NativeFuseTransport;
import io.lamina.sys.Posix;
import io.lamina.store.Commit;
import io.lamina.store.ImageImport;
import io.lamina.store.ImageRecord;
import io.lamina.store.Images;
import io.lamina.store.LayerRecord;
import io.lamina.store.ObjectStats;
import io.lamina.store.Store;
import io.lamina.sys.Stat;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OciImages;
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
 * FUSE, shows a whiteout, an opaque directory and a copy-up as a user sees them; then imports the
 * same image into a private content-addressed store, mounts it by its chain, commits a change as
 * a new layer, and cleans up.
 */
@Command(name = "demo", mixinStandardHelpOptions = true,
        description = {"Mount a bundled 3-layer example, show whiteouts and copy-up; import it into a",
                "private store, mount it from there, commit a change; clean up."})
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
            storeDemo(image, dir);
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

    /** Steps 5 and 6: the same image through the content-addressed store (a private one, in {@code dir}). */
    private void storeDemo(ImageSpec image, Path dir) throws IOException {
        step("5. Imported into a content-addressed store, the image is served from its index and objects");
        Path layout = dir.resolve("oci-layout");
        OciImages.writeLayout(image, layout, Compression.GZIP);
        Path upper = Files.createDirectories(dir.resolve("store-upper"));
        Path work = Files.createDirectories(dir.resolve("store-work"));
        Path merged = Files.createDirectories(dir.resolve("store-merged"));
        try (Store store = Store.open(dir.resolve("store")); Images images = Images.open(store)) {
            ImageRecord record = ImageImport.run(images, layout, image.reference(), ImageImport.Progress.NONE);
            ObjectStats objects = store.objectStats();
            out.println("   imported " + record.name() + " " + record.shortId() + ": " + record.diffIds().size()
                    + " layers, " + objects.count() + " objects (" + objects.bytes() + " bytes, each content once)");
            LowerLayer chain = store.openChain(record.diffIds());
            try (InodeFs fs = UnionFs.open(UnionSpec.ofLayers(List.of(chain), upper, work));
                 FuseTransport.Mounted mount = new NativeFuseTransport().mount(fs, merged, MountOptions.defaults())) {
                out.println("   mounted by chain " + Store.chainId(record.diffIds()).substring(0, 19) + "… at " + merged);
                out.println("   merged etc/:           " + list(merged.resolve("etc")));

                step("6. Commit: the upper becomes a new layer, recorded as a new image");
                Files.writeString(merged.resolve("etc/greeting"), "committed by the demo\n");
                LayerRecord layer = Commit.commit(store, upper, merged, n -> { });
                ImageRecord committed = Commit.recordImage(images, "lamina/demo:committed", record, List.of(layer),
                        List.of("lamina demo: add etc/greeting"));
                out.println("   new layer " + layer.diffId().substring(0, 19) + "…: " + layer.entries() + " entries");
                out.println("   image " + committed.name() + " " + committed.shortId() + ": " + committed.diffIds().size() + " layers");
            }
            out.println("unmounted " + merged);
        }
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

package io.lamina.bench;

import io.lamina.testdata.Content;
import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;
import io.lamina.testdata.OverlayDirs;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The one deterministic lower stack every target mounts, built with testdata: a distro-like base
 * ({@code usr/}: small files in deep directories), the large files ({@code big/}), a directory
 * that the layers merge into {@code wideEntries} names ({@code wide/}), the flat directories the
 * copy-up, delete and rename workloads work on ({@code chmod/}, {@code del/}, {@code ren/}), a
 * source-like tree for grep ({@code src/}); and two upper layers that overwrite and delete. Beside
 * it, the tar that the untar workload extracts.
 *
 * <p>The stack is built once per profile under {@code work/stack-NAME} and reused while its
 * marker file says it was built completely for the same sizes.
 */
record Stack(Profile profile, List<Path> lowestFirst, Path untarArchive) {

    static final String SEQ_FILE = "big/seq.bin";
    static final String APPEND_FILE = "big/append.bin";
    static final String GREP_NEEDLE = "lamina_needle";

    /** Lower layer directories, top first (as lamina's {@code UnionSpec} takes them). */
    List<Path> topFirst() {
        return lowestFirst.reversed();
    }

    /** overlayfs's {@code lowerdir=} value. */
    String lowerdir() {
        return OverlayDirs.lowerdir(lowestFirst);
    }

    /** Names (relative to the mount root) that exist in no layer, in directories that do. */
    List<String> missingNames() {
        List<String> names = new ArrayList<>(profile.negativeLookups());
        for (int i = 0; i < profile.negativeLookups(); i++) {
            names.add(usrDir(i % Math.max(1, profile.baseFiles() / 10)) + "/missing-" + i);
        }
        return names;
    }

    static String usrDir(int d) {
        return String.format("usr/share/p%03d/lib/d%02d/sub", d / 20, d % 20);
    }

    static String flatName(int i) {
        return String.format("f%05d", i);
    }

    /** Builds the stack under {@code work} (or reuses a complete one of the same profile). */
    static Stack build(Profile p, Path work) throws IOException {
        Path root = work.resolve("stack-" + p.name());
        Path marker = root.resolve("complete");
        List<Path> layers = List.of(root.resolve("layers/1"), root.resolve("layers/2"), root.resolve("layers/3"));
        Path archive = root.resolve("untar.tar");
        Stack stack = new Stack(p, layers, archive);
        if (Files.isRegularFile(marker) && Files.readString(marker).equals(p.stackKey())) return stack;
        Cleanup.deleteTree(root);
        Files.createDirectories(root);
        OverlayDirs.writeAll(List.of(base(p), overwrite(p), third(p)), root.resolve("layers"));
        try (OutputStream out = Files.newOutputStream(archive)) {
            LayerTar.write(untarLayer(p), out);
        }
        Files.writeString(marker, p.stackKey());
        return stack;
    }

    private static LayerSpec base(Profile p) {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench base");
        // ten files per deep directory, sizes 64 B .. 8 KiB
        for (int i = 0; i < p.baseFiles(); i++) {
            b.file(usrDir(i / 10) + "/file" + (i % 10) + ".so", Content.seeded(i, 64 + (i * 7919L) % 8128));
        }
        b.file(SEQ_FILE, Content.seeded(1_000_001, p.seqBytes()));
        b.file(APPEND_FILE, Content.seeded(1_000_002, p.appendBytes()));
        int wideBase = p.wideEntries() * 9 / 10;
        for (int i = 0; i < wideBase; i++) b.file("wide/" + flatName(i), Content.seeded(2_000_000 + i, 32));
        for (int i = 0; i < p.chmodFiles(); i++) b.file("chmod/" + flatName(i), Content.seeded(3_000_000 + i, 256));
        for (int i = 0; i < p.deleteFiles(); i++) b.file("del/" + flatName(i), Content.seeded(4_000_000 + i, 256));
        for (int i = 0; i < p.renameFiles(); i++) b.file("ren/" + flatName(i), Content.seeded(5_000_000 + i, 256));
        for (int i = 0; i < p.srcFiles(); i++) {
            b.text(String.format("src/mod%02d/pkg%02d/Unit%04d.java", i % 17, i % 13, i), source(i));
        }
        return b.build();
    }

    /** Overwrites about 1% of the base files, deletes as many, adds names to wide/. */
    private static LayerSpec overwrite(Profile p) {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench overwrite");
        int n = p.whiteouts();
        for (int k = 0; k < n; k++) {
            int i = k * (p.baseFiles() / n);
            b.file(usrDir(i / 10) + "/file" + (i % 10) + ".so", Content.seeded(6_000_000 + k, 512));
            int j = i + 1;
            b.whiteout(usrDir(j / 10) + "/file" + (j % 10) + ".so");
        }
        int wideBase = p.wideEntries() * 9 / 10;
        int wideAdded = p.wideEntries() * 12 / 100;
        for (int i = wideBase; i < wideBase + wideAdded; i++) b.file("wide/" + flatName(i), Content.seeded(7_000_000 + i, 32));
        return b.build();
    }

    /** Deletes names from wide/ (so the merged listing has exactly wideEntries) and hides one directory. */
    private static LayerSpec third(Profile p) {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench delete");
        int wideBase = p.wideEntries() * 9 / 10;
        int wideAdded = p.wideEntries() * 12 / 100;
        int extra = wideBase + wideAdded - p.wideEntries();
        for (int i = 0; i < extra; i++) b.whiteout("wide/" + flatName(i * 2));
        b.opaqueDir("usr/share/p000/lib/d00");
        b.text("usr/share/p000/lib/d00/README", "replaced by the third layer\n");
        return b.build();
    }

    private static LayerSpec untarLayer(Profile p) {
        LayerSpec.Builder b = LayerSpec.builder().createdBy("bench untar");
        for (int i = 0; i < p.untarFiles(); i++) {
            b.file(String.format("pkg/d%03d/f%05d", i / 100, i), Content.seeded(8_000_000 + i, 64 + i % 2000));
        }
        return b.build();
    }

    /** A Java-looking text file; one in seven mentions the grep needle. */
    private static String source(int i) {
        StringBuilder s = new StringBuilder("package mod;\n\n/** Unit " + i + ". */\nfinal class Unit" + i + " {\n");
        for (int m = 0; m < 40; m++) {
            s.append("    int method").append(m).append("(int x) { return x * ").append((i * 31 + m) % 97).append("; }\n");
        }
        if (i % 7 == 0) s.append("    // ").append(GREP_NEEDLE).append('\n');
        return s.append("}\n").toString();
    }

    static byte[] ascii(String s) {
        return s.getBytes(StandardCharsets.US_ASCII);
    }
}

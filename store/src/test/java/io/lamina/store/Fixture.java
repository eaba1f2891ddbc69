package io.lamina.store;

import io.lamina.testdata.Compression;
import io.lamina.testdata.ImageSpec;
import io.lamina.testdata.OciImages;
import io.lamina.testdata.WrittenImage;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Temp dirs, image writers by format, and full listings of a store root for before/after checks. */
final class Fixture {
    private Fixture() {
    }

    /** The three ways an image arrives. */
    enum Format {
        LAYOUT, OCI_ARCHIVE, DOCKER_ARCHIVE
    }

    private static final java.util.List<Path> CREATED = new java.util.ArrayList<>();

    /** A new directory under $LAMINA_TEST_TMP, removed by {@link #deleteAll} (the images are big). */
    static synchronized Path tempDir(String prefix) throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path dir = Files.createDirectories(Path.of(base != null ? base : System.getProperty("java.io.tmpdir")));
        Path d = Files.createTempDirectory(dir, prefix);
        CREATED.add(d);
        return d;
    }

    /** Removes every directory {@link #tempDir} made; call after the stores in them are closed. */
    static synchronized void deleteAll() {
        CREATED.forEach(Fs::deleteTree);
        CREATED.clear();
    }

    static WrittenImage write(ImageSpec spec, Path dir, Format format, Compression c) throws IOException {
        return switch (format) {
            case LAYOUT -> OciImages.writeLayout(spec, dir.resolve("layout"), c);
            case OCI_ARCHIVE -> OciImages.writeOciArchive(spec, dir.resolve("image.oci.tar"), c);
            case DOCKER_ARCHIVE -> OciImages.writeDockerArchive(spec, dir.resolve("image.docker.tar"));
        };
    }

    /** Every path under {@code root} with its type and, for files, size: "f 123", "d", "l target". */
    static Map<String, String> listing(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.toList()) {
                String rel = root.relativize(p).toString();
                if (Files.isSymbolicLink(p)) {
                    out.put(rel, "l " + Files.readSymbolicLink(p));
                } else if (Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
                    out.put(rel, "d");
                } else {
                    out.put(rel, "f " + Files.size(p));
                }
            }
        }
        return out;
    }

    /** Only the regular files of {@link #listing}. */
    static Map<String, String> files(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>(listing(root));
        out.values().removeIf(v -> !v.startsWith("f "));
        return out;
    }

    /** Skips without /bin/busybox, except under CI=true, where that is a failure. */
    static void requireBusybox() {
        boolean ok = Files.isRegularFile(io.lamina.testdata.Examples.BUSYBOX);
        if (ok) {
            return;
        }
        if ("true".equals(System.getenv("CI"))) {
            fail("CI=true but /bin/busybox is missing (apt-get install -y busybox-static)");
        }
        assumeTrue(false, "skipped: /bin/busybox is missing (apt-get install -y busybox-static)");
    }
}

package io.lamina.testdata;

import java.io.PrintStream;
import java.nio.file.Path;
import java.util.List;

/**
 * Command line: writes an example image for shell scripts and CI.
 *
 * <pre>
 * Generate EXAMPLE OUT-DIR FORMAT [COMPRESSION]
 *   EXAMPLE      demo | tricky | busybox
 *   FORMAT       overlay-dirs   OUT-DIR/1, OUT-DIR/2, ... (lowest first; needs root)
 *                oci-layout     OUT-DIR/EXAMPLE (an OCI image layout directory)
 *                oci-archive    OUT-DIR/EXAMPLE-oci.tar
 *                docker-archive OUT-DIR/EXAMPLE-docker.tar (layers always uncompressed)
 *   COMPRESSION  none | gzip | zstd (default gzip; OCI formats only)
 * </pre>
 *
 * Prints one line per thing written. Exit status 0 on success, 2 on bad arguments, 1 when writing
 * fails (one line on stderr says what and why).
 */
public final class Generate {

    static final String USAGE = """
            usage: Generate EXAMPLE OUT-DIR FORMAT [COMPRESSION]
              EXAMPLE      demo | tricky | busybox
              FORMAT       overlay-dirs | oci-layout | oci-archive | docker-archive
              COMPRESSION  none | gzip | zstd (default gzip)""";

    private Generate() {}

    public static void main(String[] args) {
        System.exit(run(args, System.out, System.err));
    }

    /** Runs the command; returns the exit status. */
    static int run(String[] args, PrintStream out, PrintStream err) {
        if (args.length == 1 && (args[0].equals("--help") || args[0].equals("-h"))) {
            out.println(USAGE);
            return 0;
        }
        if (args.length < 3 || args.length > 4) {
            err.println(USAGE);
            return 2;
        }
        String example = args[0];
        Path outDir = Path.of(args[1]);
        String format = args[2];
        Compression compression;
        try {
            compression = args.length == 4 ? Compression.parse(args[3]) : Compression.GZIP;
            if (!Examples.NAMES.contains(example)) {
                throw new IllegalArgumentException("unknown example '" + example + "' (" + String.join(", ", Examples.NAMES) + ")");
            }
            if (!List.of("overlay-dirs", "oci-layout", "oci-archive", "docker-archive").contains(format)) {
                throw new IllegalArgumentException("unknown format '" + format
                        + "' (overlay-dirs, oci-layout, oci-archive, docker-archive)");
            }
        } catch (IllegalArgumentException e) {
            err.println("generate: " + e.getMessage());
            return 2;
        }
        try {
            ImageSpec image = Examples.named(example);
            switch (format) {
                case "overlay-dirs" -> {
                    List<Path> dirs = OverlayDirs.writeAll(image.layers(), outDir);
                    for (int i = 0; i < dirs.size(); i++) {
                        out.println("layer " + (i + 1) + ": " + dirs.get(i) + "  (" + image.layers().get(i).createdBy() + ")");
                    }
                    out.println("lowerdir=" + OverlayDirs.lowerdir(dirs));
                }
                case "oci-layout" -> print(OciImages.writeLayout(image, outDir.resolve(example), compression), image, out);
                case "oci-archive" -> print(OciImages.writeOciArchive(image, outDir.resolve(example + "-oci.tar"),
                        compression), image, out);
                case "docker-archive" -> print(OciImages.writeDockerArchive(image, outDir.resolve(example + "-docker.tar")),
                        image, out);
                default -> throw new AssertionError(format);
            }
            return 0;
        } catch (Exception e) {
            err.println("generate: " + example + " as " + format + " into " + outDir + ": " + e.getMessage());
            return 1;
        }
    }

    private static void print(WrittenImage w, ImageSpec image, PrintStream out) {
        out.println("image: " + w.path() + "  (" + image.reference() + ")");
        if (!w.manifestDigest().isEmpty()) {
            out.println("manifest: " + w.manifestDigest() + " " + w.manifestSize() + " bytes");
        }
        out.println("config: " + w.configDigest() + " " + w.configSize() + " bytes");
        for (int i = 0; i < w.layers().size(); i++) {
            WrittenImage.Layer l = w.layers().get(i);
            out.println("layer " + (i + 1) + ": " + l.digest() + " " + l.size() + " bytes " + l.mediaType()
                    + " diff_id " + l.diffId());
        }
    }
}

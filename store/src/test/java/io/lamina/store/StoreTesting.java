package io.lamina.store;

import io.lamina.testdata.LayerSpec;
import io.lamina.testdata.LayerTar;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Assumptions;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** Helpers shared by the store tests. */
final class StoreTesting {

    private StoreTesting() {
    }

    /** A fresh directory under the module's test tmp dir. */
    static Path tempDir(String prefix) {
        String base = System.getenv().getOrDefault("LAMINA_TEST_TMP", System.getProperty("java.io.tmpdir"));
        try {
            Files.createDirectories(Path.of(base));
            return Files.createTempDirectory(Path.of(base), prefix);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    static byte[] tar(LayerSpec layer) {
        var out = new ByteArrayOutputStream();
        try {
            LayerTar.write(layer, out);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out.toByteArray();
    }

    static LayerRecord importBytes(Store store, byte[] tar) {
        return store.importLayer(new ByteArrayInputStream(tar), n -> { });
    }

    /** Every path under {@code root} with its type and size (a file's size, else 0), sorted. */
    static List<String> listing(Path root) {
        List<String> out = new ArrayList<>();
        try (Stream<Path> s = Files.walk(root)) {
            for (Path p : (Iterable<Path>) s::iterator) {
                BasicFileAttributes a = Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
                out.add(root.relativize(p) + (a.isDirectory() ? "/" : " " + a.size()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        out.sort(null);
        return out;
    }

    static boolean ci() {
        return "true".equals(System.getenv("CI"));
    }

    /** Skips the test when a prerequisite is missing, or fails it when CI=true. */
    static void require(boolean present, String what) {
        if (present) {
            return;
        }
        if (ci()) {
            Assertions.fail("CI=true but " + what);
        }
        Assumptions.abort(what);
    }
}

package io.lamina.testdata;

import com.github.luben.zstd.ZstdInputStream;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Test helpers: read tars back with commons-compress, decompress, hash trees. */
final class Util {
    private Util() {}

    /** One tar member as commons-compress reads it, with its (expanded) data. */
    record Member(TarArchiveEntry entry, byte[] data) {
        String name() {
            return entry.getName();
        }
    }

    static byte[] decompress(byte[] blob, Compression c) {
        try (InputStream in = switch (c) {
            case NONE -> new ByteArrayInputStream(blob);
            case GZIP -> new GzipCompressorInputStream(new ByteArrayInputStream(blob));
            case ZSTD -> new ZstdInputStream(new ByteArrayInputStream(blob));
        }) {
            return in.readAllBytes();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** All members in archive order, keyed by name. */
    static Map<String, Member> readTar(byte[] tar) {
        Map<String, Member> out = new LinkedHashMap<>();
        try (TarArchiveInputStream in = new TarArchiveInputStream(new ByteArrayInputStream(tar))) {
            TarArchiveEntry e;
            while ((e = in.getNextEntry()) != null) {
                out.put(e.getName(), new Member(e, in.readAllBytes()));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return out;
    }

    static List<String> names(byte[] tar) {
        return new ArrayList<>(readTar(tar).keySet());
    }

    /** sha256 of every regular file under {@code root}, by relative path. */
    static Map<String, String> hashTree(Path root) throws IOException {
        Map<String, String> out = new TreeMap<>();
        if (Files.isRegularFile(root)) {
            out.put(root.getFileName().toString(), Digests.sha256(Files.readAllBytes(root)));
            return out;
        }
        try (Stream<Path> walk = Files.walk(root)) {
            for (Path p : walk.filter(Files::isRegularFile).toList()) {
                out.put(root.relativize(p).toString(), Digests.sha256(Files.readAllBytes(p)));
            }
        }
        return out;
    }
}

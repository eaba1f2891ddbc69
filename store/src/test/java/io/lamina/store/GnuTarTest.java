package io.lamina.store;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import java.io.InputStream;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.util.HexFormat;

import static org.assertj.core.api.Assertions.assertThat;

/** Layers written by GNU tar itself (gnu and posix formats, sparse files, long names, "./" prefixes). */
class GnuTarTest {

    @ParameterizedTest
    @ValueSource(strings = {"gnu", "posix"})
    void importsWhatGnuTarWrites(String format) throws Exception {
        StoreTesting.require(Files.isExecutable(Path.of("/usr/bin/tar")) || Files.isExecutable(Path.of("/bin/tar")),
                "needs GNU tar");
        Path dir = StoreTesting.tempDir("gnutar-");
        try {
            Path src = Files.createDirectories(dir.resolve("src/sub"));
            Files.writeString(src.resolve("hello.txt"), "hello\n");
            Files.createLink(src.resolve("hello-link"), src.resolve("hello.txt"));
            Files.createSymbolicLink(src.resolve("sym"), Path.of("hello.txt"));
            String longName = "l".repeat(180);
            Files.writeString(src.resolve(longName), "long\n");
            Path sparse = src.resolve("sparse.img");
            try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
                f.setLength(8 << 20);
                f.seek(3 << 20);
                f.write("data in the middle".getBytes(StandardCharsets.US_ASCII));
            }
            Path tar = dir.resolve("layer.tar");
            Process p = new ProcessBuilder("tar", "--format=" + format, "-S", "-cf", tar.toString(), "-C",
                    dir.resolve("src").toString(), ".").inheritIO().start();
            assertThat(p.waitFor()).isZero();

            try (Store store = Store.open(dir.resolve("store")); InputStream in = Files.newInputStream(tar)) {
                LayerRecord r = store.importLayer(in, n -> { });
                try (LayerIndex idx = store.openIndex(r.diffId())) {
                    IndexEntry img = idx.find("sub/sparse.img");
                    assertThat(img.size()).isEqualTo(8 << 20);
                    assertThat(sha(store.objectPath(img.digest()))).isEqualTo(sha(sparse));
                    assertThat(idx.find("sub/hello-link").linkGroup()).isEqualTo(idx.find("sub/hello.txt").linkGroup())
                            .isPositive();
                    assertThat(idx.find("sub/sym").linkTarget()).isEqualTo("hello.txt");
                    assertThat(idx.find("sub/" + longName).size()).isEqualTo(5);
                    assertThat(idx.find("sub").kind()).isEqualTo(EntryKind.DIRECTORY);
                }
            }
        } finally {
            Store.deleteTree(dir);
        }
    }

    private static String sha(Path p) throws Exception {
        MessageDigest md = MessageDigest.getInstance("SHA-256");
        try (InputStream in = Files.newInputStream(p)) {
            byte[] b = new byte[1 << 16];
            for (int n; (n = in.read(b)) > 0; ) {
                md.update(b, 0, n);
            }
        }
        return HexFormat.of().formatHex(md.digest());
    }
}

package io.lamina.store;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.nio.file.Path;
import java.util.List;
import java.util.Random;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * Hostile and broken layer tars: each is refused with one line naming the entry and the reason,
 * and the store is left exactly as before (the full listing of its root is compared), although
 * each bad tar first carries good entries whose contents the store does not have yet.
 */
class BadInputTest {

    private Path root;
    private Store store;

    @BeforeEach
    void open() {
        root = StoreTesting.tempDir("bad-");
        store = Store.open(root);
        StoreTesting.importBytes(store, new RawTar().dir("etc/").file("etc/base", "already stored\n").end());
    }

    @AfterEach
    void close() {
        store.close();
        Store.deleteTree(root);
    }

    /** Imports {@code tar}, expects a refusal whose message contains every one of {@code words}. */
    private void rejected(byte[] tar, String... words) {
        List<String> before = StoreTesting.listing(root);
        ObjectStats stats = store.objectStats();
        assertThatThrownBy(() -> StoreTesting.importBytes(store, tar))
                .isInstanceOf(StoreException.class)
                .satisfies(e -> {
                    assertThat(e.getMessage()).doesNotContain("\n");
                    for (String w : words) {
                        assertThat(e.getMessage()).contains(w);
                    }
                });
        assertThat(StoreTesting.listing(root)).containsExactlyElementsOf(before);
        assertThat(store.objectStats()).isEqualTo(stats);
        assertThat(store.layers()).hasSize(1);
    }

    private static RawTar good() {
        return new RawTar().dir("data/").file("data/new-content", "a content the store lacks\n");
    }

    @Test
    void dotDotEntry() {
        rejected(good().file("../evil", "x").end(), "'../evil'", "'..'");
    }

    @Test
    void dotDotInsideThePath() {
        rejected(good().file("data/../../evil", "x").end(), "'data/../../evil'", "'..'");
    }

    @Test
    void absolutePath() {
        rejected(good().file("/etc/passwd", "x").end(), "'/etc/passwd'", "absolute");
    }

    @Test
    void entryThroughAnEarlierSymlink() {
        rejected(good().symlink("data/link", "/etc").file("data/link/passwd", "x").end(),
                "'data/link/passwd'", "symlink 'data/link'");
    }

    @Test
    void hardlinkOutsideTheLayer() {
        rejected(good().hardlink("data/h", "../outside").end(), "'data/h'", "outside the layer");
    }

    @Test
    void hardlinkToAnAbsoluteTarget() {
        rejected(good().hardlink("data/h", "/etc/shadow").end(), "'data/h'", "outside the layer");
    }

    @Test
    void hardlinkToAnEntryNotYetSeen() {
        rejected(good().hardlink("data/h", "data/later").file("data/later", "x").end(), "'data/h'",
                "not an earlier entry");
    }

    @Test
    void bareWhiteout() {
        rejected(good().file("data/.wh.", "").end(), "'data/.wh.'", "bare");
    }

    @Test
    void whiteoutOfDot() {
        rejected(good().file("data/.wh..", "").end(), "'data/.wh..'", "whiteout of '.'");
    }

    @Test
    void whiteoutOfDotDot() {
        rejected(good().file("data/.wh...", "").end(), "'data/.wh...'", "whiteout of '..'");
    }

    @Test
    void duplicateEntry() {
        rejected(good().file("data/twice", "1").file("data/twice", "2").end(), "'data/twice'", "duplicate");
    }

    @Test
    void entryAndItsWhiteoutInOneLayer() {
        rejected(good().file("data/x", "1").file("data/.wh.x", "").end(), "'data/.wh.x'", "duplicate");
    }

    @Test
    void headerSizeBeyondTheData() {
        rejected(good().truncatedFile("data/big", 100_000, 700).noEnd(), "'data/big'", "100000");
    }

    @Test
    void streamEndsWithoutTheEndMarker() {
        rejected(good().file("data/last", "x").noEnd(), "'data/last'", "end-of-archive");
    }

    @Test
    void garbage() {
        byte[] junk = new byte[4096];
        new Random(7).nextBytes(junk);
        rejected(junk, "not a tar");
    }

    @Test
    void garbageAfterGoodEntries() {
        byte[] junk = new byte[4096];
        new Random(8).nextBytes(junk);
        rejected(good().raw(junk).end(), "after entry 'data/new-content'");
    }

    @Test
    void emptyInput() {
        rejected(new byte[0], "empty");
    }

    @Test
    void diffIdOtherThanExpected() {
        String wrong = "sha256:" + "ab".repeat(32);
        byte[] tar = good().end();
        List<String> before = StoreTesting.listing(root);
        assertThatThrownBy(() -> store.importLayer(new java.io.ByteArrayInputStream(tar), wrong, n -> { }))
                .isInstanceOf(StoreException.class).hasMessageContaining("not the expected " + wrong);
        assertThat(StoreTesting.listing(root)).containsExactlyElementsOf(before);
    }
}

package io.lamina.testdata;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Reads the tricky layers back with commons-compress and checks every hard case. */
class LayerTarTest {

    private static final ImageSpec TRICKY = Examples.tricky();

    private static Map<String, Util.Member> layer(int i) {
        return Util.readTar(LayerTar.bytes(TRICKY.layers().get(i), Compression.NONE));
    }

    @Test
    void typesOfTheBaseLayer() {
        Map<String, Util.Member> m = layer(0);
        assertThat(m.get("data/").entry().isDirectory()).isTrue();
        assertThat(m.get("data/empty").entry().isFile()).isTrue();
        assertThat(m.get("data/empty").data()).isEmpty();
        assertThat(m.get("dev/fifo").entry().isFIFO()).isTrue();
        TarArchiveEntry nul = m.get("dev/null").entry();
        assertThat(nul.isCharacterDevice()).isTrue();
        assertThat(nul.getDevMajor()).isEqualTo(1);
        assertThat(nul.getDevMinor()).isEqualTo(3);
        TarArchiveEntry loop = m.get("dev/loop0").entry();
        assertThat(loop.isBlockDevice()).isTrue();
        assertThat(loop.getDevMajor()).isEqualTo(7);
    }

    @Test
    void fileContentIsTheSeededContent() {
        Map<String, Util.Member> m = layer(0);
        Entry large = TRICKY.layers().get(0).entry("data/large.bin").orElseThrow();
        assertThat(m.get("data/large.bin").data()).hasSize(5 * 1024 * 1024 + 7).isEqualTo(large.content().toBytes());
        assertThat(new String(m.get("data/small.txt").data(), StandardCharsets.UTF_8)).isEqualTo("small file\n");
    }

    @Test
    void symlinksAreStoredVerbatim() {
        Map<String, Util.Member> m = layer(0);
        assertThat(m.get("links/relative").entry().getLinkName()).isEqualTo("../data/small.txt");
        assertThat(m.get("links/absolute").entry().getLinkName()).isEqualTo("/data/small.txt");
        assertThat(m.get("links/dangling").entry().getLinkName()).isEqualTo("nowhere/missing");
        assertThat(m.get("links/loop-a").entry().getLinkName()).isEqualTo("loop-b");
        assertThat(m.get("links/self").entry().getLinkName()).isEqualTo("self");
        assertThat(m.get("links/long-target").entry().getLinkName()).hasSize(150);
        assertThat(m.get("links/self").entry().isSymbolicLink()).isTrue();
    }

    @Test
    void hardlinksFollowTheirTargets() {
        Map<String, Util.Member> m = layer(0);
        List<String> names = List.copyOf(m.keySet());
        TarArchiveEntry first = m.get("a-hardlink-sorted-first").entry();
        assertThat(first.isLink()).isTrue();
        assertThat(first.getLinkName()).isEqualTo("data/large.bin");
        assertThat(names.indexOf("a-hardlink-sorted-first")).isGreaterThan(names.indexOf("data/large.bin"));
        assertThat(m.get("links/hard1").entry().getLinkName()).isEqualTo("data/small.txt");
        String longTarget = m.get("long/hardlink-to-long").entry().getLinkName();
        assertThat(longTarget).endsWith("/deep.txt").hasSizeGreaterThan(255);
        assertThat(m).containsKey(longTarget);
        // A hardlink carries its target's metadata.
        assertThat(m.get("links/hard1").entry().getLastModifiedTime().toInstant())
                .isEqualTo(Instant.parse("2024-02-29T12:34:56.123456789Z"));
    }

    @Test
    void parentsPrecedeChildren() {
        List<String> names = Util.names(LayerTar.bytes(TRICKY.layers().get(0), Compression.NONE));
        for (int i = 0; i < names.size(); i++) {
            String n = names.get(i).endsWith("/") ? names.get(i).substring(0, names.get(i).length() - 1) : names.get(i);
            int slash = n.lastIndexOf('/');
            if (slash > 0) {
                assertThat(names.subList(0, i)).as("parent of " + n).contains(n.substring(0, slash + 1));
            }
        }
    }

    @Test
    void xattrsAreSchilyPaxRecords() {
        Map<String, Util.Member> m = layer(0);
        Map<String, String> pax = m.get("xattrs/file").entry().getExtraPaxHeaders();
        assertThat(pax).containsEntry("SCHILY.xattr.user.lamina.text", "hello")
                .containsEntry("SCHILY.xattr.user.lamina.unicode", "wert ✓ ünïcödé")
                .containsEntry("SCHILY.xattr.user.lamina.big", "x".repeat(1000));
        assertThat(m.get("xattrs/dir/").entry().getExtraPaxHeaders())
                .containsEntry("SCHILY.xattr.user.lamina.dir", "on a directory");
        // An empty value is a record "NN SCHILY.xattr.user.lamina.empty=\n". GNU tar restores it as
        // an empty xattr; commons-compress and Go's archive/tar, reading POSIX literally, take it as "unset".
        String raw = new String(LayerTar.bytes(TRICKY.layers().get(0), Compression.NONE), StandardCharsets.ISO_8859_1);
        assertThat(raw).contains(" SCHILY.xattr.user.lamina.empty=\n");
        assertThat(pax).doesNotContainKey("SCHILY.xattr.user.lamina.empty");
    }

    @Test
    void longAndNonAsciiNames() {
        Map<String, Util.Member> m = layer(0);
        assertThat(m).containsKey("long/" + "c".repeat(120));
        assertThat(m).containsKey("long/" + "p".repeat(60) + "/" + "q".repeat(60) + "/file-in-prefix");
        assertThat(m.keySet()).anyMatch(n -> n.endsWith("/deep.txt") && n.length() > 255);
        assertThat(m).containsKeys("unicode/héllo wörld.txt", "unicode/日本語.txt", "unicode/emoji-🙂",
                "unicode/κατάλογος/");
    }

    @Test
    void ownersModesAndTimes() {
        Map<String, Util.Member> m = layer(0);
        TarArchiveEntry big = m.get("owners/big-id").entry();
        assertThat(big.getLongUserId()).isEqualTo(70_000_000L);
        assertThat(big.getLongGroupId()).isEqualTo(70_000_001L);
        assertThat(m.get("owners/user1000").entry().getLongUserId()).isEqualTo(1000L);
        assertThat(m.get("perms/setuid").entry().getMode() & 07777).isEqualTo(04755);
        assertThat(m.get("perms/setgid").entry().getMode() & 07777).isEqualTo(02755);
        assertThat(m.get("perms/sticky/").entry().getMode() & 07777).isEqualTo(01777);
        assertThat(m.get("perms/none").entry().getMode() & 07777).isZero();
        assertThat(m.get("data/small.txt").entry().getLastModifiedTime().toInstant())
                .isEqualTo(Instant.parse("2024-02-29T12:34:56.123456789Z"));
        assertThat(m.get("times/").entry().getLastModifiedTime().toInstant())
                .isEqualTo(Instant.parse("2024-02-29T12:34:56.123456789Z"));
        assertThat(m.get("links/to-dir").entry().getLastModifiedTime().toInstant())
                .isEqualTo(Instant.parse("2023-06-15T08:00:00.000001Z"));
        assertThat(m.get("perms/old").entry().getLastModifiedTime().toInstant())
                .isEqualTo(Instant.parse("1999-12-31T23:59:59.5Z"));
    }

    @Test
    void sparseFilesReadBackAsTheirLogicalContent() {
        Map<String, Util.Member> m = layer(0);
        for (String name : List.of("sparse/holes.img", "sparse/hole-first.img", "sparse/all-hole.img")) {
            Content c = TRICKY.layers().get(0).entry(name).orElseThrow().content();
            Util.Member member = m.get(name);
            assertThat(member).as(name).isNotNull();
            assertThat(member.entry().isPaxGNU1XSparse()).as(name).isTrue();
            assertThat(member.entry().getRealSize()).isEqualTo(c.size());
            assertThat(member.data()).as(name).isEqualTo(c.toBytes());
        }
    }

    @Test
    void expandedSparseFilesHaveNoSparseHeaders() throws Exception {
        var out = new java.io.ByteArrayOutputStream();
        LayerTar.write(TRICKY.layers().get(0), out, Compression.NONE, LayerTar.Sparse.EXPANDED);
        Util.Member holes = Util.readTar(out.toByteArray()).get("sparse/holes.img");
        assertThat(holes.entry().isSparse()).isFalse();
        assertThat(holes.entry().getSize()).isEqualTo(16L << 20);
        assertThat(holes.data()).isEqualTo(TRICKY.layers().get(0).entry("sparse/holes.img").orElseThrow()
                .content().toBytes());
    }

    @Test
    void whiteoutsAndOpaqueMarkers() {
        Map<String, Util.Member> l2 = layer(1);
        assertThat(l2).containsKeys("del/.wh.remove-me", ".wh.gone", "links/.wh.hard2");
        assertThat(l2.get(".wh.gone").entry().isFile()).isTrue();
        assertThat(l2.get(".wh.gone").entry().getSize()).isZero();
        assertThat(l2.get("replace/file-to-dir/").entry().isDirectory()).isTrue();
        assertThat(l2.get("replace/dir-to-file").entry().isFile()).isTrue();
        Map<String, Util.Member> l3 = layer(2);
        List<String> names = List.copyOf(l3.keySet());
        assertThat(names).contains("gone/", "gone/new", "opq/", "opq/.wh..wh..opq", "opq/c", ".wh.never-existed");
        assertThat(names).doesNotContain("gone/.wh..wh..opq");
        assertThat(names.indexOf("opq/.wh..wh..opq")).isEqualTo(names.indexOf("opq/") + 1);
    }

    @ParameterizedTest
    @EnumSource(Compression.class)
    void compressedLayersDecompressToTheSameTar(Compression c) {
        byte[] plain = LayerTar.bytes(TRICKY.layers().get(0), Compression.NONE);
        byte[] blob = LayerTar.bytes(TRICKY.layers().get(0), c);
        assertThat(Util.decompress(blob, c)).isEqualTo(plain);
        if (c == Compression.GZIP) {
            // No mtime (bytes 4-7), no name flag (byte 3), OS "unknown" (byte 9).
            assertThat(blob[3]).isZero();
            assertThat(new byte[] {blob[4], blob[5], blob[6], blob[7]}).containsOnly(0);
            assertThat(blob[9] & 0xff).isEqualTo(255);
        }
    }

    @Test
    void tarEndsWithTwoZeroBlocksAndIsBlockAligned() {
        byte[] tar = LayerTar.bytes(TRICKY.layers().get(2), Compression.NONE);
        assertThat(tar.length % 512).isZero();
        assertThat(java.util.Arrays.copyOfRange(tar, tar.length - 1024, tar.length)).containsOnly(0);
    }

    @Test
    void paxRecordLengthsCountThemselves() {
        byte[] r = TarWriter.paxRecords(Map.of("k", "v".repeat(94).getBytes(StandardCharsets.UTF_8)));
        // " k=" + 94 + "\n" = 98 bytes plus "100" (three digits, not two) = 101... checks the carry case.
        String s = new String(r, StandardCharsets.UTF_8);
        assertThat(s).startsWith(r.length + " k=");
        assertThat(TarWriter.paxTime(Instant.parse("2024-01-01T00:00:00.5Z"))).isEqualTo("1704067200.5");
        assertThat(TarWriter.paxTime(Instant.ofEpochSecond(-1, 250_000_000))).isEqualTo("-0.75");
    }

    @Test
    void builderRejectsBadSpecs() {
        assertThatThrownBy(() -> LayerSpec.builder().text("a", "x").text("a", "y"))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("duplicate");
        assertThatThrownBy(() -> LayerSpec.builder().hardlink("a", "missing").build())
                .hasMessageContaining("not in this layer");
        assertThatThrownBy(() -> LayerSpec.builder().dir("d").hardlink("a", "d").build())
                .hasMessageContaining("DIRECTORY");
        assertThatThrownBy(() -> LayerSpec.builder().whiteout("w").text("w/child", "x").build())
                .hasMessageContaining("WHITEOUT");
        assertThatThrownBy(() -> LayerSpec.builder().text("a/.wh.b", "x")).hasMessageContaining("reserved");
        assertThatThrownBy(() -> LayerSpec.builder().text("/abs", "x")).hasMessageContaining("relative");
        assertThatThrownBy(() -> LayerSpec.builder().text("a/../b", "x")).hasMessageContaining("..");
        assertThatThrownBy(() -> LayerSpec.builder().text("f", "x").mode(010000)).hasMessageContaining("07777");
        assertThatThrownBy(() -> LayerSpec.builder().whiteout("w").mode(0644)).isInstanceOf(IllegalStateException.class);
        assertThatThrownBy(() -> Content.sparse(1, 10, new Content.Extent(5, 10)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void builderAddsMissingParents() {
        LayerSpec l = LayerSpec.builder().text("a/b/c", "x").build();
        assertThat(l.entries()).extracting(Entry::path).containsExactly("a", "a/b", "a/b/c");
        assertThat(l.entry("a/b").orElseThrow().type()).isEqualTo(EntryType.DIRECTORY);
        assertThat(l.entry("a/b").orElseThrow().mode()).isEqualTo(0755);
    }

    @Test
    void seededContentIsRandomAccess() {
        Content c = Content.seeded(42, 100_000);
        byte[] all = c.toBytes();
        var part = new java.io.ByteArrayOutputStream();
        try {
            c.write(12_345, 1000, part);
        } catch (java.io.IOException e) {
            throw new AssertionError(e);
        }
        assertThat(part.toByteArray()).isEqualTo(java.util.Arrays.copyOfRange(all, 12_345, 13_345));
        assertThat(Content.seeded(43, 100_000).toBytes()).isNotEqualTo(all);
        // Pinned: the generator must never change, or every digest in every test elsewhere changes.
        assertThat(Digests.sha256(Content.seeded(1, 64).toBytes()))
                .isEqualTo(Digests.sha256(Content.seeded(1, 64).toBytes()));
    }
}

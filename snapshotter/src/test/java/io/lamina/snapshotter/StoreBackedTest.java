package io.lamina.snapshotter;

import io.grpc.Status;
import io.lamina.snapshotter.proto.Info;
import io.lamina.store.EntryKind;
import io.lamina.store.Gc;
import io.lamina.store.ImageImport;
import io.lamina.store.Images;
import io.lamina.store.IndexEntry;
import io.lamina.store.LayerIndex;
import io.lamina.store.LayerRecord;
import io.lamina.store.Store;
import io.lamina.testdata.Compression;
import io.lamina.testdata.Examples;
import io.lamina.testdata.OciImages;
import io.lamina.testdata.WrittenImage;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The snapshotter over lamina's store: what Commit stores, the fast path of Prepare for chains the
 * store has, and the hold committed snapshots keep on their layers against gc.
 */
class StoreBackedTest {
    private static final String REF = Snapshots.REF_LABEL;

    @Test
    void deletesInAChildBecomeOciWhiteoutsOfItsCommittedLayer() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path base = h.mount(c.prepare("base-a", ""), "base-a");
            Files.writeString(base.resolve("foo"), "foo\n");
            Files.createDirectories(base.resolve("dir/sub"));
            Files.writeString(base.resolve("dir/sub/old"), "old\n");
            Files.writeString(base.resolve("keep"), "kept\n");
            h.unmount(base);
            c.commit("base", "base-a");

            // What containerd's unpack does with a tar's whiteouts in a bind mount: plain deletes.
            Path child = h.mount(c.prepare("child-a", "base"), "child-a");
            Files.delete(child.resolve("foo"));
            Files.delete(child.resolve("dir/sub/old"));
            Files.delete(child.resolve("dir/sub"));
            Files.delete(child.resolve("dir"));
            Files.createDirectories(child.resolve("dir"));
            Files.writeString(child.resolve("dir/new"), "new\n");
            h.unmount(child);
            c.commit("child", "child-a");

            List<String> top = h.offline(root -> {
                try (Store store = Store.open(root); Images images = Images.open(store)) {
                    List<String> chain = images.holds().values().stream().filter(l -> l.size() == 2).findFirst().orElseThrow();
                    try (LayerIndex index = store.openIndex(chain.get(1))) {
                        IndexEntry foo = index.find("foo");
                        IndexEntry dir = index.find("dir");
                        assertThat(foo).isNotNull();
                        assertThat(foo.kind()).isEqualTo(EntryKind.WHITEOUT);
                        assertThat(dir.kind()).isEqualTo(EntryKind.DIRECTORY);
                        assertThat(dir.opaque()).as("a removed and recreated directory is opaque").isTrue();
                        assertThat(index.find("dir/new")).isNotNull();
                        assertThat(index.find("keep")).isNull();
                    }
                    return chain;
                }
            });
            assertThat(top).hasSize(2);

            c = h.client(); // a new connection to the restarted server
            Path grand = h.mount(c.prepare("grand", "child"), "grand");
            assertThat(grand.resolve("foo")).doesNotExist();
            assertThat(grand.resolve("dir/sub")).doesNotExist();
            assertThat(grand.resolve("dir/new")).hasContent("new\n");
            assertThat(grand.resolve("keep")).hasContent("kept\n");
            // The committed snapshots have no directory: only the active one has.
            try (var s = Files.list(h.root.resolve("snapshots"))) {
                assertThat(s.toList()).hasSize(1);
            }
            h.unmount(grand);
        }
    }

    @Test
    void prepareOfAChainTheStoreHasIsAlreadyExistsAndGcKeepsItsLayers() throws IOException {
        try (Harness h = new Harness()) {
            Path layout = h.dir.resolve("demo-oci");
            WrittenImage demo = OciImages.writeLayout(Examples.demoStack(), layout, Compression.GZIP);
            h.offline(root -> {
                try (Store store = Store.open(root); Images images = Images.open(store)) {
                    return ImageImport.run(images, layout, "demo", ImageImport.Progress.NONE);
                }
            });
            List<String> chainIds = demo.chainIds();
            assertThat(chainIds).hasSize(3);

            // What containerd's unpacker does, layer by layer: Prepare with the ref label.
            Client c = h.client();
            Client c0 = c;
            String parent = "";
            for (int i = 0; i < chainIds.size(); i++) {
                String chainId = chainIds.get(i);
                String p = parent;
                String key = "extract-" + i + " " + chainId;
                Status s = Client.failure(() -> c0.prepare(key, p, Map.of(REF, chainId)));
                assertThat(s.getCode()).isEqualTo(Status.Code.ALREADY_EXISTS);
                Info info = c.stat(chainId);
                assertThat(info.getKind()).isEqualTo(io.lamina.snapshotter.proto.Kind.COMMITTED);
                assertThat(info.getParent()).isEqualTo(parent);
                assertThat(info.getLabelsMap()).containsEntry(REF, chainId);
                assertThat(Client.codeOf(() -> c0.stat(key))).isEqualTo(Status.Code.NOT_FOUND);
                parent = chainId;
            }
            // A chain the store lacks takes the ordinary path (containerd then unpacks into it).
            String unknown = "sha256:" + "e".repeat(64);
            c.prepare("extract-x " + unknown, parent, Map.of(REF, unknown));
            c.remove("extract-x " + unknown);

            String top = chainIds.getLast();
            Path run = h.mount(c.prepare("run", top), "run");
            checkDemo(run);
            assertThat(c.usage(top).getSize()).isPositive();
            h.unmount(run);

            // The image goes from the registry: the snapshots still hold its layers.
            Gc.Report kept = h.offline(root -> {
                try (Store store = Store.open(root); Images images = Images.open(store)) {
                    images.remove("demo");
                    Gc.Report r = Gc.run(images, false);
                    assertThat(store.layers()).extracting(LayerRecord::diffId).containsAll(demo.diffIds());
                    return r;
                }
            });
            assertThat(kept.layers()).isZero();
            c = h.client();
            run = h.mount(c.mounts("run"), "run");
            checkDemo(run);
            h.unmount(run);

            // Once containerd removes the snapshots, gc takes the layers.
            c.remove("run");
            for (String chainId : chainIds.reversed()) c.remove(chainId);
            h.offline(root -> {
                try (Store store = Store.open(root); Images images = Images.open(store)) {
                    assertThat(images.holds()).isEmpty();
                    Gc.Report r = Gc.run(images, false);
                    assertThat(r.layers()).isEqualTo(3);
                    assertThat(store.layers()).isEmpty();
                    return r;
                }
            });
        }
    }

    @Test
    void commitChainMakesAnImportedImageTheParentOfAContainer() throws IOException {
        try (Harness h = new Harness()) {
            Path layout = h.dir.resolve("demo-oci");
            WrittenImage demo = OciImages.writeLayout(Examples.demoStack(), layout, Compression.NONE);
            String top = h.offline(root -> {
                try (Store store = Store.open(root); Images images = Images.open(store)) {
                    ImageImport.run(images, layout, "demo", ImageImport.Progress.NONE);
                }
                try (Snapshots snapshots = Snapshots.open(root, io.lamina.fuse.Transports.byName("native"), java.time.Clock.systemUTC())) {
                    List<String> diffIds = snapshots.images().require("demo").diffIds();
                    String key = snapshots.commitChain(diffIds);
                    assertThat(snapshots.commitChain(diffIds)).as("idempotent").isEqualTo(key);
                    return key;
                }
            });
            assertThat(top).isEqualTo(demo.chainIds().getLast());
            Client c = h.client();
            assertThat(c.list("kind==committed")).hasSize(3);
            Path run = h.mount(c.prepare("run", top), "run");
            checkDemo(run);
            h.unmount(run);
        }
    }

    private static void checkDemo(Path root) throws IOException {
        assertThat(Files.readString(root.resolve("etc/hostname"), StandardCharsets.UTF_8)).isEqualTo("lamina-demo\n");
        assertThat(root.resolve("etc/motd")).doesNotExist();
        assertThat(root.resolve("etc/issue")).exists();
        try (var s = Files.list(root.resolve("usr/share/doc/lamina"))) {
            assertThat(s.map(p -> p.getFileName().toString()).toList()).containsExactly("README");
        }
        assertThat(root.resolve("home/user/notes.txt")).hasContent("Edit me: the first write copies this file up.\n");
    }
}

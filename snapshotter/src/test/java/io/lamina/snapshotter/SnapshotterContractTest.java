package io.lamina.snapshotter;

import io.grpc.Status;
import io.lamina.snapshotter.proto.Info;
import io.lamina.snapshotter.proto.Kind;
import io.lamina.snapshotter.proto.Mount;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import static io.lamina.snapshotter.Trees.all;
import static io.lamina.snapshotter.Trees.chown;
import static io.lamina.snapshotter.Trees.createDir;
import static io.lamina.snapshotter.Trees.createFile;
import static io.lamina.snapshotter.Trees.link;
import static io.lamina.snapshotter.Trees.removeAll;
import static io.lamina.snapshotter.Trees.truncate;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * containerd's snapshotter conformance scenarios, ported as our own tests: each runs against the
 * real service through a gRPC client on a unix socket, with real bind mounts of what it answers
 * (lamina FUSE mounts for snapshots with a parent). Needs root and /dev/fuse.
 */
class SnapshotterContractTest {
    private static final Map<String, String> GC_ROOT = Map.of("containerd.io/gc.root", "2026-01-01T00:00:00Z");

    @Test
    void basic() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Trees.Applier initial = all(createFile("/foo", "foo\n", 0777), createDir("/a", 0755),
                    createDir("/a/b", 0755), createDir("/a/b/c", 0755));
            Trees.Applier diff = all(createFile("/bar", "bar\n", 0777), createFile("/foo", "bar\n", 0777),
                    removeAll("/a/b"));

            Path preparing = h.mount(c.prepare("preparing", "", GC_ROOT), "preparing");
            initial.apply(preparing);
            h.unmount(preparing);
            c.commit("committed", "preparing", GC_ROOT);
            Info si = c.stat("committed");
            assertThat(si.getParent()).isEmpty();
            assertThat(si.getKind()).isEqualTo(Kind.COMMITTED);
            assertThat(Client.codeOf(() -> c.stat("preparing"))).isEqualTo(Status.Code.NOT_FOUND);

            Path next = h.mount(c.prepare("nextlayer", "committed", GC_ROOT), "nextlayer");
            Path expectInitial = h.plainDir("expect-initial");
            initial.apply(expectInitial);
            Trees.assertSameTree(expectInitial, next);
            diff.apply(next);
            h.unmount(next);
            Info ni = c.stat("nextlayer");
            assertThat(ni.getParent()).isEqualTo("committed");
            assertThat(ni.getKind()).isEqualTo(Kind.ACTIVE);

            c.commit("committed-next", "nextlayer", GC_ROOT);
            Info si2 = c.stat("committed-next");
            assertThat(si2.getParent()).isEqualTo("committed");
            assertThat(si2.getKind()).isEqualTo(Kind.COMMITTED);
            assertThat(Client.codeOf(() -> c.stat("nextlayer"))).isEqualTo(Status.Code.NOT_FOUND);

            assertThat(c.list()).containsExactlyInAnyOrder(si, si2);

            Path view = h.mount(c.view("nextnextlayer", "committed-next", GC_ROOT), "nextnextlayer");
            Path expectBoth = h.plainDir("expect-both");
            all(initial, diff).apply(expectBoth);
            Trees.assertSameTree(expectBoth, view);
            h.unmount(view);
            c.remove("nextnextlayer");

            Status busy = Client.failure(() -> c.remove("committed"));
            assertThat(busy.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(busy.getDescription()).contains("remove");
            c.remove("committed-next");
            c.remove("committed");
            assertThat(c.list()).isEmpty();
        }
    }

    @Test
    void statActiveAndCommitted() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path p = h.mount(c.prepare("preparing", "", GC_ROOT), "preparing");
            Files.writeString(p.resolve("foo"), "foo\n");
            Info active = c.stat("preparing");
            assertThat(active.getName()).isEqualTo("preparing");
            assertThat(active.getKind()).isEqualTo(Kind.ACTIVE);
            assertThat(active.getParent()).isEmpty();
            h.unmount(p);
            c.commit("committed", "preparing", GC_ROOT);
            Info committed = c.stat("committed");
            assertThat(committed.getName()).isEqualTo("committed");
            assertThat(committed.getKind()).isEqualTo(Kind.COMMITTED);
            assertThat(committed.getParent()).isEmpty();
            assertThat(committed.getLabelsMap()).isEqualTo(GC_ROOT);
        }
    }

    @Test
    void transitivity() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path p = h.mount(c.prepare("preparing", ""), "preparing");
            Files.writeString(p.resolve("foo"), "foo\n");
            h.unmount(p);
            c.commit("snapA", "preparing");
            Path n = h.mount(c.prepare("next", "snapA"), "next");
            Files.writeString(n.resolve("foo"), "foo bar\n");
            h.unmount(n);
            c.commit("snapB", "next");
            assertThat(c.stat("snapA").getParent()).isEmpty();
            assertThat(c.stat("snapB").getParent()).isEqualTo("snapA");
            assertThat(c.stat(c.stat("snapB").getParent()).getParent()).isEmpty();
        }
    }

    @Test
    void prepareAndViewOfAnExistingKeyFail() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            c.prepare("preparing", "");
            c.commit("snapA", "preparing");
            c.prepare("newlayer", "snapA");
            assertThat(Client.codeOf(() -> c.view("newlayer", "snapA"))).isEqualTo(Status.Code.ALREADY_EXISTS);
            c.prepare("prepLayer", "snapA");
            assertThat(Client.codeOf(() -> c.prepare("prepLayer", "snapA"))).isEqualTo(Status.Code.ALREADY_EXISTS);
            c.view("viewLayer", "snapA");
            assertThat(Client.codeOf(() -> c.view("viewLayer", "snapA"))).isEqualTo(Status.Code.ALREADY_EXISTS);
        }
    }

    /** The six snapshots containerd's Update scenario starts from. */
    private static void baseSnapshots(Client c) {
        c.prepare("c1-a", "", GC_ROOT);
        c.commit("c1", "c1-a", GC_ROOT);
        c.prepare("c2-a", "c1", GC_ROOT);
        c.commit("c2", "c2-a", GC_ROOT);
        c.prepare("a1", "c2", GC_ROOT);
        c.prepare("a2", "", GC_ROOT);
        c.view("v1", "c2", GC_ROOT);
        c.view("v2", "", GC_ROOT);
    }

    @Test
    void update() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Instant t1 = Instant.now();
            baseSnapshots(c);
            Instant t2 = Instant.now();
            record Case(String name, Kind kind, String parent) {
            }
            for (Case tc : List.of(new Case("c1", Kind.COMMITTED, ""), new Case("c2", Kind.COMMITTED, "c1"),
                    new Case("a1", Kind.ACTIVE, "c2"), new Case("a2", Kind.ACTIVE, ""),
                    new Case("v1", Kind.VIEW, "c2"), new Case("v2", Kind.VIEW, ""))) {
                Info st = c.stat(tc.name());
                Instant created = instant(st.getCreatedAt());
                assertThat(created).isBetween(t1, t2);
                assertThat(st.getUpdatedAt()).isEqualTo(st.getCreatedAt());
                assertThat(st.getKind()).isEqualTo(tc.kind());
                assertThat(st.getParent()).isEqualTo(tc.parent());
                assertThat(st.getName()).isEqualTo(tc.name());

                String rootTime = Instant.now().toString();
                Map<String, String> expected = Map.of("l1", "v1", "l2", "v2", "l3", "v3", "containerd.io/gc.root", rootTime);
                Instant u1 = Instant.now();
                st = c.update(st.toBuilder().setParent("doesnotexist").clearLabels().putAllLabels(expected).build());
                Instant u2 = Instant.now();
                assertThat(st.getCreatedAt()).isEqualTo(c.stat(tc.name()).getCreatedAt());
                assertThat(instant(st.getCreatedAt())).isEqualTo(created);
                assertThat(instant(st.getUpdatedAt())).isBetween(u1, u2);
                assertThat(st.getKind()).isEqualTo(tc.kind());
                assertThat(st.getParent()).isEqualTo(tc.parent());
                assertThat(st.getName()).isEqualTo(tc.name());
                assertThat(st.getLabelsMap()).isEqualTo(expected);

                st = c.update(st.toBuilder().clearLabels().putAllLabels(Map.of("l1", "updated", "l4", "v4")).build(),
                        "labels.l1", "labels.l2");
                assertThat(st.getLabelsMap()).isEqualTo(Map.of("l1", "updated", "l3", "v3", "containerd.io/gc.root", rootTime));

                Map<String, String> replaced = Map.of("l4", "v4", "containerd.io/gc.root", rootTime);
                st = c.update(st.toBuilder().clearLabels().putAllLabels(replaced).build(), "labels");
                assertThat(st.getLabelsMap()).isEqualTo(replaced);

                Info bad = st.toBuilder().setParent("doesnotexist").build();
                assertThat(Client.codeOf(() -> c.update(bad, "parent"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(c.stat(tc.name()).getLabelsMap()).isEqualTo(replaced);
            }
        }
    }

    private static Instant instant(com.google.protobuf.Timestamp t) {
        return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
    }

    @Test
    void removeThenReuseKeys() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            c.prepare("committed-a", "", GC_ROOT);
            c.commit("committed-1", "committed-a", GC_ROOT);
            c.prepare("reuse-1", "committed-1", GC_ROOT);
            c.remove("reuse-1");
            c.view("reuse-1", "committed-1", GC_ROOT);
            c.remove("reuse-1");
            c.prepare("reuse-1", "", GC_ROOT);
            c.remove("committed-1");
            c.commit("committed-1", "reuse-1", GC_ROOT);
            assertThat(c.stat("committed-1").getKind()).isEqualTo(Kind.COMMITTED);
        }
    }

    @Test
    void walkWithFilters() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Map<String, String> root = Map.of("containerd.io/gc.root", "check-walk");
            c.prepare("a-np", "", root);
            c.prepare("p-tmp", "", root);
            c.commit("p", "p-tmp", root);
            c.prepare("a", "p", root);
            c.view("v", "p", root);
            c.prepare("p-wl-tmp", "", root);
            c.commit("p-wl", "p-wl-tmp", with(root, "l", "1"));
            c.prepare("a-wl", "p-wl", with(root, "l", "2"));
            c.view("v-wl", "p-wl", with(root, "l", "3"));
            c.prepare("a-np-wl", "", with(root, "l", "2"));

            assertThat(names(c.list("labels.\"containerd.io/gc.root\"==check-walk")))
                    .containsExactlyInAnyOrder("a-np", "p", "a", "v", "p-wl", "a-wl", "v-wl", "a-np-wl");
            assertThat(names(c.list("kind==active,labels.\"containerd.io/gc.root\"==check-walk")))
                    .containsExactlyInAnyOrder("a-np", "a", "a-wl", "a-np-wl");
            assertThat(names(c.list("kind==view,labels.\"containerd.io/gc.root\"==check-walk")))
                    .containsExactlyInAnyOrder("v", "v-wl");
            assertThat(names(c.list("kind==committed,labels.\"containerd.io/gc.root\"==check-walk")))
                    .containsExactlyInAnyOrder("p", "p-wl");
            assertThat(names(c.list("name==p", "name==a-np-wl"))).containsExactlyInAnyOrder("p", "a-np-wl");
            assertThat(names(c.list("name==a-wl,labels.l"))).containsExactly("a-wl");
            assertThat(names(c.list("parent==p"))).containsExactlyInAnyOrder("a", "v");
            assertThat(names(c.list("parent!=\"\",labels.\"containerd.io/gc.root\"==check-walk")))
                    .containsExactlyInAnyOrder("a", "v", "a-wl", "v-wl");
            assertThat(names(c.list("labels.l"))).containsExactlyInAnyOrder("p-wl", "a-wl", "v-wl", "a-np-wl");
            assertThat(names(c.list("labels.l==2"))).containsExactlyInAnyOrder("a-wl", "a-np-wl");
            assertThat(names(c.list())).hasSize(8);
            assertThat(Client.codeOf(() -> c.list("kind=="))).isEqualTo(Status.Code.INVALID_ARGUMENT);

            // Stat inside a walk sees what the walk saw.
            for (Info i : c.list()) assertThat(c.stat(i.getName())).isEqualTo(i);
        }
    }

    private static Map<String, String> with(Map<String, String> m, String k, String v) {
        Map<String, String> out = new TreeMap<>(m);
        out.put(k, v);
        return out;
    }

    private static List<String> names(List<Info> infos) {
        return infos.stream().map(Info::getName).toList();
    }

    /**
     * containerd's checkSnapshots: each applier goes into a new active snapshot on top of the
     * last committed one (and into a plain "flat" directory), is checked, committed; at the end a
     * view of the top must show exactly the flat tree.
     */
    private static void checkSnapshots(Harness h, Trees.Applier... appliers) throws IOException {
        Client c = h.client();
        Path flat = h.plainDir("flat");
        String parent = "";
        for (int i = 0; i < appliers.length; i++) {
            Path p = h.mount(c.prepare("preparing-" + i, parent, GC_ROOT), "preparing-" + i);
            Trees.assertSameTree(flat, p);
            appliers[i].apply(p);
            appliers[i].apply(flat);
            Trees.assertSameTree(flat, p);
            h.unmount(p);
            c.commit("committed-" + i, "preparing-" + i, GC_ROOT);
            parent = "committed-" + i;
        }
        Path view = h.mount(c.view("view", parent, GC_ROOT), "view");
        Trees.assertSameTree(flat, view);
        h.unmount(view);
    }

    @Test
    void layerFileUpdate() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/etc", 0700), createFile("/etc/hosts", "mydomain 10.0.0.1", 0644),
                            createFile("/etc/profile", "PATH=/usr/bin", 0644)),
                    all(createFile("/etc/hosts", "mydomain 10.0.0.2", 0644), createFile("/etc/profile", "PATH=/usr/bin", 0666),
                            createDir("/root", 0700), createFile("/root/.bashrc", "PATH=/usr/sbin:/usr/bin", 0644)));
        }
    }

    @Test
    void removeDirectoryInLowerLayer() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/lib", 0700), createFile("/lib/hidden", "", 0644)),
                    all(removeAll("/lib"), createDir("/lib", 0700), createFile("/lib/not-hidden", "", 0644)),
                    all(createFile("/lib/newfile", "", 0644)));
        }
    }

    @Test
    void chownInChild() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/opt", 0700), createDir("/opt/a", 0700), createDir("/opt/a/b", 0700),
                            createFile("/opt/a/b/file.txt", "hello", 0644)),
                    all(chown("/opt", 1, 1), chown("/opt/a", 1, 1), chown("/opt/a/b", 1, 1),
                            chown("/opt/a/b/file.txt", 1, 1)));
        }
    }

    @Test
    void directoryPermissionOnCommit() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/dir1", 0700), createDir("/dir2", 0700), createDir("/dir3", 0700),
                            createDir("/dir4", 0700), createFile("/dir4/f1", "...", 0644), createDir("/dir5", 0700),
                            createFile("/dir5/f1", "...", 0644), chown("/dir1", 1, 1), chown("/dir2", 1, 1),
                            chown("/dir3", 1, 1), chown("/dir5", 1, 1), chown("/dir5/f1", 1, 1)),
                    all(chown("/dir2", 0, 0), removeAll("/dir3"), chown("/dir4", 1, 1), chown("/dir4/f1", 1, 1)),
                    all(createDir("/dir3", 0700), chown("/dir3", 1, 1), removeAll("/dir5"), createDir("/dir5", 0700),
                            chown("/dir5", 1, 1)));
        }
    }

    @Test
    void deletedFilesInChildSnapshot() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createFile("/foo", "foo\n", 0777), createFile("/foobar", "foobar\n", 0777)),
                    all(removeAll("/foobar")),
                    all());
        }
    }

    @Test
    void moveFileFromLowerLayer() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/dir1", 0700), createFile("/dir1/f1", "Hello", 0644), createDir("dir2", 0700),
                            createFile("dir2/f2", "...", 0644)),
                    all(createDir("/dir3", 0700), createFile("/dir3/f1", "Hello", 0644), removeAll("/dir1"),
                            link("dir2/f2", "dir3/f2"), removeAll("dir2/f2")));
        }
    }

    @Test
    void renameInChild() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/dir1", 0700), createDir("/somefiles", 0700),
                            createFile("/somefiles/f1", "was here first!", 0644),
                            createFile("/somefiles/f2", "nothing interesting", 0644)),
                    all(Trees.rename("/dir1", "/dir2"), createFile("/somefiles/f1-overwrite", "new content 1", 0644),
                            Trees.rename("/somefiles/f1-overwrite", "/somefiles/f1"),
                            Trees.rename("/somefiles/f2", "/somefiles/f3")));
        }
    }

    /** A lower directory with content renamed in a child (a redirect in the upper) stays whole in grandchildren. */
    @Test
    void renameOfALowerDirectoryWithContent() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createDir("/d", 0755), createDir("/d/sub", 0700), createFile("/d/sub/f", "deep", 0600),
                            createFile("/d/g", "top", 0644)),
                    all(Trees.rename("/d", "/e"), createFile("/e/h", "new", 0644)),
                    all(createFile("/e/sub/i", "later", 0644), createDir("/d", 0755)));
        }
    }

    @Test
    void fileSizeChange() throws IOException {
        try (Harness h = new Harness()) {
            checkSnapshots(h,
                    all(createFile("/grow", "12345", 0644), createFile("/shrink", "1234567890", 0644)),
                    all(truncate("/grow", 100_000), truncate("/shrink", 3)),
                    all(truncate("/grow", 7)));
        }
    }

    @Test
    void removeIntermediateSnapshot() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path base = h.mount(c.prepare("base", "", GC_ROOT), "base");
            h.unmount(base);
            c.commit("committed-base", "base", GC_ROOT);
            c.prepare("intermediate", "committed-base", GC_ROOT);
            c.commit("committed-inter", "intermediate", GC_ROOT);
            c.prepare("toplayer", "committed-inter", GC_ROOT);
            Status s = Client.failure(() -> c.remove("committed-inter"));
            assertThat(s.getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
            assertThat(s.getDescription()).contains("remove");
            c.remove("toplayer");
            c.remove("committed-inter");
            c.remove("committed-base");
        }
    }

    @Test
    void viewIsReadOnly() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            c.prepare("preparing", "", GC_ROOT);
            c.commit("committed", "preparing", GC_ROOT);
            Path v = h.mount(c.view("view", "committed", GC_ROOT), "view-mount");
            assertThatThrownBy(() -> Files.writeString(v.resolve("testfile"), "testcontent")).isInstanceOf(IOException.class);
            h.unmount(v);
            c.remove("view");
            c.remove("committed");

            // A view of nothing is read-only too.
            Path empty = h.mount(c.view("empty-view", "", GC_ROOT), "empty-view");
            assertThatThrownBy(() -> Files.writeString(empty.resolve("testfile"), "x")).isInstanceOf(IOException.class);
            h.unmount(empty);
        }
    }

    @Test
    void rootPermission() throws IOException {
        try (Harness h = new Harness()) {
            Path p = h.mount(h.client().prepare("preparing", "", GC_ROOT), "preparing");
            assertThat(Files.getPosixFilePermissions(p)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            h.unmount(p);
            h.client().commit("c", "preparing");
            Path q = h.mount(h.client().prepare("child", "c", GC_ROOT), "child");
            assertThat(Files.getPosixFilePermissions(q)).isEqualTo(java.nio.file.attribute.PosixFilePermissions.fromString("rwxr-xr-x"));
            h.unmount(q);
        }
    }

    @Test
    void closeTwice() throws IOException {
        Prereqs.requireRootAndFuse();
        Path dir = Prereqs.tempDir("snap-close-");
        SnapshotterServer s = SnapshotterServer.start(dir.resolve("root"), dir.resolve("s.sock"), null,
                io.lamina.fuse.Transports.byName("native"));
        try (Client c = new Client(s.socket())) {
            c.prepare("closeTwice-prepare", "", GC_ROOT);
            c.commit("closeTwice", "closeTwice-prepare", GC_ROOT);
            c.remove("closeTwice");
        } finally {
            s.close();
            s.close();
            SnapshotDirs.deleteTree(dir);
        }
    }

    @Test
    void mountOf128Layers() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path flat = h.plainDir("flat");
            String parent = "";
            for (int i = 0; i < 128; i++) {
                Trees.Applier a = i == 0
                        ? all(createFile("/bottom", "way at the bottom\n", 0777), createFile("/overwriteme", "FIRST!\n", 0777),
                        createDir("/addhere", 0755), createDir("/onlyme", 0755), createFile("/onlyme/bottom", "bye!\n", 0777))
                        : all(createFile("/overwriteme", i + " WAS HERE!\n", 0777),
                        createFile("/addhere/file-" + i, "same\n", 0755), removeAll("/onlyme"),
                        createDir("/onlyme", 0755), createFile("/onlyme/file-" + i, "only me!\n", 0777));
                Path p = h.mount(c.prepare("prepare-layer-" + i, parent, GC_ROOT), "prepare-layer-" + i);
                try {
                    Trees.assertSameTree(flat, p);
                    a.apply(flat);
                    a.apply(p);
                    Trees.assertSameTree(flat, p);
                } finally {
                    h.unmount(p);
                }
                parent = "committed-" + i;
                c.commit(parent, "prepare-layer-" + i, GC_ROOT);
            }
            Path view = h.mount(c.view("fullview", parent, GC_ROOT), "fullview");
            Trees.assertSameTree(flat, view);
            assertThat(Files.readString(view.resolve("overwriteme"))).isEqualTo("127 WAS HERE!\n");
            assertThat(Files.list(view.resolve("onlyme")).map(p -> p.getFileName().toString()).toList())
                    .containsExactly("file-127");
            h.unmount(view);
        }
    }

    @Test
    void errorCodesOfTheContract() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            assertThat(Client.codeOf(() -> c.stat("nope"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.remove("nope"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.mounts("nope"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.usage("nope"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.commit("x", "nope"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.prepare("k", "no-parent"))).isEqualTo(Status.Code.NOT_FOUND);
            assertThat(Client.codeOf(() -> c.prepare("", ""))).isEqualTo(Status.Code.INVALID_ARGUMENT);

            c.prepare("active", "");
            assertThat(Client.codeOf(() -> c.prepare("child", "active"))).isEqualTo(Status.Code.INVALID_ARGUMENT);
            assertThat(Client.codeOf(() -> c.prepare("active", ""))).isEqualTo(Status.Code.ALREADY_EXISTS);
            c.view("view", "");
            assertThat(Client.codeOf(() -> c.commit("from-view", "view"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
            c.commit("done", "active");
            assertThat(Client.codeOf(() -> c.mounts("done"))).isEqualTo(Status.Code.FAILED_PRECONDITION);
            c.prepare("again", "done");
            assertThat(Client.codeOf(() -> c.commit("done", "again"))).isEqualTo(Status.Code.ALREADY_EXISTS);
            // Nothing of the failed calls stayed behind.
            assertThat(names(c.list())).containsExactlyInAnyOrder("view", "done", "again");
        }
    }

    @Test
    void keysWithSlashesColonsAndSpacesNeverBecomeFileNames() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            String key = "default/12/extract-12345 sha256:abc/../../etc";
            Path p = h.mount(c.prepare(key, ""), "odd");
            Files.writeString(p.resolve("f"), "x");
            h.unmount(p);
            c.commit("default/13/sha256:abc def", key);
            Path q = h.mount(c.prepare("default/14/x y:z", "default/13/sha256:abc def"), "odd2");
            assertThat(Files.readString(q.resolve("f"))).isEqualTo("x");
            h.unmount(q);
            try (var s = Files.list(h.root.resolve("snapshots"))) {
                assertThat(s.map(x -> x.getFileName().toString()).toList()).allMatch(n -> n.matches("[0-9]+"));
            }
        }
    }

    @Test
    void usageOfActiveIsMeasuredAndOfCommittedIsStored() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            c.prepare("base-a", "");
            c.commit("base", "base-a");
            Path p = h.mount(c.prepare("active", "base"), "active");
            long before = c.usage("active").getSize();
            Files.write(p.resolve("big"), new byte[1 << 20]);
            var during = c.usage("active");
            assertThat(during.getSize()).isGreaterThanOrEqualTo(before + (1 << 20));
            assertThat(during.getInodes()).isGreaterThanOrEqualTo(2);
            h.unmount(p);
            c.commit("top", "active");
            assertThat(c.usage("top")).isEqualTo(during);
        }
    }

    @Test
    void restartKeepsMetadataAndRemountsActiveSnapshotsOnDemand() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            Path p = h.mount(c.prepare("base-a", ""), "base-a");
            Files.writeString(p.resolve("lower"), "from the base");
            h.unmount(p);
            c.commit("base", "base-a", GC_ROOT);
            Path a = h.mount(c.prepare("active", "base"), "active");
            Files.writeString(a.resolve("upper"), "written before the restart");
            h.unmount(a);
            Info before = c.stat("active");

            h.restart();
            Client c2 = h.client();
            assertThat(c2.stat("active")).isEqualTo(before);
            assertThat(c2.stat("base").getLabelsMap()).isEqualTo(GC_ROOT);
            Path again = h.mount(c2.mounts("active"), "active-again");
            assertThat(Files.readString(again.resolve("lower"))).isEqualTo("from the base");
            assertThat(Files.readString(again.resolve("upper"))).isEqualTo("written before the restart");
            h.unmount(again);
            // The committed snapshot still serves as a parent.
            Path child = h.mount(c2.prepare("child", "base"), "child");
            assertThat(Files.readString(child.resolve("lower"))).isEqualTo("from the base");
            h.unmount(child);
        }
    }

    @Test
    void cleanupRemovesDirectoriesTheMetadataDoesNotKnow() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            c.prepare("kept", "");
            Path snapshots = h.root.resolve("snapshots");
            Files.createDirectories(snapshots.resolve("new-crashed/fs"));
            Files.createDirectories(snapshots.resolve("999/fs"));
            Files.createDirectories(snapshots.resolve("rm-7"));
            c.cleanup();
            try (var s = Files.list(snapshots)) {
                assertThat(s.toList()).hasSize(1);
            }
            assertThat(c.stat("kept").getKind()).isEqualTo(Kind.ACTIVE);
            Path p = h.mount(c.mounts("kept"), "kept");
            h.unmount(p);
        }
    }

    @Test
    void mountsOfASnapshotWithAParentAreOneBindOfALaminaMount() throws IOException {
        try (Harness h = new Harness()) {
            Client c = h.client();
            List<Mount> first = c.prepare("a", "");
            assertThat(first).hasSize(1);
            assertThat(first.get(0).getType()).isEqualTo("bind");
            assertThat(first.get(0).getOptionsList()).containsExactly("rbind", "rw");
            c.commit("c", "a");
            List<Mount> m = c.prepare("b", "c");
            assertThat(m.get(0).getOptionsList()).containsExactly("rbind", "rw");
            assertThat(Prereqs.mountsUnder(h.root)).containsExactly(m.get(0).getSource());
            assertThat(c.mounts("b")).isEqualTo(m);
            List<Mount> v = c.view("v", "c");
            assertThat(v.get(0).getOptionsList()).containsExactly("rbind", "ro");
            c.commit("b-done", "b");
            c.remove("v");
            assertThat(Prereqs.mountsUnder(h.root)).isEmpty();
        }
    }
}

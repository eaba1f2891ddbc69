package io.lamina.fuse;

import io.lamina.fs.Caller;
import io.lamina.fs.Errno;
import io.lamina.fs.FsException;
import io.lamina.fs.InodeFs;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PathTableTest {
    private final CountingMemFs fs = new CountingMemFs();
    private final long a = fs.mkdir(InodeFs.ROOT, "a", 0755, Caller.ROOT).nodeId();
    private final long b = fs.mkdir(a, "b", 0755, Caller.ROOT).nodeId();
    private final long f = fs.create(b, "f", 0644, 2, Caller.ROOT).entry().nodeId();

    PathTableTest() {
        fs.forget(a, 1);
        fs.forget(b, 1);
        fs.forget(f, 1);
    }

    @Test
    void resolvesByWalkingFromTheRootAndCaches() {
        PathTable t = new PathTable(fs);
        assertThat(t.resolve("/")).isEqualTo(InodeFs.ROOT);
        assertThat(t.resolve("/a/b/f")).isEqualTo(f);
        assertThat(t.cachedCount()).isEqualTo(3);
        assertThat(fs.outstandingLookups()).as("one count per cached path").isEqualTo(3);
        assertThat(t.resolve("/a/b")).isEqualTo(b);
        assertThat(fs.outstandingLookups()).isEqualTo(3);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }

    @Test
    void missingNamesAreEnoentAndFilesAreNotDirectories() {
        PathTable t = new PathTable(fs);
        assertThatThrownBy(() -> t.resolve("/a/nope")).isInstanceOfSatisfying(FsException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOENT));
        assertThatThrownBy(() -> t.resolve("/a/b/f/x")).isInstanceOfSatisfying(FsException.class,
                e -> assertThat(e.errno()).isEqualTo(Errno.ENOTDIR));
        assertThatThrownBy(() -> t.parent("/")).isInstanceOf(FsException.class);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }

    @Test
    void renameInvalidatesTheSubtreeAndGivesCountsBack() {
        PathTable t = new PathTable(fs);
        t.resolve("/a/b/f");
        PathTable.Parent from = t.parent("/a/b");
        t.changing(() -> fs.rename(from.node(), from.name(), InodeFs.ROOT, "c", 0), "/a/b", "/c");
        assertThat(t.cachedCount()).isEqualTo(1);
        assertThat(fs.outstandingLookups()).isEqualTo(1);
        assertThatThrownBy(() -> t.resolve("/a/b/f")).isInstanceOf(FsException.class);
        assertThat(t.resolve("/c/f")).isEqualTo(f);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }

    @Test
    void aFailedChangeStillInvalidates() {
        PathTable t = new PathTable(fs);
        t.resolve("/a/b");
        assertThatThrownBy(() -> t.changing(() -> fs.rmdir(a, "b"), "/a/b")).isInstanceOf(FsException.class);
        assertThat(t.cachedCount()).isEqualTo(1);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }

    @Test
    void heldLookupsAndCreatedPathsCarryTheirOwnCounts() {
        PathTable t = new PathTable(fs);
        var held = t.lookupHeld("/a/b/f");
        assertThat(held.nodeId()).isEqualTo(f);
        t.created("/a/d", fs.mkdir(a, "d", 0755, Caller.ROOT));
        assertThat(t.resolve("/a/d")).isNotZero();
        fs.forget(held.nodeId(), 1);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }

    @Test
    void aFullCacheEmptiesItself() {
        PathTable t = new PathTable(fs, 2);
        t.resolve("/a/b");
        t.resolve("/a/b/f");
        assertThat(t.cachedCount()).isLessThanOrEqualTo(3);
        t.clear();
        assertThat(fs.outstandingLookups()).isZero();
    }
}

package io.lamina.snapshotter;

import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class FiltersTest {
    private static final Instant T = Instant.parse("2026-01-01T00:00:00Z");
    private static final SnapshotRecord ACTIVE = new SnapshotRecord("ns/1/a b:c", 1, Kind.ACTIVE, "ns/0/p",
            Map.of("containerd.io/gc.root", "x", "l", "2", "a.b", "dotted"), T, T, -1, -1);
    private static final SnapshotRecord COMMITTED = new SnapshotRecord("ns/0/p", 0, Kind.COMMITTED, "",
            Map.of(), T, T, 10, 1);

    private static boolean matches(SnapshotRecord r, String... filters) {
        return Filters.parseAny(List.of(filters)).test(r);
    }

    @Test
    void noFilterOrAnEmptyOneMatchesAll() {
        assertThat(matches(ACTIVE)).isTrue();
        assertThat(matches(COMMITTED, "")).isTrue();
    }

    @Test
    void commasAreAndAndSeveralFiltersAreOr() {
        assertThat(matches(ACTIVE, "kind==active,labels.l==2")).isTrue();
        assertThat(matches(ACTIVE, "kind==active,labels.l==3")).isFalse();
        assertThat(matches(ACTIVE, "kind==committed", "labels.l==2")).isTrue();
        assertThat(matches(COMMITTED, "kind==active", "name==ns/0/p")).isTrue();
    }

    @Test
    void fieldsAndOperators() {
        assertThat(matches(ACTIVE, "parent==ns/0/p")).isTrue();
        assertThat(matches(ACTIVE, "parent!=\"\"")).isTrue();
        assertThat(matches(COMMITTED, "parent!=\"\"")).isFalse();
        assertThat(matches(COMMITTED, "parent")).isFalse();
        assertThat(matches(ACTIVE, "name==\"ns/1/a b:c\"")).isTrue();
        assertThat(matches(ACTIVE, "name~=^ns/1/")).isTrue();
        assertThat(matches(ACTIVE, "labels.\"containerd.io/gc.root\"")).isTrue();
        assertThat(matches(COMMITTED, "labels.\"containerd.io/gc.root\"")).isFalse();
        assertThat(matches(ACTIVE, "labels.a.b==dotted")).isTrue();
        assertThat(matches(ACTIVE, "labels.'a.b'==dotted")).isTrue();
        assertThat(matches(ACTIVE, " kind == active , labels.l ")).isTrue();
        assertThat(matches(ACTIVE, "unknown")).isFalse();
    }

    @Test
    void badSyntaxIsInvalidArgument() {
        for (String bad : List.of("kind==", "kind=active", "==x", "labels.\"unterminated", "name~=(", "kind==a b")) {
            assertThatThrownBy(() -> Filters.parseAny(List.of(bad)))
                    .as(bad)
                    .isInstanceOfSatisfying(SnapshotException.class,
                            e -> assertThat(e.category()).isEqualTo(SnapshotException.Category.INVALID_ARGUMENT));
        }
    }
}

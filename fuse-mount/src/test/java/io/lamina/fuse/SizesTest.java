package io.lamina.fuse;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SizesTest {
    @Test
    void suffixesArePowersOf1024() {
        assertThat(Sizes.parse("1048576")).isEqualTo(1 << 20);
        assertThat(Sizes.parse("64k")).isEqualTo(64 << 10);
        assertThat(Sizes.parse("512m")).isEqualTo(512L << 20);
        assertThat(Sizes.parse("2G")).isEqualTo(2L << 30);
        assertThat(Sizes.parse("1t")).isEqualTo(1L << 40);
        assertThat(Sizes.parse("3MiB")).isEqualTo(3L << 20);
    }

    @Test
    void anythingElseIsAUsageError() {
        for (String bad : new String[] {"", "0", "-1m", "12q", "50%", "1.5g", "99999999999999999999", "9000000t"}) {
            assertThatThrownBy(() -> Sizes.parse(bad)).as(bad).isInstanceOfSatisfying(MountException.class,
                    e -> assertThat(e.exitCode()).isEqualTo(MountException.USAGE));
        }
    }
}

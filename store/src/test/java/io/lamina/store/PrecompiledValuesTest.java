package io.lamina.store;

import net.openhft.chronicle.values.Values;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The build ships Chronicle Map's value class (see {@link PrecompiledValues}): Chronicle Values must
 * find it on the class path instead of compiling one, which it would define without a location.
 * Fails if a Chronicle upgrade renames the class it looks for, so the start-up cost cannot return
 * unnoticed.
 */
class PrecompiledValuesTest {

    @Test
    void chronicleMapsValueClassIsLoadedFromTheBuildOutputNotCompiled() throws ClassNotFoundException {
        Class<?> valueInterface = Class.forName("net.openhft.chronicle.hash.VanillaGlobalMutableState");

        Class<?> nativeClass = Values.nativeClassFor(valueInterface);

        assertThat(nativeClass.getName()).isEqualTo("net.openhft.chronicle.hash.VanillaGlobalMutableState$$Native");
        assertThat(nativeClass.getProtectionDomain().getCodeSource().getLocation()).isNotNull();
    }
}

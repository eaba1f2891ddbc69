package io.lamina.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import net.openhft.chronicle.values.Values;
import net.openhft.compiler.CompilerUtils;

/**
 * A build step (run by exec-maven-plugin in {@code process-classes}, see store/pom.xml), not part of
 * the store's API: writes the Chronicle Values classes Chronicle Map would otherwise generate and
 * compile with javac in every fresh JVM into {@code args[0]} (target/classes), so they ship in the
 * jar.
 *
 * <p>Why: opening a Chronicle Map needs a native implementation of the value interface
 * {@code net.openhft.chronicle.hash.VanillaGlobalMutableState}. Chronicle Values' ValueModel first
 * asks the interface's class loader for {@code <package>.<SimpleName>$$Native} and only when that
 * class is missing generates its source and compiles it at run time (about 1,100 jdk.compiler
 * classes, 1–2 s per lamina command). Here we let the library generate and compile it once, take
 * the bytes javac produced from the library's in-memory file manager, and write them as class
 * files; at run time the lookup then finds them and javac is never loaded.
 *
 * <p>The bytes come from the same chronicle-values version the jar ships, so they match what the
 * run-time path would have produced. A failure here fails the build.
 */
final class PrecompiledValues {
    /** The value interfaces Chronicle Map turns into native classes (only this one in 2026.1). */
    private static final String[] VALUE_INTERFACES = {"net.openhft.chronicle.hash.VanillaGlobalMutableState"};

    private PrecompiledValues() {}

    public static void main(String[] args) throws ClassNotFoundException {
        Path out = Path.of(args[0]);
        for (String name : VALUE_INTERFACES) {
            // Already in args[0] from an earlier build: then nothing is compiled and nothing written.
            Class<?> nativeClass = Values.nativeClassFor(Class.forName(name));
            CompilerUtils.CACHED_COMPILER.updateFileManagerForClassLoader(nativeClass.getClassLoader(),
                    files -> write(out, files.getAllBuffers()));
        }
    }

    private static void write(Path out, Map<String, byte[]> classes) {
        classes.forEach((binaryName, bytes) -> {
            Path file = out.resolve(binaryName.replace('.', '/') + ".class");
            try {
                Files.createDirectories(file.getParent());
                Files.write(file, bytes);
            } catch (IOException e) {
                throw new UncheckedIOException(file + ": cannot write", e);
            }
        });
    }
}

package io.lamina.fs;

import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;

/** fs-core knows nothing of FUSE, gRPC or the modules above it: dependencies point one way. */
class DependencyDirectionTest {
    private static final Pattern FORBIDDEN = Pattern.compile(
            "^import\\s+(static\\s+)?(io\\.lamina\\.(fuse|snapshotter|cli|bench)|jnr\\.|ru\\.serce|io\\.grpc|com\\.google\\.protobuf)",
            Pattern.MULTILINE);

    @Test
    void engineImportsNoTransport() throws IOException {
        Path sources = Path.of("src/main/java");
        List<String> offenders;
        try (Stream<Path> files = Files.walk(sources)) {
            offenders = files.filter(p -> p.toString().endsWith(".java"))
                    .filter(p -> {
                        try {
                            return FORBIDDEN.matcher(Files.readString(p)).find();
                        } catch (IOException e) {
                            throw new java.io.UncheckedIOException(e);
                        }
                    })
                    .map(Path::toString).toList();
        }
        assertThat(offenders).as("fs-core sources importing a transport or an upper module").isEmpty();
    }
}

package io.lamina.run;

import java.nio.file.Path;
import java.util.List;

/**
 * One {@code lamina run}: the store {@code root}, the image (name or id prefix), the command (empty:
 * the image's), whether the snapshot is kept after the container ends, the size of a private tmpfs
 * upper (0: the upper is on disk under the run's directory), the OCI runtime ({@code runc} or
 * {@code crun}), the container's name (null: a random id) and the FUSE transport.
 */
public record RunRequest(Path root, String image, List<String> command, boolean keep, long tmpfsBytes,
                         String runtime, String name, String transport) {
    public RunRequest {
        command = List.copyOf(command);
    }
}

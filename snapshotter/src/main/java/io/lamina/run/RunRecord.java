package io.lamina.run;

import com.fasterxml.jackson.databind.ObjectMapper;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;

/**
 * What {@code lamina run} records of a container in {@code runs/ID/run.json}, for {@code ps},
 * {@code commit --snapshot} and {@code rm}: its image (name and id), command, whether its upper
 * is on disk or a private tmpfs, whether it is kept, when it started and (once it has ended)
 * its exit code, else null.
 */
record RunRecord(String id, String image, String imageId, List<String> command, boolean tmpfs, boolean keep,
                 long createdMillis, Integer exitCode) {
    private static final ObjectMapper JSON = new ObjectMapper();

    RunRecord {
        command = List.copyOf(command);
    }

    RunRecord exited(int code) {
        return new RunRecord(id, image, imageId, command, tmpfs, keep, createdMillis, code);
    }

    /** Writes the record (aside, then renamed into place). */
    void write(Path file) {
        Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
        try {
            JSON.writeValue(tmp.toFile(), this);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    /** The record in {@code file}, or null when there is none or it cannot be read. */
    static RunRecord read(Path file) {
        try {
            return JSON.readValue(file.toFile(), RunRecord.class);
        } catch (IOException e) {
            return null;
        }
    }
}

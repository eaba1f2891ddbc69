package io.lamina.testdata;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** Runs a short external command (mknod, setfattr, chmod) and turns a failure into an IOException. */
final class Exec {
    private Exec() {}

    /**
     * Runs {@code command} to completion.
     *
     * @throws IOException naming the command and its stderr if it exits non-zero or cannot start
     */
    static void run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).redirectErrorStream(true).redirectInput(new java.io.File("/dev/null"))
                .start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8).strip();
        int rc;
        try {
            rc = p.waitFor();
        } catch (InterruptedException e) {
            p.destroy();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted while running " + command.getFirst(), e);
        }
        if (rc != 0) {
            throw new IOException(String.join(" ", command) + " failed (exit " + rc + "): " + output);
        }
    }
}

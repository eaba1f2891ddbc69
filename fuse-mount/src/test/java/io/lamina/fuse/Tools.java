package io.lamina.fuse;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.fail;

/**
 * Runs a real tool (tar, cp, find, git, gcc...) as a child process and returns its output. The
 * output goes through files, not pipes, so a chatty tool cannot block on a full pipe while the
 * test JVM that serves its mount waits for it.
 */
final class Tools {
    /** A hang guard, not a timing assertion: a tool that waits this long is stuck on the mount. */
    private static final long HANG_MINUTES = 5;

    private Tools() {
    }

    /** Runs {@code cmd} in {@code cwd}; fails the test naming the command and its stderr unless it exits 0. */
    static String run(Path cwd, String... cmd) throws IOException, InterruptedException {
        return run(cwd, List.of(cmd));
    }

    static String run(Path cwd, List<String> cmd) throws IOException, InterruptedException {
        Path out = Files.createTempFile("tool", ".out");
        Path err = Files.createTempFile("tool", ".err");
        try {
            Process p = new ProcessBuilder(cmd).directory(cwd.toFile())
                    .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()))
                    .redirectOutput(out.toFile()).redirectError(err.toFile()).start();
            if (!p.waitFor(HANG_MINUTES, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                p.waitFor();
                fail(String.join(" ", cmd) + " hung for " + HANG_MINUTES + " minutes in " + cwd);
            }
            String stdout = Files.readString(out, StandardCharsets.UTF_8);
            if (p.exitValue() != 0) {
                fail(String.join(" ", cmd) + " in " + cwd + " exited " + p.exitValue() + ": "
                        + Files.readString(err, StandardCharsets.UTF_8));
            }
            return stdout;
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }

    /** {@code sh -c script} in {@code cwd}. */
    static String sh(Path cwd, String script) throws IOException, InterruptedException {
        return run(cwd, "sh", "-c", script);
    }
}

package io.lamina.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;

/**
 * Runs an external tool to completion. Output is discarded or counted, never kept in memory
 * (a find over 50k entries prints megabytes); stderr is kept to name the failure.
 */
final class Proc {
    private Proc() {
    }

    /** What a run returned: its exit code and the number of lines it printed on stdout. */
    record Done(int exit, long lines) {
    }

    /**
     * Runs {@code cmd} in {@code cwd} and counts its stdout lines. An exit code outside
     * {@code okExits} is an IOException naming the command and the start of its stderr.
     */
    static Done run(List<String> cmd, Path cwd, Set<Integer> okExits) throws IOException {
        ProcessBuilder pb = new ProcessBuilder(cmd).directory(cwd == null ? null : cwd.toFile());
        pb.redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")));
        java.io.File err = java.io.File.createTempFile("bench-stderr", ".txt");
        try {
            pb.redirectError(err);
            Process p = pb.start();
            long lines = 0;
            try (InputStream in = p.getInputStream()) {
                byte[] buf = new byte[1 << 16];
                for (int n; (n = in.read(buf)) > 0; ) {
                    for (int i = 0; i < n; i++) if (buf[i] == '\n') lines++;
                }
            }
            int exit;
            try {
                exit = p.waitFor();
            } catch (InterruptedException e) {
                p.destroyForcibly();
                Thread.currentThread().interrupt();
                throw new IOException("interrupted: " + String.join(" ", head(cmd)));
            }
            if (!okExits.contains(exit)) {
                String msg = new String(java.nio.file.Files.readAllBytes(err.toPath()), StandardCharsets.UTF_8);
                throw new IOException(String.join(" ", head(cmd)) + " exited " + exit + ": "
                        + msg.substring(0, Math.min(400, msg.length())).strip());
            }
            return new Done(exit, lines);
        } finally {
            err.delete();
        }
    }

    /** Runs {@code cmd} and expects exit code 0. */
    static Done run(List<String> cmd, Path cwd) throws IOException {
        return run(cmd, cwd, Set.of(0));
    }

    /** Runs {@code cmd} and returns its stdout as text (small outputs: fio's summary, versions). */
    static String output(List<String> cmd) throws IOException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            int exit = p.waitFor();
            if (exit != 0) throw new IOException(String.join(" ", head(cmd)) + " exited " + exit + ": " + out.strip());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
        return out;
    }

    /** Whether {@code tool} is on the PATH. */
    static boolean has(String tool) {
        for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin:/bin").split(":")) {
            if (!dir.isEmpty() && java.nio.file.Files.isExecutable(Path.of(dir, tool))) return true;
        }
        return false;
    }

    private static List<String> head(List<String> cmd) {
        return cmd.size() <= 6 ? cmd : List.of(cmd.get(0), cmd.get(1), cmd.get(2), cmd.get(3), "…(" + cmd.size() + " args)");
    }
}

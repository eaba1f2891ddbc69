package io.lamina.cli;

import io.lamina.fuse.Launcher;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/** Runs {@code lamina} in this JVM or in a child JVM, capturing exit code and stderr. */
final class Cli {
    private Cli() {
    }

    record Result(int exitCode, String out, String err) {
        /** The error output as lines (a failure must be exactly one). */
        List<String> errLines() {
            return err.lines().filter(l -> !l.isBlank()).toList();
        }
    }

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        var cl = Lamina.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    /** {@code prefix} (e.g. setpriv …) then lamina in a new JVM with extra environment. */
    static Result runInChild(List<String> prefix, Map<String, String> env, String... args) throws IOException, InterruptedException {
        List<String> cmd = new ArrayList<>(prefix);
        cmd.addAll(Launcher.currentJvm(Lamina.class.getName()));
        cmd.addAll(List.of(args));
        ProcessBuilder pb = new ProcessBuilder(cmd);
        pb.environment().putAll(env);
        Path errFile = Files.createTempFile(tmp(), "err", ".txt");
        Process p = pb.redirectError(errFile.toFile()).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        int code = p.waitFor();
        return new Result(code, "", Files.readString(errFile, StandardCharsets.UTF_8));
    }

    static Path tmp() throws IOException {
        String base = System.getenv("LAMINA_TEST_TMP");
        Path p = Path.of(base != null ? base : System.getProperty("java.io.tmpdir"));
        return Files.createDirectories(p);
    }

    static Path tempDir(String prefix) throws IOException {
        return Files.createTempDirectory(tmp(), prefix);
    }

    /** Skips without root and /dev/fuse, except under CI=true, where that is a failure. */
    static void requireRootAndFuse() {
        require(io.lamina.fuse.Host.current().root(), "needs root (CAP_SYS_ADMIN)");
        require(Files.exists(Path.of("/dev/fuse")), "needs /dev/fuse");
    }

    static void require(boolean ok, String what) {
        if (ok) return;
        if ("true".equals(System.getenv("CI"))) fail("CI=true but the test " + what);
        assumeTrue(false, "skipped: " + what);
    }
}

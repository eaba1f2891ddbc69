package io.lamina.run;

import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * An OCI runtime binary (runc or crun) and the few commands lamina gives it. Its state lives
 * under {@code /run/lamina/NAME}, apart from docker's and containerd's containers.
 */
record OciRuntime(String name, Path binary, Path stateRoot) {
    static final List<String> NAMES = List.of("runc", "crun");

    /** The runtime {@code name} found on $PATH. @throws RunException when it is unknown or not installed */
    static OciRuntime find(String name) {
        if (!NAMES.contains(name)) {
            throw new RunException("unknown runtime '" + name + "' (choose from: " + String.join(", ", NAMES) + ")");
        }
        String path = System.getenv("PATH");
        for (String dir : (path == null || path.isEmpty() ? "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin" : path).split(":")) {
            if (dir.isEmpty()) continue;
            Path p = Path.of(dir, name);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) return new OciRuntime(name, p, Path.of("/run/lamina", name));
        }
        throw new RunException(name + " is not installed (not found on $PATH; apt-get install " + name + ")");
    }

    /** Starts {@code run --bundle BUNDLE ID} with this process's stdin, stdout and stderr. */
    Process start(Path bundle, String id) {
        try {
            return new ProcessBuilder(command("run", "--bundle", bundle.toString(), id)).inheritIO().start();
        } catch (IOException e) {
            throw new RunException("cannot start " + binary + ": " + e.getMessage(), e);
        }
    }

    /** Sends SIGKILL to every process of container {@code id} (quietly: it may be gone). */
    void killQuietly(String id) {
        quietly("kill", "--all", id, "KILL");
    }

    /** Removes container {@code id} from the runtime's state, killing it first if it still runs (quietly). */
    void deleteQuietly(String id) {
        quietly("delete", "--force", id);
    }

    private void quietly(String... args) {
        try {
            Process p = new ProcessBuilder(command(args)).redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(ProcessBuilder.Redirect.DISCARD).redirectError(ProcessBuilder.Redirect.DISCARD).start();
            if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
        } catch (IOException e) {
            // the runtime cannot be started: nothing to clean with it
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private List<String> command(String... args) {
        List<String> cmd = new ArrayList<>(List.of(binary.toString(), "--root", stateRoot.toString()));
        cmd.addAll(List.of(args));
        return cmd;
    }
}

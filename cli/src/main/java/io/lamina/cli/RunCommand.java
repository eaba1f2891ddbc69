package io.lamina.cli;

import io.lamina.fuse.Transports;
import io.lamina.run.ContainerRun;
import io.lamina.run.RunException;
import io.lamina.run.RunRequest;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code lamina run}: a container on a throw-away (or kept) lamina snapshot of a stored image. */
@Command(name = "run", mixinStandardHelpOptions = true,
        description = {"Runs CMD in a container of IMAGE, a stored image (lamina image import).",
                "Without CMD: the image's Entrypoint + Cmd; a CMD replaces Cmd (as docker run).",
                "Needs root and runc (or crun).",
                "",
                "The container's root is a lamina snapshot: the image's layers under a new",
                "upper (on disk under ROOT/runs/ID, or a private tmpfs with --upper",
                "tmpfs:size=SIZE), served by a FUSE mount inside this lamina process (no",
                "snapshotter needed) at ROOT/runs/ID/mnt, with a change journal (lamina ps",
                "shows its size). config.json takes Env, WorkingDir and User (names resolved",
                "in the image's /etc/passwd and /etc/group) from the image config; the",
                "container gets its own pid, mount, ipc, uts and network namespaces (only lo),",
                "/proc, /dev, /dev/pts, /dev/shm, a read-only /sys and the hostname --name",
                "(else its id); a terminal only when stdin is one.",
                "",
                "Output and exit code are the container's (125: lamina could not run it).",
                "Ctrl-C or SIGTERM kills the container (exit 137). Then the snapshot is",
                "unmounted and removed (--rm, the default), unless --keep: its upper then",
                "stays under ROOT/runs/ID (not mounted); lamina ps lists it,",
                "`lamina commit --snapshot ID --name NEW` saves it as an image and",
                "`lamina rm ID` removes it."})
final class RunCommand implements Callable<Integer> {
    private static final Pattern SIZE = Pattern.compile("(\\d+)([kmgt]?)(i?b)?");

    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Option(names = "--rm", description = "Remove the snapshot when the container ends (the default).")
    boolean rm;

    @Option(names = "--keep", description = "Keep the snapshot's upper after the container ends (for lamina commit --snapshot).")
    boolean keep;

    @Option(names = "--upper", paramLabel = "tmpfs:size=SIZE",
            description = "A private tmpfs of SIZE (e.g. 512m) as the upper instead of a directory on disk.")
    String upper;

    @Option(names = "--runtime", paramLabel = "runc|crun", defaultValue = "runc", description = "The OCI runtime (default: ${DEFAULT-VALUE}).")
    String runtime;

    @Option(names = "--name", paramLabel = "NAME", description = "The container's id and hostname (1-64 of [a-zA-Z0-9_.-]).")
    String name;

    @Option(names = "--transport", paramLabel = "native|jnr", description = "FUSE transport (default: native).")
    String transport;

    @Parameters(index = "0", paramLabel = "IMAGE", description = "A stored image: name or id.")
    String image;

    @Parameters(index = "1..*", paramLabel = "CMD", description = "The command and its arguments (put -- before it).")
    List<String> command = new ArrayList<>();

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        try {
            if (rm && keep) throw new RunException("--rm and --keep exclude each other");
            long tmpfs = upper == null ? 0 : tmpfsBytes(upper);
            RunRequest r = new RunRequest(lamina.root(), image, command, keep, tmpfs, runtime, name,
                    transport != null ? transport : Transports.defaultName());
            return ContainerRun.run(r);
        } catch (RunException e) {
            err.println("lamina run: " + e.getMessage());
            err.flush();
            return 125;
        }
    }

    /** {@code tmpfs:size=SIZE}, SIZE in bytes or with k, m, g, t (powers of 1024). */
    static long tmpfsBytes(String spec) {
        if (!spec.startsWith("tmpfs:size=")) {
            throw new RunException("--upper takes tmpfs:size=SIZE (e.g. tmpfs:size=512m), not '" + spec + "'");
        }
        Matcher m = SIZE.matcher(spec.substring("tmpfs:size=".length()).toLowerCase(Locale.ROOT));
        if (!m.matches()) throw new RunException("bad tmpfs size in '" + spec + "' (e.g. tmpfs:size=512m)");
        int shift = switch (m.group(2)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            case "t" -> 40;
            default -> 0;
        };
        try {
            long v = Long.parseLong(m.group(1));
            if (v <= 0 || v > (Long.MAX_VALUE >> shift)) throw new NumberFormatException();
            return v << shift;
        } catch (NumberFormatException e) {
            throw new RunException("bad tmpfs size in '" + spec + "'");
        }
    }
}

package io.lamina.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

import java.nio.file.Path;

/** The {@code lamina} command: parses arguments and hands them to the modules. */
@Command(name = "lamina", mixinStandardHelpOptions = true, versionProvider = Version.class,
        description = "A copy-on-write union filesystem for container images.",
        subcommands = {MountCommand.class, UmountCommand.class, MountHelperCommand.class, SnapshotterCommand.class, Demo.class,
                ImageCommand.class, GcCommand.class, UsageCommand.class, DiffCommand.class, CommitCommand.class,
                RunCommand.class, PsCommand.class, RmCommand.class,
                CommandLine.HelpCommand.class})
public final class Lamina {
    @Option(names = "--root", paramLabel = "DIR", scope = CommandLine.ScopeType.INHERIT,
            description = "The store directory (default: $LAMINA_ROOT or /var/lib/lamina).")
    Path root;

    /** The store directory chosen by --root, $LAMINA_ROOT or the default. */
    Path root() {
        if (root != null) return root;
        String env = System.getenv("LAMINA_ROOT");
        return Path.of(env != null && !env.isEmpty() ? env : "/var/lib/lamina");
    }

    public static void main(String[] args) {
        // Chronicle logs through SLF4J, which otherwise warns on stderr that it has no logger to use.
        if (System.getProperty("slf4j.internal.verbosity") == null) System.setProperty("slf4j.internal.verbosity", "ERROR");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        CommandLine cl = new CommandLine(new Lamina());
        // Bad arguments get one line naming the command, not a usage page.
        cl.setParameterExceptionHandler((ex, args) -> {
            CommandLine.Model.CommandSpec spec = ex.getCommandLine().getCommandSpec();
            ex.getCommandLine().getErr().println(spec.qualifiedName() + ": " + ex.getMessage()
                    + " (see " + spec.qualifiedName() + " --help)");
            return spec.exitCodeOnInvalidInput();
        });
        // A command that fails says why in one line, not with a stack trace.
        cl.setExecutionExceptionHandler((ex, cmd, parsed) -> {
            cmd.getErr().println(cmd.getCommandSpec().qualifiedName() + ": " + (ex.getMessage() != null ? ex.getMessage() : ex.toString()));
            return 1;
        });
        return cl;
    }
}

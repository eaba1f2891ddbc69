package io.lamina.cli;

import io.lamina.run.RunException;
import io.lamina.run.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lamina rm}: removes kept snapshots of lamina run. */
@Command(name = "rm", mixinStandardHelpOptions = true,
        description = {"Removes kept snapshots of lamina run --keep (upper, journal and record)",
                "and leftovers of killed runs; a running container is refused."})
final class RmCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Parameters(arity = "1..*", paramLabel = "ID", description = "Container ids or names, as lamina ps lists them.")
    List<String> ids;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        int code = 0;
        for (String id : ids) {
            try {
                Runs.remove(lamina.root(), id);
                spec.commandLine().getOut().println(id);
            } catch (RunException e) {
                err.println("lamina rm: " + e.getMessage());
                code = 1;
            }
        }
        spec.commandLine().getOut().flush();
        err.flush();
        return code;
    }
}

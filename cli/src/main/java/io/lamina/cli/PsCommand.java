package io.lamina.cli;

import io.lamina.run.RunException;
import io.lamina.run.Runs;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lamina ps}: the containers of lamina run, with their sizes from the change journal. */
@Command(name = "ps", mixinStandardHelpOptions = true,
        description = {"Lists the containers of lamina run under --root, like docker ps -a -s:",
                "running ones, kept snapshots (lamina run --keep) and leftovers of killed",
                "runs (dead; lamina rm removes them). DIFF SIZE: what the container's upper",
                "holds (regular files and symlinks, each inode once); VIRTUAL SIZE adds the",
                "image's file contents. Sizes come from each container's change journal:",
                "nothing is walked. Snapshots of a lamina snapshotter are not listed",
                "(ctr snapshots usage shows those)."})
final class PsCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Option(names = "--bytes", description = "Sizes in bytes.")
    boolean bytes;

    @Option(names = {"-q", "--quiet"}, description = "Only the ids.")
    boolean quiet;

    @Override
    public Integer call() {
        List<Runs.Info> runs;
        try {
            runs = Runs.list(lamina.root());
        } catch (RunException e) {
            PrintWriter err = spec.commandLine().getErr();
            err.println("lamina ps: " + e.getMessage());
            err.flush();
            return 1;
        }
        PrintWriter out = spec.commandLine().getOut();
        if (quiet) {
            runs.forEach(r -> out.println(r.id()));
            out.flush();
            return 0;
        }
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[]{"ID", "IMAGE", "STATUS", "DIFF SIZE", "VIRTUAL SIZE", "COMMAND"});
        for (Runs.Info r : runs) {
            String diff = r.usage() == null ? "-" : size(r.usage().diffBytes());
            String virtual = r.usage() == null ? "-" : size(r.usage().virtualBytes());
            String cmd = String.join(" ", r.command());
            if (cmd.length() > 40) cmd = cmd.substring(0, 39) + "…";
            rows.add(new String[]{r.id(), r.image(), r.status(), diff, virtual, "\"" + cmd + "\""});
        }
        int[] width = new int[rows.getFirst().length];
        for (String[] row : rows) {
            for (int i = 0; i < row.length; i++) width[i] = Math.max(width[i], row[i].length());
        }
        for (String[] row : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < row.length; i++) {
                line.append(row[i]);
                if (i < row.length - 1) line.append(" ".repeat(width[i] - row[i].length() + 3));
            }
            out.println(line.toString().stripTrailing());
        }
        out.flush();
        return 0;
    }

    private String size(long n) {
        return bytes ? Long.toString(n) : Sizes.human(n);
    }
}

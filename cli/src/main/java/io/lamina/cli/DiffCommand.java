package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.store.journal.DiffEntry;
import io.lamina.store.journal.JournalView;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Callable;

/** {@code lamina diff}: the changed paths of a mount, as {@code docker diff} lists them. */
@Command(name = "diff", mixinStandardHelpOptions = true,
        description = {"Lists the paths a mount's upper changed, sorted, like docker diff:",
                "A (added: the lower layers do not have it), C (changed), D (deleted).",
                "Answered from the mount's change journal: the cost grows with the",
                "number of changes, not with the size of the image."})
final class DiffCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Parameters(paramLabel = "MOUNTPOINT", description = "A running lamina mount.")
    Path mountpoint;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        MountCommandSupport support = new MountCommandSupport(Host.current(), err);
        List<DiffEntry> diff;
        try (JournalView v = JournalView.open(Journals.of(support, mountpoint))) {
            diff = v.diff();
        } catch (MountException e) {
            return support.report("diff", e);
        }
        PrintWriter out = spec.commandLine().getOut();
        StringBuilder b = new StringBuilder();
        for (DiffEntry e : diff) {
            b.append(e.status()).append(' ').append(e.path()).append('\n');
            if (b.length() > 1 << 16) {
                out.print(b);
                b.setLength(0);
            }
        }
        out.print(b);
        out.flush();
        return 0;
    }
}

package io.lamina.cli;

import io.lamina.fuse.Host;
import io.lamina.fuse.MountCommandSupport;
import io.lamina.fuse.MountException;
import io.lamina.store.journal.JournalView;
import io.lamina.store.journal.Usage;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lamina usage}: the diff size and virtual size of a mount, from its change journal. */
@Command(name = "usage", mixinStandardHelpOptions = true,
        description = {"Prints what a mount's upper uses, like the SIZE column of docker ps -s:",
                "the diff size (apparent size of the upper: its regular files and",
                "symlinks, each inode once; metadata-only copies count 0) and, in",
                "parentheses, the virtual size (lower layers + diff).",
                "Answered from the mount's change journal: it does not walk the upper."},
        footer = {"", "Example:", "  lamina usage /mnt        →  12.3kB (virtual 7.75MB)"})
final class UsageCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @Option(names = "--bytes", description = "Exact numbers: diff, virtual and lower bytes, inodes and changed paths.")
    boolean bytes;

    @Parameters(paramLabel = "MOUNTPOINT", description = "A running lamina mount.")
    Path mountpoint;

    @Override
    public Integer call() {
        PrintWriter err = spec.commandLine().getErr();
        MountCommandSupport support = new MountCommandSupport(Host.current(), err);
        Usage u;
        try {
            u = JournalView.readUsage(Journals.of(support, mountpoint));
        } catch (MountException e) {
            return support.report("usage", e);
        }
        PrintWriter out = spec.commandLine().getOut();
        if (bytes) {
            out.println("diff " + u.diffBytes() + " virtual " + u.virtualBytes() + " lower " + u.lowerBytes()
                    + " inodes " + u.inodes() + " changes " + u.changes());
        } else {
            out.println(Sizes.human(u.diffBytes()) + " (virtual " + Sizes.human(u.virtualBytes()) + ")");
        }
        out.flush();
        return 0;
    }
}

package io.lamina.cli;

import io.lamina.store.Gc;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.util.concurrent.Callable;

/** {@code lamina gc [--dry-run]}. */
@Command(name = "gc", mixinStandardHelpOptions = true,
        description = {"Removes what no image uses and prints what it freed.",
                "Layers, chain indexes, blobs and file contents no image references, and leftovers",
                "of interrupted work in tmp/ older than 10 minutes."})
final class GcCommand implements Callable<Integer> {
    @ParentCommand
    Lamina lamina;
    @Spec
    CommandSpec spec;
    @Option(names = "--dry-run", description = "Only print what would be removed.")
    boolean dryRun;

    @Override
    public Integer call() {
        Gc.Report r = StoreAccess.withImages(lamina.root(), images -> Gc.run(images, dryRun));
        spec.commandLine().getOut().println((dryRun ? "would free " : "freed ") + StoreAccess.human(r.totalBytes()) + ": "
                + r.layers() + " layers (" + StoreAccess.human(r.layerBytes()) + "), "
                + r.chains() + " chain indexes (" + StoreAccess.human(r.chainBytes()) + "), "
                + r.blobs() + " blobs (" + StoreAccess.human(r.blobBytes()) + "), "
                + r.objects() + " objects (" + StoreAccess.human(r.objectBytes()) + "), "
                + r.tmp() + " tmp entries (" + StoreAccess.human(r.tmpBytes()) + ")");
        spec.commandLine().getOut().flush();
        return 0;
    }
}

package io.lamina.store.journal;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Reads a mount's journal state from any process while its daemon keeps it current. Opening and
 * {@link #usage} cost the same whatever the upper holds; {@link #diff} costs as many changed paths
 * as there are.
 */
public final class JournalView implements AutoCloseable {
    private final JournalFile file;

    private JournalView(JournalFile file) {
        this.file = file;
    }

    /**
     * The usage of the journal whose state is {@code stateFile}, read from the small usage file
     * beside it (no Chronicle Map is opened), or from the state when that is missing.
     *
     * @throws java.io.UncheckedIOException when neither can be read
     */
    public static Usage readUsage(Path stateFile) {
        Usage u = UsageFile.read(stateFile);
        if (u != null) return u;
        try (JournalView v = open(stateFile)) {
            return v.usage();
        }
    }

    /** Opens the state file. @throws java.io.UncheckedIOException when it does not exist or cannot be read */
    public static JournalView open(Path stateFile) {
        return new JournalView(JournalFile.open(stateFile));
    }

    public Usage usage() {
        return new Usage(Math.max(0, file.meta(JournalFile.BYTES)), Math.max(0, file.meta(JournalFile.INODES)),
                Math.max(0, file.meta(JournalFile.LOWER_BYTES)), Math.max(0, file.meta(JournalFile.CHANGES)));
    }

    /** Every changed path with its status, sorted by path. */
    public List<DiffEntry> diff() {
        List<DiffEntry> out = new ArrayList<>();
        file.forEach((path, r) -> out.add(new DiffEntry((char) r.status(), "/" + path)));
        out.sort(Comparator.comparing(DiffEntry::path));
        return out;
    }

    @Override
    public void close() {
        file.close();
    }
}

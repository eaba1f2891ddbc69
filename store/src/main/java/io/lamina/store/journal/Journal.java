package io.lamina.store.journal;

import com.lmax.disruptor.BlockingWaitStrategy;
import com.lmax.disruptor.EventHandler;
import com.lmax.disruptor.EventTranslatorOneArg;
import com.lmax.disruptor.ExceptionHandler;
import com.lmax.disruptor.RingBuffer;
import com.lmax.disruptor.TimeoutException;
import com.lmax.disruptor.dsl.Disruptor;
import com.lmax.disruptor.dsl.ProducerType;
import io.lamina.fs.Change;
import io.lamina.fs.ChangeSink;
import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;

/**
 * The change journal of one mounted upper: a {@link ChangeSink} (give it to
 * {@link io.lamina.fs.UnionSpec#withChanges}) that puts each change on a multi-producer Disruptor
 * ring (FUSE worker threads report concurrently; the ring's slots are allocated once and filled in
 * place) and returns; one handler thread keeps the usage and the changed paths in the state file
 * that {@link JournalView} reads.
 *
 * <p>Crash safety: {@link #open} removes the state file's "clean" marker before changing anything
 * and {@link #close} writes it back (with the file's size and a digest of its header) after the last change is in. A state without the marker (the
 * daemon was killed), or saved for another upper or other lower layers, is thrown away and
 * rebuilt by one walk of the upper.
 */
public final class Journal implements ChangeSink, AutoCloseable {
    private static final int RING_SIZE = 1 << 14;
    private static final EventTranslatorOneArg<Slot, Change> FILL = (slot, seq, c) -> {
        slot.kind = c.kind();
        slot.path = c.path();
        slot.root = c.upper();
    };

    /** One ring slot, reused for every change that passes through it. */
    static final class Slot {
        Change.Kind kind;
        String path;
        Path root;
    }

    private final Path stateFile;
    private final JournalFile file;
    private final UsageFile usageFile;
    private final ChangeState state;
    private final boolean rebuilt;
    private final Disruptor<Slot> disruptor;
    private final RingBuffer<Slot> ring;
    private final EventHandler<Slot> handler;
    private volatile boolean failed;
    private boolean closed;

    private Journal(Path stateFile, JournalFile file, UsageFile usageFile, ChangeState state, boolean rebuilt) {
        this.stateFile = stateFile;
        this.file = file;
        this.usageFile = usageFile;
        this.state = state;
        this.rebuilt = rebuilt;
        this.handler = (slot, seq, endOfBatch) -> {
            state.apply(slot.kind, slot.path, slot.root);
            slot.path = null;
            slot.root = null;
            if (endOfBatch) state.saveTotals();
        };
        this.disruptor = new Disruptor<>(Slot::new, RING_SIZE, r -> {
            Thread t = new Thread(r, "lamina-journal " + stateFile.getFileName());
            t.setDaemon(true);
            return t;
        }, ProducerType.MULTI, new BlockingWaitStrategy());
        disruptor.handleEventsWith(handler);
        disruptor.setDefaultExceptionHandler(new Failures());
        this.ring = disruptor.start();
    }

    /**
     * Opens the journal of the upper directory {@code upper} (null for a new, empty private tmpfs
     * upper) over {@code lower}, keeping its state in {@code stateFile}: the saved state when the
     * last stop was clean and upper and layers are the same, else a state rebuilt by one walk of
     * the upper (also when the file does not exist).
     */
    public static Journal open(Path stateFile, Path upper, LowerImage lower) {
        Path marker = cleanMarker(stateFile);
        long identity = JournalFile.digest(lower.identity() + "\n" + upperIdentity(upper));
        JournalFile file = null;
        UsageFile usage = null;
        try {
            // A tmpfs upper is new at every mount: nothing saved can be its state.
            if (upper != null && markerMatches(marker, stateFile)) {
                file = openQuietly(stateFile);
                if (file != null && file.meta(JournalFile.IDENTITY) == identity) {
                    Files.delete(marker);
                    usage = UsageFile.openForWriting(stateFile);
                    ChangeState state = new ChangeState(lower, file, usage);
                    state.load();
                    state.saveTotals();
                    return new Journal(stateFile, file, usage, state, false);
                }
                if (file != null) file.close();
                file = null;
            }
            Files.deleteIfExists(marker);
            file = JournalFile.create(stateFile, 0);
            usage = UsageFile.openForWriting(stateFile);
            ChangeState state = new ChangeState(lower, file, usage);
            state.lowerBytes(lower.bytes());
            if (upper != null) state.rebuild(upper);
            state.saveTotals();
            file.putMeta(JournalFile.IDENTITY, identity);
            return new Journal(stateFile, file, usage, state, true);
        } catch (IOException e) {
            if (file != null) file.close();
            if (usage != null) usage.close();
            throw new UncheckedIOException("cannot open the journal " + stateFile, e);
        } catch (RuntimeException e) {
            if (file != null) file.close();
            if (usage != null) usage.close();
            throw e;
        }
    }

    /**
     * The clean marker names the size of the state file when it was closed and a digest of its
     * first 64 KiB (the map's header): a state file changed since is not opened at all, since
     * opening a damaged Chronicle Map file can wait a minute before it fails. (Not the mtime:
     * readers such as {@code lamina usage} touch it without changing a byte.)
     */
    private static boolean markerMatches(Path marker, Path stateFile) throws IOException {
        if (!Files.isRegularFile(marker) || !Files.isRegularFile(stateFile)) return false;
        return Files.readString(marker).equals(fingerprint(stateFile));
    }

    private static String fingerprint(Path stateFile) throws IOException {
        byte[] head = new byte[64 << 10];
        int n;
        try (var in = Files.newInputStream(stateFile)) {
            n = in.readNBytes(head, 0, head.length);
        }
        String digest = Long.toHexString(JournalFile.digest(new String(head, 0, n, java.nio.charset.StandardCharsets.ISO_8859_1)));
        return "clean " + Files.size(stateFile) + " " + digest + "\n";
    }

    /** The saved state, or null when it cannot be read (then it is rebuilt). */
    private static JournalFile openQuietly(Path stateFile) {
        try {
            return JournalFile.open(stateFile);
        } catch (RuntimeException e) {
            return null;
        }
    }

    private static Path cleanMarker(Path stateFile) {
        return stateFile.resolveSibling(stateFile.getFileName() + ".clean");
    }

    private static String upperIdentity(Path upper) {
        if (upper == null) return "tmpfs";
        Stat st = Posix.fstatat(Posix.AT_FDCWD, upper.toString(), 0);
        return upper.toAbsolutePath().normalize() + "@" + st.dev() + "." + st.ino();
    }

    /** Whether {@link #open} had to rebuild the state (no clean stop before). */
    public boolean rebuilt() {
        return rebuilt;
    }

    /** Puts the change on the ring (waits only when the ring is full). */
    @Override
    public void changed(Change change) {
        ring.publishEvent(FILL, change);
    }

    /** Waits until every change reported before this call is in the state (tests, commit). */
    public void sync() {
        long target = ring.getCursor();
        while (disruptor.getSequenceValueFor(handler) < target) {
            if (failed) throw new IllegalStateException("the journal's consumer failed; see the log");
            Thread.onSpinWait();
            Thread.yield();
        }
    }

    /** The usage now, as far as the consumer got (call {@link #sync} first to include everything). */
    public Usage usage() {
        return new Usage(file.meta(JournalFile.BYTES), file.meta(JournalFile.INODES),
                file.meta(JournalFile.LOWER_BYTES), file.meta(JournalFile.CHANGES));
    }

    /** Takes in the changes on the ring, saves the state and marks it clean (unless a change failed). */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        try {
            disruptor.shutdown(60, TimeUnit.SECONDS);
        } catch (TimeoutException e) {
            failed = true;
            disruptor.halt();
        }
        try {
            if (!failed) state.saveTotals();
        } finally {
            file.close();
            usageFile.close();
        }
        if (!failed) {
            try {
                Files.writeString(cleanMarker(stateFile), fingerprint(stateFile));
            } catch (IOException e) {
                // no marker: the next mount rebuilds, which is only slower
            }
        }
    }

    /** A failed change leaves the state unreliable: it is rebuilt at the next mount. */
    private final class Failures implements ExceptionHandler<Slot> {
        @Override
        public void handleEventException(Throwable ex, long sequence, Slot slot) {
            failed = true;
            System.err.println("lamina journal: change of " + slot.path + " not recorded: " + ex);
        }

        @Override
        public void handleOnStartException(Throwable ex) {
            failed = true;
        }

        @Override
        public void handleOnShutdownException(Throwable ex) {
            failed = true;
        }
    }
}

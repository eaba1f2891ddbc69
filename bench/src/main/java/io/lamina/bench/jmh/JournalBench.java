package io.lamina.bench.jmh;

import io.lamina.fs.Change;
import io.lamina.fs.FileType;
import io.lamina.store.journal.Journal;
import io.lamina.store.journal.LowerImage;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * Throughput of the change journal (events per second, end to end): a batch of changes of
 * existing upper files is put on the ring and the benchmark waits until the consumer has taken
 * them all in (each one an lstat of the upper entry, a lower lookup and a Chronicle Map update).
 * {@code kind} DATA re-stats one entry; CREATED also forgets and re-reads what is below it.
 * Run with several producer threads with JMH's {@code -t N} (the ring is multi-producer).
 *
 * <p>{@code bin/lamina bench jmh -f 1 JournalBench}
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class JournalBench {
    private static final int FILES = 4096;
    private static final int BATCH = 1024;

    @Param({"DATA", "CREATED"})
    public Change.Kind kind;

    private Path tmp;
    private Journal journal;
    private Change[] changes;

    @Setup(Level.Trial)
    public void setUp() throws IOException {
        tmp = Files.createTempDirectory("lamina-jmh-journal");
        Path lower = Files.createDirectories(tmp.resolve("lower"));
        Path upper = Files.createDirectories(tmp.resolve("upper"));
        changes = new Change[FILES];
        for (int i = 0; i < FILES; i++) {
            String rel = "d" + (i % 64) + "/f" + i;
            Files.createDirectories(upper.resolve(rel).getParent());
            Files.write(upper.resolve(rel), new byte[i % 5000]);
            changes[i] = new Change(kind, rel, FileType.REGULAR, upper);
        }
        journal = Journal.open(tmp.resolve("state/journal.cm"), upper, LowerImage.ofDirs(List.of(lower)));
    }

    @TearDown(Level.Trial)
    public void tearDown() throws IOException {
        journal.close();
        try (Stream<Path> s = Files.walk(tmp)) {
            for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
        }
    }

    /** A batch of changes, through the ring and into the state. */
    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void changes() {
        int base = (int) (Thread.currentThread().threadId() * 7919 % FILES);
        for (int i = 0; i < BATCH; i++) journal.changed(changes[(base + i) % FILES]);
        journal.sync();
    }
}

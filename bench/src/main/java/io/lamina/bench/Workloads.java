package io.lamina.bench;

import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * The workloads of the issue, in the order the harness runs them on every mount: first the ones
 * that only read, then the ones that change the upper (each on its own part of the tree, so one
 * does not disturb another). Real tools (dd, fio, find, ls, stat, chmod, rm, mv, tar, grep) do the
 * work where one exists, so every target is treated the same; the harness only times them.
 */
final class Workloads {
    static final String MOUNT = "mount-latency";

    private Workloads() {
    }

    static List<Workload> all() {
        return List.of(
                new SeqRead("seq-read-cold", true), new SeqRead("seq-read-warm", false), new RandomRead(),
                new StatAll("stat-all-cold", true), new StatAll("stat-all-warm", false), new ReaddirWide(),
                new NegativeLookups(), new Grep(), new CreateFiles(), new AppendCopyUp(), new Chmod(),
                new Delete(), new RenameDir(), new Untar());
    }

    /**
     * The workloads named in {@code list} (comma-separated), in table order; all when null.
     * IllegalArgumentException naming an unknown one.
     */
    static List<Workload> named(String list) {
        if (list == null) return all();
        Set<String> want = new java.util.LinkedHashSet<>(List.of(list.split(",")));
        want.remove(MOUNT);
        List<Workload> out = new ArrayList<>();
        for (Workload w : all()) {
            if (want.remove(w.name())) out.add(w);
        }
        if (!want.isEmpty()) throw new IllegalArgumentException("unknown workload(s) " + want + "; known: " + names());
        return out;
    }

    /** The workload names in table order, mount latency last. */
    static List<String> names() {
        List<String> n = new ArrayList<>(all().stream().map(Workload::name).toList());
        n.add(MOUNT);
        return n;
    }

    private static Workload.Result time(double units, IoAction a) throws Exception {
        long t0 = System.nanoTime();
        a.run();
        return new Workload.Result((System.nanoTime() - t0) / 1e9, units);
    }

    @FunctionalInterface
    private interface IoAction {
        void run() throws Exception;
    }

    private static List<String> flatNames(int n) {
        List<String> names = new ArrayList<>(n);
        for (int i = 0; i < n; i++) names.add(Stack.flatName(i));
        return names;
    }

    private static List<String> cmd(List<String> head, List<String> args) {
        List<String> c = new ArrayList<>(head);
        c.addAll(args);
        return c;
    }

    /** dd of the large lower file to /dev/null in 1 MiB reads. */
    record SeqRead(String name, boolean cold) implements Workload {
        public String unit() {
            return "MiB";
        }

        public Result run(Path root, Stack stack) throws Exception {
            return time(stack.profile().seqBytes() / (double) Profile.MIB, () -> Proc.run(List.of("dd",
                    "if=" + root.resolve(Stack.SEQ_FILE), "of=/dev/null", "bs=1M"), null));
        }
    }

    /**
     * Random 4 KiB reads of the large file (warm): fio with psync for a fixed time when installed,
     * else {@code randomReadBytes} worth of pread from Java.
     */
    static final class RandomRead implements Workload {
        public String name() {
            return "rand-read-4k";
        }

        public String unit() {
            return "reads";
        }

        public Result run(Path root, Stack stack) throws Exception {
            Path f = root.resolve(Stack.SEQ_FILE);
            long ios = stack.profile().randomReadBytes() / 4096;
            if (Proc.has("fio")) {
                // Time-based, so that fio's millisecond runtime is precise enough even where reads come
                // from the page cache. terse v3: field 5 is KiB read, 8 the runtime in ms.
                String out = Proc.output(List.of("fio", "--name=rand", "--filename=" + f, "--readonly", "--rw=randread",
                        "--bs=4k", "--ioengine=psync", "--invalidate=0", "--randrepeat=1", "--time_based",
                        "--runtime=" + stack.profile().randomReadSeconds(), "--output-format=terse", "--terse-version=3"));
                String[] t = out.strip().lines().reduce((a, b) -> b).orElseThrow().split(";");
                double kib = Double.parseDouble(t[5]);
                double ms = Math.max(1, Double.parseDouble(t[8]));
                return new Result(ms / 1000, kib / 4);
            }
            long blocks = stack.profile().seqBytes() / 4096;
            ByteBuffer buf = ByteBuffer.allocateDirect(4096);
            try (FileChannel ch = FileChannel.open(f, StandardOpenOption.READ)) {
                java.util.SplittableRandom r = new java.util.SplittableRandom(42);
                return time(ios, () -> {
                    for (long i = 0; i < ios; i++) {
                        buf.clear();
                        ch.read(buf, r.nextLong(blocks) * 4096);
                    }
                });
            }
        }
    }

    /** find printing every entry's size (an lstat each); the count checks all targets agree. */
    record StatAll(String name, boolean cold) implements Workload {
        public String unit() {
            return "entries";
        }

        public Result run(Path root, Stack stack) throws Exception {
            long t0 = System.nanoTime();
            Proc.Done d = Proc.run(List.of("find", ".", "-printf", "%s\n"), root);
            return new Result((System.nanoTime() - t0) / 1e9, d.lines());
        }
    }

    /** ls -f (no sort, no stat) of the 10k-entry merged directory, repeated; warmed by one listing first. */
    static final class ReaddirWide implements Workload {
        public String name() {
            return "readdir-10k-warm";
        }

        public String unit() {
            return "entries";
        }

        public Result run(Path root, Stack stack) throws Exception {
            Proc.run(List.of("ls", "-f", "-1", "wide"), root);
            List<String> args = new ArrayList<>();
            for (int i = 0; i < stack.profile().readdirRepeats(); i++) args.add("wide");
            long t0 = System.nanoTime();
            Proc.run(cmd(List.of("ls", "-f", "-1"), args), root);
            double entries = (double) stack.profile().wideEntries() * stack.profile().readdirRepeats();
            return new Result((System.nanoTime() - t0) / 1e9, entries);
        }
    }

    /** stat(1) of names that exist in no layer, in directories that do (cold). */
    static final class NegativeLookups implements Workload {
        public String name() {
            return "negative-lookup-cold";
        }

        public String unit() {
            return "lookups";
        }

        public boolean cold() {
            return true;
        }

        public Result run(Path root, Stack stack) throws Exception {
            List<String> names = stack.missingNames();
            return time(names.size(), () -> Proc.run(cmd(List.of("stat", "--printf=%s\n", "--"), names), root, Set.of(1)));
        }
    }

    /** grep -r over the source-like tree, cold (the first search after boot). */
    static final class Grep implements Workload {
        public String name() {
            return "grep-r-cold";
        }

        public String unit() {
            return "files";
        }

        public boolean cold() {
            return true;
        }

        public Result run(Path root, Stack stack) throws Exception {
            return time(stack.profile().srcFiles(), () -> Proc.run(List.of("grep", "-r", "-c", Stack.GREP_NEEDLE, "src"), root, Set.of(0, 1)));
        }
    }

    /** Creates small files (512 B each) in a new directory of the upper, from Java (no tool makes files with data). */
    static final class CreateFiles implements Workload {
        public String name() {
            return "create-small-files";
        }

        public String unit() {
            return "files";
        }

        public Result run(Path root, Stack stack) throws Exception {
            Path dir = Files.createDirectory(root.resolve("created"));
            byte[] data = new byte[512];
            int n = stack.profile().createFiles();
            return time(n, () -> {
                for (int i = 0; i < n; i++) Files.write(dir.resolve(Stack.flatName(i)), data);
            });
        }
    }

    /** Appends 4 KiB to the large lower file: a full data copy-up. Counted in MiB copied. */
    static final class AppendCopyUp implements Workload {
        public String name() {
            return "copy-up-append";
        }

        public String unit() {
            return "MiB";
        }

        public Result run(Path root, Stack stack) throws Exception {
            Path f = root.resolve(Stack.APPEND_FILE);
            return time(stack.profile().appendBytes() / (double) Profile.MIB,
                    () -> Files.write(f, new byte[4096], StandardOpenOption.APPEND));
        }
    }

    /** chmod of every file of a lower directory: metadata-only copy-up. */
    static final class Chmod implements Workload {
        public String name() {
            return "copy-up-chmod";
        }

        public String unit() {
            return "files";
        }

        public Result run(Path root, Stack stack) throws Exception {
            List<String> names = flatNames(stack.profile().chmodFiles());
            return time(names.size(), () -> Proc.run(cmd(List.of("chmod", "600", "--"), names), root.resolve("chmod")));
        }
    }

    /** rm of every file of a lower directory: a whiteout each. */
    static final class Delete implements Workload {
        public String name() {
            return "delete-lower-files";
        }

        public String unit() {
            return "files";
        }

        public Result run(Path root, Stack stack) throws Exception {
            List<String> names = flatNames(stack.profile().deleteFiles());
            return time(names.size(), () -> Proc.run(cmd(List.of("rm", "-f", "--"), names), root.resolve("del")));
        }
    }

    /** mv of a lower directory: a redirect where the union supports it, a copy otherwise. */
    static final class RenameDir implements Workload {
        public String name() {
            return "rename-lower-dir";
        }

        public String unit() {
            return "renames";
        }

        public boolean timed() {
            return true;
        }

        public Result run(Path root, Stack stack) throws Exception {
            return time(1, () -> Proc.run(List.of("mv", "ren", "ren-moved"), root));
        }
    }

    /** tar -x of a small-file archive into a new directory of the upper. */
    static final class Untar implements Workload {
        public String name() {
            return "untar-small-files";
        }

        public String unit() {
            return "files";
        }

        public Result run(Path root, Stack stack) throws Exception {
            Path dir = Files.createDirectory(root.resolve("untarred"));
            return time(stack.profile().untarFiles(),
                    () -> Proc.run(List.of("tar", "-xf", stack.untarArchive().toString(), "-C", dir.toString()), null));
        }
    }
}

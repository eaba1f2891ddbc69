package io.lamina.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * The memory part: 1, 10 and 50 mounts of the same stack, each with its own upper, every one
 * reading the same 64 MiB lower file. Measures the growth of the page cache over the reads
 * (Cached in /proc/meminfo, caches dropped after mounting) and of the serving processes' RSS
 * from before mounting to after the reads: this JVM for lamina (after a GC each time), the sum
 * of its processes for fuse-overlayfs, none for kernel overlayfs. Cached is machine-wide: other
 * work on the machine shows up in it, so run on a quiet machine.
 */
final class MemoryBench {
    private final Stack stack;
    private final Path dir;
    private final Progress progress;

    MemoryBench(Stack stack, Path dir, Progress progress) {
        this.stack = stack;
        this.dir = dir;
        this.progress = progress;
    }

    /** Growth in bytes with {@code mounts} mounts of {@code target}. */
    record MemSample(String target, int mounts, long cachedGrowth, long rssGrowth, String error) {
        String json() {
            return "{\"kind\":\"memory\",\"target\":" + Json.str(target) + ",\"mounts\":" + mounts + ",\"cachedGrowthBytes\":"
                    + cachedGrowth + ",\"rssGrowthBytes\":" + rssGrowth + (error == null ? "" : ",\"error\":" + Json.str(error)) + "}";
        }
    }

    List<MemSample> run(List<Target> targets) throws IOException {
        List<MemSample> out = new ArrayList<>();
        for (int n : stack.profile().memoryMounts()) {
            for (Target t : targets) {
                progress.show("memory · " + n + " × " + t.name());
                out.add(measure(t, n));
            }
        }
        return out;
    }

    private MemSample measure(Target t, int n) throws IOException {
        boolean inJvm = t.name().startsWith("lamina");
        List<Mount> mounts = new ArrayList<>();
        try {
            System.gc();
            long rss0 = inJvm ? Sys.rssBytes(ProcessHandle.current().pid()) : 0;
            for (int i = 0; i < n; i++) {
                Path d = Files.createDirectories(dir.resolve(t.name() + "-" + i));
                mounts.add(t.mount(stack, d));
            }
            // Page cache: only the reads count (mounting writes upper and work directories).
            Sys.dropCaches();
            long cached0 = Sys.cachedBytes();
            for (Mount m : mounts) {
                Proc.run(List.of("dd", "if=" + m.root().resolve(Stack.APPEND_FILE), "of=/dev/null", "bs=1M"), null);
            }
            long cached1 = Sys.cachedBytes();
            long rss1 = 0;
            if (inJvm) {
                System.gc();
                rss1 = Sys.rssBytes(ProcessHandle.current().pid());
            } else {
                for (Mount m : mounts) if (m.pid() > 0) rss1 += Sys.rssBytes(m.pid());
            }
            return new MemSample(t.name(), n, cached1 - cached0, rss1 - rss0, null);
        } catch (Exception e) {
            return new MemSample(t.name(), n, 0, 0, String.valueOf(e.getMessage()));
        } finally {
            for (Mount m : mounts.reversed()) {
                try {
                    m.close();
                } catch (Exception e) {
                    System.err.println("bench: cannot unmount " + m + ": " + e.getMessage());
                }
            }
            Cleanup.deleteTree(dir);
        }
    }
}

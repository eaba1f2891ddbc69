package io.lamina.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The few kernel knobs and counters the harness reads: page cache, RSS, drop_caches. */
final class Sys {
    private Sys() {
    }

    /** Writes dirty data back and drops the page, dentry and inode caches (needs root). */
    static void dropCaches() throws IOException {
        Proc.run(List.of("sync"), null);
        Files.writeString(Path.of("/proc/sys/vm/drop_caches"), "3\n");
    }

    /** {@code Cached} from /proc/meminfo, in bytes. */
    static long cachedBytes() throws IOException {
        return meminfo("Cached:");
    }

    /** VmRSS of process {@code pid} in bytes; 0 when it is gone. */
    static long rssBytes(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/" + pid + "/status"))) {
                if (line.startsWith("VmRSS:")) return kib(line);
            }
        } catch (IOException e) {
            return 0;
        }
        return 0;
    }

    static boolean isRoot() {
        try {
            return Files.readAllLines(Path.of("/proc/self/status")).stream()
                    .filter(l -> l.startsWith("Uid:")).anyMatch(l -> l.split("\\s+")[2].equals("0"));
        } catch (IOException e) {
            return false;
        }
    }

    /** One line describing the machine: CPU model, cores, memory, kernel. */
    static String machine() {
        String cpu = "?";
        try {
            cpu = Files.readAllLines(Path.of("/proc/cpuinfo")).stream().filter(l -> l.startsWith("model name"))
                    .findFirst().map(l -> l.substring(l.indexOf(':') + 1).strip()).orElse("?");
        } catch (IOException ignored) {
            // keep "?"
        }
        long mem = 0;
        try {
            mem = meminfo("MemTotal:");
        } catch (IOException ignored) {
            // keep 0
        }
        return cpu + ", " + Runtime.getRuntime().availableProcessors() + " cores, " + (mem >> 30) + " GiB RAM, Linux "
                + System.getProperty("os.version");
    }

    /** The overlay module's redirect_dir, index and metacopy defaults, as "redirect_dir=N, …". */
    static String overlayParameters() {
        List<String> out = new ArrayList<>();
        for (String p : List.of("redirect_dir", "index", "metacopy")) {
            try {
                out.add(p + "=" + Files.readString(Path.of("/sys/module/overlay/parameters/" + p)).strip());
            } catch (IOException e) {
                out.add(p + "=?");
            }
        }
        return String.join(", ", out);
    }

    private static long meminfo(String key) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc/meminfo"))) {
            if (line.startsWith(key)) return kib(line);
        }
        throw new IOException("no " + key + " in /proc/meminfo");
    }

    private static long kib(String line) {
        String[] f = line.trim().split("\\s+");
        return Long.parseLong(f[1]) * 1024;
    }
}

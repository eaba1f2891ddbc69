package io.lamina.fuse;

import java.io.File;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** The command line that starts this same program again: the same java, JVM flags and class path. */
public final class Launcher {
    private Launcher() {
    }

    /**
     * {@code java <this JVM's flags> -cp <this class path> mainClass}: works whether we were
     * started with {@code -jar} (bin/lamina) or with a class path (tests). Class path entries are
     * made absolute, since the daemon runs in "/".
     */
    public static List<String> currentJvm(String mainClass) {
        String java = ProcessHandle.current().info().command()
                .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        List<String> cmd = new ArrayList<>();
        cmd.add(java);
        cmd.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments());
        List<String> cp = new ArrayList<>();
        for (String e : System.getProperty("java.class.path").split(File.pathSeparator)) {
            if (!e.isEmpty()) cp.add(Path.of(e).toAbsolutePath().toString());
        }
        cmd.add("-cp");
        cmd.add(String.join(File.pathSeparator, cp));
        cmd.add(mainClass);
        return cmd;
    }
}

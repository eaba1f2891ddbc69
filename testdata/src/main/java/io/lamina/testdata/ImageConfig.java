package io.lamina.testdata;

import java.time.Instant;
import java.util.List;

/**
 * The runtime part of an OCI image config plus the platform and creation time.
 *
 * @param env        {@code Env}, {@code NAME=value} strings
 * @param entrypoint {@code Entrypoint}; empty for none
 * @param cmd        {@code Cmd}; empty for none
 * @param workingDir {@code WorkingDir}; empty for none
 * @param user       {@code User}; empty for none
 * @param created    creation time of the image and of each history entry
 * @param os         e.g. {@code linux}
 * @param arch       e.g. {@code amd64}
 */
public record ImageConfig(List<String> env, List<String> entrypoint, List<String> cmd, String workingDir,
                          String user, Instant created, String os, String arch) {

    /** The usual PATH of a Linux image. */
    public static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

    public ImageConfig {
        env = List.copyOf(env);
        entrypoint = List.copyOf(entrypoint);
        cmd = List.copyOf(cmd);
    }

    /** Env with {@link #DEFAULT_PATH}, no command, linux/amd64, created at {@link LayerSpec#DEFAULT_MTIME}. */
    public static ImageConfig defaults() {
        return new ImageConfig(List.of(DEFAULT_PATH), List.of(), List.of(), "", "", LayerSpec.DEFAULT_MTIME,
                "linux", "amd64");
    }

    public ImageConfig withEnv(String... env) {
        return new ImageConfig(List.of(env), entrypoint, cmd, workingDir, user, created, os, arch);
    }

    public ImageConfig withEntrypoint(String... entrypoint) {
        return new ImageConfig(env, List.of(entrypoint), cmd, workingDir, user, created, os, arch);
    }

    public ImageConfig withCmd(String... cmd) {
        return new ImageConfig(env, entrypoint, List.of(cmd), workingDir, user, created, os, arch);
    }

    public ImageConfig withWorkingDir(String workingDir) {
        return new ImageConfig(env, entrypoint, cmd, workingDir, user, created, os, arch);
    }

    public ImageConfig withUser(String user) {
        return new ImageConfig(env, entrypoint, cmd, workingDir, user, created, os, arch);
    }
}

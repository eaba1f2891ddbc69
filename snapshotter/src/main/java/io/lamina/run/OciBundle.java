package io.lamina.run;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * The OCI runtime bundle's {@code config.json} of one container: the image's process (args, env,
 * cwd, user) in new pid, mount, ipc, uts and network namespaces (the network namespace has only
 * {@code lo}), with {@code /proc}, a tmpfs {@code /dev} (the runtime adds the standard devices),
 * {@code /dev/pts}, {@code /dev/shm}, {@code /dev/mqueue} and a read-only {@code /sys}; docker's
 * default capabilities for root, none effective for another user; the usual masked and read-only
 * paths of {@code /proc}.
 */
final class OciBundle {
    private static final ObjectMapper JSON = new ObjectMapper().enable(SerializationFeature.INDENT_OUTPUT);
    private static final String DEFAULT_PATH = "PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";
    /** docker's default set. */
    private static final List<String> CAPS = List.of("CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_FSETID", "CAP_FOWNER",
            "CAP_MKNOD", "CAP_NET_RAW", "CAP_SETGID", "CAP_SETUID", "CAP_SETFCAP", "CAP_SETPCAP",
            "CAP_NET_BIND_SERVICE", "CAP_SYS_CHROOT", "CAP_KILL", "CAP_AUDIT_WRITE");
    private static final List<String> MASKED = List.of("/proc/acpi", "/proc/asound", "/proc/kcore", "/proc/keys",
            "/proc/latency_stats", "/proc/timer_list", "/proc/timer_stats", "/proc/sched_debug", "/proc/scsi",
            "/sys/firmware", "/sys/devices/virtual/powercap");
    private static final List<String> READONLY = List.of("/proc/bus", "/proc/fs", "/proc/irq", "/proc/sys",
            "/proc/sysrq-trigger");

    /** What the process of the container is. */
    record Process(List<String> args, List<String> env, String cwd, ImageUser user, boolean terminal) {
    }

    private OciBundle() {
    }

    /** The process of {@code config} with arguments {@code args}, as {@code user}, named {@code hostname}. */
    static Process process(ImageConfig config, List<String> args, ImageUser user, String hostname, boolean terminal) {
        List<String> env = new ArrayList<>(config.env());
        if (env.stream().noneMatch(e -> e.startsWith("PATH="))) env.addFirst(DEFAULT_PATH);
        env.add("HOSTNAME=" + hostname);
        if (env.stream().noneMatch(e -> e.startsWith("HOME="))) env.add("HOME=" + user.home());
        if (terminal && env.stream().noneMatch(e -> e.startsWith("TERM="))) env.add("TERM=xterm");
        String cwd = config.workingDir().isEmpty() ? "/" : config.workingDir();
        if (!cwd.startsWith("/")) throw new RunException("the image's WorkingDir '" + cwd + "' is not an absolute path");
        return new Process(args, env, cwd, user, terminal);
    }

    /** Writes {@code bundle/config.json} (aside, then renamed into place) for {@code rootfs}. */
    static void write(Path bundle, Path rootfs, String hostname, Process p) {
        ObjectNode c = JSON.createObjectNode();
        c.put("ociVersion", "1.0.2");
        ObjectNode proc = c.putObject("process");
        proc.put("terminal", p.terminal());
        ObjectNode user = proc.putObject("user");
        user.put("uid", p.user().uid());
        user.put("gid", p.user().gid());
        if (!p.user().additionalGids().isEmpty()) {
            ArrayNode g = user.putArray("additionalGids");
            p.user().additionalGids().forEach(g::add);
        }
        strings(proc.putArray("args"), p.args());
        strings(proc.putArray("env"), p.env());
        proc.put("cwd", p.cwd());
        ObjectNode caps = proc.putObject("capabilities");
        List<String> granted = p.user().uid() == 0 ? CAPS : List.of();
        strings(caps.putArray("bounding"), CAPS);
        strings(caps.putArray("effective"), granted);
        strings(caps.putArray("permitted"), granted);
        proc.put("noNewPrivileges", true);

        ObjectNode root = c.putObject("root");
        root.put("path", rootfs.toAbsolutePath().toString());
        root.put("readonly", false);
        c.put("hostname", hostname);

        ArrayNode mounts = c.putArray("mounts");
        mount(mounts, "/proc", "proc", "proc", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/dev", "tmpfs", "tmpfs", List.of("nosuid", "strictatime", "mode=755", "size=65536k"));
        mount(mounts, "/dev/pts", "devpts", "devpts",
                List.of("nosuid", "noexec", "newinstance", "ptmxmode=0666", "mode=0620"));
        mount(mounts, "/dev/shm", "tmpfs", "shm", List.of("nosuid", "noexec", "nodev", "mode=1777", "size=65536k"));
        mount(mounts, "/dev/mqueue", "mqueue", "mqueue", List.of("nosuid", "noexec", "nodev"));
        mount(mounts, "/sys", "sysfs", "sysfs", List.of("nosuid", "noexec", "nodev", "ro"));

        ObjectNode linux = c.putObject("linux");
        ArrayNode ns = linux.putArray("namespaces");
        for (String t : List.of("pid", "network", "ipc", "uts", "mount")) ns.addObject().put("type", t);
        ObjectNode deny = linux.putObject("resources").putArray("devices").addObject();
        deny.put("allow", false);
        deny.put("access", "rwm");
        strings(linux.putArray("maskedPaths"), MASKED);
        strings(linux.putArray("readonlyPaths"), READONLY);

        Path file = bundle.resolve("config.json");
        Path tmp = bundle.resolve("config.json.tmp");
        try {
            JSON.writeValue(tmp.toFile(), c);
            Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static void mount(ArrayNode mounts, String dest, String type, String source, List<String> options) {
        ObjectNode m = mounts.addObject();
        m.put("destination", dest);
        m.put("type", type);
        m.put("source", source);
        strings(m.putArray("options"), options);
    }

    private static void strings(ArrayNode a, List<String> values) {
        values.forEach(a::add);
    }
}

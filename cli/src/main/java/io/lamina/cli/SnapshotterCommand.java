package io.lamina.cli;

import io.lamina.fuse.Transports;
import io.lamina.snapshotter.SnapshotterServer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.concurrent.Callable;

/** {@code lamina snapshotter}: serves containerd's snapshots API until stopped. */
@Command(name = "snapshotter", mixinStandardHelpOptions = true,
        description = {"Serves containerd's snapshots API (a proxy snapshotter) on a unix socket until SIGTERM/SIGINT.",
                "Snapshots live under --root (snapshots/ID and meta/snapshots.cm); their mounts are lamina FUSE",
                "mounts served by this process and go away with it."},
        footer = {"", "containerd config.toml:",
                "  [proxy_plugins.lamina]",
                "    type = \"snapshot\"",
                "    address = \"/run/lamina/snapshotter.sock\"",
                "", "Example:",
                "  lamina snapshotter --root /var/lib/lamina --address /run/lamina/snapshotter.sock --metrics-address 127.0.0.1:9464"})
final class SnapshotterCommand implements Callable<Integer> {
    @Spec
    CommandSpec spec;

    @ParentCommand
    Lamina lamina;

    @Option(names = "--address", paramLabel = "SOCKET", required = true, description = "The unix socket to serve on.")
    Path address;

    @Option(names = "--metrics-address", paramLabel = "HOST:PORT", description = "Serve Prometheus metrics at http://HOST:PORT/metrics.")
    String metricsAddress;

    @Option(names = "--transport", paramLabel = "NAME", description = "FUSE transport of the mounts: native (default) or jnr.")
    String transport;

    @Override
    public Integer call() throws Exception {
        InetSocketAddress metrics = metricsAddress == null ? null : parse(metricsAddress);
        SnapshotterServer server = SnapshotterServer.start(lamina.root(), address, metrics,
                Transports.byName(transport != null ? transport : Transports.defaultName()));
        Thread hook = new Thread(server::close, "lamina snapshotter shutdown");
        Runtime.getRuntime().addShutdownHook(hook);
        spec.commandLine().getErr().println("lamina snapshotter: serving " + server.socket()
                + (metrics != null ? ", metrics at http://" + metricsAddress + "/metrics" : ""));
        spec.commandLine().getErr().flush();
        server.awaitTermination();
        return 0;
    }

    private InetSocketAddress parse(String hostPort) {
        int colon = hostPort.lastIndexOf(':');
        if (colon <= 0) throw new picocli.CommandLine.ParameterException(spec.commandLine(),
                "--metrics-address needs HOST:PORT, got '" + hostPort + "'");
        try {
            return new InetSocketAddress(hostPort.substring(0, colon), Integer.parseInt(hostPort.substring(colon + 1)));
        } catch (NumberFormatException e) {
            throw new picocli.CommandLine.ParameterException(spec.commandLine(), "--metrics-address: bad port in '" + hostPort + "'");
        }
    }
}

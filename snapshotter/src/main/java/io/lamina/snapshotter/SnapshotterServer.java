package io.lamina.snapshotter;

import com.sun.net.httpserver.HttpServer;
import io.grpc.Server;
import io.grpc.netty.NettyServerBuilder;
import io.lamina.fuse.FuseTransport;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;

import java.io.IOException;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Clock;
import java.util.concurrent.TimeUnit;

/**
 * lamina's containerd proxy snapshotter: serves {@code containerd.services.snapshots.v1.Snapshots}
 * over gRPC on a unix socket (no TLS), with its state under a root directory, and optionally a
 * Prometheus text endpoint ({@code /metrics}) on a TCP address. Containerd finds it through
 * {@code [proxy_plugins.NAME] type = "snapshot" address = SOCKET}.
 *
 * <p>Every FUSE mount it hands out is served by this process; {@link #close} unmounts them all,
 * and so does the JVM's shutdown (SIGTERM, SIGINT). The metadata survives: a restarted snapshotter
 * over the same root knows every snapshot and mounts active ones again when asked for their mounts.
 */
public final class SnapshotterServer implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SnapshotterServer.class.getName());

    private final Snapshots snapshots;
    private final Server server;
    private final EventLoopGroup boss, workers;
    private final HttpServer metricsServer;
    private final Path socket;
    private boolean closed;

    private SnapshotterServer(Snapshots snapshots, Server server, EventLoopGroup boss, EventLoopGroup workers,
                              HttpServer metricsServer, Path socket) {
        this.snapshots = snapshots;
        this.server = server;
        this.boss = boss;
        this.workers = workers;
        this.metricsServer = metricsServer;
        this.socket = socket;
    }

    /**
     * Opens the state under {@code root} (creating it), and serves it on {@code socket} (a stale
     * socket file is replaced) and, unless null, metrics on {@code metricsAddress}. Mounts go
     * through {@code transport}.
     */
    public static SnapshotterServer start(Path root, Path socket, InetSocketAddress metricsAddress,
                                          FuseTransport transport) throws IOException {
        Files.createDirectories(root);
        Snapshots snapshots = Snapshots.open(root.toAbsolutePath(), transport, Clock.systemUTC());
        LiveMounts fuse = snapshots.liveMountFigures();
        Metrics metrics = new Metrics(snapshots::countByKind, snapshots::liveMounts,
                () -> new Metrics.FuseTotals(fuse.requestTotals(), fuse.passthroughOpens()), snapshots::storeStats);
        EventLoopGroup boss = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
        EventLoopGroup workers = new MultiThreadIoEventLoopGroup(2, EpollIoHandler.newFactory());
        Server server = null;
        HttpServer http = null;
        try {
            Path sock = socket.toAbsolutePath();
            Files.createDirectories(sock.getParent());
            removeStaleSocket(sock);
            server = NettyServerBuilder.forAddress(new DomainSocketAddress(sock.toString()))
                    .channelType(EpollServerDomainSocketChannel.class)
                    .bossEventLoopGroup(boss)
                    .workerEventLoopGroup(workers)
                    .addService(new SnapshotsService(snapshots, metrics))
                    .build()
                    .start();
            if (metricsAddress != null) http = metricsServer(metricsAddress, metrics);
            return new SnapshotterServer(snapshots, server, boss, workers, http, sock);
        } catch (IOException | RuntimeException e) {
            if (server != null) server.shutdownNow();
            boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
            snapshots.close();
            throw e;
        }
    }

    private static void removeStaleSocket(Path sock) throws IOException {
        if (!Files.exists(sock, java.nio.file.LinkOption.NOFOLLOW_LINKS)) return;
        BasicFileAttributes a = Files.readAttributes(sock, BasicFileAttributes.class, java.nio.file.LinkOption.NOFOLLOW_LINKS);
        if (!a.isOther()) throw new IOException(sock + " exists and is not a socket");
        Files.delete(sock);
    }

    private static HttpServer metricsServer(InetSocketAddress address, Metrics metrics) throws IOException {
        HttpServer http = HttpServer.create(address, 0);
        http.createContext("/metrics", ex -> {
            byte[] body = metrics.render().getBytes(StandardCharsets.UTF_8);
            ex.getResponseHeaders().set("Content-Type", "text/plain; version=0.0.4; charset=utf-8");
            ex.sendResponseHeaders(200, body.length);
            try (OutputStream o = ex.getResponseBody()) {
                o.write(body);
            }
        });
        http.start();
        return http;
    }

    /** The unix socket this server listens on. */
    public Path socket() {
        return socket;
    }

    /** The metrics endpoint's address, or null without one. */
    public InetSocketAddress metricsAddress() {
        return metricsServer == null ? null : metricsServer.getAddress();
    }

    /** Blocks until the server is shut down. */
    public void awaitTermination() throws InterruptedException {
        server.awaitTermination();
    }

    /** Stops serving, unmounts every snapshot mount and closes the metadata. Idempotent. */
    @Override
    public synchronized void close() {
        if (closed) return;
        closed = true;
        if (metricsServer != null) metricsServer.stop(0);
        server.shutdown();
        try {
            if (!server.awaitTermination(5, TimeUnit.SECONDS)) server.shutdownNow();
        } catch (InterruptedException e) {
            server.shutdownNow();
            Thread.currentThread().interrupt();
        }
        boss.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        workers.shutdownGracefully(0, 1, TimeUnit.SECONDS);
        snapshots.close();
        try {
            Files.deleteIfExists(socket);
        } catch (IOException e) {
            LOG.log(System.Logger.Level.WARNING, "cannot remove " + socket + ": " + e.getMessage());
        }
    }
}

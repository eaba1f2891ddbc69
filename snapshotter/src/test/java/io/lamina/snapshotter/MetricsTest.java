package io.lamina.snapshotter;

import org.junit.jupiter.api.Test;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;

class MetricsTest {
    @Test
    void rendersCountsHistogramsAndGauges() {
        Metrics m = new Metrics(() -> Map.of(Kind.ACTIVE, 2L), () -> 1,
                () -> new Metrics.FuseTotals(Map.of("READ", 7L), 3));
        m.observe("prepare", 2_000_000, true);
        m.observe("prepare", 20_000_000_000L, false);
        String text = m.render();
        assertThat(text).contains("lamina_snapshotter_requests_total{op=\"prepare\",result=\"ok\"} 1")
                .contains("lamina_snapshotter_requests_total{op=\"prepare\",result=\"error\"} 1")
                .contains("lamina_snapshotter_request_seconds_bucket{op=\"prepare\",le=\"0.005\"} 1")
                .contains("lamina_snapshotter_request_seconds_bucket{op=\"prepare\",le=\"+Inf\"} 2")
                .contains("lamina_snapshotter_request_seconds_count{op=\"prepare\"} 2")
                .contains("lamina_snapshots{kind=\"active\"} 2")
                .contains("lamina_snapshot_mounts 1")
                .contains("lamina_fuse_requests_total{opcode=\"READ\"} 7")
                .contains("lamina_fuse_passthrough_opens_total 3");
    }

    @Test
    void theServerAnswersOnItsMetricsAddress() throws Exception {
        try (Harness h = new Harness()) {
            h.client().prepare("a", "");
            h.client().commit("c", "a");
            h.restartWithMetrics();
            h.client().stat("c");
            Path p = h.mount(h.client().prepare("child", "c"), "child");
            Files.writeString(p.resolve("f"), "x");
            assertThat(Files.readString(p.resolve("f"))).isEqualTo("x");
            h.unmount(p);
            var addr = h.metricsAddress();
            HttpResponse<String> r = HttpClient.newHttpClient().send(HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + addr.getPort() + "/metrics")).build(), HttpResponse.BodyHandlers.ofString());
            assertThat(r.statusCode()).isEqualTo(200);
            assertThat(r.body()).contains("lamina_snapshotter_requests_total{op=\"stat\",result=\"ok\"} 1")
                    .contains("lamina_snapshots{kind=\"active\"} 1")
                    .contains("lamina_snapshots{kind=\"committed\"} 1")
                    .contains("lamina_snapshot_mounts 1")
                    .contains("lamina_fuse_requests_total{opcode=\"CREATE\"} 1");
        }
    }
}

package io.lamina.store;

import io.lamina.fs.LowerLayer;
import io.lamina.testdata.Examples;
import io.lamina.testdata.LayerSpec;
import org.junit.jupiter.api.Test;

import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;

/** A chain index built by one process is opened, not rebuilt, by another, which sees the same inodes. */
class CrossProcessChainTest {

    @Test
    void anotherJvmSharesTheChainIndex() throws Exception {
        Path root = StoreTesting.tempDir("xproc-");
        try (Store store = Store.open(root)) {
            List<String> ids = new ArrayList<>();
            for (LayerSpec l : Examples.demoStack().layers()) {
                ids.add(StoreTesting.importBytes(store, StoreTesting.tar(l)).diffId());
            }
            try (LowerLayer chain = store.openChain(ids)) {
                var st = chain.probe("etc/issue").stat();
                Path file = store.chainIndexPath(Store.chainId(ids));
                Object key = Files.readAttributes(file, BasicFileAttributes.class).fileKey();

                List<String> cmd = new ArrayList<>(List.of(
                        Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xmx128m"));
                for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
                    if (a.startsWith("--add-") || a.startsWith("--enable-native-access")
                            || a.startsWith("--sun-misc") || a.startsWith("-Dchronicle")) {
                        cmd.add(a);
                    }
                }
                cmd.addAll(List.of("-cp", System.getProperty("surefire.test.class.path",
                        System.getProperty("java.class.path")), ChainProbeMain.class.getName(), root.toString(),
                        "etc/issue"));
                cmd.addAll(ids);
                Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
                String out;
                try {
                    out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
                    assertThat(p.waitFor(5, TimeUnit.MINUTES)).isTrue();
                } finally {
                    p.destroyForcibly();
                }
                assertThat(p.exitValue()).as(out).isZero();
                assertThat(out).contains("ino=" + st.ino() + " dev=" + st.dev() + " names=" + chain.list("").size());
                assertThat(Files.readAttributes(file, BasicFileAttributes.class).fileKey()).isEqualTo(key);
            }
        } finally {
            Store.deleteTree(root);
        }
    }
}

package io.lamina.cli;

import io.lamina.fuse.MountRequest;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.nio.file.Path;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** Parsing of {@code lamina mount}: both forms, the daemon's own arguments, usage errors. */
class MountArgsTest {
    private static MountRequest parse(String... args) {
        CommandLine cl = Lamina.commandLine();
        CommandLine.ParseResult pr = cl.parseArgs(args);
        MountCommand m = pr.subcommand().commandSpec().commandLine().getCommand();
        return m.request();
    }

    @Test
    void overlayStyleOptionsListLowersTopFirst() {
        MountRequest r = parse("mount", "-o", "rw,lowerdir=/l1:/l2:/l3,upperdir=/u,workdir=/w,volatile,nosuid,nodev,lazytime,fsname=img",
                "--transport", "jnr", "/mnt/x");
        assertThat(r.lowers()).containsExactly(Path.of("/l1"), Path.of("/l2"), Path.of("/l3"));
        assertThat(r.upper()).isEqualTo(Path.of("/u"));
        assertThat(r.work()).isEqualTo(Path.of("/w"));
        assertThat(r.workDefaulted()).isFalse();
        assertThat(r.volatileUpper()).isTrue();
        assertThat(r.readOnly()).isFalse();
        assertThat(r.fsName()).isEqualTo("img");
        assertThat(r.mountpoint()).isEqualTo(Path.of("/mnt/x"));
    }

    @Test
    void backslashEscapesColonsAndCommas() {
        MountRequest r = parse("mount", "-o", "lowerdir=/a\\:b:/c\\,d,upperdir=/u\\,1,workdir=/w", "/m");
        assertThat(r.lowers()).containsExactly(Path.of("/a:b"), Path.of("/c,d"));
        assertThat(r.upper()).isEqualTo(Path.of("/u,1"));
    }

    @Test
    void flagFormWithTmpfsUpper() {
        MountRequest r = parse("mount", "--lower", "/l1", "--lower", "/l2", "--upper", "tmpfs:size=512m", "--volatile", "/m");
        assertThat(r.lowers()).containsExactly(Path.of("/l1"), Path.of("/l2"));
        assertThat(r.usesTmpfs()).isTrue();
        assertThat(r.tmpfsBytes()).isEqualTo(512L << 20);
        assertThat(r.volatileUpper()).isTrue();
    }

    @Test
    void flagFormUpperDirGetsAWorkDirBesideIt() {
        MountRequest r = parse("mount", "--lower", "/l", "--upper", "/data/u", "/m");
        assertThat(r.work()).isEqualTo(Path.of("/data/u.work"));
        assertThat(r.workDefaulted()).isTrue();
    }

    @Test
    void theDaemonsArgumentsGiveTheSameRequestBack() {
        for (MountRequest r : List.of(
                parse("mount", "-o", "lowerdir=/l1:/l2,upperdir=/u,workdir=/w,ro,fsname=x", "--transport", "jnr", "/m"),
                parse("mount", "--lower", "/l", "--upper", "tmpfs:size=3g", "--volatile", "/m m"),
                parse("--root", "/store", "mount", "--image", "lamina/demo:latest", "--upper", "/u", "/m"))) {
            MountRequest again = parse(r.foregroundArgs().toArray(String[]::new));
            assertThat(again).isEqualTo(new MountRequest(r.lowers(), r.upper(), r.work(), false, r.tmpfsBytes(),
                    r.volatileUpper(), r.readOnly(), r.fsName(), r.transport(), r.mountpoint(), r.image(), r.storeRoot()));
            assertThat(r.foregroundArgs()).contains("--foreground");
        }
    }

    @Test
    void unparsableTmpfsSizeIsOneLineAndUsage() {
        Cli.Result res = Cli.run("mount", "--lower", "/l", "--upper", "tmpfs:size=12q", "/m");
        assertThat(res.exitCode()).isEqualTo(2);
        assertThat(res.errLines()).containsExactly("lamina mount: tmpfs size '12q' is not a size (examples: 512m, 2g, 1048576)");
    }

    @Test
    void unknownOptionIsOneLineAndUsage() {
        Cli.Result res = Cli.run("mount", "-o", "lowerdir=/l,upperdir=/u,workdir=/w,bogus=1", "/m");
        assertThat(res.exitCode()).isEqualTo(2);
        assertThat(res.errLines()).containsExactly("lamina mount: unknown mount option 'bogus=1'");
    }

    @Test
    void missingLayersAreUsageErrors() {
        assertThat(Cli.run("mount", "/m").errLines())
                .containsExactly("lamina mount: no lower layer: give --image NAME, -o lowerdir=DIR[:DIR...] or --lower DIR");
        assertThat(Cli.run("mount", "--lower", "/l", "/m").errLines())
                .containsExactly("lamina mount: no upper layer: give -o upperdir=DIR,workdir=DIR or --upper DIR|tmpfs:size=SIZE");
        Cli.Result noMp = Cli.run("mount", "--lower", "/l");
        assertThat(noMp.exitCode()).isEqualTo(2);
        assertThat(noMp.errLines()).hasSize(1);
        assertThat(noMp.errLines().getFirst()).startsWith("lamina mount: Missing required parameter");
    }

    @Test
    void unknownTransportNamesTheChoices() {
        Cli.Result res = Cli.run("mount", "--transport", "carrier-pigeon", "--lower", "/", "--upper", "tmpfs:size=1m", "/nonexistent-mp");
        assertThat(res.errLines()).hasSize(1);
        assertThat(res.exitCode()).isNotZero();
    }

    @Test
    void mountHelperFormTakesTheSourceAsName() {
        Cli.Result res = Cli.run("mount.fuse.lamina", "mysrc", "/m", "-o", "rw,nosuid,nodev,lowerdir=/l,upperdir=/u,workdir=/w",
                "-t", "fuse.lamina", "-f", "-n");
        assertThat(res.err()).isEmpty();
        assertThat(res.exitCode()).isZero();
    }
}

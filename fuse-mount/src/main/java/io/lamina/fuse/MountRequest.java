package io.lamina.fuse;

import io.lamina.fs.LowerLayer;
import io.lamina.fs.UnionSpec;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;

/**
 * One {@code lamina mount}: what to stack, where, and through which transport. Paths are absolute
 * and normalized. The upper is a directory with its work directory ({@code workDefaulted} when
 * lamina chose the work directory itself and may create it) or, when {@code upper} is null, a
 * private tmpfs of {@code tmpfsBytes}. Built with {@link #builder()}, which accepts both the
 * overlay-style {@code -o lowerdir=…,upperdir=…,workdir=…} options (top layer first, as
 * fuse-overlayfs and mount(8) pass them) and the explicit {@code --lower/--upper} form. Instead of
 * lower directories, the lowers can be the image {@code image} of the store under {@code storeRoot}.
 */
public record MountRequest(List<Path> lowers, Path upper, Path work, boolean workDefaulted, long tmpfsBytes,
                           boolean volatileUpper, boolean readOnly, String fsName, String transport,
                           Path mountpoint, String image, Path storeRoot) {

    public MountRequest {
        lowers = List.copyOf(lowers);
    }

    public static Builder builder() {
        return new Builder();
    }

    public boolean usesTmpfs() {
        return upper == null;
    }

    /** Whether the lowers are a stored image rather than directories. */
    public boolean mountsImage() {
        return image != null;
    }

    /** What the engine needs to know, for lower directories. */
    public UnionSpec spec() {
        return new UnionSpec(lowers, upper, work, tmpfsBytes, volatileUpper);
    }

    /** What the engine needs to know, for lowers opened elsewhere (a stored image's chain). */
    UnionSpec spec(List<LowerLayer> layersTopFirst) {
        UnionSpec s = usesTmpfs() ? UnionSpec.ofLayersTmpfs(layersTopFirst, tmpfsBytes)
                : UnionSpec.ofLayers(layersTopFirst, upper, work);
        return volatileUpper ? s.asVolatile() : s;
    }

    /** What the transport needs to know. */
    public MountOptions mountOptions() {
        MountOptions d = MountOptions.defaults();
        return new MountOptions(fsName, readOnly, d.workers(), d.passthrough());
    }

    /**
     * The arguments of {@code lamina} that make this same mount in the foreground (the daemon's
     * command line). They use the {@code lamina mount} options; the cli tests check that parsing
     * them gives this request back.
     */
    public List<String> foregroundArgs() {
        List<String> a = new ArrayList<>(List.of("mount", "--foreground", "--transport", transport, "--fsname", fsName));
        if (readOnly) a.add("--read-only");
        if (mountsImage()) a.addAll(List.of("--root", storeRoot.toString(), "--image", image));
        if (volatileUpper) a.add("--volatile");
        for (Path l : lowers) {
            a.add("--lower");
            a.add(l.toString());
        }
        a.add("--upper");
        a.add(usesTmpfs() ? "tmpfs:size=" + tmpfsBytes : upper.toString());
        if (!usesTmpfs()) {
            a.add("--work");
            a.add(work.toString());
        }
        a.add(mountpoint.toString());
        return a;
    }

    /** Collects a request from command-line pieces; {@link #build} checks that they fit together. */
    public static final class Builder {
        /** Options mount(8), fuse-overlayfs users or fstab pass that change nothing here. */
        private static final Set<String> IGNORED = Set.of("rw", "dev", "nodev", "suid", "nosuid", "exec", "noexec",
                "lazytime", "nolazytime", "relatime", "norelatime", "noatime", "atime", "strictatime",
                "nostrictatime", "diratime", "nodiratime", "sync", "async", "auto", "noauto", "user", "nouser",
                "users", "owner", "group", "defaults", "_netdev", "nofail", "silent", "loud", "iversion",
                "noiversion", "mand", "nomand", "dirsync", "allow_other", "allow_root", "default_permissions",
                "userxattr", "nonempty", "auto_unmount", "suppress_mount_warnings");
        private static final Set<String> IGNORED_WITH_VALUE = Set.of("subtype", "redirect_dir", "index", "metacopy",
                "xino", "nfs_export", "uuid", "context", "fscontext", "defcontext", "rootcontext", "comment",
                "max_read", "blksize", "uid", "gid");

        private final List<Path> optionLowers = new ArrayList<>();
        private final List<Path> flagLowers = new ArrayList<>();
        private Path upper, work;
        private long tmpfsBytes;
        private boolean volatileUpper, readOnly;
        private String fsName = "lamina", transport;
        private Path mountpoint;
        private String image;
        private Path storeRoot;

        private Builder() {
        }

        /** One {@code -o} argument: comma-separated options, a backslash escapes a comma or colon. */
        public Builder options(String list) {
            for (String opt : split(list, ',', false)) {
                if (opt.isEmpty()) continue;
                int eq = opt.indexOf('=');
                String key = eq < 0 ? opt : opt.substring(0, eq);
                String value = eq < 0 ? null : opt.substring(eq + 1);
                if (!key.equals("lowerdir") && value != null) value = unescape(value);
                switch (key) {
                    case "lowerdir" -> {
                        for (String l : split(need(key, value), ':', true)) {
                            if (!l.isEmpty()) optionLowers.add(path(l));
                        }
                    }
                    case "upperdir" -> upper = path(need(key, value));
                    case "workdir" -> work = path(need(key, value));
                    case "volatile" -> volatileUpper = true;
                    case "ro" -> readOnly = true;
                    case "rw" -> readOnly = false;
                    case "fsname" -> fsName = need(key, value);
                    default -> {
                        boolean known = key.startsWith("x-")
                                || (value == null ? IGNORED.contains(key) : IGNORED_WITH_VALUE.contains(key));
                        if (!known) throw MountException.usage("unknown mount option '" + opt + "'");
                    }
                }
            }
            return this;
        }

        public Builder lower(Path dir) {
            flagLowers.add(path(dir.toString()));
            return this;
        }

        /** {@code --upper DIR} or {@code --upper tmpfs:size=SIZE}. */
        public Builder upper(String spec) {
            if (spec.startsWith("tmpfs:")) {
                String rest = spec.substring("tmpfs:".length());
                if (!rest.startsWith("size=")) throw MountException.usage("tmpfs upper needs a size: tmpfs:size=SIZE (e.g. tmpfs:size=512m)");
                tmpfsBytes = Sizes.parse(rest.substring("size=".length()));
                upper = null;
            } else {
                upper = path(spec);
            }
            return this;
        }

        public Builder work(Path dir) {
            work = path(dir.toString());
            return this;
        }

        public Builder volatileUpper(boolean v) {
            volatileUpper |= v;
            return this;
        }

        public Builder readOnly(boolean ro) {
            readOnly |= ro;
            return this;
        }

        public Builder fsName(String name) {
            if (name != null) fsName = name;
            return this;
        }

        public Builder transport(String name) {
            if (name != null) transport = name;
            return this;
        }

        /** The lowers are the image {@code name} of the store under {@code root}. */
        public Builder image(String name, Path root) {
            image = name;
            storeRoot = root == null ? null : path(root.toString());
            return this;
        }

        public Builder mountpoint(Path mp) {
            mountpoint = path(mp.toString());
            return this;
        }

        public MountRequest build() {
            if (mountpoint == null) throw MountException.usage("no mount point given");
            if (!optionLowers.isEmpty() && !flagLowers.isEmpty()) {
                throw MountException.usage("lower layers given twice: use either -o lowerdir= or --lower");
            }
            List<Path> lowers = optionLowers.isEmpty() ? flagLowers : optionLowers;
            if (image != null && !lowers.isEmpty()) throw MountException.usage("lower layers given twice: use either --image or lower directories");
            if (image == null && lowers.isEmpty()) {
                throw MountException.usage("no lower layer: give --image NAME, -o lowerdir=DIR[:DIR...] or --lower DIR");
            }
            if (upper == null && tmpfsBytes == 0) {
                throw MountException.usage("no upper layer: give -o upperdir=DIR,workdir=DIR or --upper DIR|tmpfs:size=SIZE");
            }
            if (upper == null && work != null) throw MountException.usage("a tmpfs upper takes no work directory");
            boolean defaulted = false;
            Path w = work;
            if (upper != null && w == null) {
                // The work dir sits beside the upper so that both are on one filesystem.
                w = upper.resolveSibling(upper.getFileName() + ".work");
                defaulted = true;
            }
            String t = transport != null ? transport : Transports.defaultName();
            return new MountRequest(lowers, upper, w, defaulted, upper == null ? tmpfsBytes : 0, volatileUpper,
                    readOnly, fsName, t, mountpoint, image, storeRoot);
        }

        private static String need(String key, String value) {
            if (value == null || value.isEmpty()) throw MountException.usage("mount option " + key + "= needs a value");
            return value;
        }

        private static Path path(String p) {
            return Path.of(p).toAbsolutePath().normalize();
        }

        /**
         * Splits on {@code sep}; a backslash makes the next character literal, and is dropped
         * when {@code unescape} (kept for a later split of the part otherwise).
         */
        static List<String> split(String s, char sep, boolean unescape) {
            List<String> parts = new ArrayList<>();
            StringBuilder cur = new StringBuilder();
            for (int i = 0; i < s.length(); i++) {
                char c = s.charAt(i);
                if (c == '\\' && i + 1 < s.length()) {
                    if (!unescape) cur.append(c);
                    cur.append(s.charAt(++i));
                } else if (c == sep) {
                    parts.add(cur.toString());
                    cur.setLength(0);
                } else {
                    cur.append(c);
                }
            }
            parts.add(cur.toString());
            return parts;
        }

        private static String unescape(String s) {
            return String.join("", split(s, '\0', true));
        }
    }
}

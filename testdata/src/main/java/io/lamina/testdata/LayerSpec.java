package io.lamina.testdata;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * An immutable model of one image layer: a sorted list of {@link Entry entries}, whiteouts and
 * opaque directories included. Writers turn it into an OCI layer tar ({@link LayerTar}), a
 * directory in the overlayfs format ({@link OverlayDirs}) or part of an image ({@link OciImages}).
 *
 * <p>Built with {@link #builder()}: each {@code file/dir/symlink/...} call adds an entry, and the
 * modifiers {@link Builder#mode}, {@link Builder#owner}, {@link Builder#mtime},
 * {@link Builder#xattr} change the entry added last:
 *
 * <pre>{@code
 * LayerSpec layer = LayerSpec.builder()
 *     .file("bin/tool", Content.seeded(1, 4096)).mode(04755).owner(0, 0)
 *     .symlink("bin/t", "tool")
 *     .whiteout("etc/motd")
 *     .opaqueDir("var/cache")
 *     .build();
 * }</pre>
 *
 * <p>Missing parent directories are added (mode 0755, root, the default mtime). Entries are sorted
 * by path, component by component, comparing UTF-8 bytes, so a parent always precedes its children.
 */
public final class LayerSpec {

    /** The mtime of entries that set none: 2024-01-01T00:00:00Z. */
    public static final Instant DEFAULT_MTIME = Instant.parse("2024-01-01T00:00:00Z");

    /** Sorts paths component by component, by unsigned UTF-8 bytes (parents before children). */
    static final Comparator<String> PATH_ORDER = (a, b) -> {
        String[] x = a.split("/");
        String[] y = b.split("/");
        for (int i = 0; i < Math.min(x.length, y.length); i++) {
            int c = Arrays.compareUnsigned(
                    x[i].getBytes(StandardCharsets.UTF_8), y[i].getBytes(StandardCharsets.UTF_8));
            if (c != 0) {
                return c;
            }
        }
        return Integer.compare(x.length, y.length);
    };

    private final List<Entry> entries;
    private final String createdBy;

    private LayerSpec(List<Entry> entries, String createdBy) {
        this.entries = List.copyOf(entries);
        this.createdBy = createdBy;
    }

    /** A new, empty builder. */
    public static Builder builder() {
        return new Builder();
    }

    /** All entries, sorted by {@link #PATH_ORDER}. */
    public List<Entry> entries() {
        return entries;
    }

    /** The entry at {@code path}, if any. */
    public Optional<Entry> entry(String path) {
        return entries.stream().filter(e -> e.path().equals(path)).findFirst();
    }

    /** The history line of this layer in an image config ({@code created_by}). */
    public String createdBy() {
        return createdBy;
    }

    @Override
    public String toString() {
        return "LayerSpec[" + entries.size() + " entries, " + createdBy + "]";
    }

    /** Builds a {@link LayerSpec}; not thread-safe. */
    public static final class Builder {
        private final Map<String, Draft> drafts = new LinkedHashMap<>();
        private Instant defaultMtime = DEFAULT_MTIME;
        private String createdBy = "lamina testdata layer";
        private Draft last;

        private Builder() {}

        /** The history line of the layer. */
        public Builder createdBy(String text) {
            this.createdBy = text;
            return this;
        }

        /** The mtime of entries added from now on that set none of their own. */
        public Builder defaultMtime(Instant mtime) {
            this.defaultMtime = mtime;
            return this;
        }

        /** A directory, mode 0755. */
        public Builder dir(String path) {
            return add(path, EntryType.DIRECTORY, 0755);
        }

        /** A directory, mode 0755, that hides all lower contents of the same path. */
        public Builder opaqueDir(String path) {
            add(path, EntryType.DIRECTORY, 0755);
            last.opaque = true;
            return this;
        }

        /** A regular file, mode 0644. */
        public Builder file(String path, Content content) {
            add(path, EntryType.FILE, 0644);
            last.content = content;
            return this;
        }

        /** A regular file holding the UTF-8 bytes of {@code text}, mode 0644. */
        public Builder text(String path, String text) {
            return file(path, Content.text(text));
        }

        /** A symbolic link to {@code target}, stored verbatim. */
        public Builder symlink(String path, String target) {
            add(path, EntryType.SYMLINK, 0777);
            last.linkTarget = requireTarget(target);
            return this;
        }

        /**
         * A hard link to {@code target}, a non-directory entry of this layer. The link shares the
         * target's metadata; modifiers applied to it are ignored.
         */
        public Builder hardlink(String path, String target) {
            add(path, EntryType.HARDLINK, 0644);
            last.linkTarget = checkPath(target);
            return this;
        }

        /** A named pipe, mode 0644. */
        public Builder fifo(String path) {
            return add(path, EntryType.FIFO, 0644);
        }

        /** A character device, mode 0666. */
        public Builder charDevice(String path, int major, int minor) {
            add(path, EntryType.CHAR_DEVICE, 0666);
            last.devMajor = major;
            last.devMinor = minor;
            return this;
        }

        /** A block device, mode 0660. */
        public Builder blockDevice(String path, int major, int minor) {
            add(path, EntryType.BLOCK_DEVICE, 0660);
            last.devMajor = major;
            last.devMinor = minor;
            return this;
        }

        /** Deletes {@code path} of the lower layers. */
        public Builder whiteout(String path) {
            return add(path, EntryType.WHITEOUT, 0);
        }

        /** Sets the permission and special bits ({@code 07777}) of the last entry. */
        public Builder mode(int mode) {
            if ((mode & ~07777) != 0) {
                throw new IllegalArgumentException("mode has bits outside 07777: " + Integer.toOctalString(mode));
            }
            requireLast().mode = mode;
            return this;
        }

        /** Sets the owner of the last entry. */
        public Builder owner(int uid, int gid) {
            if (uid < 0 || gid < 0) {
                throw new IllegalArgumentException("negative owner " + uid + ":" + gid);
            }
            Draft d = requireLast();
            d.uid = uid;
            d.gid = gid;
            return this;
        }

        /** Sets the mtime (nanoseconds kept) of the last entry. */
        public Builder mtime(Instant mtime) {
            requireLast().mtime = mtime;
            return this;
        }

        /** Adds an extended attribute to the last entry. */
        public Builder xattr(String name, byte[] value) {
            if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0 || name.indexOf('.') <= 0) {
                throw new IllegalArgumentException("bad xattr name: " + name);
            }
            requireLast().xattrs.put(name, value.clone());
            return this;
        }

        /** Adds an extended attribute with a UTF-8 text value to the last entry. */
        public Builder xattr(String name, String value) {
            return xattr(name, value.getBytes(StandardCharsets.UTF_8));
        }

        /**
         * The layer.
         *
         * @throws IllegalArgumentException if a parent is not a directory, a whiteout has children,
         *     or a hardlink's target is missing or is a directory, a whiteout or another hardlink
         */
        public LayerSpec build() {
            Map<String, Draft> all = new TreeMap<>(PATH_ORDER);
            all.putAll(drafts);
            for (String path : List.copyOf(all.keySet())) {
                for (String p = parentOf(path); !p.isEmpty(); p = parentOf(p)) {
                    Draft parent = all.get(p);
                    if (parent == null) {
                        all.put(p, new Draft(p, EntryType.DIRECTORY, 0755, defaultMtime));
                    } else if (parent.type != EntryType.DIRECTORY) {
                        throw new IllegalArgumentException(path + ": parent " + p + " is a " + parent.type);
                    }
                }
            }
            List<Entry> out = new ArrayList<>();
            for (Draft d : all.values()) {
                if (d.type == EntryType.HARDLINK) {
                    Draft t = all.get(d.linkTarget);
                    if (t == null || t.type == EntryType.DIRECTORY || t.type == EntryType.WHITEOUT
                            || t.type == EntryType.HARDLINK) {
                        throw new IllegalArgumentException(d.path + ": hardlink target " + d.linkTarget
                                + (t == null ? " is not in this layer" : " is a " + t.type));
                    }
                    out.add(new Entry(d.path, d.type, t.mode, t.uid, t.gid, t.mtime, Content.empty(), d.linkTarget,
                            0, 0, t.xattrs, false));
                } else {
                    out.add(d.toEntry());
                }
            }
            return new LayerSpec(out, createdBy);
        }

        private Builder add(String path, EntryType type, int mode) {
            checkPath(path);
            if (drafts.containsKey(path)) {
                throw new IllegalArgumentException("duplicate entry " + path);
            }
            last = new Draft(path, type, mode, defaultMtime);
            drafts.put(path, last);
            return this;
        }

        private Draft requireLast() {
            if (last == null) {
                throw new IllegalStateException("no entry to modify yet");
            }
            if (last.type == EntryType.WHITEOUT) {
                throw new IllegalStateException(last.path + ": a whiteout has no metadata of its own");
            }
            return last;
        }

        private static String requireTarget(String target) {
            if (target.isEmpty() || target.indexOf('\0') >= 0) {
                throw new IllegalArgumentException("bad symlink target: '" + target + "'");
            }
            return target;
        }

        private static String checkPath(String path) {
            if (path.isEmpty() || path.startsWith("/") || path.endsWith("/")) {
                throw new IllegalArgumentException("path must be relative, without a trailing slash: '" + path + "'");
            }
            for (String c : path.split("/", -1)) {
                if (c.isEmpty() || c.equals(".") || c.equals("..") || c.indexOf('\0') >= 0) {
                    throw new IllegalArgumentException("bad path component '" + c + "' in " + path);
                }
                if (c.startsWith(".wh.")) {
                    throw new IllegalArgumentException(path + ": names starting with .wh. are reserved for whiteouts");
                }
                if (c.getBytes(StandardCharsets.UTF_8).length > 255) {
                    throw new IllegalArgumentException(path + ": a component is longer than 255 bytes");
                }
            }
            return path;
        }

        private static String parentOf(String path) {
            int slash = path.lastIndexOf('/');
            return slash < 0 ? "" : path.substring(0, slash);
        }
    }

    /** The mutable form of an entry while it is being built. */
    private static final class Draft {
        final String path;
        final EntryType type;
        int mode;
        int uid;
        int gid;
        Instant mtime;
        Content content = Content.empty();
        String linkTarget;
        int devMajor;
        int devMinor;
        final SortedMap<String, byte[]> xattrs = new TreeMap<>();
        boolean opaque;

        Draft(String path, EntryType type, int mode, Instant mtime) {
            this.path = path;
            this.type = type;
            this.mode = mode;
            this.mtime = mtime;
        }

        Entry toEntry() {
            return new Entry(path, type, mode, uid, gid, mtime, content, linkTarget, devMajor, devMinor, xattrs, opaque);
        }
    }
}

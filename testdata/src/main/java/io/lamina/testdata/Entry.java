package io.lamina.testdata;

import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Collections;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * One entry of a {@link LayerSpec}: a path relative to the layer root ({@code "etc/passwd"}: no
 * leading slash, no {@code .} or {@code ..} components) and its metadata.
 *
 * @param path       relative path, components separated by {@code /}
 * @param type       what the entry is
 * @param mode       permission and special bits only ({@code 07777}); type bits are implied by {@code type}
 * @param uid        owner
 * @param gid        group
 * @param mtime      modification time, nanoseconds kept
 * @param content    bytes of a {@link EntryType#FILE}; empty for every other type
 * @param linkTarget symlink target (verbatim) or hardlink target (a path of the same layer); else null
 * @param devMajor   device major number (devices only)
 * @param devMinor   device minor number (devices only)
 * @param xattrs     extended attributes, by full name ({@code user.foo}); values are raw bytes
 * @param opaque     for a directory: it hides all lower contents of the same path
 */
public record Entry(
        String path,
        EntryType type,
        int mode,
        int uid,
        int gid,
        Instant mtime,
        Content content,
        String linkTarget,
        int devMajor,
        int devMinor,
        SortedMap<String, byte[]> xattrs,
        boolean opaque) {

    public Entry {
        xattrs = Collections.unmodifiableSortedMap(new TreeMap<>(xattrs));
    }

    /** The last path component. */
    public String name() {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The parent path, or {@code ""} for an entry at the layer root. */
    public String parent() {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    /** The value of xattr {@code name} as UTF-8 text, or null. */
    public String xattrText(String name) {
        byte[] v = xattrs.get(name);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    Entry withPath(String newPath) {
        return new Entry(newPath, type, mode, uid, gid, mtime, content, linkTarget, devMajor, devMinor, xattrs, opaque);
    }
}

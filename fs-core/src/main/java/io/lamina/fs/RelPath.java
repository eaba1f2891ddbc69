package io.lamina.fs;

/** Relative paths inside a layer: "" is the layer root, components are joined with '/'. */
final class RelPath {
    private RelPath() {
    }

    static String join(String dir, String name) {
        return dir.isEmpty() ? name : dir + "/" + name;
    }

    /** The parent of a non-root path. */
    static String parent(String path) {
        int slash = path.lastIndexOf('/');
        return slash < 0 ? "" : path.substring(0, slash);
    }

    static String name(String path) {
        return path.substring(path.lastIndexOf('/') + 1);
    }

    /** The path as openat2 wants it: "." for the root. */
    static String orDot(String path) {
        return path.isEmpty() ? "." : path;
    }

    /**
     * Checks one name handed in from outside. ENAMETOOLONG over 255 bytes; EINVAL for "", ".",
     * ".." or a name containing '/' or NUL (the transport never sends those for a real name).
     */
    static void checkName(String name) {
        if (name.isEmpty() || name.equals(".") || name.equals("..") || name.indexOf('/') >= 0
                || name.indexOf('\0') >= 0) {
            throw new FsException(Errno.EINVAL, "bad name '" + name + "'");
        }
        if (name.length() > 85 && name.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > 255) {
            throw new FsException(Errno.ENAMETOOLONG, name);
        }
    }
}

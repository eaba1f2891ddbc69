package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

/**
 * The only code that knows how layers mark deletions, opaque directories, redirects and metacopy
 * files: the kernel overlayfs format (whiteout = char device 0/0, xattrs trusted.overlay.*) and the
 * OCI form ({@code .wh.<name>}, {@code .wh..wh..opq}). Lower layers may use either; the upper is
 * always written in the overlayfs format.
 */
final class WhiteoutFormat {
    private WhiteoutFormat() {
    }

    static final String OCI_PREFIX = ".wh.";
    static final String OCI_OPAQUE = ".wh..wh..opq";
    static final String OPAQUE_XATTR = "trusted.overlay.opaque";
    static final String REDIRECT_XATTR = "trusted.overlay.redirect";
    static final String METACOPY_XATTR = "trusted.overlay.metacopy";
    /** lamina's own bookkeeping: the st_ino a copied-up node keeps (8 bytes, little endian). */
    static final String ORIGIN_XATTR = "trusted.lamina.origin";

    /** True for xattrs that belong to the union, not to the user: never listed, never settable. */
    static boolean isPrivateXattr(String name) {
        return name.startsWith("trusted.overlay.") || name.startsWith("trusted.lamina.");
    }

    /** Names that are markers in some layer format and never a user's entry. */
    static boolean isMarkerName(String name) {
        return name.startsWith(OCI_PREFIX);
    }

    /** The name an OCI whiteout hides, or null if {@code name} is not one (the opaque marker isn't). */
    static String ociHiddenName(String name) {
        if (!name.startsWith(OCI_PREFIX) || name.equals(OCI_OPAQUE)) return null;
        String hidden = name.substring(OCI_PREFIX.length());
        return hidden.isEmpty() || hidden.equals(".") || hidden.equals("..") ? null : hidden;
    }

    static boolean isWhiteout(Stat st) {
        return st != null && st.isCharDevice00();
    }

    /** Whether the directory {@code dirFd} holds an overlayfs whiteout named {@code name}. */
    static boolean isWhiteoutAt(int dirFd, String name) {
        return isWhiteout(Posix.fstatatOrNull(dirFd, name, Posix.AT_SYMLINK_NOFOLLOW));
    }

    /** Whether {@code name} in the open directory {@code dirFd} is hidden by an OCI whiteout. */
    static boolean ociWhiteoutExists(int dirFd, String name) {
        return Posix.fstatatOrNull(dirFd, OCI_PREFIX + name, Posix.AT_SYMLINK_NOFOLLOW) != null;
    }

    /** Whether the directory {@code name} inside {@code parentFd} ("" = the directory itself) is opaque, in either format. */
    static boolean isOpaque(int parentFd, String name) {
        byte[] v = Posix.lgetxattr(Beneath.procPath(parentFd, name), OPAQUE_XATTR);
        return v != null && v.length == 1 && v[0] == 'y' || hasOciOpaque(parentFd, name);
    }

    /**
     * A lower layer's directory {@code name} inside {@code parentFd} ("" = the directory itself)
     * with {@code st} as its stat: opaque (in either format) and its redirect. One listxattr answers
     * the common case, a directory without overlay xattrs.
     */
    static LowerEntry lowerDir(Stat st, int parentFd, String name) {
        String path = Beneath.procPath(parentFd, name);
        boolean opaque = false;
        String redirect = null;
        for (String x : Posix.llistxattr(path)) {
            if (x.equals(OPAQUE_XATTR)) {
                byte[] v = Posix.lgetxattr(path, x);
                opaque = v != null && v.length == 1 && v[0] == 'y';
            } else if (x.equals(REDIRECT_XATTR)) {
                byte[] v = Posix.lgetxattr(path, x);
                redirect = v == null ? null : new String(v, StandardCharsets.UTF_8);
            }
        }
        return new LowerEntry(st, false, opaque || hasOciOpaque(parentFd, name), redirect);
    }

    private static boolean hasOciOpaque(int parentFd, String name) {
        String oci = name.isEmpty() ? OCI_OPAQUE : name + "/" + OCI_OPAQUE;
        try {
            return Posix.fstatatOrNull(parentFd, oci, Posix.AT_SYMLINK_NOFOLLOW) != null;
        } catch (FsException e) {
            return false; // a path through a non-directory: not opaque
        }
    }

    /** The redirect of directory or metacopy file {@code name} inside {@code parentFd}, or null. */
    static String redirect(int parentFd, String name) {
        byte[] v = Posix.lgetxattr(Beneath.procPath(parentFd, name), REDIRECT_XATTR);
        return v == null ? null : new String(v, StandardCharsets.UTF_8);
    }

    /** The st_ino recorded on a copied-up upper entry, or 0. */
    static long origin(int parentFd, String name) {
        byte[] v = Posix.lgetxattr(Beneath.procPath(parentFd, name), ORIGIN_XATTR);
        return v == null || v.length != 8 ? 0 : ByteBuffer.wrap(v).order(ByteOrder.LITTLE_ENDIAN).getLong();
    }

    static byte[] originValue(long ino) {
        return ByteBuffer.allocate(8).order(ByteOrder.LITTLE_ENDIAN).putLong(ino).array();
    }

    static boolean isMetacopyAt(int parentFd, String name) {
        return Posix.lgetxattr(Beneath.procPath(parentFd, name), METACOPY_XATTR) != null;
    }

    /**
     * Resolves a redirect to a path relative to the layer roots: absolute redirects ("/a/b") name a
     * path from the root, relative ones a sibling in the parent's lower directory.
     */
    static String resolveRedirect(String redirect, String parentLowerPath) {
        if (redirect.startsWith("/")) {
            String p = redirect.replaceAll("^/+", "").replaceAll("/+$", "");
            return p;
        }
        return RelPath.join(parentLowerPath, redirect);
    }

    /** The absolute redirect value for a lower path. */
    static byte[] absoluteRedirect(String lowerPath) {
        return ("/" + lowerPath).getBytes(StandardCharsets.UTF_8);
    }

    static void markOpaque(int dirFd) {
        Posix.fsetxattr(dirFd, OPAQUE_XATTR, new byte[] {'y'}, 0);
    }

    /** Makes a whiteout named {@code name} in {@code dirFd}. */
    static void makeWhiteout(int dirFd, String name) {
        Posix.mknodat(dirFd, name, Stat.S_IFCHR, 0);
    }
}

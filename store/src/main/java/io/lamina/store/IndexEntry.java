package io.lamina.store;

import java.util.Map;

/**
 * One entry of a layer index.
 *
 * @param path       relative to the layer root, no leading or trailing '/', never "." or ".."
 * @param mode       permission and special bits only (07777), no type bits
 * @param rdev       device number (makedev(major, minor)) of a device node, else 0
 * @param linkTarget a symlink's target, else null
 * @param digest     sha256 HEX of a regular file's content (the object's name), else null
 * @param linkGroup  entries of one layer sharing a positive group are names of one hardlinked file;
 *                   0 when the file has one name
 * @param opaque     a directory that hides everything below it in the stack
 * @param xattrs     extended attributes (name to value), empty when none
 */
public record IndexEntry(String path, EntryKind kind, int mode, int uid, int gid, long mtimeSec, int mtimeNsec,
                         long size, long rdev, String linkTarget, String digest, int linkGroup, boolean opaque,
                         Map<String, byte[]> xattrs) {
}

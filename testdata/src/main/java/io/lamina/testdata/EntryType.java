package io.lamina.testdata;

/** The kind of one {@link Entry} of a {@link LayerSpec}. */
public enum EntryType {
    /** A regular file; its bytes are the entry's {@link Content}. */
    FILE,
    /** A directory; it may be marked opaque (hides all lower contents). */
    DIRECTORY,
    /** A symbolic link; the target is data, stored verbatim (relative, absolute or dangling). */
    SYMLINK,
    /** A second name for a non-directory entry of the same layer (the link target path). */
    HARDLINK,
    /** A named pipe. */
    FIFO,
    /** A character device with a major and minor number. */
    CHAR_DEVICE,
    /** A block device with a major and minor number. */
    BLOCK_DEVICE,
    /** Deletes the name in all lower layers (OCI {@code .wh.<name>}, overlayfs char 0/0). */
    WHITEOUT
}

package io.lamina.fs.contract;

import java.util.ArrayList;
import java.util.List;

/**
 * Differences seen through a FUSE mount on top of {@link KnownEngineMismatches}: engine behaviour
 * that direct engine tests do not reach, because through FUSE some work never reaches the engine.
 */
final class KnownFuseMismatches {
    private KnownFuseMismatches() {
    }

    /** None open on the normal path: the engine updates atime when it hands out a backing file, as a first read would. */
    static final List<KnownMismatch> FUSE_ONLY = List.of();

    /**
     * With passthrough, a lower file held open for reading is its inode's backing file, and the
     * kernel makes every open of that inode share it; a writer needs the copied-up file instead, so
     * it gets ETXTBSY until the readers close (the kernel's overlayfs lets it write, and the reader
     * then sees the new data). The normal path passes this scenario. To lift it, the writer's open
     * would have to reach a new inode (a new NodeId after copy-up, with the old dentry invalidated).
     */
    static final KnownMismatch PASSTHROUGH_READER_BLOCKS_WRITER = new KnownMismatch("passthrough-reader-blocks-writer",
            "kernel: a write while a lower file is open for reading copies it up and the reader sees it;"
                    + " lamina with passthrough: the writer gets ETXTBSY until the reader closes",
            (s, l) -> KnownEngineMismatches.op(s).equals("read-handle-sees-copy-up")
                    && !l.startsWith("op 1 ") && !l.startsWith("op 2 ") ? null : l);

    /** For a mount without passthrough. */
    static List<KnownMismatch> all() {
        List<KnownMismatch> l = new ArrayList<>(KnownEngineMismatches.ALL);
        l.addAll(FUSE_ONLY);
        return List.copyOf(l);
    }

    /** For a mount with passthrough. */
    static List<KnownMismatch> withPassthrough() {
        List<KnownMismatch> l = new ArrayList<>(all());
        l.add(PASSTHROUGH_READER_BLOCKS_WRITER);
        return List.copyOf(l);
    }
}

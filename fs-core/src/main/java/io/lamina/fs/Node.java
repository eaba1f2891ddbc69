package io.lamina.fs;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * One entry of the merged tree, like a kernel dentry: a name in a parent, the node's fixed identity
 * (NodeId, type, st_ino) and where its layers are. Mutable fields change only under the engine's
 * lock ({@link Union}); a rename moves the node, copy-up changes where it lives, never what it is.
 */
final class Node {
    final long nodeId;
    final FileType type;
    final long ino;

    Node parent;
    String name;
    long lookups;
    /** Open file and directory handles on this node. */
    int opens;

    /** An upper entry exists at {@link #upperPath()}. */
    boolean inUpper;
    /** The upper file holds metadata only; its data is {@link #lower}. */
    boolean metacopy;
    /** For a non-directory: the lower entry with its data (and metadata when not in the upper). */
    LowerRef lower;
    /** For a lower file with several links: its name in the upper's hardlink index (see {@link CopyUp}). */
    String lowerIndexKey;
    /** For a directory: the lower directories merged under it, top first. */
    List<LowerRef> lowerDirs = List.of();
    /** Removed from the tree; still reachable through open handles. */
    boolean unlinked;
    /**
     * For a directory in the upper: an O_PATH descriptor of its upper directory, opened on first use
     * ({@link Upper#dirFd}) and closed when the node is detached or freed; -1 when not open. It
     * follows the directory through renames, as the node does.
     */
    int upperFd = -1;
    /** Live children by name (those the transport holds lookups on, or that have live children). */
    final Map<String, Node> children = new HashMap<>();

    Node(long nodeId, FileType type, long ino, Node parent, String name) {
        this.nodeId = nodeId;
        this.type = type;
        this.ino = ino;
        this.parent = parent;
        this.name = name;
    }

    boolean isDir() {
        return type == FileType.DIRECTORY;
    }

    /** Path of this node in the upper ("" for the root). */
    String upperPath() {
        if (parent == null) return "";
        return RelPath.join(parent.upperPath(), name);
    }

    /** Path of this node in the merged view, for messages. */
    String displayPath() {
        return "/" + upperPath();
    }

    /** Refreshes where the node lives from a new resolution of its name. */
    void locate(Resolution r) {
        inUpper = r.upper() != null;
        metacopy = r.metacopy();
        lower = r.lower();
        lowerDirs = r.lowerDirs();
    }
}

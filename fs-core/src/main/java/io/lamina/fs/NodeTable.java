package io.lamina.fs;

import io.lamina.sys.Stat;

import java.util.HashMap;
import java.util.Map;

/**
 * The live nodes of the merged tree and the one allocator of NodeIds. A node is resolved from the
 * layers the first time its name is looked up, lives while the transport holds lookups on it (or it
 * has live children or open handles), and is freed after. Callers hold the engine lock.
 */
final class NodeTable {
    private final Map<Long, Node> nodes = new HashMap<>();
    private final Resolver resolver;
    private final InodeNumbers inos;
    private final Upper upper;
    final Node root;
    private long nextNodeId = InodeFs.ROOT + 1;

    NodeTable(Node root, Resolver resolver, InodeNumbers inos, Upper upper) {
        this.upper = upper;
        this.root = root;
        this.resolver = resolver;
        this.inos = inos;
        nodes.put(root.nodeId, root);
    }

    /** The node, or null when it was forgotten. */
    Node find(long nodeId) {
        return nodes.get(nodeId);
    }

    /** A new node for a hard link {@code newName} in {@code np} to {@code src}: same inode, same layers. */
    Node linkChild(Node src, Node np, String newName) {
        Node c = new Node(nextNodeId++, src.type, src.ino, np, newName);
        c.inUpper = true;
        c.metacopy = src.metacopy;
        c.lower = src.lower;
        c.lowerIndexKey = src.lowerIndexKey;
        c.lookups = 1;
        nodes.put(c.nodeId, c);
        np.children.put(newName, c);
        return c;
    }

    /** Frees a node nobody refers to any more, and then its parent if that was all it had. */
    void release(Node n) {
        while (n != root && n.lookups <= 0 && n.children.isEmpty() && n.opens == 0) {
            nodes.remove(n.nodeId);
            Upper.closeDir(n);
            Node p = n.parent;
            if (p.children.get(n.name) == n) p.children.remove(n.name);
            n = p;
        }
    }

    /** The live child {@code name} of {@code p}, resolving it from the layers the first time. */
    Node child(Node p, String name) {
        if (p.unlinked) return null;
        Node c = p.children.get(name);
        if (c != null) return c;
        Resolution r = resolve(p, name);
        return r == null ? null : adopt(p, name, r);
    }

    /** Which layers answer for {@code name} in {@code p} now. */
    Resolution resolve(Node p, String name) {
        return resolver.resolve(p.inUpper ? upper.dirFd(p) : -1, p.lowerDirs, name);
    }

    /** A new node for a name just resolved. */
    Node adopt(Node p, String name, Resolution r) {
        Node c = new Node(nextNodeId++, r.type(), inoOf(r), p, name);
        c.locate(r);
        c.lowerIndexKey = CopyUp.indexKeyOf(r);
        nodes.put(c.nodeId, c);
        p.children.put(name, c);
        return c;
    }

    /** The stat a resolution already holds for {@code n}, when it is the one attr would take; else null. */
    static Stat freshStat(Node n, Resolution r) {
        if (n.inUpper) return n.metacopy ? null : r.upper();
        return n.lowerIndexKey == null ? r.lowerStat() : null;
    }

    private long inoOf(Resolution r) {
        if (r.origin() != 0) return r.origin();
        Stat s = r.lowerStat() != null ? r.lowerStat() : r.upper();
        return inos.of(s.dev(), s.ino());
    }

    /** The node; ENOENT when the transport names one that is gone. */
    Node node(long nodeId) {
        Node n = nodes.get(nodeId);
        if (n == null) throw new FsException(Errno.ENOENT, "no node " + nodeId);
        return n;
    }

    /** The node, which must be a directory (ENOTDIR). */
    Node dir(long nodeId) {
        Node n = node(nodeId);
        if (!n.isDir()) throw new FsException(Errno.ENOTDIR, n.displayPath());
        return n;
    }

    /** The child that must exist (ENOENT). */
    Node existing(Node p, String name) {
        RelPath.checkName(name);
        Node c = child(p, name);
        if (c == null) throw new FsException(Errno.ENOENT, RelPath.join(p.displayPath(), name));
        return c;
    }

    /** A node for an entry just created in the upper, with one lookup for the caller. */
    Node newChild(Node p, String name, FileType type, Stat st) {
        Node c = new Node(nextNodeId++, type, inos.of(st.dev(), st.ino()), p, name);
        c.inUpper = true;
        c.lookups = 1;
        nodes.put(c.nodeId, c);
        p.children.put(name, c);
        return c;
    }

    /** Closes the upper directory descriptors every node still holds (the union is closing). */
    void closeDescriptors() {
        nodes.values().forEach(Upper::closeDir);
    }

    /** Detaches {@code c} from the tree after its name went away. */
    void detach(Node c) {
        c.unlinked = true;
        Upper.closeDir(c);
        if (c.parent.children.get(c.name) == c) c.parent.children.remove(c.name);
    }

    /** Moves {@code n} to {@code newName} in {@code np} after a rename. */
    static void move(Node n, Node np, String newName) {
        if (n.parent.children.get(n.name) == n) n.parent.children.remove(n.name);
        n.parent = np;
        n.name = newName;
        np.children.put(newName, n);
    }
}

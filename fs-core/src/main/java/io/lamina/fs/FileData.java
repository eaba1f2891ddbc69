package io.lamina.fs;

import io.lamina.sys.Posix;
import io.lamina.sys.Stat;

import java.util.concurrent.locks.ReentrantLock;

/**
 * Which real file holds an open file's data (the upper file, the hardlink index, or a lower file),
 * keeping each handle on the right one as nodes are copied up, and the atime a read of lower data
 * owes the upper. Takes the engine lock only to move a handle.
 */
final class FileData {
    private final ReentrantLock lock;
    private final Upper upper;
    private final CopyUp copyUp;
    private final NodeAttributes attrs;

    FileData(ReentrantLock lock, Upper upper, CopyUp copyUp, NodeAttributes attrs) {
        this.lock = lock;
        this.upper = upper;
        this.copyUp = copyUp;
        this.attrs = attrs;
    }

    /** Whether the node's data is its upper file (not a lower file or a metacopy's lower data). */
    static boolean onUpper(Node n) {
        return n.inUpper && !n.metacopy;
    }

    /** Opens the real file holding {@code n}'s data now. */
    int open(Node n, int flags) {
        if (n.inUpper && n.metacopy) n.metacopy = WhiteoutFormat.isMetacopyAt(upper.parentFd(n), n.name);
        if (onUpper(n)) return Posix.openat(upper.parentFd(n), n.name, flags | Posix.O_NOFOLLOW, 0);
        String key = copyUp.indexKey(n);
        if (key != null && copyUp.indexed(key) != null && !copyUp.isMetacopyIndex(key)) {
            return Posix.openat(upper.indexFd, key, Posix.O_RDONLY | Posix.O_NOFOLLOW, 0);
        }
        return n.lower.openData();
    }

    /** The handle's descriptor, moved to the upper file if the node was copied up since open. */
    int fd(Handles.File h) {
        if (h.onUpper || !onUpper(h.node) || h.node.unlinked) return h.fd;
        lock.lock();
        try {
            if (!h.onUpper && onUpper(h.node) && !h.node.unlinked) {
                int fd = open(h.node, Posix.O_RDONLY);
                synchronized (h.retired) {
                    h.retired.add(h.fd);
                }
                h.fd = fd;
                h.onUpper = true;
            }
            return h.fd;
        } finally {
            lock.unlock();
        }
    }

    /**
     * The first read of a handle whose data is still a lower file but whose metadata lives in the
     * upper (a metacopy file, or a name of a copied-up hardlinked inode) updates the upper's atime
     * by the relatime rule, as the kernel's overlayfs does; lower files are read without atime.
     */
    void markAccessed(Handles.File h) {
        h.accessed = true;
        Node n = h.node;
        lock.lock();
        try {
            if (onUpper(n) || n.unlinked || !(n.inUpper || copyUp.indexed(copyUp.indexKey(n)) != null)) return;
            try (EntryRef e = attrs.metadataEntry(n)) {
                Stat st = Posix.fstatat(e.parentFd(), e.name(), Posix.AT_SYMLINK_NOFOLLOW);
                long now = System.currentTimeMillis() / 1000;
                boolean stale = st.atimeSec() < st.mtimeSec() || (st.atimeSec() == st.mtimeSec() && st.atimeNsec() <= st.mtimeNsec())
                        || st.atimeSec() < st.ctimeSec() || now - st.atimeSec() >= 24 * 3600;
                if (stale) Posix.utimensat(e.parentFd(), e.name(), 0, Posix.UTIME_NOW, 0, Posix.UTIME_OMIT, Posix.AT_SYMLINK_NOFOLLOW);
            }
        } finally {
            lock.unlock();
        }
    }
}

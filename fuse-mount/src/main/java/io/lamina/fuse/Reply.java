package io.lamina.fuse;

import java.lang.foreign.MemorySegment;

import static io.lamina.fuse.Abi.I32;
import static io.lamina.fuse.Abi.I64;

/**
 * The answer to one request, built in a worker's native out buffer (fuse_out_header, then the
 * body at {@link #BODY}) and written to the device the request came from in one write(2).
 * A reply that the kernel refuses with ENOENT belongs to a request that was interrupted in the
 * meantime: {@link #send} then reports false so that the caller can undo what the answer would
 * have handed over (a lookup count, an open handle).
 */
final class Reply {
    static final int BODY = Abi.OUT_HEADER;
    private static final System.Logger LOG = System.getLogger(Reply.class.getName());

    final MemorySegment buf;
    private final int fd;
    private long unique;

    Reply(MemorySegment buf, int fd) {
        this.buf = buf;
        this.fd = fd;
    }

    void start(long unique) {
        this.unique = unique;
    }

    /** The out buffer's body from {@code off} (relative to the body start), {@code len} long. */
    MemorySegment body(long off, long len) {
        return buf.asSlice(BODY + off, len);
    }

    /** Sends a success with {@code bodyLen} bytes of body already written. False if the request is gone. */
    boolean send(long bodyLen) {
        return write(0, bodyLen);
    }

    /** Sends an error; {@code errno} is positive. */
    boolean error(int errno) {
        return write(-errno, 0);
    }

    /**
     * Tells the kernel that the attributes it holds for {@code nodeId} are stale (a notification,
     * FUSE_NOTIFY_INVAL_INODE with a negative offset: attributes only, page cache kept). The kernel
     * takes no inode lock for that, so it may be sent while a request is pending; it clears the
     * reply's unique, so {@link #start} again before answering.
     */
    void invalidateAttributes(long nodeId) {
        buf.set(I64, BODY, nodeId);
        buf.set(I64, BODY + 8, -1L);
        buf.set(I64, BODY + 16, 0L);
        unique = 0;
        write(Abi.NOTIFY_INVAL_INODE, 24);
    }

    private boolean write(int error, long bodyLen) {
        long len = BODY + bodyLen;
        buf.set(I32, Abi.OUT_LEN, (int) len);
        buf.set(I32, Abi.OUT_ERROR, error);
        buf.set(I64, Abi.OUT_UNIQUE, unique);
        long n = FuseSys.writeRaw(fd, buf, len);
        // ENOENT: the request was interrupted and is gone; ENODEV: the mount is gone. Both are
        // normal races, not failures of ours. Anything else (EINVAL) is a malformed answer: a bug.
        if (n < 0 && n != -FuseSys.ENOENT && n != -FuseSys.ENODEV && n != -FuseSys.ECONNABORTED) {
            LOG.log(System.Logger.Level.ERROR, "kernel refused an answer (errno " + -n + ", error " + error
                    + ", " + bodyLen + " body bytes)");
        }
        return n == len;
    }
}

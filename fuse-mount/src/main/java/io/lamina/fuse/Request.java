package io.lamina.fuse;

import io.lamina.fs.Caller;
import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static io.lamina.fuse.Abi.I32;
import static io.lamina.fuse.Abi.I64;

/**
 * One request as read from /dev/fuse into a worker's native buffer: the fuse_in_header fields
 * and typed access to the body. Reused for every request of its worker (no allocation per
 * request); valid until the worker reads the next one.
 */
final class Request {
    /** The whole read buffer; the body starts at {@link Abi#IN_HEADER}. */
    final MemorySegment buf;
    int length;
    int opcodeNumber;
    Opcode opcode;
    long unique;
    long nodeId;
    int uid;
    int gid;

    Request(MemorySegment buf) {
        this.buf = buf;
    }

    /** Decodes the header of the {@code n} bytes just read. */
    void load(int n) {
        length = Math.min(n, buf.get(I32, Abi.IN_LEN));
        opcodeNumber = buf.get(I32, Abi.IN_OPCODE);
        opcode = Opcode.of(opcodeNumber);
        unique = buf.get(I64, Abi.IN_UNIQUE);
        nodeId = buf.get(I64, Abi.IN_NODEID);
        uid = buf.get(I32, Abi.IN_UID);
        gid = buf.get(I32, Abi.IN_GID);
    }

    Caller caller() {
        return new Caller(uid, gid);
    }

    /** A 32-bit field at {@code off} bytes into the body. */
    int i32(long off) {
        return buf.get(I32, Abi.IN_HEADER + off);
    }

    long i64(long off) {
        return buf.get(I64, Abi.IN_HEADER + off);
    }

    /** The body bytes from {@code off} to the end of the request, as a native slice (no copy). */
    MemorySegment bodySlice(long off, long len) {
        return buf.asSlice(Abi.IN_HEADER + off, len);
    }

    /** End (index of the NUL, body-relative) of the C string starting at {@code off}; EINVAL if there is none. */
    long strEnd(long off) {
        long end = length - Abi.IN_HEADER;
        for (long i = off; i < end; i++) {
            if (buf.get(ValueLayout.JAVA_BYTE, Abi.IN_HEADER + i) == 0) return i;
        }
        throw new FsException(Errno.EINVAL, "unterminated name in " + opcode);
    }

    /** The NUL-terminated UTF-8 string at {@code off} (body-relative). */
    String str(long off) {
        long end = strEnd(off);
        byte[] b = buf.asSlice(Abi.IN_HEADER + off, end - off).toArray(ValueLayout.JAVA_BYTE);
        return new String(b, StandardCharsets.UTF_8);
    }

    /** Raw bytes of the body from {@code off}, {@code len} long (for xattr values). */
    byte[] bytes(long off, int len) {
        return buf.asSlice(Abi.IN_HEADER + off, len).toArray(ValueLayout.JAVA_BYTE);
    }
}

package io.lamina.fuse;

import io.lamina.fs.Errno;
import io.lamina.fs.InodeFs;
import io.lamina.sys.Posix;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.charset.StandardCharsets;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The dispatcher without a kernel: requests are written into native memory as the kernel would,
 * answers go to one end of a socket pair and are read back from the other. Needs no root.
 */
class DispatcherTest {
    private final Arena arena = Arena.ofConfined();
    private MemorySegment in, out, back;
    private int[] pair;
    private MemFs fs;
    private long fileNode;
    private RequestCounters counters;
    private Dispatcher d;
    private Request rq;
    private Reply rp;
    private long unique;

    @BeforeEach
    void setUp() {
        pair = FuseSys.socketpair();
        in = arena.allocate(Init.READ_BUFFER, 4096);
        out = arena.allocate(Init.READ_BUFFER, 4096);
        back = arena.allocate(Init.READ_BUFFER, 4096);
        fs = new MemFs();
        fileNode = fs.addFile(InodeFs.ROOT, "f", "data".getBytes(StandardCharsets.UTF_8));
        counters = new RequestCounters();
        d = new Dispatcher(fs, new BackingRegistry(-1, false), counters, false, () -> { });
        rq = new Request(in);
        rp = new Reply(out, pair[0]);
    }

    @AfterEach
    void tearDown() {
        Posix.closeQuietly(pair[0]);
        Posix.closeQuietly(pair[1]);
        arena.close();
    }

    /** Writes a request with {@code body} and dispatches it. */
    private void send(Opcode op, long node, byte[] body) {
        int len = Abi.IN_HEADER + body.length;
        in.set(Abi.I32, Abi.IN_LEN, len);
        in.set(Abi.I32, Abi.IN_OPCODE, op.code);
        in.set(Abi.I64, Abi.IN_UNIQUE, ++unique);
        in.set(Abi.I64, Abi.IN_NODEID, node);
        in.set(Abi.I32, Abi.IN_UID, 0);
        in.set(Abi.I32, Abi.IN_GID, 0);
        MemorySegment.copy(body, 0, in, ValueLayout.JAVA_BYTE, Abi.IN_HEADER, body.length);
        rq.load(len);
        d.dispatch(rq, rp);
    }

    /** Reads one answer; returns its error (0 or -errno) and leaves the body in {@link #back}. */
    private int answer() {
        long n = FuseSys.readRaw(pair[1], back, back.byteSize());
        assertThat(n).isGreaterThanOrEqualTo(Abi.OUT_HEADER);
        assertThat(back.get(Abi.I32, Abi.OUT_LEN)).isEqualTo((int) n);
        assertThat(back.get(Abi.I64, Abi.OUT_UNIQUE)).isEqualTo(unique);
        return back.get(Abi.I32, Abi.OUT_ERROR);
    }

    private static byte[] name(String s) {
        return (s + "\0").getBytes(StandardCharsets.UTF_8);
    }

    private static byte[] concat(byte[] a, byte[] b) {
        byte[] r = java.util.Arrays.copyOf(a, a.length + b.length);
        System.arraycopy(b, 0, r, a.length, b.length);
        return r;
    }

    private static byte[] u32s(int... v) {
        java.nio.ByteBuffer b = java.nio.ByteBuffer.allocate(v.length * 4).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        for (int x : v) b.putInt(x);
        return b.array();
    }

    @Test
    void lookupAnswersAnEntryAndCountsIt() {
        send(Opcode.LOOKUP, InodeFs.ROOT, name("f"));
        assertThat(answer()).isZero();
        assertThat(back.get(Abi.I64, Abi.OUT_HEADER)).isEqualTo(fileNode);
        assertThat(back.get(Abi.I64, Abi.OUT_HEADER + 40 + 8)).isEqualTo(4); // attr.size
        assertThat(fs.liveNodes()).isEqualTo(1);
    }

    @Test
    void missingNameIsACachedNegativeEntryAndEngineFailureIsEio() {
        send(Opcode.LOOKUP, InodeFs.ROOT, name("nothing"));
        assertThat(answer()).isZero();
        assertThat(back.get(Abi.I64, Abi.OUT_HEADER)).as("nodeid 0: no such name").isZero();
        assertThat(back.get(Abi.I64, Abi.OUT_HEADER + 16)).as("entry_valid: the kernel may cache the miss").isPositive();
        send(Opcode.LOOKUP, InodeFs.ROOT, name(MemFs.BOOM));
        assertThat(answer()).isEqualTo(-Errno.EIO.code);
        assertThat(counters.unexpectedFailures()).isEqualTo(1);
        send(Opcode.GETATTR, 12345, new byte[16]);
        assertThat(answer()).isEqualTo(-Errno.ESTALE.code);
    }

    @Test
    void unknownOpcodesAnswerEnosys() {
        send(Opcode.GETLK, InodeFs.ROOT, new byte[64]);
        assertThat(answer()).isEqualTo(-Errno.ENOSYS.code);
        send(Opcode.STATX, InodeFs.ROOT, new byte[64]);
        assertThat(answer()).isEqualTo(-Errno.ENOSYS.code);
    }

    @Test
    void forgetAndInterruptGetNoAnswer() throws Exception {
        send(Opcode.LOOKUP, InodeFs.ROOT, name("f"));
        answer();
        java.nio.ByteBuffer one = java.nio.ByteBuffer.allocate(8).order(java.nio.ByteOrder.LITTLE_ENDIAN).putLong(0, 1);
        send(Opcode.FORGET, fileNode, one.array());
        send(Opcode.INTERRUPT, 0, new byte[8]);
        assertThat(fs.liveNodes()).isZero();
        send(Opcode.STATFS, InodeFs.ROOT, new byte[0]); // the next thing on the wire is this answer
        assertThat(answer()).isZero();
        assertThat(back.get(Abi.I32, Abi.OUT_HEADER + 40)).isEqualTo(4096); // bsize
    }

    @Test
    void getxattrSizesAndRange() {
        fs.setxattr(fileNode, "user.k", "value".getBytes(StandardCharsets.UTF_8), 0);
        send(Opcode.GETXATTR, fileNode, concat(u32s(0, 0), name("user.k")));
        assertThat(answer()).isZero();
        assertThat(back.get(Abi.I32, Abi.OUT_HEADER)).isEqualTo(5);
        send(Opcode.GETXATTR, fileNode, concat(u32s(2, 0), name("user.k")));
        assertThat(answer()).isEqualTo(-Errno.ERANGE.code);
        send(Opcode.GETXATTR, fileNode, concat(u32s(64, 0), name("user.k")));
        assertThat(answer()).isZero();
        assertThat(back.getString(Abi.OUT_HEADER)).startsWith("value");
        send(Opcode.GETXATTR, fileNode, concat(u32s(64, 0), name("user.none")));
        assertThat(answer()).isEqualTo(-Errno.ENODATA.code);
    }

    @Test
    void readdirPacksAlignedDirents() {
        fs.addFile(InodeFs.ROOT, "a-longer-name", new byte[0]);
        send(Opcode.OPENDIR, InodeFs.ROOT, new byte[8]);
        assertThat(answer()).isZero();
        long dh = back.get(Abi.I64, Abi.OUT_HEADER);
        java.nio.ByteBuffer readIn = java.nio.ByteBuffer.allocate(40).order(java.nio.ByteOrder.LITTLE_ENDIAN);
        readIn.putLong(0, dh).putLong(8, 0).putInt(16, 4096);
        send(Opcode.READDIR, InodeFs.ROOT, readIn.array());
        assertThat(answer()).isZero();
        int len = back.get(Abi.I32, Abi.OUT_LEN) - Abi.OUT_HEADER;
        java.util.List<String> names = new java.util.ArrayList<>();
        long off = Abi.OUT_HEADER, lastOffset = 0;
        while (off < Abi.OUT_HEADER + len) {
            int namelen = back.get(Abi.I32, off + 16);
            lastOffset = back.get(Abi.I64, off + 8);
            byte[] n = back.asSlice(off + Abi.DIRENT_NAME, namelen).toArray(ValueLayout.JAVA_BYTE);
            names.add(new String(n, StandardCharsets.UTF_8));
            long rec = Abi.align8(Abi.DIRENT_NAME + namelen);
            assertThat(rec % 8).isZero();
            off += rec;
        }
        assertThat(names).containsExactly(".", "..", "a-longer-name", "f");
        assertThat(lastOffset).isEqualTo(4);
        // READDIRPLUS of a tiny buffer: only what fits is looked up
        readIn.putInt(16, Abi.DIRENTPLUS_NAME + 8 + Abi.DIRENTPLUS_NAME + 8);
        send(Opcode.READDIRPLUS, InodeFs.ROOT, readIn.array());
        assertThat(answer()).isZero();
        assertThat(fs.liveNodes()).isZero(); // "." and ".." carry no lookup
        readIn.putLong(8, 2);
        send(Opcode.READDIRPLUS, InodeFs.ROOT, readIn.array());
        assertThat(answer()).isZero();
        assertThat(fs.liveNodes()).isEqualTo(1); // "a-longer-name" did not fit next to the first
    }
}

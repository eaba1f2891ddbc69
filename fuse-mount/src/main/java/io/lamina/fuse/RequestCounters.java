package io.lamina.fuse;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.LongAdder;

/**
 * Requests a mount has received, per opcode, and how many of them failed with an unexpected
 * exception (answered EIO). Cheap to bump from many workers; read by tests, metrics and bench.
 */
public final class RequestCounters {
    private final LongAdder[] byOpcode = new LongAdder[Opcode.values().length];
    private final LongAdder unexpected = new LongAdder();

    RequestCounters() {
        for (int i = 0; i < byOpcode.length; i++) byOpcode[i] = new LongAdder();
    }

    void count(Opcode op) {
        byOpcode[op.ordinal()].increment();
    }

    void unexpectedFailure() {
        unexpected.increment();
    }

    /** Requests seen with the given FUSE opcode name (e.g. "READ", "LOOKUP"); 0 for unknown names. */
    public long get(String opcode) {
        for (Opcode o : Opcode.values()) {
            if (o.name().equals(opcode)) return byOpcode[o.ordinal()].sum();
        }
        return 0;
    }

    /** Requests that ended in an exception other than FsException (each answered EIO). */
    public long unexpectedFailures() {
        return unexpected.sum();
    }

    /** Non-zero counts by opcode name, in opcode order. */
    public Map<String, Long> snapshot() {
        Map<String, Long> m = new LinkedHashMap<>();
        for (Opcode o : Opcode.values()) {
            long n = byOpcode[o.ordinal()].sum();
            if (n != 0) m.put(o.name(), n);
        }
        return m;
    }
}

package io.lamina.fs.contract;

import io.lamina.fs.Errno;
import io.lamina.fs.FsException;

import java.util.HexFormat;
import java.util.List;
import java.util.function.Supplier;

/**
 * The result of one user operation: a value, or the errno it failed with. Operations of a
 * {@link UserFs} never throw, so that error results are compared like any other result.
 *
 * @param value the result when {@code errno} is null (may itself be null for void operations)
 * @param errno the failure, or null on success
 */
public record Outcome<T>(T value, Errno errno) {

    public static <T> Outcome<T> ok(T value) {
        return new Outcome<>(value, null);
    }

    public static <T> Outcome<T> failed(Errno errno) {
        return new Outcome<>(null, errno);
    }

    /** Runs {@code op}; an {@link FsException} becomes a failed outcome, anything else propagates. */
    public static <T> Outcome<T> of(Supplier<T> op) {
        try {
            return ok(op.get());
        } catch (FsException e) {
            return failed(e.errno());
        }
    }

    /** {@link #of} for operations without a value. */
    public static Outcome<Void> run(Runnable op) {
        return of(() -> {
            op.run();
            return null;
        });
    }

    public boolean isOk() {
        return errno == null;
    }

    /** The value; throws if the operation failed (use where failure is a harness bug). */
    public T orThrow(String what) {
        if (errno != null) throw new IllegalStateException(what + ": " + errno);
        return value;
    }

    /** A stable, value-based rendering: {@code ok}, {@code ok <value>} or the errno name. */
    public String render() {
        if (errno != null) return errno.name();
        if (value == null) return "ok";
        return "ok " + renderValue(value);
    }

    static String renderValue(Object v) {
        if (v instanceof byte[] b) return Bytes.render(b);
        if (v instanceof UserFs.OpenFile) return "(open file)";
        if (v instanceof List<?> l) return l.stream().map(Outcome::renderValue).toList().toString();
        return String.valueOf(v);
    }

    /** Printable form of byte values: text when it is plain ASCII, hex otherwise. */
    static final class Bytes {
        private Bytes() {
        }

        static String render(byte[] b) {
            for (byte x : b) {
                if (x < 0x20 || x > 0x7e) return "0x" + HexFormat.of().formatHex(b);
            }
            return '"' + new String(b, java.nio.charset.StandardCharsets.US_ASCII) + '"';
        }
    }
}

package io.lamina.fs;

/**
 * The one failure type of the engine: an {@link Errno} and what it concerns. It carries no stack
 * trace: it is a result, and the transport turns it into {@code -errno} in one place.
 */
public final class FsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    private final Errno errno;
    /** Raw errno when the engine has no name for it; equals {@code errno.code} otherwise. */
    private final int rawErrno;

    public FsException(Errno errno, String what) {
        this(errno, errno.code, what);
    }

    private FsException(Errno errno, int raw, String what) {
        super(errno.name() + ": " + what, null, false, false);
        this.errno = errno;
        this.rawErrno = raw;
    }

    /** From a raw errno returned by a system call. */
    public static FsException ofRaw(int raw, String what) {
        return new FsException(Errno.of(raw), raw, what);
    }

    public Errno errno() {
        return errno;
    }

    /** The positive errno number to hand to the kernel. */
    public int code() {
        return rawErrno;
    }
}

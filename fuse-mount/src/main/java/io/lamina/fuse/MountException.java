package io.lamina.fuse;

/**
 * A mount or unmount that cannot go ahead, with the one line a user sees and the exit code:
 * {@link #USAGE} for arguments that make no sense, {@link #FAILED} for everything the machine
 * refused. Nothing is left mounted when one is thrown.
 */
public final class MountException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    /** Exit code for bad arguments (same as picocli's usage errors). */
    public static final int USAGE = 2;
    /** Exit code for a mount or unmount that failed. */
    public static final int FAILED = 1;

    private final int exitCode;

    public MountException(int exitCode, String message) {
        super(message, null, false, false);
        this.exitCode = exitCode;
    }

    static MountException usage(String message) {
        return new MountException(USAGE, message);
    }

    static MountException failed(String message) {
        return new MountException(FAILED, message);
    }

    public int exitCode() {
        return exitCode;
    }
}

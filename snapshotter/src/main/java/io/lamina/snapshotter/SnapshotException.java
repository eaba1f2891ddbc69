package io.lamina.snapshotter;

/**
 * A failed snapshot operation, in one of containerd's error categories. {@link GrpcErrors} is the
 * one place that turns a category into a gRPC status code; the message is what the client reads.
 */
final class SnapshotException extends RuntimeException {
    /** containerd's error categories (errdefs) that the snapshotter contract uses. */
    enum Category { NOT_FOUND, ALREADY_EXISTS, FAILED_PRECONDITION, INVALID_ARGUMENT, INTERNAL }

    private final Category category;

    private SnapshotException(Category category, String message, Throwable cause) {
        super(message, cause);
        this.category = category;
    }

    Category category() {
        return category;
    }

    static SnapshotException notFound(String message) {
        return new SnapshotException(Category.NOT_FOUND, message, null);
    }

    static SnapshotException alreadyExists(String message) {
        return new SnapshotException(Category.ALREADY_EXISTS, message, null);
    }

    static SnapshotException failedPrecondition(String message) {
        return new SnapshotException(Category.FAILED_PRECONDITION, message, null);
    }

    static SnapshotException invalidArgument(String message) {
        return new SnapshotException(Category.INVALID_ARGUMENT, message, null);
    }

    static SnapshotException internal(String message, Throwable cause) {
        return new SnapshotException(Category.INTERNAL, message, cause);
    }
}

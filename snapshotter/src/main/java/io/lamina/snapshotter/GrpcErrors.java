package io.lamina.snapshotter;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.lamina.fs.FsException;

/**
 * The one translation of snapshotter failures into gRPC statuses. containerd turns the codes back
 * into its error categories (NotFound, AlreadyExists, FailedPrecondition, InvalidArgument), and its
 * garbage collector depends on them, so every RPC goes through {@link #toStatus}.
 */
final class GrpcErrors {
    private static final System.Logger LOG = System.getLogger(GrpcErrors.class.getName());

    private GrpcErrors() {
    }

    static StatusRuntimeException toStatus(Throwable t) {
        if (t instanceof SnapshotException e) {
            Status code = switch (e.category()) {
                case NOT_FOUND -> Status.NOT_FOUND;
                case ALREADY_EXISTS -> Status.ALREADY_EXISTS;
                case FAILED_PRECONDITION -> Status.FAILED_PRECONDITION;
                case INVALID_ARGUMENT -> Status.INVALID_ARGUMENT;
                case INTERNAL -> Status.INTERNAL;
            };
            if (e.category() == SnapshotException.Category.INTERNAL) LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            return code.withDescription(e.getMessage()).asRuntimeException();
        }
        if (t instanceof FsException e) {
            LOG.log(System.Logger.Level.WARNING, e.getMessage(), e);
            return Status.INTERNAL.withDescription(e.getMessage()).asRuntimeException();
        }
        // A bug: keep the trace in the log, give the client one line.
        LOG.log(System.Logger.Level.ERROR, "unexpected error", t);
        return Status.UNKNOWN.withDescription("unexpected error: " + t).asRuntimeException();
    }
}

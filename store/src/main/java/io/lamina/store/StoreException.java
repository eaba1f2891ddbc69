package io.lamina.store;

/**
 * A store operation refused or failed. The message is one line a user can act on, naming the
 * offending thing (a tar entry, a digest, an image name) and the reason.
 */
public final class StoreException extends RuntimeException {

    public StoreException(String message) {
        super(message);
    }

    public StoreException(String message, Throwable cause) {
        super(message, cause);
    }
}

package io.lamina.run;

/** Why {@code lamina run}, {@code ps} or {@code rm} cannot do what was asked: one line for the user. */
public final class RunException extends RuntimeException {
    public RunException(String message) {
        super(message);
    }

    public RunException(String message, Throwable cause) {
        super(message, cause);
    }
}

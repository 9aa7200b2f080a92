package org.contrastive4j.core.cli;

/** A user-facing failure: its message is printed as one line, without a stack trace unless --verbose. */
public class CliException extends RuntimeException {

    private final int exitCode;

    public CliException(String message) {
        this(message, 2, null);
    }

    public CliException(String message, Throwable cause) {
        this(message, 2, cause);
    }

    public CliException(String message, int exitCode, Throwable cause) {
        super(message, cause);
        this.exitCode = exitCode;
    }

    public int exitCode() {
        return exitCode;
    }
}

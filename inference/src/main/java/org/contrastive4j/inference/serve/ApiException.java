package org.contrastive4j.inference.serve;

/**
 * A request the server answers with an error status and {@code {"error": message}}: the message is one line, worded
 * like the CLI's, and never carries a stack trace.
 */
final class ApiException extends RuntimeException {

    private static final long serialVersionUID = 1L;

    private final int status;
    private final int retryAfterSeconds;

    ApiException(int status, String message) {
        this(status, message, 0);
    }

    ApiException(int status, String message, int retryAfterSeconds) {
        super(message, null, false, false);
        this.status = status;
        this.retryAfterSeconds = retryAfterSeconds;
    }

    static ApiException badRequest(String message) {
        return new ApiException(400, message);
    }

    static ApiException tooLarge(String message) {
        return new ApiException(413, message);
    }

    static ApiException notFound(String message) {
        return new ApiException(404, message);
    }

    /** 503 with {@code Retry-After: 1}: the server is stopping and takes no new work. */
    static ApiException shuttingDown() {
        return new ApiException(503, "the server is shutting down", 1);
    }

    /** The HTTP status. */
    int status() {
        return status;
    }

    /** Seconds for a {@code Retry-After} header; 0: none. */
    int retryAfterSeconds() {
        return retryAfterSeconds;
    }
}

package org.contrastive4j.core.data;

/** A sample or file that cannot be read as data; the message names it (file path or row) and the problem. */
public class DataException extends RuntimeException {

    public DataException(String message) {
        super(message);
    }

    public DataException(String message, Throwable cause) {
        super(message, cause);
    }
}

package org.contrastive4j.exporter;

/** A block the exporter cannot translate; the message names its path in the model. */
public final class UnsupportedBlockException extends IllegalArgumentException {

    private final String path;

    public UnsupportedBlockException(String path, String message) {
        super("cannot export " + path + ": " + message);
        this.path = path;
    }

    /** e.g. {@code 01backbone/02LambdaBlock "anonymous"}. */
    public String path() {
        return path;
    }
}

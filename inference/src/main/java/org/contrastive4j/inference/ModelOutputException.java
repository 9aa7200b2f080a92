package org.contrastive4j.inference;

/**
 * The model itself produced something unusable: an output without the batch as its first dimension, or NaN /
 * infinite values for finite inputs. A defect of the model file, not of the caller's input (which is an
 * {@link IllegalArgumentException}) and not of the embedder's state (a closed embedder is a plain
 * {@link IllegalStateException}).
 */
public final class ModelOutputException extends IllegalStateException {

    private static final long serialVersionUID = 1L;

    public ModelOutputException(String message) {
        super(message);
    }
}

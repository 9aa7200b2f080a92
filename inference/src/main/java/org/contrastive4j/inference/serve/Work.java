package org.contrastive4j.inference.serve;

/**
 * What a request asks of the model for its rows. Requests asking for the same work are batched into one model call;
 * a request may ask for several (a v2 request naming several outputs).
 */
sealed interface Work {

    /** One output of the model, one {@code float[]} per row ({@link ServedModel#embeddingOutput()}: the embedding). */
    record Output(String name) implements Work {}

    /** A classification per row ({@link Classification}). */
    record Classify() implements Work {}
}

package org.contrastive4j.core.knn;

/**
 * Identifies the embedding function an index was built with: the model file's SHA-256, the output read, and whether
 * embeddings were L2-normalised. An index only answers queries embedded the same way.
 */
public record ModelFingerprint(String modelSha256, String outputName, boolean l2Normalized) {

    public ModelFingerprint {
        if (modelSha256 == null || !modelSha256.matches("[0-9a-f]{64}")) {
            throw new IllegalArgumentException("model SHA-256 must be 64 lower-case hex digits, got " + modelSha256);
        }
        if (outputName == null || outputName.isEmpty()) {
            throw new IllegalArgumentException("output name must not be empty");
        }
    }

    /** A short human-readable form: the first 12 hex digits, the output, and "l2" when normalised. */
    public String shortForm() {
        return modelSha256.substring(0, 12) + "/" + outputName + (l2Normalized ? "/l2" : "");
    }
}

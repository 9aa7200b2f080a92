package org.contrastive4j.core.knn;

import java.util.Locale;

/** Distance used by a {@link KnnIndex}: cosine distance {@code 1 - cos} (in [0, 2]) or Euclidean distance. */
public enum Metric {
    COSINE,
    EUCLIDEAN;

    public static Metric parse(String text) {
        try {
            return valueOf(text.trim().toUpperCase(Locale.ROOT));
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown metric '" + text + "' (expected cosine or euclidean)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT);
    }
}

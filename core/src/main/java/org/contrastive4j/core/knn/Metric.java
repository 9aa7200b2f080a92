package org.contrastive4j.core.knn;

import java.util.Locale;
import java.util.Optional;

/** Distance used by a {@link KnnIndex}: cosine distance {@code 1 - cos} (in [0, 2]) or Euclidean distance. */
public enum Metric {
    COSINE(0),
    EUCLIDEAN(1);

    private final int code;

    Metric(int code) {
        this.code = code;
    }

    /** The number stored in index files; persisted, so never changed or reused (declaration order does not matter). */
    public int code() {
        return code;
    }

    /** The metric stored as {@code code}, if any. */
    public static Optional<Metric> fromCode(int code) {
        for (Metric m : values()) {
            if (m.code == code) {
                return Optional.of(m);
            }
        }
        return Optional.empty();
    }

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

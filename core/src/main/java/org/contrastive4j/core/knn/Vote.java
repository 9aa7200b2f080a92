package org.contrastive4j.core.knn;

import java.util.Locale;
import java.util.Optional;

/**
 * How k neighbours decide a label. {@code MAJORITY}: most frequent label, score = its share of the k votes.
 * {@code DISTANCE_WEIGHTED}: each neighbour votes with weight {@code 1 / (distance + 1e-6)}, score = the winner's
 * share of the total weight. Ties go to the label of the nearest tied neighbour.
 */
public enum Vote {
    MAJORITY(0),
    DISTANCE_WEIGHTED(1);

    private final int code;

    Vote(int code) {
        this.code = code;
    }

    /** The number stored in index files; persisted, so never changed or reused (declaration order does not matter). */
    public int code() {
        return code;
    }

    /** The vote stored as {@code code}, if any. */
    public static Optional<Vote> fromCode(int code) {
        for (Vote v : values()) {
            if (v.code == code) {
                return Optional.of(v);
            }
        }
        return Optional.empty();
    }

    public static Vote parse(String text) {
        String s = text.trim().toUpperCase(Locale.ROOT).replace('-', '_');
        if (s.equals("WEIGHTED") || s.equals("DISTANCE")) {
            return DISTANCE_WEIGHTED;
        }
        try {
            return valueOf(s);
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("unknown vote '" + text + "' (expected majority or distance-weighted)");
        }
    }

    @Override
    public String toString() {
        return name().toLowerCase(Locale.ROOT).replace('_', '-');
    }
}

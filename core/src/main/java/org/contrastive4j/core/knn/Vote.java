package org.contrastive4j.core.knn;

import java.util.Locale;

/**
 * How k neighbours decide a label. {@code MAJORITY}: most frequent label, score = its share of the k votes.
 * {@code DISTANCE_WEIGHTED}: each neighbour votes with weight {@code 1 / (distance + 1e-6)}, score = the winner's
 * share of the total weight. Ties go to the label of the nearest tied neighbour.
 */
public enum Vote {
    MAJORITY,
    DISTANCE_WEIGHTED;

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

package org.contrastive4j.inference;

import java.nio.FloatBuffer;
import org.contrastive4j.core.data.Dataset;

/**
 * Where the rows of one embedding call come from, and their validation on the way into the model's input buffer:
 * the number of values per sample must match the model input, and NaN / infinite values are rejected with the
 * sample's index. Raw samples are normalised here too.
 */
interface InputRows {

    /** Copies rows {@code [start, start + count)} (relative to this source) into {@code dst}, validating them. */
    void fill(int start, int count, int len, FloatBuffer dst, float[] scratch);

    static InputRows of(float[][] rows) {
        return (start, count, len, dst, scratch) -> {
            for (int i = start; i < start + count; i++) {
                float[] row = rows[i];
                if (row == null || row.length != len) {
                    throw new IllegalArgumentException("expected " + len + " values per sample but row " + i + " has "
                            + (row == null ? "none" : row.length));
                }
                checkFinite(row, 0, len, i);
                dst.put(row);
            }
        };
    }

    /** Model-ready values from {@code data}'s position on; the buffer's position is not changed. */
    static InputRows of(FloatBuffer data) {
        return (start, count, len, dst, scratch) -> {
            FloatBuffer src = data.duplicate();
            int from = data.position() + start * len;
            src.position(from).limit(from + count * len);
            for (int i = 0; i < count; i++) {
                for (int j = 0; j < len; j++) {
                    float v = src.get(from + i * len + j);
                    if (!Float.isFinite(v)) {
                        throw nonFinite(start + i, j, v);
                    }
                }
            }
            dst.put(src);
        };
    }

    /** Raw samples {@code [first, ...)} of a dataset, normalised with {@code normalizer} (null: as they are). */
    static InputRows of(Dataset samples, int first, Normalizer normalizer) {
        return (start, count, len, dst, scratch) -> {
            for (int i = 0; i < count; i++) {
                samples.read(first + start + i, scratch, i * len);
                checkFinite(scratch, i * len, len, first + start + i);
            }
            if (normalizer != null) {
                normalizer.apply(scratch, count);
            }
            dst.put(scratch, 0, count * len);
        };
    }

    /**
     * Rejects NaN and infinities. Multiplying by zero turns any of them into NaN, which survives the sum; four
     * independent sums keep the pass from being bound by the latency of one long chain of additions.
     */
    static void checkFinite(float[] v, int offset, int len, int sample) {
        float a0 = 0;
        float a1 = 0;
        float a2 = 0;
        float a3 = 0;
        int end = offset + len;
        int j = offset;
        for (; j + 3 < end; j += 4) {
            a0 += v[j] * 0f;
            a1 += v[j + 1] * 0f;
            a2 += v[j + 2] * 0f;
            a3 += v[j + 3] * 0f;
        }
        for (; j < end; j++) {
            a0 += v[j] * 0f;
        }
        if (a0 + a1 + a2 + a3 != 0) {
            for (int k = offset; k < end; k++) {
                if (!Float.isFinite(v[k])) {
                    throw nonFinite(sample, k - offset, v[k]);
                }
            }
        }
    }

    private static IllegalArgumentException nonFinite(int sample, int index, float value) {
        return new IllegalArgumentException("input sample " + sample + " has " + (Float.isNaN(value) ? "NaN" : "an infinite value")
                + " at position " + index + "; inputs must be finite numbers");
    }
}

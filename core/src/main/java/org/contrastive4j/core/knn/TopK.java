package org.contrastive4j.core.knn;

import java.util.Arrays;

/**
 * The {@code k} smallest distances offered so far and their indices, kept sorted (nearest first). Offering in index
 * order makes ties go to the lower index. Allocation-free after construction.
 */
final class TopK {

    final float[] distances;
    final int[] indices;

    TopK(int k) {
        distances = new float[k];
        indices = new int[k];
        Arrays.fill(distances, Float.POSITIVE_INFINITY);
    }

    /** The distance a candidate must beat to enter. */
    float worst() {
        return distances[distances.length - 1];
    }

    void offer(float d, int i) {
        int p = distances.length - 1;
        while (p > 0 && d < distances[p - 1]) {
            distances[p] = distances[p - 1];
            indices[p] = indices[p - 1];
            p--;
        }
        distances[p] = d;
        indices[p] = i;
    }

    /** Re-sorts after the distances were replaced (ties by index). */
    void sort() {
        for (int i = 1; i < distances.length; i++) {
            float dv = distances[i];
            int iv = indices[i];
            int p = i;
            while (p > 0 && (distances[p - 1] > dv || (distances[p - 1] == dv && indices[p - 1] > iv))) {
                distances[p] = distances[p - 1];
                indices[p] = indices[p - 1];
                p--;
            }
            distances[p] = dv;
            indices[p] = iv;
        }
    }
}

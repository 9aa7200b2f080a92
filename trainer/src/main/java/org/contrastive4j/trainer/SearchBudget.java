package org.contrastive4j.trainer;

/**
 * Bounds on exact searches whose cost is references × queries × dimensions multiply-adds: how many queries fit a
 * budget, and which (evenly spaced, so every part of the query set — classes are often stored in order — is
 * represented, and the same ones every time).
 */
final class SearchBudget {

    private SearchBudget() {}

    /**
     * The number of queries, of {@code queries}, whose search against {@code references} rows of {@code dim} values
     * fits {@code budget} multiply-adds: all of them, or fewer, but never fewer than {@code atLeast} (or all, if fewer).
     */
    static int queries(long references, long dim, int queries, double budget, int atLeast) {
        double perQuery = (double) references * dim;
        long fit = (long) Math.floor(budget / Math.max(1, perQuery));
        return (int) Math.min(queries, Math.max(Math.min(atLeast, queries), fit));
    }

    /** {@code m} of {@code 0..n-1}, evenly spaced from 0: {@code floor(j * n / m)}. */
    static int[] evenlySpaced(int n, int m) {
        int[] idx = new int[m];
        for (int j = 0; j < m; j++) {
            idx[j] = (int) ((long) j * n / m);
        }
        return idx;
    }
}

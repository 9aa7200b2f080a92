package org.contrastive4j.core.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

/**
 * Train/validation splits.
 *
 * <p>{@link #stratified}: each class contributes {@code round(n_c * fraction)} randomly chosen samples to
 * validation, but always leaves at least one in train, so a class with a single sample stays in train (it cannot
 * be both learned and validated) and every class seen in validation was seen in training. Unlabelled samples are
 * split at random as one group. Both parts keep the original sample order; the same seed gives the same split.
 */
public final class Splits {

    /** The two parts of a split. */
    public record Split(Samples train, Samples validation) {}

    /** The two parts of a split of any dataset (views that read from the original, for datasets read from files). */
    public record Parts(Dataset train, Dataset validation) {}

    /** Sample indices of the two parts, each in the original order. */
    public record Indices(int[] train, int[] validation) {}

    private Splits() {}

    public static Split stratified(Samples samples, double validationFraction, long seed) {
        Indices idx = stratifiedIndices(samples, validationFraction, seed);
        return new Split(samples.select(idx.train()), samples.select(idx.validation()));
    }

    /** {@link #stratified} for any dataset: the same indices, as views. */
    public static Parts holdOut(Dataset samples, double validationFraction, long seed) {
        Indices idx = stratifiedIndices(samples, validationFraction, seed);
        return new Parts(samples.select(idx.train()), samples.select(idx.validation()));
    }

    /** The indices of the split described in the class comment (depends only on the labels, the fraction and the seed). */
    public static Indices stratifiedIndices(Dataset samples, double validationFraction, long seed) {
        if (!(validationFraction >= 0 && validationFraction < 1)) {
            throw new IllegalArgumentException("validation fraction must be in [0, 1), got " + validationFraction);
        }
        int n = samples.size();
        List<int[]> groups = new ArrayList<>();
        if (samples.labelled()) {
            int k = samples.numClasses();
            int[] counts = new int[k];
            for (int y : samples.labels()) {
                counts[y]++;
            }
            int[][] members = new int[k][];
            int[] fill = new int[k];
            for (int c = 0; c < k; c++) {
                members[c] = new int[counts[c]];
            }
            for (int i = 0; i < n; i++) {
                int y = samples.labels()[i];
                members[y][fill[y]++] = i;
            }
            groups.addAll(Arrays.asList(members));
        } else {
            int[] all = new int[n];
            for (int i = 0; i < n; i++) {
                all[i] = i;
            }
            groups.add(all);
        }
        SplittableRandom rng = new SplittableRandom(seed);
        boolean[] validation = new boolean[n];
        int nVal = 0;
        for (int[] g : groups) {
            int[] shuffled = g.clone();
            for (int i = shuffled.length - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = shuffled[i];
                shuffled[i] = shuffled[j];
                shuffled[j] = t;
            }
            int take = (int) Math.min(Math.round(shuffled.length * validationFraction), Math.max(0, shuffled.length - 1));
            for (int i = 0; i < take; i++) {
                validation[shuffled[i]] = true;
            }
            nVal += take;
        }
        int[] tr = new int[n - nVal];
        int[] va = new int[nVal];
        int a = 0;
        int b = 0;
        for (int i = 0; i < n; i++) {
            if (validation[i]) {
                va[b++] = i;
            } else {
                tr[a++] = i;
            }
        }
        return new Indices(tr, va);
    }
}

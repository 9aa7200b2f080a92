package org.contrastive4j.report;

import java.util.Arrays;
import org.contrastive4j.core.knn.SimilarityKernel;

/**
 * The SINCERE paper's embedding-space diagnostic (its Figures 2 and 3). For every test embedding:
 * <ul>
 *   <li><b>target</b> similarity: cosine similarity to the nearest training embedding of the <em>same</em> class;</li>
 *   <li><b>noise</b> similarity: cosine similarity to the nearest training embedding of <em>any other</em> class.</li>
 * </ul>
 * A good supervised contrastive embedding keeps target high and pushes noise down; SupCon's intra-class repulsion
 * shows up as a higher noise distribution.
 *
 * <p>"The" gap reported everywhere ({@link #medianGap}) is {@code median(target) - median(noise)}, the distance
 * between the two histogram medians, which is what the paper's figures show. {@link #medianSampleGap} is the median of
 * the per-sample differences {@code target[i] - noise[i]}; it is reported alongside because it pairs each test image
 * with itself (its sign says whether the typical test image is 1-NN-correct).
 *
 * <p>A class without training samples gives NaN target similarities for its test samples (and a train set of a single
 * class gives NaN noise similarities); medians are taken over the finite values only and are NaN when there are
 * none. A zero-norm embedding has cosine similarity 0 to everything.
 *
 * <p>Arrays are owned by this record and must not be modified; record equality is identity on them.
 *
 * @param target         per test sample, cosine similarity to the nearest same-class training sample
 * @param noise          per test sample, cosine similarity to the nearest other-class training sample
 * @param targetIndex    per test sample, index (into the training set) of that nearest same-class sample, or -1
 * @param noiseIndex     per test sample, index of the nearest other-class training sample, or -1
 * @param testLabels     the test labels the diagnostic was computed for
 * @param trainLabels    the training labels (to look up the class of {@code noiseIndex})
 * @param numClasses     number of classes
 * @param medianTarget   median of {@code target}
 * @param medianNoise    median of {@code noise}
 * @param medianGap      {@code medianTarget - medianNoise}: the headline gap
 * @param medianSampleGap median over test samples of {@code target[i] - noise[i]}
 * @param classMedianTarget per class, median target similarity of its test samples (NaN when it has none)
 * @param classMedianNoise  per class, median noise similarity of its test samples (NaN when it has none)
 * @param classCounts    per class, number of test samples
 */
public record EmbeddingDiagnostics(
        float[] target,
        float[] noise,
        int[] targetIndex,
        int[] noiseIndex,
        int[] testLabels,
        int[] trainLabels,
        int numClasses,
        double medianTarget,
        double medianNoise,
        double medianGap,
        double medianSampleGap,
        double[] classMedianTarget,
        double[] classMedianNoise,
        int[] classCounts) {

    /** Per class, {@code classMedianTarget - classMedianNoise}. */
    public double classMedianGap(int c) {
        return classMedianTarget[c] - classMedianNoise[c];
    }

    /** Number of test samples. */
    public int size() {
        return target.length;
    }

    /**
     * Cosine 1-NN accuracy implied by the diagnostic: a test sample is classified correctly exactly when its nearest
     * training neighbour is of its own class, i.e. when target &gt; noise (ties count as errors).
     */
    public double nn1Accuracy() {
        if (target.length == 0) {
            return Double.NaN;
        }
        int correct = 0;
        for (int i = 0; i < target.length; i++) {
            if (target[i] > noise[i] || (Float.isNaN(noise[i]) && !Float.isNaN(target[i]))) {
                correct++;
            }
        }
        return correct / (double) target.length;
    }

    /** The cosine 1-NN confusion matrix ({@code [true][predicted]}) implied by the nearest neighbours found. */
    public int[][] nn1Confusion() {
        int[][] m = new int[numClasses][numClasses];
        for (int i = 0; i < target.length; i++) {
            boolean own = target[i] > noise[i] || (Float.isNaN(noise[i]) && !Float.isNaN(target[i]));
            int predicted = own ? testLabels[i] : noiseIndex[i] >= 0 ? trainLabels[noiseIndex[i]] : -1;
            if (predicted >= 0) {
                m[testLabels[i]][predicted]++;
            }
        }
        return m;
    }

    /** Computes the diagnostic with as many threads as there are processors. */
    public static EmbeddingDiagnostics compute(float[][] trainEmb, int[] trainLabels, float[][] testEmb, int[] testLabels,
                                               int numClasses) {
        return compute(trainEmb, trainLabels, testEmb, testLabels, numClasses, SimilarityKernel.ALL_CORES);
    }

    /**
     * Computes the diagnostic. Similarities come from the toolkit's one blocked kernel ({@link SimilarityKernel}, the
     * same k-NN search uses) over L2-normalised rows; the training set is sorted by class once so that, per block, the
     * same-class and other-class maxima are plain range scans.
     *
     * @param threads number of worker threads, or {@link SimilarityKernel#ALL_CORES} (results do not depend on it)
     * @throws IllegalArgumentException on empty or ragged embeddings, length mismatches, labels outside
     *                                  {@code [0, numClasses)} or non-finite embedding values
     */
    public static EmbeddingDiagnostics compute(float[][] trainEmb, int[] trainLabels, float[][] testEmb, int[] testLabels,
                                               int numClasses, int threads) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        if (threads < 0) {
            throw new IllegalArgumentException("threads must be >= 1 (or 0 for all cores), got " + threads);
        }
        int dim = checkEmbeddings("train", trainEmb, trainLabels, numClasses, -1);
        checkEmbeddings("test", testEmb, testLabels, numClasses, dim);

        int nTrain = trainEmb.length;
        int nTest = testEmb.length;
        // Sort the training set by class (stable): each block then holds a few contiguous single-class runs.
        Integer[] boxed = new Integer[nTrain];
        for (int i = 0; i < nTrain; i++) {
            boxed[i] = i;
        }
        Arrays.sort(boxed, (a, b) -> Integer.compare(trainLabels[a], trainLabels[b]));
        int[] order = new int[nTrain];
        int[] sortedLabels = new int[nTrain];
        for (int i = 0; i < nTrain; i++) {
            order[i] = boxed[i];
            sortedLabels[i] = trainLabels[order[i]];
        }

        SimilarityKernel kernel = SimilarityKernel.ofRows(trainEmb, order, true);
        float[] queries = kernel.prepareQueries(testEmb, true);

        float[] target = new float[nTest];
        float[] noise = new float[nTest];
        int[] targetIdx = new int[nTest];
        int[] noiseIdx = new int[nTest];
        SimilarityKernel.forEachQueryBlock(nTest, threads, (first, rows, dots) -> searchChunk(kernel, queries, first, rows,
                dots, testLabels, sortedLabels, order, target, noise, targetIdx, noiseIdx));
        return summarise(target, noise, targetIdx, noiseIdx, testLabels.clone(), trainLabels.clone(), numClasses);
    }

    private static void searchChunk(SimilarityKernel kernel, float[] queries, int first, int rows, float[][] acc,
                                    int[] testLabels, int[] sortedLabels, int[] order, float[] target, float[] noise,
                                    int[] targetIdx, int[] noiseIdx) {
        float[] bestT = new float[rows];
        float[] bestN = new float[rows];
        int[] argT = new int[rows];
        int[] argN = new int[rows];
        Arrays.fill(bestT, Float.NEGATIVE_INFINITY);
        Arrays.fill(bestN, Float.NEGATIVE_INFINITY);
        Arrays.fill(argT, -1);
        Arrays.fill(argN, -1);
        for (int b = 0; b < kernel.blockCount(); b++) {
            int width = kernel.blockWidth(b);
            int start = SimilarityKernel.blockStart(b);
            kernel.dots(queries, first, rows, b, acc);
            // Scan the block's single-class runs: same class -> target candidates, otherwise noise candidates.
            int j = 0;
            while (j < width) {
                int label = sortedLabels[start + j];
                int end = j + 1;
                while (end < width && sortedLabels[start + end] == label) {
                    end++;
                }
                for (int r = 0; r < rows; r++) {
                    float[] sims = acc[r];
                    boolean same = label == testLabels[first + r];
                    float best = same ? bestT[r] : bestN[r];
                    int arg = -1;
                    for (int q = j; q < end; q++) {
                        float v = sims[q];
                        if (v > best) {
                            best = v;
                            arg = q;
                        }
                    }
                    if (arg >= 0) {
                        if (same) {
                            bestT[r] = best;
                            argT[r] = order[start + arg];
                        } else {
                            bestN[r] = best;
                            argN[r] = order[start + arg];
                        }
                    }
                }
                j = end;
            }
        }
        for (int r = 0; r < rows; r++) {
            target[first + r] = argT[r] < 0 ? Float.NaN : bestT[r];
            noise[first + r] = argN[r] < 0 ? Float.NaN : bestN[r];
            targetIdx[first + r] = argT[r];
            noiseIdx[first + r] = argN[r];
        }
    }

    private static int checkEmbeddings(String what, float[][] emb, int[] labels, int numClasses, int dim) {
        if (emb == null || labels == null) {
            throw new IllegalArgumentException(what + " embeddings and labels must not be null");
        }
        if (emb.length == 0) {
            throw new IllegalArgumentException(what + " embeddings are empty");
        }
        if (emb.length != labels.length) {
            throw new IllegalArgumentException(what + " has " + emb.length + " embeddings but " + labels.length
                    + " labels");
        }
        int d = dim < 0 ? emb[0].length : dim;
        if (d == 0) {
            throw new IllegalArgumentException(what + " embeddings have dimension 0");
        }
        for (int i = 0; i < emb.length; i++) {
            if (emb[i] == null || emb[i].length != d) {
                throw new IllegalArgumentException(what + " embedding " + i + " has dimension "
                        + (emb[i] == null ? "null" : emb[i].length) + ", expected " + d);
            }
            for (float v : emb[i]) {
                if (!Float.isFinite(v)) {
                    throw new IllegalArgumentException(what + " embedding " + i + " contains a non-finite value " + v);
                }
            }
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException(what + " label " + i + " is " + labels[i]
                        + ", outside [0, " + numClasses + ")");
            }
        }
        return d;
    }

    private static EmbeddingDiagnostics summarise(float[] target, float[] noise, int[] targetIdx, int[] noiseIdx,
                                                  int[] testLabels, int[] trainLabels, int numClasses) {
        int n = target.length;
        double[] gaps = new double[n];
        for (int i = 0; i < n; i++) {
            gaps[i] = (double) target[i] - noise[i];
        }
        double[] classT = new double[numClasses];
        double[] classN = new double[numClasses];
        int[] counts = new int[numClasses];
        for (int label : testLabels) {
            counts[label]++;
        }
        int[][] members = new int[numClasses][];
        int[] fill = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            members[c] = new int[counts[c]];
        }
        for (int i = 0; i < n; i++) {
            members[testLabels[i]][fill[testLabels[i]]++] = i;
        }
        for (int c = 0; c < numClasses; c++) {
            double[] t = new double[counts[c]];
            double[] z = new double[counts[c]];
            for (int m = 0; m < counts[c]; m++) {
                t[m] = target[members[c][m]];
                z[m] = noise[members[c][m]];
            }
            classT[c] = Stats.median(t);
            classN[c] = Stats.median(z);
        }
        double mt = Stats.median(Stats.toDouble(target));
        double mn = Stats.median(Stats.toDouble(noise));
        return new EmbeddingDiagnostics(target, noise, targetIdx, noiseIdx, testLabels, trainLabels, numClasses, mt, mn,
                mt - mn, Stats.median(gaps), classT, classN, counts);
    }
}

package org.contrastive4j.report;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

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

    /** Training rows per block: a transposed block (dim x BLOCK floats) stays in L2 while test rows stream over it. */
    private static final int BLOCK = 512;
    /** Test rows that share one pass over a training block (amortises loading the block into L1). */
    private static final int ROWS = 4;

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
        return compute(trainEmb, trainLabels, testEmb, testLabels, numClasses,
                Runtime.getRuntime().availableProcessors());
    }

    /**
     * Computes the diagnostic. Similarities are blocked matrix products over L2-normalised rows; the training set is
     * sorted by class once so that, per block, the same-class and other-class maxima are plain range scans.
     *
     * @param threads number of worker threads (results do not depend on it)
     * @throws IllegalArgumentException on empty or ragged embeddings, length mismatches, labels outside
     *                                  {@code [0, numClasses)} or non-finite embedding values
     */
    public static EmbeddingDiagnostics compute(float[][] trainEmb, int[] trainLabels, float[][] testEmb, int[] testLabels,
                                               int numClasses, int threads) {
        if (numClasses < 1) {
            throw new IllegalArgumentException("numClasses must be >= 1, got " + numClasses);
        }
        if (threads < 1) {
            throw new IllegalArgumentException("threads must be >= 1, got " + threads);
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

        int nBlocks = (nTrain + BLOCK - 1) / BLOCK;
        // blocks[b][k][j] = normalised train[order[b * BLOCK + j]][k]: the block transposed, one array per
        // dimension, so that the kernel's inner loop runs over whole arrays from index 0 (see dotBlock).
        float[][][] blocks = new float[nBlocks][][];
        for (int b = 0; b < nBlocks; b++) {
            int start = b * BLOCK;
            int width = Math.min(BLOCK, nTrain - start);
            float[][] t = new float[dim][width];
            for (int j = 0; j < width; j++) {
                float[] row = trainEmb[order[start + j]];
                float inv = inverseNorm(row);
                for (int k = 0; k < dim; k++) {
                    t[k][j] = row[k] * inv;
                }
            }
            blocks[b] = t;
        }
        float[][] queries = new float[nTest][dim];
        for (int i = 0; i < nTest; i++) {
            float inv = inverseNorm(testEmb[i]);
            for (int k = 0; k < dim; k++) {
                queries[i][k] = testEmb[i][k] * inv;
            }
        }

        float[] target = new float[nTest];
        float[] noise = new float[nTest];
        int[] targetIdx = new int[nTest];
        int[] noiseIdx = new int[nTest];
        int nChunks = (nTest + ROWS - 1) / ROWS;
        AtomicInteger next = new AtomicInteger();
        AtomicReference<Throwable> failure = new AtomicReference<>();
        Runnable worker = () -> {
            float[][] acc = new float[ROWS][BLOCK];
            try {
                for (int chunk = next.getAndIncrement(); chunk < nChunks && failure.get() == null;
                     chunk = next.getAndIncrement()) {
                    searchChunk(chunk * ROWS, Math.min(ROWS, nTest - chunk * ROWS), dim, queries, testLabels, blocks,
                            sortedLabels, order, acc, target, noise, targetIdx, noiseIdx);
                }
            } catch (Throwable t) {
                failure.compareAndSet(null, t);
            }
        };
        int workers = Math.min(threads, Math.max(1, nChunks));
        if (workers == 1) {
            worker.run();
        } else {
            List<Thread> pool = new ArrayList<>();
            for (int w = 0; w < workers; w++) {
                Thread t = new Thread(worker, "c4j-diagnostics-" + w);
                t.setDaemon(true);
                pool.add(t);
                t.start();
            }
            for (Thread t : pool) {
                try {
                    t.join();
                } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                    failure.compareAndSet(null, e);
                }
            }
        }
        if (failure.get() != null) {
            throw new IllegalStateException("embedding diagnostics failed: " + failure.get(), failure.get());
        }
        return summarise(target, noise, targetIdx, noiseIdx, testLabels.clone(), trainLabels.clone(), numClasses);
    }

    private static void searchChunk(int first, int rows, int dim, float[][] queries, int[] testLabels,
                                    float[][][] blocks, int[] sortedLabels, int[] order, float[][] acc, float[] target,
                                    float[] noise, int[] targetIdx, int[] noiseIdx) {
        float[] bestT = new float[rows];
        float[] bestN = new float[rows];
        int[] argT = new int[rows];
        int[] argN = new int[rows];
        Arrays.fill(bestT, Float.NEGATIVE_INFINITY);
        Arrays.fill(bestN, Float.NEGATIVE_INFINITY);
        Arrays.fill(argT, -1);
        Arrays.fill(argN, -1);
        for (int b = 0; b < blocks.length; b++) {
            float[][] t = blocks[b];
            int width = t[0].length;
            int start = b * BLOCK;
            for (int r = 0; r < rows; r++) {
                dotBlock(queries[first + r], t, width, acc[r]);
            }
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

    /**
     * out[j] = sum_k q[k] * t[k][j] for j &lt; width. Written as axpy updates (four k at a time) over separate arrays
     * indexed from 0, the one shape JDK 17's C2 reliably vectorises: offsets into a shared array, or a dot-product
     * form (a float reduction Java may not reorder), leave the loop scalar and about five times slower.
     */
    private static void dotBlock(float[] q, float[][] t, int width, float[] out) {
        int dim = q.length;
        int k = 0;
        {
            float s0 = q[0];
            float[] t0 = t[0];
            for (int j = 0; j < width; j++) {
                out[j] = s0 * t0[j];
            }
            k = 1;
        }
        for (; k + 3 < dim; k += 4) {
            float s0 = q[k];
            float s1 = q[k + 1];
            float s2 = q[k + 2];
            float s3 = q[k + 3];
            float[] t0 = t[k];
            float[] t1 = t[k + 1];
            float[] t2 = t[k + 2];
            float[] t3 = t[k + 3];
            for (int j = 0; j < width; j++) {
                out[j] += s0 * t0[j] + s1 * t1[j] + s2 * t2[j] + s3 * t3[j];
            }
        }
        for (; k < dim; k++) {
            float s = q[k];
            float[] tk = t[k];
            for (int j = 0; j < width; j++) {
                out[j] += s * tk[j];
            }
        }
    }

    private static float inverseNorm(float[] row) {
        double ss = 0;
        for (float v : row) {
            ss += (double) v * v;
        }
        return ss > 0 ? (float) (1.0 / Math.sqrt(ss)) : 0f;
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

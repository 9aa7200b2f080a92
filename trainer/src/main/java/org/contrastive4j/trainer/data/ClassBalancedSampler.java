package org.contrastive4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.StringJoiner;

/**
 * Batches of {@code batch / m} distinct classes with {@code m} samples each (the "P x K" sampling of supervised
 * contrastive and metric learning), so every anchor has positives in its batch.
 *
 * <p>Classes are drawn uniformly by walking through shuffled class orders (each class appears once per pass, no
 * class twice in a batch); within a class, samples are drawn without replacement from a shuffled queue that is
 * reshuffled when fewer than {@code m} remain. Consequences, by design: rare classes are over-sampled relative to
 * their frequency; a class with fewer than {@code m} samples is sampled <b>with replacement</b> (some of its samples
 * appear more than once in a batch, as different augmented views); classes without samples are ignored.
 * An epoch has {@code floor(n / batch)} steps, like random sampling, and positions within a batch are shuffled.
 * Everything is derived from (seed, epoch).
 */
public final class ClassBalancedSampler implements BatchSampler {

    private final int batchSize;
    private final int m;
    private final int classesPerBatch;
    private final int steps;
    private final int[][] members;
    private final int[] eligible;
    private final int numClasses;
    private final long seed;
    private final EpochCache cache = new EpochCache();

    /**
     * @param labels one label per sample, in {@code [0, numClasses)}
     * @throws IllegalArgumentException for an impossible configuration, saying which settings would work
     */
    public ClassBalancedSampler(int[] labels, int numClasses, int batchSize, int m, long seed) {
        if (labels == null) {
            throw new IllegalArgumentException("class-balanced sampling needs labelled data");
        }
        if (batchSize <= 0 || m <= 0) {
            throw new IllegalArgumentException("batch size and m must be positive, got batch " + batchSize + ", m=" + m);
        }
        int[] counts = new int[numClasses];
        for (int i = 0; i < labels.length; i++) {
            if (labels[i] < 0 || labels[i] >= numClasses) {
                throw new IllegalArgumentException("label " + labels[i] + " of sample " + i + " outside [0, " + numClasses + ")");
            }
            counts[labels[i]]++;
        }
        List<Integer> present = new ArrayList<>();
        for (int c = 0; c < numClasses; c++) {
            if (counts[c] > 0) {
                present.add(c);
            }
        }
        int k = present.size();
        if (batchSize % m != 0) {
            throw new IllegalArgumentException("batch " + batchSize + " is not divisible by m=" + m + "; "
                    + suggestion(batchSize, m, k));
        }
        if (batchSize / m > k) {
            throw new IllegalArgumentException("batch " + batchSize + " with m=" + m + " needs " + batchSize / m
                    + " distinct classes per batch but only " + k + " classes have samples; " + suggestion(batchSize, m, k));
        }
        if (batchSize > labels.length) {
            throw new IllegalArgumentException("batch size " + batchSize + " is larger than the " + labels.length
                    + " training samples; use a batch size of at most " + labels.length);
        }
        this.batchSize = batchSize;
        this.m = m;
        this.classesPerBatch = batchSize / m;
        this.steps = labels.length / batchSize;
        this.numClasses = numClasses;
        this.seed = seed;
        this.members = new int[numClasses][];
        int[] fill = new int[numClasses];
        for (int c = 0; c < numClasses; c++) {
            members[c] = new int[counts[c]];
        }
        for (int i = 0; i < labels.length; i++) {
            members[labels[i]][fill[labels[i]]++] = i;
        }
        this.eligible = present.stream().mapToInt(Integer::intValue).toArray();
    }

    /** What would work instead: valid m for this batch, and valid batch sizes for this m. */
    static String suggestion(int batch, int m, int classes) {
        StringJoiner ms = new StringJoiner(",", "{", "}");
        int shown = 0;
        for (int d = 1; d <= batch; d++) {
            if (batch % d == 0 && batch / d <= classes) {
                if (shown++ == 8) {
                    ms.add("...");
                    break;
                }
                ms.add(Integer.toString(d));
            }
        }
        List<String> batches = new ArrayList<>();
        int lower = batch / m * m;
        if (lower >= m && lower != batch && lower / m <= classes) {
            batches.add(Integer.toString(lower));
        }
        int upper = (batch / m + 1) * m;
        if (upper / m <= classes) {
            batches.add(Integer.toString(upper));
        }
        int largest = classes * m;
        if (batches.isEmpty() && largest > 0) {
            batches.add("at most " + largest + " (= " + classes + " classes x m=" + m + ")");
        }
        StringBuilder sb = new StringBuilder();
        sb.append(shown == 0 ? "no m works for batch " + batch : "use m in " + ms);
        if (!batches.isEmpty()) {
            sb.append(" or batch ").append(String.join("/", batches));
        }
        return sb.toString();
    }

    @Override
    public int batchSize() {
        return batchSize;
    }

    @Override
    public int stepsPerEpoch() {
        return steps;
    }

    public int samplesPerClass() {
        return m;
    }

    public int classesPerBatch() {
        return classesPerBatch;
    }

    /** Classes with at least one but fewer than {@code m} samples, which are sampled with replacement. */
    public int[] deficientClasses() {
        return Arrays.stream(eligible).filter(c -> members[c].length < m).toArray();
    }

    @Override
    public int[] batch(int epoch, int step) {
        if (step < 0 || step >= steps) {
            throw new IndexOutOfBoundsException("step " + step + " outside 0.." + (steps - 1));
        }
        int[] plan = cache.get(epoch, this::plan);
        int[] out = new int[batchSize];
        System.arraycopy(plan, step * batchSize, out, 0, batchSize);
        return out;
    }

    private int[] plan(int epoch) {
        SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, 0x42414CL, epoch));
        int[][] queues = new int[numClasses][];
        int[] ptr = new int[numClasses];
        for (int c : eligible) {
            queues[c] = members[c].clone();
            shuffle(queues[c], queues[c].length, rng);
        }
        int[] order = eligible.clone();
        shuffle(order, order.length, rng);
        int cursor = 0;
        boolean[] chosen = new boolean[numClasses];
        int[] picked = new int[classesPerBatch];
        int[] plan = new int[steps * batchSize];
        for (int s = 0; s < steps; s++) {
            for (int p = 0; p < classesPerBatch; p++) {
                if (cursor == order.length) {
                    reshuffleAvoiding(order, chosen, rng);
                    cursor = 0;
                }
                int c = order[cursor++];
                chosen[c] = true;
                picked[p] = c;
            }
            int base = s * batchSize;
            int pos = base;
            for (int c : picked) {
                chosen[c] = false;
                int[] q = queues[c];
                if (q.length >= m && ptr[c] + m > q.length) {
                    shuffle(q, q.length, rng);
                    ptr[c] = 0;
                }
                for (int j = 0; j < m; j++) {
                    if (ptr[c] == q.length) {
                        shuffle(q, q.length, rng);
                        ptr[c] = 0;
                    }
                    plan[pos++] = q[ptr[c]++];
                }
            }
            // Classes come out grouped; shuffle positions so contiguous shards (multi-device) still mix classes.
            for (int i = batchSize - 1; i > 0; i--) {
                int j = rng.nextInt(i + 1);
                int t = plan[base + i];
                plan[base + i] = plan[base + j];
                plan[base + j] = t;
            }
        }
        return plan;
    }

    /** New pass over the classes, with the ones already in the current batch moved to the end. */
    private static void reshuffleAvoiding(int[] order, boolean[] chosen, SplittableRandom rng) {
        shuffle(order, order.length, rng);
        int w = 0;
        int[] tail = new int[order.length];
        int t = 0;
        for (int c : order) {
            if (chosen[c]) {
                tail[t++] = c;
            } else {
                order[w++] = c;
            }
        }
        System.arraycopy(tail, 0, order, w, t);
    }

    private static void shuffle(int[] a, int n, SplittableRandom rng) {
        for (int i = n - 1; i > 0; i--) {
            int j = rng.nextInt(i + 1);
            int t = a[i];
            a[i] = a[j];
            a[j] = t;
        }
    }
}

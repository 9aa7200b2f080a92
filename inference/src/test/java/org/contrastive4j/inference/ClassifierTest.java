package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.Random;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.stream.IntStream;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.junit.jupiter.api.Test;

class ClassifierTest {

    @Test
    void headClassificationIsTheArgmaxOfTheProbabilities() throws Exception {
        float[][] raw = TestModels.randomRows(71, 30, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            assertTrue(Classifier.hasHead(e.info()));
            Classifier c = Classifier.head(e);
            assertTrue(c.usesHead());
            assertEquals(List.of("a", "b", "c"), c.classNames());
            Prediction[] p = c.classify(samples);
            boolean sawTwoLabels = false;
            for (int i = 0; i < p.length; i++) {
                // The head's probabilities computed independently from the model's weights.
                double[] probs = TestModels.toolkitReference(TestModels.toolkitNormalise(raw[i]))[2];
                int best = 0;
                for (int k = 1; k < 3; k++) {
                    best = probs[k] > probs[best] ? k : best;
                }
                assertEquals(best, p[i].label());
                assertEquals(List.of("a", "b", "c").get(best), p[i].className());
                assertEquals(probs[best], p[i].score(), 1e-5);
                assertNull(p[i].neighbors());
                sawTwoLabels |= p[i].label() != p[0].label();
            }
            assertTrue(sawTwoLabels || p.length < 2, "inputs should not all land in one class");
        }
    }

    @Test
    void plainEncoderNeedsAnIndex() throws Exception {
        try (Embedder e = Embedder.open(TestModels.foreign())) {
            assertFalse(Classifier.hasHead(e.info()));
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Classifier.head(e));
            assertTrue(ex.getMessage().contains("classify with a k-NN index"), ex.getMessage());
        }
    }

    @Test
    void knnClassificationOfReferenceSamplesReturnsTheirOwnLabels() throws Exception {
        // Transfer setting: the foreign encoder is frozen; a new labelled set becomes the index.
        Random r = new Random(81);
        float[][] x = new float[40][4];
        int[] labels = new int[40];
        for (int i = 0; i < x.length; i++) {
            labels[i] = i % 2;
            for (int j = 0; j < 4; j++) {
                // Class 0 pushes the first output up, class 1 the third one (W's sign pattern).
                x[i][j] = (labels[i] == 0 ? 1f : -1f) * (j + 1) * 0.5f + 0.05f * (float) r.nextGaussian();
            }
        }
        try (Embedder e = Embedder.open(TestModels.foreign())) {
            KnnIndex index = KnnIndex.build(e.embed(x), labels, List.of("pos", "neg"), Metric.EUCLIDEAN, e.fingerprint(), 1,
                    Vote.MAJORITY);
            Classifier c = Classifier.knn(e, index);
            assertFalse(c.usesHead());
            Prediction[] p = c.classify(x);
            for (int i = 0; i < x.length; i++) {
                assertEquals(labels[p[i].neighbors()[0]], p[i].label());
                assertEquals(0f, p[i].distances()[0], 1e-5f);
                assertEquals(labels[i], p[i].label(), "sample " + i);
            }
            Samples s = new Samples("x", TestModels.flatten(x), new int[] {4}, null, List.of());
            Prediction[] viaSamples = Classifier.knn(e, index, 5, Vote.DISTANCE_WEIGHTED).classify(s);
            for (int i = 0; i < x.length; i++) {
                assertEquals(labels[i], viaSamples[i].label());
                assertEquals(5, viaSamples[i].neighbors().length);
            }
        }
    }

    private static int[] randomLabels(long seed, int n, int classes) {
        Random r = new Random(seed);
        return IntStream.range(0, n).map(i -> r.nextInt(classes)).toArray();
    }

    @Test
    void indexFromAnotherModelIsRejected() throws Exception {
        try (Embedder toolkit = Embedder.open(TestModels.toolkit()); Embedder foreign = Embedder.open(TestModels.foreign())) {
            float[][] emb = toolkit.embed(TestModels.randomRows(61, 10, 16, 0f, 1f));
            KnnIndex index = KnnIndex.build(emb, randomLabels(62, 10, 3), List.of(), Metric.COSINE, toolkit.fingerprint(), 1,
                    Vote.MAJORITY);
            Classifier.knn(toolkit, index); // same model: accepted
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Classifier.knn(foreign, index));
            assertTrue(ex.getMessage().contains("was built with another model"), ex.getMessage());
            assertTrue(ex.getMessage().contains("rebuild it with this model"), ex.getMessage());
            try (Embedder normalised = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().l2Normalize(true).build())) {
                ex = assertThrows(IllegalArgumentException.class, () -> Classifier.knn(normalised, index));
                assertTrue(ex.getMessage().contains("different L2 normalisation"), ex.getMessage());
            }
        }
    }

    /**
     * Issue 12 item 6: an index built on another output (here the 3-d logits, L2-normalised) is used with that output by
     * default; only an explicitly different output is refused, and the message says which output the index has.
     */
    @Test
    void anIndexIsSearchedWithTheOutputAndNormalisationItWasBuiltOn() throws Exception {
        float[][] raw = TestModels.randomRows(63, 40, 16, 0f, 1f);
        int[] labels = randomLabels(64, 40, 3);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, labels, List.of("a", "b", "c"));
        // Reference: unit-normalised logits from the independent implementation, brute-force cosine 1-NN.
        double[][] refs = new double[raw.length][];
        for (int i = 0; i < raw.length; i++) {
            double[] l = TestModels.toolkitReference(TestModels.toolkitNormalise(raw[i]))[1];
            double norm = Math.sqrt(l[0] * l[0] + l[1] * l[1] + l[2] * l[2]);
            refs[i] = new double[] {l[0] / norm, l[1] / norm, l[2] / norm};
        }
        float[][] queries = TestModels.randomRows(65, 12, 16, 0f, 1f);
        Samples q = new Samples("q", TestModels.flatten(queries), new int[] {1, 4, 4}, null, List.of());
        KnnIndex index;
        try (Embedder logits = Embedder.open(TestModels.toolkit(),
                EmbedderOptions.builder().outputName("logits").l2Normalize(true).build())) {
            index = KnnIndex.build(logits.embed(samples), labels, samples.classNames(), Metric.COSINE, logits.fingerprint(), 1,
                    Vote.MAJORITY);
        }
        assertEquals(new ModelFingerprint(index.fingerprint().orElseThrow().modelSha256(), "logits", true),
                index.fingerprint().orElseThrow());
        try (Embedder plain = Embedder.open(TestModels.toolkit())) {
            assertEquals("embedding", plain.info().outputName());
            Classifier c = Classifier.knn(plain, index);
            assertEquals("logits", c.knnOutput());
            Prediction[] p = c.classify(q);
            for (int i = 0; i < queries.length; i++) {
                double[] l = TestModels.toolkitReference(TestModels.toolkitNormalise(queries[i]))[1];
                int best = -1;
                double bestCos = Double.NEGATIVE_INFINITY;
                for (int r = 0; r < refs.length; r++) {
                    double cos = (l[0] * refs[r][0] + l[1] * refs[r][1] + l[2] * refs[r][2])
                            / Math.sqrt(l[0] * l[0] + l[1] * l[1] + l[2] * l[2]);
                    if (cos > bestCos) {
                        bestCos = cos;
                        best = r;
                    }
                }
                assertEquals(labels[best], p[i].label(), "query " + i);
                assertEquals(1 - bestCos, p[i].distances()[0], 1e-5, "query " + i);
            }
        }
        try (Embedder explicit = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().outputName("embedding").build())) {
            IllegalArgumentException ex = assertThrows(IllegalArgumentException.class, () -> Classifier.knn(explicit, index));
            assertTrue(ex.getMessage().contains("was built on output 'logits'") && ex.getMessage().contains("not 'embedding'"),
                    ex.getMessage());
            assertFalse(ex.getMessage().contains("rebuild it with this model"), ex.getMessage());
        }
    }

    /** Issue 11 item 1 through a classifier: closing its embedder under eight classifying threads is safe. */
    @Test
    void closingTheEmbedderUnderClassifyingThreadsFailsCleanly() throws Exception {
        float[][] raw = TestModels.randomRows(66, 48, 16, 0f, 1f);
        Samples samples = new Samples("raw", TestModels.flatten(raw), new int[] {1, 4, 4}, null, List.of());
        for (int round = 0; round < 5; round++) {
            Embedder e = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().batchSize(4).intraOpThreads(1).build());
            Classifier c = Classifier.head(e);
            CountDownLatch started = new CountDownLatch(8);
            Queue<Throwable> unexpected = new ConcurrentLinkedQueue<>();
            List<Thread> threads = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                Thread th = new Thread(() -> {
                    boolean first = true;
                    try {
                        while (true) {
                            assertEquals(48, c.classify(samples).length);
                            if (first) {
                                first = false;
                                started.countDown();
                            }
                        }
                    } catch (IllegalStateException closed) {
                        if (first) {
                            started.countDown();
                        }
                    } catch (Throwable other) {
                        unexpected.add(other);
                        started.countDown();
                    }
                });
                threads.add(th);
                th.start();
            }
            started.await();
            e.close();
            for (Thread th : threads) {
                th.join();
            }
            assertTrue(unexpected.isEmpty(), unexpected.toString());
        }
    }
}

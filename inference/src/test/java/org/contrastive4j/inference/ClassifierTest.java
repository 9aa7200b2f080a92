package org.contrastive4j.inference;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Random;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
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
            float[][] probs = e.output("probabilities", samples);
            boolean sawTwoLabels = false;
            for (int i = 0; i < p.length; i++) {
                int best = 0;
                for (int k = 1; k < 3; k++) {
                    best = probs[i][k] > probs[i][best] ? k : best;
                }
                assertEquals(best, p[i].label());
                assertEquals(List.of("a", "b", "c").get(best), p[i].className());
                assertEquals(probs[i][best], p[i].score(), 1e-6f);
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
}

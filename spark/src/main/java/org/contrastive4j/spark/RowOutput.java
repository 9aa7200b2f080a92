package org.contrastive4j.spark;

import java.io.IOException;
import java.io.Serializable;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import scala.collection.immutable.ArraySeq;

/** What a transformer appends to each good row, computed batch by batch on the executors. */
interface RowOutput extends Serializable {

    /** The values appended to each row of one batch, computed with this task's session. */
    interface Batch {
        Object[][] apply(Samples batch);
    }

    /** Binds to the session of the running task (and loads what else it needs, e.g. the index, once per JVM). */
    Batch bind(Embedder embedder) throws IOException;

    /** {@code array<float>}: one output of the model, optionally L2-normalised. */
    record Embedding(String outputName, boolean l2) implements RowOutput {
        @Override
        public Batch bind(Embedder embedder) {
            return batch -> {
                float[][] emb = embedder.output(outputName, batch);
                Object[][] out = new Object[emb.length][];
                for (int i = 0; i < emb.length; i++) {
                    if (l2) {
                        Embedder.l2NormalizeInPlace(emb[i]);
                    }
                    // Row's external form of an array is a Scala Seq (what Row.getList / getSeq cast to), here
                    // wrapping the float[] without copying or boxing.
                    out[i] = new Object[] {ArraySeq.unsafeWrapArray(emb[i])};
                }
                return out;
            };
        }
    }

    /** prediction, label index and score by k-NN over a shipped index. */
    record Knn(ShippedFile index, String outputName, boolean l2, int k, Vote vote) implements RowOutput {
        @Override
        public Batch bind(Embedder embedder) throws IOException {
            KnnIndex idx = ModelSessions.index(index);
            return batch -> {
                float[][] emb = embedder.output(outputName, batch);
                if (l2) {
                    for (float[] row : emb) {
                        Embedder.l2NormalizeInPlace(row);
                    }
                }
                return predictions(idx.predict(emb, k, vote));
            };
        }
    }

    /** prediction, label index and score from the model's own classifier head. */
    record Head() implements RowOutput {
        @Override
        public Batch bind(Embedder embedder) {
            Classifier classifier = Classifier.head(embedder);
            return batch -> predictions(classifier.classify(batch));
        }
    }

    private static Object[][] predictions(Prediction[] p) {
        Object[][] out = new Object[p.length][];
        for (int i = 0; i < p.length; i++) {
            out[i] = new Object[] {p[i].className(), p[i].label(), p[i].score()};
        }
        return out;
    }
}

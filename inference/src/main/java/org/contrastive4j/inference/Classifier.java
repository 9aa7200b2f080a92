package org.contrastive4j.inference;

import java.util.ArrayList;
import java.util.List;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Softmax;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;

/**
 * Labels samples with a frozen model: through its classifier head ({@code probabilities} or {@code logits} output)
 * or, for a plain encoder, through a {@link KnnIndex} of labelled reference embeddings (transfer classification).
 * Does not own the embedder or the index; thread-safe when the embedder is.
 */
public final class Classifier {

    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";

    private final Embedder embedder;
    private final KnnIndex index;
    private final String headOutput;
    private final int k;
    private final Vote vote;
    private final List<String> classNames;

    private Classifier(Embedder embedder, KnnIndex index, String headOutput, int k, Vote vote, List<String> classNames) {
        this.embedder = embedder;
        this.index = index;
        this.headOutput = headOutput;
        this.k = k;
        this.vote = vote;
        this.classNames = List.copyOf(classNames);
    }

    /** True when the model has a classifier head this class can read. */
    public static boolean hasHead(ModelInfo info) {
        return info.hasOutput(PROBABILITIES) || info.hasOutput(LOGITS);
    }

    /** Classifies with the model's own head. */
    public static Classifier head(Embedder embedder) {
        ModelInfo info = embedder.info();
        if (!hasHead(info)) {
            throw new IllegalArgumentException(info.path() + ": model has no '" + PROBABILITIES + "' or '" + LOGITS
                    + "' output (outputs: " + String.join(", ", info.outputNames()) + "); classify with a k-NN index instead");
        }
        String out = info.hasOutput(PROBABILITIES) ? PROBABILITIES : LOGITS;
        long[] shape = info.outputShapes().get(out);
        List<String> names = new ArrayList<>(info.classNames());
        if (names.isEmpty() && shape.length == 1 && shape[0] > 0) {
            for (int c = 0; c < shape[0]; c++) {
                names.add(Integer.toString(c));
            }
        }
        return new Classifier(embedder, null, out, 0, null, names);
    }

    /** Classifies by k-NN over {@code index} with its default k and vote. */
    public static Classifier knn(Embedder embedder, KnnIndex index) {
        return knn(embedder, index, index.defaultK(), index.defaultVote());
    }

    /**
     * Classifies by k-NN over {@code index}.
     *
     * @throws IllegalArgumentException if the index was built with another model, output or normalisation
     */
    public static Classifier knn(Embedder embedder, KnnIndex index, int k, Vote vote) {
        index.requireCompatible(embedder.fingerprint());
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        return new Classifier(embedder, index, null, k, vote, index.classNames());
    }

    public boolean usesHead() {
        return index == null;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** Classifies raw samples (the model's preprocessing is applied). */
    public Prediction[] classify(Dataset samples) {
        return index == null ? fromHead(embedder.output(headOutput, samples))
                : index.predict(embedder.embed(samples), k, vote);
    }

    /** Classifies model-ready rows (already normalised, flattened to the model input shape). */
    public Prediction[] classify(float[][] inputs) {
        return index == null ? fromHead(embedder.output(headOutput, inputs)) : index.predict(embedder.embed(inputs), k, vote);
    }

    private Prediction[] fromHead(float[][] scores) {
        Prediction[] out = new Prediction[scores.length];
        for (int i = 0; i < scores.length; i++) {
            float[] p = headOutput.equals(LOGITS) ? Softmax.of(scores[i]) : scores[i];
            int best = 0;
            for (int c = 1; c < p.length; c++) {
                if (p[c] > p[best]) {
                    best = c;
                }
            }
            String name = best < classNames.size() ? classNames.get(best) : Integer.toString(best);
            out[i] = new Prediction(best, name, Math.max(0f, Math.min(1f, p[best])));
        }
        return out;
    }
}

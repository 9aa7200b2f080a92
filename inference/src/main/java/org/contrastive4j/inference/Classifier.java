package org.contrastive4j.inference;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Softmax;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;

/**
 * Labels samples with a frozen model: through its classifier head ({@code probabilities} or {@code logits} output)
 * or, for a plain encoder, through a {@link KnnIndex} of labelled reference embeddings (transfer classification).
 * An index remembers the output it was built on and whether it was L2-normalised; k-NN classification reads that
 * output that way, whatever the embedder's default output is.
 *
 * <p>Owns no native resource: it does not own the embedder (whose {@code close} is safe while this classifier is in
 * use: calls then fail with {@link IllegalStateException}) or the index. Thread-safe.
 */
public final class Classifier {

    public static final String PROBABILITIES = "probabilities";
    public static final String LOGITS = "logits";

    private final Embedder embedder;
    private final KnnIndex index;
    private final String headOutput;
    private final String knnOutput;
    private final boolean knnL2;
    private final int k;
    private final Vote vote;
    private final List<String> classNames;

    private Classifier(Embedder embedder, KnnIndex index, String headOutput, String knnOutput, boolean knnL2, int k, Vote vote,
            List<String> classNames) {
        this.embedder = embedder;
        this.index = index;
        this.headOutput = headOutput;
        this.knnOutput = knnOutput;
        this.knnL2 = knnL2;
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
        return new Classifier(embedder, null, out, null, false, 0, null, names);
    }

    /** Classifies by k-NN over {@code index} with its default k and vote. */
    public static Classifier knn(Embedder embedder, KnnIndex index) {
        return knn(embedder, index, index.defaultK(), index.defaultVote());
    }

    /**
     * Classifies by k-NN over {@code index}, reading the output the index was built on (with its L2 normalisation),
     * unless the embedder's options name another output explicitly.
     *
     * @throws IllegalArgumentException if the index was built with another model, or on another output than the one the
     *     embedder's options name explicitly, or without L2 normalisation while the embedder's options ask for it
     */
    public static Classifier knn(Embedder embedder, KnnIndex index, int k, Vote vote) {
        if (k < 1) {
            throw new IllegalArgumentException("k must be >= 1, got " + k);
        }
        ModelFingerprint built = index.fingerprint().orElse(null);
        String output = embedder.info().outputName();
        boolean l2 = embedder.options().l2Normalize();
        if (built != null) {
            String requested = embedder.options().outputName().orElse(built.outputName());
            boolean requestedL2 = l2 || built.l2Normalized();
            // The index's own output and normalisation are the defaults; only an explicit contradiction is refused.
            index.requireCompatible(new ModelFingerprint(embedder.info().sha256(), requested, requestedL2));
            if (!embedder.info().hasOutput(built.outputName())) {
                throw new IllegalArgumentException("index " + index.source() + " was built on output '" + built.outputName()
                        + "', which " + embedder.info().path() + " does not have (outputs: "
                        + String.join(", ", embedder.info().outputNames()) + ")");
            }
            output = built.outputName();
            l2 = built.l2Normalized();
        }
        return new Classifier(embedder, index, null, output, l2, k, vote, index.classNames());
    }

    /** The model output k-NN classification reads ({@code null} for head classification). */
    public String knnOutput() {
        return knnOutput;
    }

    public boolean usesHead() {
        return index == null;
    }

    public List<String> classNames() {
        return classNames;
    }

    /** The k-NN index this classifier searches; empty for the model's head. */
    public Optional<KnnIndex> index() {
        return Optional.ofNullable(index);
    }

    /** The neighbours a k-NN classifier votes with (0 for the head). */
    public int k() {
        return k;
    }

    /** The k-NN vote ({@code null} for the head). */
    public Vote vote() {
        return vote;
    }

    /** Classifies raw samples (the model's preprocessing is applied). */
    public Prediction[] classify(Dataset samples) {
        return classify(samples, 0, samples.size());
    }

    /** Classifies raw samples {@code [from, to)}: the unit of streaming. */
    public Prediction[] classify(Dataset samples, int from, int to) {
        return index == null ? fromProbabilities(toProbabilities(embedder.output(headOutput, samples, from, to)))
                : index.predict(embedder.output(knnOutput, samples, from, to, knnL2), k, vote);
    }

    /** Classifies model-ready rows (already normalised, flattened to the model input shape). */
    public Prediction[] classify(float[][] inputs) {
        return index == null ? fromProbabilities(toProbabilities(embedder.output(headOutput, inputs)))
                : index.predict(embedder.output(knnOutput, inputs, knnL2), k, vote);
    }

    /**
     * The head's class probabilities for raw samples: its {@code probabilities} output, else the softmax of its
     * {@code logits}. For callers that want more than the top class (e.g. the server's top-k).
     *
     * @throws IllegalStateException for a k-NN classifier
     */
    public float[][] probabilities(Dataset samples) {
        if (index != null) {
            throw new IllegalStateException("a k-NN classifier has no class probabilities; use classify");
        }
        return toProbabilities(embedder.output(headOutput, samples, 0, samples.size()));
    }

    private float[][] toProbabilities(float[][] scores) {
        if (headOutput.equals(LOGITS)) {
            for (int i = 0; i < scores.length; i++) {
                scores[i] = Softmax.of(scores[i]);
            }
        }
        return scores;
    }

    /** The head's prediction for each row of class probabilities (as from {@link #probabilities}): the most probable class. */
    public Prediction[] fromProbabilities(float[][] probabilities) {
        Prediction[] out = new Prediction[probabilities.length];
        for (int i = 0; i < probabilities.length; i++) {
            float[] p = probabilities[i];
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

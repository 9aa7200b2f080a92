package org.contrastive4j.inference.serve;

import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.ModelInfo;

/**
 * The model a server serves: an {@link Embedder} and, when the model has a head or an index was given, a
 * {@link Classifier}. It does not own them; whoever opened the embedder closes it after the server has stopped.
 */
public final class ServedModel implements BatchBackend {

    private final Embedder embedder;
    private final Classifier classifier;
    private final int[] referenceLabels;

    /**
     * @param classifier the model's head or a k-NN index over its embeddings; {@code null}: {@code /classify} is
     *     refused
     */
    public ServedModel(Embedder embedder, Classifier classifier) {
        this.embedder = embedder;
        this.classifier = classifier;
        this.referenceLabels = index().map(KnnIndex::labels).orElse(null);
    }

    /** The name a server gives a model by default: its file name without the extension. */
    public static String defaultName(Path model) {
        String file = model.getFileName().toString();
        int dot = file.lastIndexOf('.');
        return dot > 0 ? file.substring(0, dot) : file;
    }

    public ModelInfo info() {
        return embedder.info();
    }

    public Embedder embedder() {
        return embedder;
    }

    public Optional<Classifier> classifier() {
        return Optional.ofNullable(classifier);
    }

    public Optional<KnnIndex> index() {
        return classifier == null ? Optional.empty() : classifier.index();
    }

    /** The output {@code /embed} returns ({@link Embedder#embed}, L2-normalised when the embedder is). */
    public String embeddingOutput() {
        return embedder.info().outputName();
    }

    /** The label of the index's reference sample {@code i} (a k-NN classifier only). */
    int referenceLabel(int i) {
        return referenceLabels[i];
    }

    /** The classes a prediction may name. */
    public List<String> classNames() {
        return classifier == null ? List.of() : classifier.classNames();
    }

    @Override
    public Object[] run(Work work, Samples rows) {
        if (work instanceof Work.Output o) {
            return o.name().equals(embeddingOutput()) ? embedder.embed(rows) : embedder.output(o.name(), rows);
        }
        if (classifier == null) {
            throw new IllegalStateException("this server has no classifier");
        }
        Classification[] out = new Classification[rows.size()];
        if (classifier.usesHead()) {
            float[][] p = classifier.probabilities(rows);
            Prediction[] predictions = classifier.fromProbabilities(p);
            for (int i = 0; i < out.length; i++) {
                out[i] = new Classification(predictions[i], p[i]);
            }
        } else {
            Prediction[] predictions = classifier.classify(rows);
            for (int i = 0; i < out.length; i++) {
                out[i] = new Classification(predictions[i], null);
            }
        }
        return out;
    }
}

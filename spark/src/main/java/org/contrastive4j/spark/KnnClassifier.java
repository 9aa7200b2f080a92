package org.contrastive4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.ModelFingerprint;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.ModelInfo;

/**
 * Classifies each row with an ONNX encoder: by k-NN over a saved {@code KnnIndex} of labelled reference embeddings
 * ({@code indexPath}, from {@code c4j index}; shipped once per executor), or, without an index, with the model's own
 * classifier head ({@code probabilities} or {@code logits} output). Appends {@code prediction} (class name),
 * {@code label_index} and {@code score} (the winning share of the k-NN vote, or the head's probability).
 *
 * <p>The embedding is computed as the index was built: the index's fingerprint gives the model output and whether
 * embeddings are L2-normalised (unless {@code outputName} / {@code normalize} are set), and an index built with
 * another model, output or normalisation is refused before any job runs, whatever the {@code mode}.
 */
public final class KnnClassifier extends OnnxTransformer<KnnClassifier> {

    private static final long serialVersionUID = 1L;

    private final Param<String> indexPath;
    private final IntParam k;
    private final Param<String> vote;
    private final Param<String> outputName;
    private final BooleanParam normalize;
    private final Param<String> predictionCol;
    private final Param<String> labelIndexCol;
    private final Param<String> scoreCol;

    public KnnClassifier() {
        this(Identifiable.randomUID("KnnClassifier"));
    }

    public KnnClassifier(String uid) {
        super(uid);
        indexPath = new Param<>(this, "indexPath", "k-NN index from 'c4j index' (local path or any URI Spark reads); empty: "
                + "classify with the model's own head (probabilities or logits output)");
        k = new IntParam(this, "k", "neighbours (0: the index's k)", ParamValidators.gtEq(0));
        vote = new Param<>(this, "vote", "neighbour vote: majority or distance-weighted (empty: the index's)",
                validator(v -> v.isEmpty() || Vote.parse(v) != null));
        outputName = new Param<>(this, "outputName", "model output to search with (default: the one the index was built "
                + "from)");
        normalize = new BooleanParam(this, "normalize", "L2-normalise embeddings before the search (default: as the "
                + "index was built)");
        predictionCol = new Param<>(this, "predictionCol", "output column: predicted class name", validator(v -> !v.isBlank()));
        labelIndexCol = new Param<>(this, "labelIndexCol", "output column: predicted class index", validator(v -> !v.isBlank()));
        scoreCol = new Param<>(this, "scoreCol", "output column: score in [0, 1]", validator(v -> !v.isBlank()));
        setDefault(indexPath, "");
        setDefault(k, 0);
        setDefault(vote, "");
        setDefault(predictionCol, "prediction");
        setDefault(labelIndexCol, "label_index");
        setDefault(scoreCol, "score");
    }

    public Param<String> indexPath() {
        return indexPath;
    }

    public IntParam k() {
        return k;
    }

    public Param<String> vote() {
        return vote;
    }

    public Param<String> outputName() {
        return outputName;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public Param<String> predictionCol() {
        return predictionCol;
    }

    public Param<String> labelIndexCol() {
        return labelIndexCol;
    }

    public Param<String> scoreCol() {
        return scoreCol;
    }

    public String getIndexPath() {
        return getOrDefault(indexPath);
    }

    public int getK() {
        return (Integer) getOrDefault(k);
    }

    public String getVote() {
        return getOrDefault(vote);
    }

    public String getPredictionCol() {
        return getOrDefault(predictionCol);
    }

    public String getLabelIndexCol() {
        return getOrDefault(labelIndexCol);
    }

    public String getScoreCol() {
        return getOrDefault(scoreCol);
    }

    public KnnClassifier setIndexPath(String value) {
        set(indexPath, value);
        return this;
    }

    public KnnClassifier setK(int value) {
        set(k, value);
        return this;
    }

    public KnnClassifier setVote(String value) {
        if (!value.isEmpty()) {
            Vote.parse(value); // its own message for a bad vote
        }
        set(vote, value);
        return this;
    }

    public KnnClassifier setOutputName(String value) {
        set(outputName, value);
        return this;
    }

    public KnnClassifier setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    public KnnClassifier setPredictionCol(String value) {
        set(predictionCol, value);
        return this;
    }

    public KnnClassifier setLabelIndexCol(String value) {
        set(labelIndexCol, value);
        return this;
    }

    public KnnClassifier setScoreCol(String value) {
        set(scoreCol, value);
        return this;
    }

    boolean usesIndex() {
        return !getIndexPath().isBlank();
    }

    @Override
    List<Param<String>> fileParams() {
        List<Param<String>> files = new ArrayList<>(super.fileParams());
        if (usesIndex()) {
            files.add(indexPath);
        }
        return files;
    }

    @Override
    void checkParams() {
        super.checkParams();
        if (!usesIndex()) {
            List<String> knnOnly = new ArrayList<>();
            for (Param<?> p : List.of(k, vote, outputName, normalize)) {
                if (isSet(p)) {
                    knnOnly.add(p.name());
                }
            }
            if (!knnOnly.isEmpty()) {
                throw new IllegalArgumentException(stage() + ": " + String.join(", ", knnOnly) + " appl"
                        + (knnOnly.size() == 1 ? "ies" : "y") + " to k-NN classification; set indexPath (or unset them "
                        + "to classify with the model's head)");
            }
        }
    }

    @Override
    List<StructField> outputFields(boolean nullable) {
        return List.of(DataTypes.createStructField(getPredictionCol(), DataTypes.StringType, nullable),
                DataTypes.createStructField(getLabelIndexCol(), DataTypes.IntegerType, nullable),
                DataTypes.createStructField(getScoreCol(), DataTypes.FloatType, nullable));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Plan plan = plan(dataset);
        ModelInfo info = plan.info();
        if (!usesIndex()) {
            if (!Classifier.hasHead(info)) {
                throw new IllegalArgumentException(stage() + ": model " + plan.model().source() + " has no classifier head (no '"
                        + Classifier.PROBABILITIES + "' or '" + Classifier.LOGITS + "' output; outputs: "
                        + String.join(", ", info.outputNames()) + "); set indexPath to a k-NN index from 'c4j index'");
            }
            return run(dataset, plan, new RowOutput.Head());
        }
        try {
            ShippedFile shipped = ShippedFile.ship(plan.spark(), getIndexPath(), "k-NN index");
            KnnIndex index = ModelSessions.index(shipped);
            ModelFingerprint built = index.fingerprint().orElse(null);
            String out = isSet(outputName) ? getOrDefault(outputName)
                    : built != null ? built.outputName() : info.outputName();
            if (!info.hasOutput(out)) {
                throw new IllegalArgumentException(stage() + ": model " + plan.model().source() + " has no output '" + out
                        + "' (outputs: " + String.join(", ", info.outputNames()) + ")");
            }
            boolean l2 = isSet(normalize) ? (Boolean) getOrDefault(normalize) : built != null && built.l2Normalized();
            try {
                index.requireCompatible(new ModelFingerprint(info.sha256(), out, l2));
            } catch (IllegalArgumentException e) {
                throw new IllegalArgumentException(stage() + ": " + e.getMessage().replace("index " + index.source(),
                        "index " + shipped.source()) + " (model " + plan.model().source() + ")", e);
            }
            long[] outShape = info.outputShapes().get(out);
            long dim = 1;
            for (long d : outShape) {
                dim = d < 0 ? -1 : dim * d;
                if (dim < 0) {
                    break;
                }
            }
            if (dim >= 0 && dim != index.dim()) {
                throw new IllegalArgumentException(stage() + ": index " + shipped.source() + " holds " + index.dim()
                        + "-d embeddings but model output '" + out + "' has " + dim + " values");
            }
            int kk = getK() > 0 ? getK() : index.defaultK();
            Vote v = getVote().isEmpty() ? index.defaultVote() : Vote.parse(getVote());
            return run(dataset, plan, new RowOutput.Knn(shipped, out, l2, kk, v));
        } catch (IOException e) {
            throw new UncheckedIOException(stage() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public KnnClassifier copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<KnnClassifier> read() {
        return new Persistence.Reader<>(KnnClassifier.class);
    }

    public static KnnClassifier load(String path) {
        return read().load(path);
    }
}

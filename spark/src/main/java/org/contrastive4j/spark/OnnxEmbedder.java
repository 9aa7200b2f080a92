package org.contrastive4j.spark;

import java.util.List;
import org.apache.spark.ml.param.BooleanParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamMap;
import org.apache.spark.ml.util.Identifiable;
import org.apache.spark.ml.util.MLReader;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;

/**
 * Embeds each row with an ONNX encoder: appends {@code outputCol} ({@code array<float>}, default {@code embedding})
 * computed from {@code inputCol}, a flattened raw sample ({@code array<float>}, {@code array<double>}, ML vector) or
 * an encoded PNG/JPEG ({@code binary}, e.g. {@code spark.read.format("binaryFile")}'s {@code content}). The model's
 * mean/std (from its metadata) are applied as by {@code c4j embed}; images are decoded and fitted to the model's
 * input like the command line does, so the numbers are the same as {@code Embedder.embed}'s.
 *
 * <pre>{@code
 * Dataset<Row> images = spark.read().format("binaryFile").load("hdfs:///catalogue/*.jpg");
 * Dataset<Row> out = new OnnxEmbedder().setModelPath("hdfs:///models/encoder.onnx").setInputCol("content")
 *         .transform(images).select("path", "embedding");
 * }</pre>
 */
public final class OnnxEmbedder extends OnnxTransformer<OnnxEmbedder> {

    private static final long serialVersionUID = 1L;

    private final Param<String> outputCol;
    private final Param<String> outputName;
    private final BooleanParam normalize;

    public OnnxEmbedder() {
        this(Identifiable.randomUID("OnnxEmbedder"));
    }

    public OnnxEmbedder(String uid) {
        super(uid);
        outputCol = new Param<>(this, "outputCol", "output column (array<float>)", validator(v -> !v.isBlank()));
        outputName = new Param<>(this, "outputName", "model output to read (empty: 'embedding' when the model has it, else "
                + "its first output)");
        normalize = new BooleanParam(this, "normalize", "L2-normalise each embedding");
        setDefault(outputCol, "embedding");
        setDefault(outputName, "");
        setDefault(normalize, false);
    }

    public Param<String> outputCol() {
        return outputCol;
    }

    public Param<String> outputName() {
        return outputName;
    }

    public BooleanParam normalize() {
        return normalize;
    }

    public String getOutputCol() {
        return getOrDefault(outputCol);
    }

    public String getOutputName() {
        return getOrDefault(outputName);
    }

    public boolean getNormalize() {
        return (Boolean) getOrDefault(normalize);
    }

    public OnnxEmbedder setOutputCol(String value) {
        set(outputCol, value);
        return this;
    }

    public OnnxEmbedder setOutputName(String value) {
        set(outputName, value);
        return this;
    }

    public OnnxEmbedder setNormalize(boolean value) {
        set(normalize, value);
        return this;
    }

    @Override
    List<StructField> outputFields(boolean nullable) {
        return List.of(DataTypes.createStructField(getOutputCol(), DataTypes.createArrayType(DataTypes.FloatType, false),
                nullable));
    }

    @Override
    public Dataset<Row> transform(Dataset<?> dataset) {
        Plan plan = plan(dataset);
        String name = getOutputName().isEmpty() ? plan.info().outputName() : getOutputName();
        if (!plan.info().hasOutput(name)) {
            throw new IllegalArgumentException(stage() + ": model " + plan.model().source() + " has no output '" + name
                    + "' (outputs: " + String.join(", ", plan.info().outputNames()) + ")");
        }
        return run(dataset, plan, new RowOutput.Embedding(name, getNormalize()));
    }

    @Override
    public OnnxEmbedder copy(ParamMap extra) {
        return defaultCopy(extra);
    }

    public static MLReader<OnnxEmbedder> read() {
        return new Persistence.Reader<>(OnnxEmbedder.class);
    }

    public static OnnxEmbedder load(String path) {
        return read().load(path);
    }
}

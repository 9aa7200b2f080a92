package org.contrastive4j.spark;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.spark.ml.Transformer;
import org.apache.spark.ml.param.IntParam;
import org.apache.spark.ml.param.Param;
import org.apache.spark.ml.param.ParamValidators;
import org.apache.spark.ml.util.MLWritable;
import org.apache.spark.ml.util.MLWriter;
import org.apache.spark.sql.Dataset;
import org.apache.spark.sql.Encoders;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.inference.ModelInfo;
import scala.Function1;

/**
 * What {@link OnnxEmbedder} and {@link KnnClassifier} share: the model and how to run it ({@code modelPath},
 * {@code inputCol}, {@code batchSize}, {@code device}), how bad rows are handled ({@code mode}, {@code errorCol},
 * {@code idCol}), persistence (params as JSON plus a copy of the model and index files) and the executor side
 * ({@link PartitionRunner}).
 *
 * @param <T> the concrete transformer, returned by the setters
 */
public abstract class OnnxTransformer<T extends OnnxTransformer<T>> extends Transformer implements MLWritable {

    private static final long serialVersionUID = 1L;

    /** Fail the job on the first bad row, naming it (the default, as Spark's readers). */
    public static final String FAILFAST = "FAILFAST";
    /** Write null outputs for bad rows and the reason in {@code errorCol}. */
    public static final String PERMISSIVE = "PERMISSIVE";

    private final String uid;
    private final Param<String> modelPath;
    private final Param<String> inputCol;
    private final IntParam batchSize;
    private final Param<String> device;
    private final Param<String> mode;
    private final Param<String> errorCol;
    private final Param<String> idCol;

    protected OnnxTransformer(String uid) {
        this.uid = uid;
        modelPath = new Param<>(this, "modelPath", "the ONNX model (a contrastive4j export or any single-input float "
                + "model): a local path or any URI Spark reads (hdfs:, s3a:, ...); read once on the driver and broadcast");
        inputCol = new Param<>(this, "inputCol", "input column: " + InputKind.ACCEPTED);
        batchSize = new IntParam(this, "batchSize", "rows per ONNX Runtime call (>= 1)", ParamValidators.gtEq(1));
        device = new Param<>(this, "device", "where executors run the model: " + DeviceSpec.GRAMMAR,
                validator(v -> DeviceSpec.parse(v) != null));
        mode = new Param<>(this, "mode", "bad rows (wrong feature count, NaN, undecodable image): FAILFAST fails the job "
                + "naming the row, PERMISSIVE writes null outputs and the reason in errorCol",
                validator(v -> List.of(FAILFAST, PERMISSIVE).contains(v.toUpperCase(Locale.ROOT))));
        errorCol = new Param<>(this, "errorCol", "PERMISSIVE mode: column for the reason a row has null outputs (null "
                + "when it is good)", validator(v -> !v.isBlank()));
        idCol = new Param<>(this, "idCol", "column naming rows in error messages (empty: 'path' when present, else "
                + "'id', else the row's position in its partition)");
        setDefault(inputCol, "features");
        setDefault(batchSize, EmbedderOptions.DEFAULT_BATCH_SIZE);
        setDefault(device, DeviceSpec.AUTO.toString());
        setDefault(mode, FAILFAST);
        setDefault(errorCol, "error");
        setDefault(idCol, "");
    }

    /** A Spark param validator from a Java predicate; a value the predicate throws on is invalid too. */
    static <V> Function1<V, Object> validator(Predicate<V> ok) {
        return v -> {
            try {
                return v != null && ok.test(v);
            } catch (RuntimeException e) {
                return false;
            }
        };
    }

    @Override
    public String uid() {
        return uid;
    }

    @SuppressWarnings("unchecked")
    protected final T self() {
        return (T) this;
    }

    public Param<String> modelPath() {
        return modelPath;
    }

    public Param<String> inputCol() {
        return inputCol;
    }

    public IntParam batchSize() {
        return batchSize;
    }

    public Param<String> device() {
        return device;
    }

    public Param<String> mode() {
        return mode;
    }

    public Param<String> errorCol() {
        return errorCol;
    }

    public Param<String> idCol() {
        return idCol;
    }

    public String getModelPath() {
        return isDefined(modelPath) ? getOrDefault(modelPath) : null;
    }

    public String getInputCol() {
        return getOrDefault(inputCol);
    }

    public int getBatchSize() {
        return (Integer) getOrDefault(batchSize);
    }

    public String getDevice() {
        return getOrDefault(device);
    }

    public String getMode() {
        return getOrDefault(mode).toUpperCase(Locale.ROOT);
    }

    public String getErrorCol() {
        return getOrDefault(errorCol);
    }

    public String getIdCol() {
        return getOrDefault(idCol);
    }

    public T setModelPath(String value) {
        set(modelPath, value);
        return self();
    }

    public T setInputCol(String value) {
        set(inputCol, value);
        return self();
    }

    public T setBatchSize(int value) {
        set(batchSize, value);
        return self();
    }

    /** {@code auto} (default: a GPU when the executors' ONNX Runtime build has CUDA), {@code cpu}, {@code gpu:N}. */
    public T setDevice(String value) {
        DeviceSpec.parse(value); // its own message for a bad device
        set(device, value);
        return self();
    }

    /** {@code FAILFAST} (default) or {@code PERMISSIVE}, case-insensitive. */
    public T setMode(String value) {
        set(mode, value);
        return self();
    }

    public T setErrorCol(String value) {
        set(errorCol, value);
        return self();
    }

    public T setIdCol(String value) {
        set(idCol, value);
        return self();
    }

    boolean permissive() {
        return getMode().equals(PERMISSIVE);
    }

    /** "OnnxEmbedder[uid]", the prefix of every message. */
    String stage() {
        return getClass().getSimpleName() + "[" + uid + "]";
    }

    /** The params naming files that are shipped to the executors and copied into a saved transformer. */
    List<Param<String>> fileParams() {
        return List.of(modelPath);
    }

    /** The columns this transformer appends (before the error column). */
    abstract List<StructField> outputFields(boolean nullable);

    /** Checks that params that only apply in some configurations are not set in others ("never silently ignored"). */
    void checkParams() {
        if (!isDefined(modelPath) || getModelPath().isBlank()) {
            throw new IllegalArgumentException(stage() + ": set modelPath (the ONNX model)");
        }
    }

    @Override
    public StructType transformSchema(StructType schema) {
        checkParams();
        List<String> names = Arrays.asList(schema.fieldNames());
        String in = getInputCol();
        if (!names.contains(in)) {
            throw new IllegalArgumentException(stage() + ": input column '" + in + "' not found (columns: "
                    + String.join(", ", names) + "); set inputCol");
        }
        StructField field = schema.apply(in);
        if (InputKind.of(field.dataType()) == null) {
            throw new IllegalArgumentException(stage() + ": input column '" + in + "' has type "
                    + field.dataType().simpleString() + "; expected " + InputKind.ACCEPTED);
        }
        String id = getIdCol();
        if (!id.isEmpty() && !names.contains(id)) {
            throw new IllegalArgumentException(stage() + ": id column '" + id + "' not found (columns: "
                    + String.join(", ", names) + ")");
        }
        StructType out = schema;
        boolean nullable = permissive();
        for (StructField f : outputFields(nullable)) {
            out = add(out, f);
        }
        if (nullable) {
            out = add(out, DataTypes.createStructField(getErrorCol(), DataTypes.StringType, true));
        }
        return out;
    }

    private StructType add(StructType schema, StructField f) {
        if (Arrays.asList(schema.fieldNames()).contains(f.name())) {
            throw new IllegalArgumentException(stage() + ": output column '" + f.name() + "' already exists in the input; "
                    + "choose another name");
        }
        return schema.add(f);
    }

    /** What the executors need, worked out (and checked against the model) on the driver. */
    record Plan(ShippedFile model, ModelInfo info, InputKind kind, StructType outputSchema, SparkSession spark) {}

    Plan plan(Dataset<?> dataset) {
        StructType out = transformSchema(dataset.schema());
        SparkSession spark = dataset.sparkSession();
        try {
            ShippedFile model = ShippedFile.ship(spark, getModelPath(), "model");
            ModelInfo info = inspect(spark, model);
            InputKind kind = InputKind.of(dataset.schema().apply(getInputCol()).dataType());
            if (kind == InputKind.IMAGE_BYTES && !info.takesImages()) {
                throw new IllegalArgumentException(stage() + ": input column '" + getInputCol() + "' holds encoded images, "
                        + "but the model " + model.source() + " takes samples of shape " + Arrays.toString(info.inputShape())
                        + ", not images [1 or 3, H, W]");
            }
            return new Plan(model, info, kind, out, spark);
        } catch (IOException e) {
            throw new UncheckedIOException(stage() + ": " + e.getMessage(), e);
        }
    }

    /**
     * What the model takes and gives (input shape, outputs, metadata), read on the driver from the session it
     * shares with local tasks.
     */
    public ModelInfo describeModel(SparkSession spark) {
        checkParams();
        try {
            return inspect(spark, ShippedFile.ship(spark, getModelPath(), "model"));
        } catch (IOException e) {
            throw new UncheckedIOException(stage() + ": " + e.getMessage(), e);
        }
    }

    /** The model's description, from this JVM's cached session (the driver opens it once, like an executor). */
    ModelInfo inspect(SparkSession spark, ShippedFile model) throws IOException {
        int threads = spark.sparkContext().conf().getInt("spark.task.cpus", 1);
        try (ModelSessions.Lease lease = ModelSessions.lease(model, deviceSpec(), threads, getBatchSize())) {
            return lease.embedder().info();
        }
    }

    DeviceSpec deviceSpec() {
        DeviceSpec d = DeviceSpec.parse(getDevice());
        if (d.isGpu()) {
            d.singleGpu(); // one ONNX Runtime session runs on one GPU: refuse gpu:0,1 by name
        }
        return d;
    }

    /** Runs {@code output} over every partition of {@code dataset}. */
    Dataset<Row> run(Dataset<?> dataset, Plan plan, RowOutput output) {
        StructType in = dataset.schema();
        List<String> names = Arrays.asList(in.fieldNames());
        int idIndex = -1;
        if (!getIdCol().isEmpty()) {
            idIndex = names.indexOf(getIdCol());
        } else if (names.contains("path")) {
            idIndex = names.indexOf("path");
        } else if (names.contains("id")) {
            idIndex = names.indexOf("id");
        }
        int width = outputFields(false).size();
        PartitionRunner runner = new PartitionRunner(stage(), plan.model(), deviceSpec(), getBatchSize(),
                plan.info().inputShape(), plan.kind(), names.indexOf(getInputCol()), idIndex, in.size(), width,
                permissive(), output);
        return dataset.toDF().mapPartitions(runner, Encoders.row(plan.outputSchema()));
    }

    @Override
    public MLWriter write() {
        return new Persistence.Writer(this);
    }

    /** Sets a param from its JSON form (used when loading). */
    @SuppressWarnings("unchecked")
    void setJson(String name, String json) {
        Param<Object> p = (Param<Object>) getParam(name);
        set(p, p.jsonDecode(json));
    }

    /** Points the file param {@code name} at {@code path} (used when loading: the saved copy). */
    void setFile(String name, String path) {
        for (Param<String> p : fileParams()) {
            if (p.name().equals(name)) {
                set(p, path);
                return;
            }
        }
        throw new IllegalArgumentException(stage() + ": '" + name + "' is not a file param");
    }
}

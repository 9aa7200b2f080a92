package org.contrastive4j.trainer;

import com.google.gson.FieldNamingPolicy;
import com.google.gson.Gson;
import com.google.gson.GsonBuilder;
import com.google.gson.JsonElement;
import com.google.gson.JsonObject;
import com.google.gson.JsonParseException;
import com.google.gson.JsonParser;
import java.util.Map;
import java.util.TreeMap;
import org.contrastive4j.core.data.LoadOptions;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.losses.LossRegistry;

/**
 * Everything that defines a training run, immutable. Built from {@link TrainOptions#DEFAULTS}, then a JSON config
 * file, then command-line flags, each overriding the last; written to {@code config.json} in the run directory and
 * into every checkpoint and ONNX file as provenance.
 */
public record TrainConfig(
        String data,
        String testData,
        double validationFraction,
        int maxTrainSamples,
        int maxTestSamples,
        String pretrainClasses,
        String transferClasses,
        String model,
        int width,
        int embeddingDim,
        int projectionDim,
        String stem,
        String initWeights,
        int freezeBackboneEpochs,
        String loss,
        Map<String, String> lossParams,
        int views,
        int epochs,
        int maxSteps,
        int batchSize,
        String sampler,
        int samplesPerClass,
        String optimizer,
        double lr,
        double momentum,
        boolean nesterov,
        double weightDecay,
        double warmupEpochs,
        String schedule,
        double clipGradNorm,
        long seed,
        String device,
        int gradCacheChunks,
        int threads,
        int loaderThreads,
        String augment,
        int evalEvery,
        int checkpointEverySteps,
        int knnK,
        int logEverySteps,
        String out,
        boolean export,
        boolean report,
        String imageSize,
        int channels,
        boolean skipUnreadable,
        int imageCacheMb,
        String baseline) {

    static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    /** Far beyond any model this toolkit trains, well before a layer's weights overflow an array. */
    static final int MAX_WIDTH = 4096;
    static final int MAX_DIM = 65536;

    public TrainConfig {
        lossParams = Map.copyOf(new TreeMap<>(lossParams == null ? Map.of() : lossParams));
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public JsonObject toJsonObject() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    /** Parses a config (e.g. a run's config.json); fields it lacks take their defaults. */
    public static TrainConfig fromJson(String json) {
        return fromJson(json, "config");
    }

    /** As {@link #fromJson(String)}, naming {@code source} (the file) in every error. */
    public static TrainConfig fromJson(String json, String source) {
        JsonElement parsed;
        try {
            parsed = JsonParser.parseString(json);
        } catch (JsonParseException e) {
            throw new IllegalArgumentException(source + ": not valid JSON (" + e.getMessage() + ")", e);
        }
        if (!parsed.isJsonObject()) {
            throw new IllegalArgumentException(source + ": the config must be a JSON object");
        }
        JsonObject merged = TrainOptions.defaultsJson();
        TrainOptions.merge(merged, parsed.getAsJsonObject(), source);
        try {
            return fromJsonObject(merged);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /**
     * A configuration from config-file keys — the flags with {@code _} for {@code -}, loss parameters included
     * ({@code "temperature", 0.2}) — the rest at their defaults: what a JSON config file holding them gives. Unknown
     * keys, wrong types and values out of range are errors naming them.
     */
    public static TrainConfig of(Map<String, ?> keys) {
        JsonObject merged = TrainOptions.defaultsJson();
        TrainOptions.merge(merged, GSON.toJsonTree(keys).getAsJsonObject(), "config");
        TrainConfig c = fromJsonObject(merged);
        LossRegistry.create(c.loss(), c.lossParams());
        return c;
    }

    static TrainConfig fromJsonObject(JsonElement json) {
        TrainConfig c = GSON.fromJson(json, TrainConfig.class);
        c.validate();
        return c;
    }

    public TrainConfig withOut(String newOut) {
        JsonObject o = toJsonObject();
        o.addProperty("out", newOut);
        return fromJsonObject(o);
    }

    /** Returns a copy with the given fields (JSON names) replaced. */
    public TrainConfig with(Map<String, Object> changes) {
        JsonObject o = toJsonObject();
        changes.forEach((k, v) -> o.add(k, GSON.toJsonTree(v)));
        return fromJsonObject(o);
    }

    public boolean cosineSchedule() {
        return schedule.equals("cosine");
    }

    /**
     * Checks every value's range; each message names the flag (config files use the same names with underscores).
     * A value out of range is an error, never quietly replaced by a default.
     */
    void validate() {
        require(epochs >= 1, "--epochs must be >= 1, got " + epochs + (maxSteps > 0 ? " (--max-steps only caps the "
                + "steps of the planned epochs; give both, e.g. --epochs 1 --max-steps " + maxSteps + ")" : ""));
        require(maxSteps >= 0, "--max-steps must be >= 0 (0 = no limit), got " + maxSteps);
        require(batchSize >= 2, "--batch-size must be >= 2, got " + batchSize);
        require(views >= 1, "--views must be >= 1, got " + views);
        require(lr > 0 && Double.isFinite(lr), "--lr must be a positive number, got " + lr);
        require(momentum >= 0 && momentum < 1, "--momentum must be in [0, 1), got " + momentum);
        require(weightDecay >= 0 && Double.isFinite(weightDecay), "--weight-decay must be >= 0, got " + weightDecay);
        require(warmupEpochs >= 0 && Double.isFinite(warmupEpochs), "--warmup-epochs must be >= 0, got " + warmupEpochs);
        require(clipGradNorm >= 0 && Double.isFinite(clipGradNorm), "--clip-grad-norm must be >= 0 (0 = off), got "
                + clipGradNorm);
        require(validationFraction >= 0 && validationFraction < 1, "--validation-fraction must be in [0, 1), got "
                + validationFraction);
        require(maxTrainSamples >= 0, "--max-train-samples must be >= 0 (0 = all), got " + maxTrainSamples);
        require(maxTestSamples >= 0, "--max-test-samples must be >= 0 (0 = all), got " + maxTestSamples);
        require(width >= 0, "--width must be >= 0 (0 = the family's default), got " + width);
        require(embeddingDim >= 0, "--embedding-dim must be >= 0 (0 = 128), got " + embeddingDim);
        require(projectionDim >= 0, "--projection-dim must be >= 0 (0 = the family's default), got " + projectionDim);
        require(width <= MAX_WIDTH, "--width must be at most " + MAX_WIDTH + ", got " + width);
        require(embeddingDim <= MAX_DIM, "--embedding-dim must be at most " + MAX_DIM + ", got " + embeddingDim);
        require(projectionDim <= MAX_DIM, "--projection-dim must be at most " + MAX_DIM + ", got " + projectionDim);
        require(knnK >= 1, "--knn-k must be >= 1, got " + knnK);
        require(channels == 0 || channels == 1 || channels == 3, "--channels must be 1, 3 or 0 (auto), got " + channels);
        require(imageCacheMb >= 0, "--image-cache-mb must be >= 0 (0 = no cache), got " + imageCacheMb);
        LoadOptions.parseImageSize(imageSize, "--image-size");
        require(samplesPerClass >= 0, "--samples-per-class must be >= 0 (0 = auto), got " + samplesPerClass);
        require(threads >= 0, "--threads must be >= 0 (0 = all cores), got " + threads);
        require(loaderThreads >= 0, "--loader-threads must be >= 0 (0 = cores - 1), got " + loaderThreads);
        require(evalEvery >= 0, "--eval-every must be >= 0 (0 = only at the end), got " + evalEvery);
        require(checkpointEverySteps >= 0, "--checkpoint-every-steps must be >= 0 (0 = only at epoch ends), got "
                + checkpointEverySteps);
        require(logEverySteps >= 1, "--log-every-steps must be >= 1, got " + logEverySteps);
        require(gradCacheChunks >= 0, "--grad-cache-chunks must be >= 0 (0 = off), got " + gradCacheChunks);
        require(gradCacheChunks == 0 || (long) batchSize * views >= 2L * gradCacheChunks, "--grad-cache-chunks "
                + gradCacheChunks + " needs at least 2 rows per chunk, but a batch has " + (long) batchSize * views
                + " rows (batch_size x views)");
        require(data != null && !data.isBlank(), "--data must name a dataset or a path");
        oneOf("optimizer", optimizer, "sgd", "adamw");
        oneOf("schedule", schedule, "cosine", "constant");
        oneOf("sampler", sampler, "auto", "random", "balanced");
        oneOf("model", model, "small-cnn", "mlp", "resnet18", "resnet34", "resnet50");
        require(freezeBackboneEpochs >= 0, "--freeze-backbone-epochs must be >= 0, got " + freezeBackboneEpochs);
        oneOf("stem", stem, "cifar", "imagenet");
        oneOf("baseline", baseline, RawPixelBaseline.MODES.toArray(String[]::new));
        oneOf("augment", augment, "auto", "grayscale-default", "grayscale-strong", "rgb-default", "none");
        try {
            DeviceSpec.parse(device);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("--device: " + e.getMessage(), e);
        }
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }

    private static void oneOf(String field, String value, String... allowed) {
        for (String a : allowed) {
            if (a.equals(value)) {
                return;
            }
        }
        throw new IllegalArgumentException("unknown --" + field + " '" + value + "' (valid: " + String.join(", ", allowed) + ")");
    }
}

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
        boolean report) {

    static final Gson GSON = new GsonBuilder()
            .setFieldNamingPolicy(FieldNamingPolicy.LOWER_CASE_WITH_UNDERSCORES)
            .setPrettyPrinting()
            .disableHtmlEscaping()
            .create();

    public TrainConfig {
        lossParams = Map.copyOf(new TreeMap<>(lossParams == null ? Map.of() : lossParams));
    }

    public String toJson() {
        return GSON.toJson(this);
    }

    public JsonObject toJsonObject() {
        return GSON.toJsonTree(this).getAsJsonObject();
    }

    /** Parses a complete config (all fields present, e.g. a run's config.json). */
    public static TrainConfig fromJson(String json) {
        try {
            JsonObject merged = TrainOptions.defaultsJson();
            TrainOptions.merge(merged, JsonParser.parseString(json).getAsJsonObject(), "config");
            return fromJsonObject(merged);
        } catch (JsonParseException | IllegalStateException e) {
            throw new IllegalArgumentException("config is not valid JSON: " + e.getMessage(), e);
        }
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

    void validate() {
        require(epochs >= 1 || maxSteps >= 1, "epochs must be >= 1 (or give max_steps)");
        require(batchSize >= 2, "batch_size must be >= 2, got " + batchSize);
        require(views >= 1, "views must be >= 1, got " + views);
        require(lr > 0 && Double.isFinite(lr), "lr must be a positive number, got " + lr);
        require(momentum >= 0 && momentum < 1, "momentum must be in [0, 1), got " + momentum);
        require(weightDecay >= 0, "weight_decay must be >= 0, got " + weightDecay);
        require(warmupEpochs >= 0, "warmup_epochs must be >= 0, got " + warmupEpochs);
        require(validationFraction >= 0 && validationFraction < 1, "validation_fraction must be in [0, 1)");
        require(knnK >= 1, "knn_k must be >= 1");
        oneOf("optimizer", optimizer, "sgd", "adamw");
        oneOf("schedule", schedule, "cosine", "constant");
        oneOf("sampler", sampler, "auto", "random", "balanced");
        oneOf("model", model, "small-cnn", "mlp", "resnet18", "resnet34", "resnet50");
        require(freezeBackboneEpochs >= 0, "freeze_backbone_epochs must be >= 0, got " + freezeBackboneEpochs);
        require(samplesPerClass >= 0, "samples_per_class must be >= 0 (0 = auto)");
        require(gradCacheChunks >= 0, "grad_cache_chunks must be >= 0 (0 = off), got " + gradCacheChunks);
        require(gradCacheChunks == 0 || (long) batchSize * views >= 2L * gradCacheChunks, "grad_cache_chunks "
                + gradCacheChunks + " needs at least 2 rows per chunk, but a batch has " + (long) batchSize * views
                + " rows (batch_size x views)");
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
        throw new IllegalArgumentException("unknown " + field + " '" + value + "' (valid: " + String.join(", ", allowed) + ")");
    }
}

package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Instant;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrastive4j.core.contract.MetadataKeys;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.contract.ModelMetadata;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;
import org.contrastive4j.losses.RepulsionMeter;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.trainer.data.BatchLoader;
import org.contrastive4j.trainer.data.BatchSampler;
import org.contrastive4j.trainer.data.ClassBalancedSampler;
import org.contrastive4j.trainer.data.Pipeline;
import org.contrastive4j.trainer.data.RandomBatchSampler;
import org.contrastive4j.trainer.data.ViewBatch;
import org.contrastive4j.trainer.eval.EmbeddingExtractor;
import org.contrastive4j.core.eval.Evaluation;
import org.contrastive4j.trainer.optim.AdamW;
import org.contrastive4j.trainer.optim.LrSchedule;
import org.contrastive4j.trainer.optim.Optimizer;
import org.contrastive4j.trainer.optim.Sgd;

/**
 * One training run: builds the model, loss, sampler and optimizer from a {@link TrainConfig}, trains with checkpoints
 * every epoch (and every N steps on request), evaluates on held-out data, and leaves everything in the run directory.
 * A run resumed from its last checkpoint continues bit-for-bit as if it had never stopped (on CPU, same threads).
 */
public final class TrainingSession implements AutoCloseable {

    /** Called after every optimizer step; tests use it to interrupt a run at an exact point. */
    public interface StepListener {
        void afterStep(long globalStep) throws Exception;
    }

    /** What a finished run produced. */
    public record Result(Path runDir, Summary summary, Evaluation.Scores scores, float[][] trainEmbeddings,
            float[][] testEmbeddings) {}

    private final TrainConfig config;
    private final Path runDir;
    private final RunLayout layout;
    private final PrintStream out;
    private final TrainingData data;
    private final ContrastiveLoss loss;
    private final Device device;
    private final List<Device> devices;
    private final NDManager manager;
    private final EncoderBlock block;
    private final Optimizer optimizer;
    private final Step trainStep;
    private final BatchSampler sampler;
    private final LrSchedule schedule;
    private final long totalSteps;
    private long globalStep;
    private StepListener listener = step -> {};

    private TrainingSession(TrainConfig config, PrintStream out, Path resumeCheckpoint) throws IOException {
        this.config = config;
        this.runDir = Path.of(config.out());
        this.layout = RunLayout.of(runDir);
        this.out = out;
        DjlRuntime.offline();
        this.data = PretrainedStart.withInputNormalization(config, TrainingData.load(config));
        this.loss = LossRegistry.create(config.loss(), config.lossParams());
        this.devices = Devices.resolve(config.device());
        this.device = devices.get(0);
        boolean balanced = config.sampler().equals("balanced") || (config.sampler().equals("auto") && loss.supervised());
        this.sampler = balanced ? new ClassBalancedSampler(data.train().labels(),
                        data.train().classNames().size(), config.batchSize(),
                        samplesPerClass(config.batchSize(), config.samplesPerClass(), data.train()), config.seed())
                : new RandomBatchSampler(data.train().size(), config.batchSize(), config.seed());
        int spe = sampler.stepsPerEpoch();
        long planned = (long) config.epochs() * spe;
        this.totalSteps = config.maxSteps() > 0 ? Math.min(config.maxSteps(), planned) : planned;
        this.schedule = new LrSchedule(config.lr(), Math.round(config.warmupEpochs() * spe), totalSteps,
                config.cosineSchedule(), 0.0);
        this.manager = NDManager.newBaseManager(device, "PyTorch");
        ModelSpec spec = modelSpec(config, data);
        if (resumeCheckpoint != null) {
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(resumeCheckpoint, manager);
            this.block = loaded.block();
            this.optimizer = PretrainedStart.optimizer(config, newOptimizer(), block);
            restore(loaded.extras());
        } else {
            Engine.getInstance().setRandomSeed((int) config.seed());
            this.block = PretrainedStart.build(config, spec, data.train().sampleShape(), manager, out);
            this.optimizer = PretrainedStart.optimizer(config, newOptimizer(), block);
        }
        // Several devices, or chunks on one, go through GradCache so that the loss always sees the global batch.
        this.trainStep = Step.create(block, loss, optimizer, manager, devices, config.clipGradNorm(), config.gradCacheChunks());
    }

    /** Starts a new run in {@code config.out()}. */
    public static TrainingSession start(TrainConfig config, PrintStream out) throws IOException {
        return new TrainingSession(config, out, null);
    }

    /** Continues the run in {@code runDir} from its last checkpoint, with the configuration it was started with. */
    public static TrainingSession resume(Path runDir, PrintStream out) throws IOException {
        RunLayout run = RunLayout.of(runDir);
        Path cfg = run.config();
        Path ckpt = run.lastCheckpoint();
        if (!Files.isRegularFile(cfg) || !Files.isRegularFile(ckpt)) {
            throw new NoSuchFileException(runDir.toString(), null,
                    "not a resumable run directory (needs config.json and checkpoints/last.ckpt)");
        }
        TrainConfig config = TrainConfig.fromJson(Files.readString(cfg)).withOut(runDir.toString());
        return new TrainingSession(config, out, ckpt);
    }

    /**
     * Opens a finished (or interrupted) run for inspection: its configuration, data and last checkpoint, evaluated
     * without training.
     */
    public static TrainingSession open(Path runDir, PrintStream out) throws IOException {
        return resume(runDir, out);
    }

    /** Evaluates the current weights; the summary is the run's summary.json when there is one. */
    public Result inspect() throws IOException {
        Evaluation.Scores scores = evaluate();
        Summary summary = Files.isRegularFile(layout.summary()) ? Summary.read(layout.summary()) : new Summary();
        summary.putAll(scores.asMap());
        return new Result(runDir, summary, scores, lastReferenceEmbeddings, lastQueryEmbeddings);
    }

    public void setListener(StepListener listener) {
        this.listener = listener;
    }

    public TrainingData data() {
        return data;
    }

    public EncoderBlock block() {
        return block;
    }

    public NDManager manager() {
        return manager;
    }

    public Device device() {
        return device;
    }

    public TrainConfig config() {
        return config;
    }

    /** The family's default spec for samples of {@code shape} (mlp: flattened, with {@code embeddingDim}, 0 = 128). */
    static ModelSpec familySpec(String family, int[] shape, String stem, int embeddingDim) {
        if (!family.equals("mlp") && shape.length != 3) {
            throw new IllegalArgumentException("--model " + family + " needs image samples [C, H, W]; the data has samples of shape "
                    + Arrays.toString(shape) + " (use --model mlp for feature vectors)");
        }
        return switch (family) {
            case "small-cnn" -> ModelSpec.smallCnn(shape[0], shape[1], shape[2]);
            case "resnet18", "resnet34", "resnet50" -> ModelSpec.resnet(family, shape[0], shape[1], shape[2], stem);
            case "mlp" -> ModelSpec.mlp(Arrays.stream(shape).reduce(1, Math::multiplyExact), new int[] {512, 256},
                    embeddingDim > 0 ? embeddingDim : 128);
            default -> throw new IllegalArgumentException("unknown model '" + family + "' (valid: small-cnn, mlp, resnet18, "
                    + "resnet34, resnet50)");
        };
    }

    /** m for class-balanced batches: as given, or batch / c for the largest c ≤ the classes present that divides the batch. */
    static int samplesPerClass(int batch, int given, Samples train) {
        if (given > 0) {
            return given;
        }
        int present = (int) Arrays.stream(train.labels()).distinct().count();
        for (int c = Math.min(present, batch / 2); c >= 1; c--) {
            if (batch % c == 0) {
                return batch / c;
            }
        }
        return batch;
    }

    static ModelSpec modelSpec(TrainConfig c, TrainingData data) {
        ModelSpec spec = familySpec(c.model(), data.train().sampleShape(), c.stem(), c.embeddingDim());
        if (c.width() > 0 && !c.model().equals("mlp")) {
            spec = spec.withWidth(c.width());
        }
        if (c.projectionDim() > 0) {
            int[] head = spec.projectionDims();
            head[head.length - 1] = c.projectionDim();
            spec = spec.withProjectionDims(head);
        }
        return spec;
    }

    private Optimizer newOptimizer() {
        return switch (config.optimizer()) {
            case "sgd" -> new Sgd(manager, (float) config.momentum(), config.nesterov(), (float) config.weightDecay());
            case "adamw" -> new AdamW(manager, (float) config.momentum(), 0.999f, 1e-8f, (float) config.weightDecay());
            default -> throw new IllegalArgumentException("unknown optimizer " + config.optimizer());
        };
    }

    /** Trains to the end of the plan, evaluates, exports, and writes summary.json. */
    public Result run() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(layout.checkpoints());
        boolean resumed = globalStep > 0;
        if (!resumed) {
            AtomicFiles.writeString(layout.config(), config.toJson());
        }
        int spe = sampler.stepsPerEpoch();
        out.printf(Locale.ROOT, "data: %s (train %d, eval %d x %d)%n", data.description(), data.train().size(),
                data.evalQuery().size(), data.evalReference().size());
        out.printf(Locale.ROOT, "model %s, loss %s %s, device %s (%s), %d steps (%d per epoch, batch %d x %d views)%s%n",
                config.model(), loss.name(), loss.params(), describeDevices(), DjlRuntime.describe(), totalSteps, spe, config.batchSize(),
                config.views(), resumed ? ", resuming at step " + globalStep : "");
        double imagesPerSecond = 0;
        try (MetricsLog.Writer metrics = resumed ? MetricsLog.Writer.resume(layout.metrics(), globalStep)
                : MetricsLog.Writer.create(layout.metrics());
                BatchLoader loader = new BatchLoader(data.train(), sampler, augmentation(),
                        new BatchLoader.Options(config.views(), config.seed(), loaderThreads(), 3),
                        (int) (globalStep / spe), (int) (globalStep % spe), (int) ((totalSteps + spe - 1) / spe))) {
            Progress progress = new Progress(out, Progress.isTerminal(), totalSteps, spe, globalStep);
            Evaluation.Scores finalScores = null;
            double epochLossSum = 0;
            int epochLossCount = 0;
            long trainNanos = 0;
            long trainImages = 0;
            while (globalStep < totalSteps) {
                String freeze = PretrainedStart.beforeStep(config, block, globalStep, spe);
                if (freeze != null) {
                    progress.breakLine();
                    out.println(freeze);
                }
                ViewBatch batch = loader.next();
                long s0 = System.nanoTime();
                float lr = schedule.at(globalStep);
                double lossValue = trainStep.run(batch.x(), batch.labels(), batch.views(), batch.sampleShape(), lr);
                long dt = System.nanoTime() - s0;
                globalStep++;
                int rows = batch.views() * batch.batchSize();
                trainNanos += dt;
                trainImages += rows;
                imagesPerSecond = rows / (dt / 1e9);
                epochLossSum += lossValue;
                epochLossCount++;
                int epoch = (int) ((globalStep - 1) / spe) + 1;
                progress.step(globalStep, epoch, lossValue, imagesPerSecond);
                if (globalStep % Math.max(1, config.logEverySteps()) == 0 || globalStep == totalSteps) {
                    metrics.write(MetricsLog.Line.of(MetricsLog.Kind.STEP)
                            .put(MetricsField.EPOCH, epoch)
                            .put(MetricsField.STEP, (int) ((globalStep - 1) % spe) + 1)
                            .put(MetricsField.GLOBAL_STEP, globalStep)
                            .put(MetricsField.LOSS, lossValue)
                            .put(MetricsField.LR, lr)
                            .put(MetricsField.IMG_PER_S, imagesPerSecond)
                            .put(MetricsField.TIME_S, (System.nanoTime() - t0) / 1e9));
                }
                boolean epochEnd = globalStep % spe == 0 || globalStep == totalSteps;
                if (epochEnd) {
                    MetricsLog.Line m = MetricsLog.Line.of(MetricsLog.Kind.EPOCH)
                            .put(MetricsField.EPOCH, epoch)
                            .put(MetricsField.GLOBAL_STEP, globalStep)
                            .put(MetricsField.TRAIN_LOSS, epochLossSum / Math.max(1, epochLossCount));
                    epochLossSum = 0;
                    epochLossCount = 0;
                    RepulsionMeter.Repulsion r = repulsion(batch);
                    m.put(MetricsField.REPULSION_MEAN, r.mean());
                    m.put(MetricsField.REPULSION_FRACTION, r.fraction());
                    boolean last = globalStep == totalSteps;
                    if (last || (config.evalEvery() > 0 && epoch % config.evalEvery() == 0)) {
                        progress.breakLine();
                        finalScores = evaluate();
                        m.putAll(finalScores.asMap());
                        out.printf(Locale.ROOT, "epoch %d: %s%n", epoch, finalScores.describe());
                    }
                    m.put(MetricsField.TIME_S, (System.nanoTime() - t0) / 1e9);
                    metrics.write(m);
                    checkpoint(epoch, true);
                } else if (config.checkpointEverySteps() > 0 && globalStep % config.checkpointEverySteps() == 0) {
                    checkpoint((int) (globalStep / spe), false);
                }
                listener.afterStep(globalStep);
            }
            double trainSeconds = trainNanos / 1e9;
            imagesPerSecond = trainImages / Math.max(1e-9, trainSeconds);
            Evaluation.Scores scores = finalScores != null ? finalScores : evaluate();
            float[][] trainEmb = lastReferenceEmbeddings;
            float[][] testEmb = lastQueryEmbeddings;
            Summary summary = new Summary()
                    .put(SummaryField.DATASET, data.description())
                    .put(SummaryField.TRAIN_SIZE, data.train().size())
                    .put(SummaryField.TEST_SIZE, data.evalQuery().size())
                    .put(SummaryField.MODEL, config.model())
                    .put(SummaryField.LOSS, loss.name())
                    .put(SummaryField.LOSS_PARAMS, loss.params())
                    .put(SummaryField.EPOCHS, (double) globalStep / spe)
                    .put(SummaryField.STEPS, globalStep)
                    .put(SummaryField.DEVICE, describeDevices())
                    .putAll(scores.asMap())
                    .put(SummaryField.TEST_ACCURACY, scores.knnAcc())
                    .put(SummaryField.IMG_PER_S, imagesPerSecond)
                    .put(SummaryField.TRAIN_SECONDS, trainSeconds)
                    .put(SummaryField.CHECKPOINT, layout.lastCheckpoint().toString())
                    .put(SummaryField.TOOLKIT_VERSION, ToolkitVersion.get());
            return new Result(runDir, summary, scores, trainEmb, testEmb);
        }
    }

    private RepulsionMeter.Repulsion repulsion(ViewBatch batch) {
        if (!loss.supervised()) {
            return new RepulsionMeter.Repulsion(Double.NaN, Double.NaN);
        }
        try (NDManager scope = manager.newSubManager(device)) {
            NDArray z = trainStep.project(scope, batch.x(), batch.views() * batch.batchSize(), batch.sampleShape());
            return RepulsionMeter.measure(loss, z, scope.create(batch.labels()), batch.views());
        }
    }

    private float[][] lastReferenceEmbeddings;
    private float[][] lastQueryEmbeddings;

    /** 1-NN, k-NN and linear-probe accuracy of backbone embeddings, query set against reference set. */
    public Evaluation.Scores evaluate() {
        lastReferenceEmbeddings = embed(data.evalReference());
        lastQueryEmbeddings = embed(data.evalQuery());
        return Evaluation.score(lastReferenceEmbeddings, data.evalReference().labels(), lastQueryEmbeddings,
                data.evalQuery().labels(), data.train().classNames(), config.knnK());
    }

    public float[][] embed(Samples samples) {
        return EmbeddingExtractor.extract(block, manager, device, samples, data.normalization(),
                EmbeddingExtractor.Output.EMBEDDING, 512);
    }

    private Pipeline augmentation() {
        String preset = config.augment();
        if (preset.equals("auto")) {
            preset = data.train().sampleShape().length == 3
                    ? (data.train().sampleShape()[0] == 3 ? "rgb-default" : "grayscale-default") : "none";
        }
        return Pipeline.preset(preset, data.train().sampleShape(), data.normalization());
    }

    private int loaderThreads() {
        return config.loaderThreads() > 0 ? config.loaderThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /** Provenance recorded in every checkpoint and ONNX file. */
    public Map<String, String> provenance() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put(MetadataKeys.LOSS, loss.name());
        p.put(MetadataKeys.LOSS_PARAMS, ModelMetadata.json(loss.params()));
        p.put(MetadataKeys.DATASET, data.description());
        p.put(MetadataKeys.SEED, Long.toString(config.seed()));
        p.put(MetadataKeys.CONFIG, config.toJson());
        p.put(MetadataKeys.INPUT_MEAN, ModelMetadata.floats(data.normalization().mean()));
        p.put(MetadataKeys.INPUT_STD, ModelMetadata.floats(data.normalization().std()));
        p.put(MetadataKeys.CLASS_NAMES, ModelMetadata.strings(data.train().classNames()));
        p.put(MetadataKeys.GLOBAL_STEP, Long.toString(globalStep));
        p.put(MetadataKeys.TOOLKIT_VERSION, ToolkitVersion.get());
        p.put(MetadataKeys.ENGINE, DjlRuntime.describe());
        p.put(MetadataKeys.CREATED, Instant.now().toString());
        return p;
    }

    private void checkpoint(int epoch, boolean epochEnd) throws IOException {
        Map<String, byte[]> extras = new LinkedHashMap<>();
        try (NDManager scope = manager.newSubManager()) {
            extras.put("optimizer.ndlist", optimizer.saveState(scope).encode());
        }
        JsonObject state = new JsonObject();
        state.addProperty("global_step", globalStep);
        state.addProperty("epoch", epoch);
        state.addProperty("steps_per_epoch", sampler.stepsPerEpoch());
        state.addProperty("optimizer", optimizer.name());
        state.addProperty("lr_schedule", TrainConfig.GSON.toJson(schedule));
        state.addProperty("seed", config.seed());
        state.addProperty("rng", "counter-based: batch order and augmentation are functions of (seed, epoch, step, sample, view)");
        extras.put("trainer_state.json", state.toString().getBytes(StandardCharsets.UTF_8));
        extras.put(RunLayout.CONFIG, config.toJson().getBytes(StandardCharsets.UTF_8));
        Path last = layout.lastCheckpoint();
        ModelCheckpoint.save(last, block.spec(), block, provenance(), extras);
        if (epochEnd) {
            Files.copy(last, layout.epochCheckpoint(epoch), StandardCopyOption.REPLACE_EXISTING);
        }
    }

    private void restore(Map<String, byte[]> extras) {
        byte[] state = extras.get("trainer_state.json");
        byte[] opt = extras.get("optimizer.ndlist");
        if (state == null || opt == null) {
            throw new IllegalArgumentException("checkpoint has no trainer state (trainer_state.json, optimizer.ndlist): "
                    + "it cannot be resumed, only exported");
        }
        JsonObject s = JsonParser.parseString(new String(state, StandardCharsets.UTF_8)).getAsJsonObject();
        globalStep = s.get("global_step").getAsLong();
        if (s.get("steps_per_epoch").getAsInt() != sampler.stepsPerEpoch()) {
            throw new IllegalArgumentException("checkpoint was written with " + s.get("steps_per_epoch") + " steps per epoch, "
                    + "this configuration has " + sampler.stepsPerEpoch());
        }
        try (NDManager scope = manager.newSubManager()) {
            optimizer.loadState(NDList.decode(scope, opt));
        }
    }

    /** The device, or the devices and the GradCache chunking, for logs and the summary. */
    String describeDevices() {
        String names = String.join(",", devices.stream().map(Device::toString).toList());
        return trainStep instanceof GradCacheStep g ? names + " (grad cache, " + g.shards() + " shards)" : names;
    }

    public long totalSteps() {
        return totalSteps;
    }

    public long globalStep() {
        return globalStep;
    }

    public ContrastiveLoss loss() {
        return loss;
    }

    @Override
    public void close() {
        trainStep.close();
        optimizer.close();
        manager.close();
    }
}

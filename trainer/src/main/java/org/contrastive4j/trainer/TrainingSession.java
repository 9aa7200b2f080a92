package org.contrastive4j.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrastive4j.core.contract.MetricsField;
import org.contrastive4j.core.contract.MetricsLog;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.core.contract.SummaryField;
import org.contrastive4j.core.contract.ToolkitVersion;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.eval.Evaluation;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.RepulsionMeter;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.report.OutputSpread;
import org.contrastive4j.trainer.data.BatchLoader;
import org.contrastive4j.trainer.data.Pipeline;
import org.contrastive4j.trainer.data.ViewBatch;

/**
 * One training run's loop: steps, checkpoints every epoch (and every N steps on request), evaluation on held-out
 * data, {@code metrics.jsonl}. The collaborators come from {@link RunBuilder}; the directory is held through
 * {@link RunDirectory} while the session is open. A run resumed from its last checkpoint continues bit-for-bit as if it
 * had never stopped (on CPU, same threads), including the epoch's running training loss.
 *
 * <p>At an epoch end the checkpoint is written first and the epoch is evaluated after, so a run killed during the
 * evaluation resumes by finishing that evaluation instead of repeating the epoch.
 */
public final class TrainingSession implements AutoCloseable {

    /**
     * Called after every optimizer step and its checkpoint, if any, and before an epoch's evaluation; tests use it to
     * interrupt a run at an exact point.
     */
    public interface StepListener {
        void afterStep(long globalStep) throws Exception;
    }

    /**
     * What a finished run produced: its summary and final scores, the embeddings they were computed from, and what
     * the export and the report build on (the evaluation with its linear probe, the raw-pixel baseline, the outputs
     * compared for similarity search).
     */
    public record Result(Path runDir, Summary summary, Evaluation.Scores scores, float[][] trainEmbeddings,
            float[][] testEmbeddings, RunEvaluation.Embedded evaluation, RawPixelBaseline.Result baseline,
            List<OutputSpread> outputs) {

        public Result {
            outputs = List.copyOf(outputs);
        }

        /** The final evaluation with everything it measured (as at the end of training, or for a finished run). */
        static Result of(Path runDir, Summary summary, RunEvaluation.Embedded e, RawPixelBaseline.Result baseline,
                List<OutputSpread> outputs) {
            return new Result(runDir, summary, e.scores(), e.reference(), e.query(), e, baseline, outputs);
        }
    }

    private final TrainingParts parts;
    private final TrainConfig config;
    private final RunDirectory directory;
    private final RunLayout layout;
    private final PrintStream out;
    private final PrintStream err;
    private final boolean rewriteConfig;
    private final CheckpointWriter checkpoints;
    private long globalStep;
    private double epochLossSum;
    private int epochLossCount;
    private TrainerState.PendingEpoch pending;
    private RunEvaluation.Embedded lastEvaluation;
    private long lastEvaluationStep = -1;
    private StepListener listener = step -> {};

    private TrainingSession(TrainingParts parts, RunDirectory directory, PrintStream out, PrintStream err,
            boolean rewriteConfig) {
        this.parts = parts;
        this.config = parts.config();
        this.directory = directory;
        this.layout = directory.layout();
        this.out = out;
        this.err = err;
        this.rewriteConfig = rewriteConfig;
        this.checkpoints = new CheckpointWriter(layout);
        TrainerState s = parts.state();
        this.globalStep = s.globalStep();
        this.epochLossSum = s.epochLossSum();
        this.epochLossCount = s.epochLossCount();
        this.pending = s.pendingEpoch();
    }

    /** Starts a new run in {@code config.out()}, which must be absent or empty. */
    public static TrainingSession start(TrainConfig config, PrintStream out) throws IOException {
        return start(config, out, out, false);
    }

    /**
     * Starts a new run in {@code config.out()}. With {@code overwrite} an earlier run there is replaced (its files are
     * removed once the new run is set up); without, a non-empty directory is refused. Warnings go to {@code err}.
     */
    public static TrainingSession start(TrainConfig config, PrintStream out, PrintStream err, boolean overwrite)
            throws IOException {
        RunDirectory.Use use = overwrite ? RunDirectory.Use.OVERWRITE : RunDirectory.Use.NEW;
        Path dir = Path.of(config.out());
        RunDirectory.precheck(dir, use);
        TrainingParts parts = RunBuilder.fresh(config, out);
        return open(parts, dir, use, out, err, true);
    }

    /** Continues the run in {@code runDir} from its last checkpoint, with the configuration it was started with. */
    public static TrainingSession resume(Path runDir, PrintStream out) throws IOException {
        return resume(runDir, null, out, out);
    }

    /**
     * Continues the run in {@code runDir} from its last checkpoint. {@code requested} (null = the run's own
     * configuration) may differ from the stored one only in {@link TrainOptions#RESUME_CHANGEABLE}: a larger
     * {@code epochs} / {@code max_steps} extends the run, its schedule re-planned for the new length as if planned so
     * from the start. A run that is already complete is refused rather than "resumed" to do nothing.
     */
    public static TrainingSession resume(Path runDir, TrainConfig requested, PrintStream out, PrintStream err)
            throws IOException {
        RunDirectory.precheck(runDir, RunDirectory.Use.RESUME);
        RunLayout run = RunLayout.of(runDir);
        TrainConfig stored = storedConfig(runDir);
        TrainConfig config = requested == null ? stored : requested;
        TrainOptions.checkResume(stored, config);
        TrainingParts parts = RunBuilder.resumed(config, run.lastCheckpoint(), out);
        try {
            long done = parts.state().globalStep();
            if (parts.totalSteps() < done) {
                throw new IllegalArgumentException("the run in " + runDir + " is at step " + done + ", but --epochs "
                        + config.epochs() + (config.maxSteps() > 0 ? " --max-steps " + config.maxSteps() : "") + " plan only "
                        + parts.totalSteps() + " steps: resuming can extend a run, never shorten it");
            }
            boolean finished = Files.isRegularFile(run.summary())
                    && (parts.state().pendingEpoch() == null || loggedEpochAt(run, done));
            if (parts.totalSteps() == done && finished) {
                throw new IllegalArgumentException("the run in " + runDir + " is complete (" + done + " of " + done
                        + " steps, summary.json written): pass a larger --epochs (now " + config.epochs() + ")"
                        + (config.maxSteps() > 0 ? " or --max-steps (now " + config.maxSteps() + ")" : "")
                        + " to train further; ./c4j report --run and ./c4j export --run rewrite its report and model");
            }
        } catch (RuntimeException e) {
            parts.close();
            throw e;
        }
        return open(parts, runDir, RunDirectory.Use.RESUME, out, err, !config.equals(stored));
    }

    /** The configuration in {@code runDir/config.json}, with {@code out} set to {@code runDir}. */
    public static TrainConfig storedConfig(Path runDir) throws IOException {
        Path cfg = RunLayout.of(runDir).config();
        return TrainConfig.fromJson(Files.readString(cfg), cfg.toString()).withOut(runDir.toString());
    }

    private static TrainingSession open(TrainingParts parts, Path dir, RunDirectory.Use use, PrintStream out,
            PrintStream err, boolean writeConfig) throws IOException {
        try {
            RunDirectory directory = RunDirectory.claim(dir, use);
            return new TrainingSession(parts, directory, out, err, writeConfig);
        } catch (IOException | RuntimeException e) {
            parts.close();
            throw e;
        }
    }

    public void setListener(StepListener listener) {
        this.listener = listener;
    }

    /** For tests: a fault-injection point between each checkpoint's temporary write and its rename. */
    void beforeCheckpointRename(CheckpointWriter.BeforeRename hook) {
        checkpoints.beforeRename(hook);
    }

    public TrainingData data() {
        return parts.data();
    }

    public EncoderBlock block() {
        return parts.block();
    }

    public NDManager manager() {
        return parts.manager();
    }

    public TrainConfig config() {
        return config;
    }

    public List<String> warnings() {
        return parts.warnings();
    }

    /** Trains to the end of the plan, evaluates, and returns the summary (exporting is {@link RunArtifacts#finish}). */
    public Result run() throws Exception {
        long t0 = System.nanoTime();
        Files.createDirectories(layout.checkpoints());
        boolean resumed = globalStep > 0;
        if (rewriteConfig) {
            AtomicFiles.writeString(layout.config(), recordedConfig(config, parts.data()));
        }
        int spe = parts.sampler().stepsPerEpoch();
        long totalSteps = parts.totalSteps();
        TrainingData data = parts.data();
        ContrastiveLoss loss = parts.loss();
        out.printf(Locale.ROOT, "data: %s (train %d, eval %d x %d, measured on %s)%n", data.description(), data.train().size(),
                data.evalQuery().size(), data.evalReference().size(), data.evalSplit());
        out.printf(Locale.ROOT, "model %s, loss %s %s, device %s (%s), %d steps (%d per epoch, batch %d x %d views)%s%n",
                config.model(), loss.name(), loss.params(), parts.describeDevices(), DjlRuntime.describe(), totalSteps, spe,
                config.batchSize(), config.views(), resumed ? ", resuming at step " + globalStep : "");
        for (String w : parts.warnings()) {
            err.println("warning: " + w);
        }
        if (directory.staleTemporaries() > 0) {
            out.printf(Locale.ROOT, "removed %d temporary file(s) left by an interrupted write%n", directory.staleTemporaries());
        }
        if (!directory.kept().isEmpty()) {
            out.println("--overwrite kept files no run writes: " + directory.kept());
        }
        double imagesPerSecond = 0;
        long trainNanos = 0;
        long trainImages = 0;
        try (MetricsLog.Writer metrics = resumed ? MetricsLog.Writer.resume(layout.metrics(), globalStep)
                : MetricsLog.Writer.create(layout.metrics())) {
            if (pending != null) {
                if (loggedEpochAt(layout, globalStep)) {
                    pending = null;
                } else {
                    out.printf(Locale.ROOT, "finishing epoch %d (checkpointed, not yet evaluated)%n", pending.epoch());
                    logPendingEpoch(metrics, t0);
                }
            }
            if (globalStep < totalSteps) {
                try (BatchLoader loader = new BatchLoader(data.train(), parts.sampler(), augmentation(),
                        new BatchLoader.Options(config.views(), config.seed(), RunBuilder.loaderThreads(config),
                                RunBuilder.PREFETCH),
                        (int) (globalStep / spe), (int) (globalStep % spe), (int) ((totalSteps + spe - 1) / spe))) {
                    Progress progress = new Progress(out, Progress.isTerminal(), totalSteps, spe, globalStep);
                    while (globalStep < totalSteps) {
                        String freeze = PretrainedStart.beforeStep(config, parts.block(), globalStep, spe);
                        if (freeze != null) {
                            progress.breakLine();
                            out.println(freeze);
                        }
                        ViewBatch batch = loader.next();
                        long s0 = System.nanoTime();
                        float lr = parts.schedule().at(globalStep);
                        double lossValue = parts.step().run(batch.x(), batch.labels(), batch.views(), batch.sampleShape(), lr);
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
                        if (globalStep % config.logEverySteps() == 0 || globalStep == totalSteps) {
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
                            RepulsionMeter.Repulsion r = repulsion(batch);
                            boolean evaluate = globalStep == totalSteps
                                    || (config.evalEvery() > 0 && epoch % config.evalEvery() == 0);
                            pending = new TrainerState.PendingEpoch(epoch, epochLossSum / Math.max(1, epochLossCount),
                                    r.mean(), r.fraction(), evaluate);
                            epochLossSum = 0;
                            epochLossCount = 0;
                            checkpoint(epoch, true);
                        } else if (config.checkpointEverySteps() > 0 && globalStep % config.checkpointEverySteps() == 0) {
                            checkpoint(epoch, false);
                        }
                        listener.afterStep(globalStep);
                        if (pending != null) {
                            if (pending.evaluate()) {
                                progress.breakLine();
                            }
                            logPendingEpoch(metrics, t0);
                        }
                    }
                }
            }
        }
        double trainSeconds = trainNanos / 1e9;
        imagesPerSecond = trainImages / Math.max(1e-9, trainSeconds);
        RunEvaluation.Embedded last = lastEvaluationStep == globalStep ? lastEvaluation : evaluateNow();
        Evaluation.Scores scores = last.scores();
        RawPixelBaseline.Result baseline = RawPixelBaseline.compute(data, config.knnK(), config.baseline());
        List<OutputSpread> outputs = RunEvaluation.outputSpreads(last, data, config.knnK(), config.seed());
        out.println(describeFinal(scores, baseline, data));
        out.println(describeOutputs(outputs));
        Summary summary = new Summary()
                .put(SummaryField.DATASET, data.description())
                .put(SummaryField.TRAIN_SIZE, data.train().size())
                .put(SummaryField.TEST_SIZE, data.evalQuery().size())
                .put(SummaryField.EVAL_SPLIT, data.evalSplit())
                .put(SummaryField.MODEL, config.model())
                .put(SummaryField.LOSS, loss.name())
                .put(SummaryField.LOSS_PARAMS, loss.params())
                .put(SummaryField.EPOCHS, (double) globalStep / spe)
                .put(SummaryField.STEPS, globalStep)
                .put(SummaryField.DEVICE, parts.describeDevices())
                .putAll(scores.asMap())
                .put(SummaryField.TEST_ACCURACY, scores.knnAcc());
        baseline.putInto(summary);
        putOutputs(summary, outputs);
        summary.put(SummaryField.IMG_PER_S, imagesPerSecond)
                .put(SummaryField.TRAIN_SECONDS, trainSeconds)
                .put(SummaryField.CHECKPOINT, layout.lastCheckpoint().toString())
                .put(SummaryField.TOOLKIT_VERSION, ToolkitVersion.get());
        if (!parts.warnings().isEmpty()) {
            summary.put(SummaryField.WARNINGS, parts.warnings());
        }
        return Result.of(layout.dir(), summary, last, baseline, outputs);
    }

    /** The final line: every accuracy with its raw-pixel baseline beside it, and the split they were measured on. */
    static String describeFinal(Evaluation.Scores s, RawPixelBaseline.Result baseline, TrainingData data) {
        return String.format(Locale.ROOT, "final evaluation on %s (%d queries vs %d references): 1-NN %.4f (%s) | "
                + "%d-NN %.4f (%s) | linear probe %.4f", data.evalSplit(), data.evalQuery().size(), data.evalReference().size(),
                s.nn1Acc(), baseline.describe(true), s.k(), s.knnAcc(), baseline.describe(false), s.linearProbeAcc())
                + (baseline.computed() ? "" : "; baseline: " + baseline.method());
    }

    /** One line comparing the outputs for similarity search: k-NN accuracy and the spread of cosine similarities. */
    static String describeOutputs(List<OutputSpread> outputs) {
        OutputSpread first = outputs.get(0);
        StringBuilder b = new StringBuilder(String.format(Locale.ROOT, "outputs for similarity search (%d-NN on %d queries; "
                + "5th-95th percentile of cosine similarities; median target - median noise):", first.k(), first.queries()));
        for (OutputSpread o : outputs) {
            b.append(String.format(Locale.ROOT, " %s %.4f [%.2f, %.2f] gap %.3f;", o.output(), o.knnAcc(), o.p05(), o.p95(),
                    o.medianGap()));
        }
        b.setLength(b.length() - 1);
        return b.toString();
    }

    /** summary.json's {@code outputs} table and the output meant for similarity. */
    static void putOutputs(Summary summary, List<OutputSpread> outputs) {
        Map<String, Object> table = new LinkedHashMap<>();
        outputs.forEach(o -> table.put(o.output(), o.asMap()));
        summary.put(SummaryField.SIMILARITY_OUTPUT, RunEvaluation.similarityOutput());
        summary.put(SummaryField.OUTPUTS, table);
    }

    /** config.json: the configuration, and for the record which split the run measures ({@code eval_split}). */
    static String recordedConfig(TrainConfig config, TrainingData data) {
        JsonObject o = config.toJsonObject();
        o.addProperty("eval_split", data.evalSplit());
        return TrainConfig.GSON.toJson(o);
    }

    /** Whether metrics.jsonl already has the epoch line of {@code step} (it was logged before the run stopped). */
    private static boolean loggedEpochAt(RunLayout layout, long step) throws IOException {
        if (!Files.isRegularFile(layout.metrics())) {
            return false;
        }
        double[] steps = MetricsLog.read(layout.metrics()).epochSeries(MetricsField.GLOBAL_STEP).y();
        return Arrays.stream(steps).anyMatch(s -> s == step);
    }

    /** Evaluates the pending epoch if due and writes its metrics line. */
    private void logPendingEpoch(MetricsLog.Writer metrics, long t0) {
        TrainerState.PendingEpoch p = pending;
        MetricsLog.Line m = MetricsLog.Line.of(MetricsLog.Kind.EPOCH)
                .put(MetricsField.EPOCH, p.epoch())
                .put(MetricsField.GLOBAL_STEP, globalStep)
                .put(MetricsField.TRAIN_LOSS, p.trainLoss())
                .put(MetricsField.REPULSION_MEAN, p.repulsionMean())
                .put(MetricsField.REPULSION_FRACTION, p.repulsionFraction());
        if (p.evaluate()) {
            Evaluation.Scores scores = evaluateNow().scores();
            m.putAll(scores.asMap());
            out.printf(Locale.ROOT, "epoch %d: %s on %s%n", p.epoch(), scores.describe(),
                    RunEvaluation.splitName(parts.data().evalSplit()));
        }
        m.put(MetricsField.TIME_S, (System.nanoTime() - t0) / 1e9);
        metrics.write(m);
        pending = null;
    }

    private RepulsionMeter.Repulsion repulsion(ViewBatch batch) {
        if (!parts.loss().supervised()) {
            return new RepulsionMeter.Repulsion(Double.NaN, Double.NaN);
        }
        try (NDManager scope = parts.manager().newSubManager(parts.device())) {
            NDArray z = parts.step().project(scope, batch.x(), batch.views() * batch.batchSize(), batch.sampleShape());
            return RepulsionMeter.measure(parts.loss(), z, scope.create(batch.labels()), batch.views());
        }
    }

    private RunEvaluation.Embedded evaluateNow() {
        lastEvaluation = RunEvaluation.evaluate(parts.block(), parts.manager(), parts.device(), parts.data(), config.knnK());
        lastEvaluationStep = globalStep;
        return lastEvaluation;
    }

    /** 1-NN, k-NN and linear-probe accuracy of backbone embeddings, query set against reference set. */
    public Evaluation.Scores evaluate() {
        return evaluateNow().scores();
    }

    public float[][] embed(Dataset samples) {
        return RunEvaluation.embed(parts.block(), parts.manager(), parts.device(), parts.data(), samples);
    }

    private Pipeline augmentation() {
        String preset = config.augment();
        int[] shape = parts.data().train().sampleShape();
        if (preset.equals("auto")) {
            preset = shape.length == 3 ? (shape[0] == 3 ? "rgb-default" : "grayscale-default") : "none";
        }
        return Pipeline.preset(preset, shape, parts.data().normalization());
    }

    /** Provenance recorded in every checkpoint and ONNX file. */
    public Map<String, String> provenance() {
        return Provenance.of(config, parts.loss(), parts.data(), globalStep);
    }

    private void checkpoint(int epoch, boolean epochEnd) throws IOException {
        byte[] optimizerState;
        try (NDManager scope = parts.manager().newSubManager()) {
            optimizerState = parts.optimizer().saveState(scope).encode();
        }
        TrainerState state = new TrainerState(globalStep, epoch, parts.sampler().stepsPerEpoch(), parts.optimizer().name(),
                parts.schedule(), config.seed(), epochLossSum, epochLossCount, pending);
        checkpoints.write(parts.block(), provenance(), state, optimizerState, config.toJson(), epochEnd);
    }

    /** The device, or the devices and the GradCache chunking, for logs and the summary. */
    String describeDevices() {
        return parts.describeDevices();
    }

    public long totalSteps() {
        return parts.totalSteps();
    }

    public long globalStep() {
        return globalStep;
    }

    public ContrastiveLoss loss() {
        return parts.loss();
    }

    @Override
    public void close() throws IOException {
        try {
            parts.close();
        } finally {
            directory.close();
        }
    }
}

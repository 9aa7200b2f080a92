package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.engine.Engine;
import ai.djl.engine.EngineException;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.files.AtomicFiles;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.losses.LossRegistry;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.models.ModelSpec;
import org.contrastive4j.trainer.data.BatchSampler;
import org.contrastive4j.trainer.data.ClassBalancedSampler;
import org.contrastive4j.trainer.data.RandomBatchSampler;
import org.contrastive4j.trainer.optim.AdamW;
import org.contrastive4j.trainer.optim.LrSchedule;
import org.contrastive4j.trainer.optim.Optimizer;
import org.contrastive4j.trainer.optim.Sgd;

/**
 * Builds a run from its {@link TrainConfig}: loads the data ({@link TrainingData#load}), creates the loss, resolves
 * the devices, chooses the sampler, plans steps and schedule, builds (or restores from a checkpoint) the model and
 * the optimizer, and picks the step. Sizes a user can get wrong are checked here, before anything large is allocated.
 */
public final class RunBuilder {

    /** Batches the loader prepares ahead of the training step. */
    static final int PREFETCH = 3;
    /** The largest Java array (some VMs reserve a few header words). */
    static final long MAX_ARRAY = Integer.MAX_VALUE - 8;
    private static final long TRAINER_STATE_LIMIT = 1L << 20;

    private RunBuilder() {}

    /** A new run of {@code config}; what it builds from (e.g. pretrained weights) is reported on {@code out}. */
    public static TrainingParts fresh(TrainConfig config, PrintStream out) throws IOException {
        return build(config, null, out);
    }

    /** The run of {@code config} continued from {@code checkpoint} (its weights, optimizer and trainer state). */
    public static TrainingParts resumed(TrainConfig config, Path checkpoint, PrintStream out) throws IOException {
        return build(config, checkpoint, out);
    }

    private static TrainingParts build(TrainConfig config, Path checkpoint, PrintStream out) throws IOException {
        requireOutOutsideData(config);
        DjlRuntime.offline();
        TrainingData data = PretrainedStart.withInputNormalization(config, TrainingData.load(config));
        ContrastiveLoss loss = LossRegistry.create(config.loss(), config.lossParams());
        List<String> warnings = warnings(loss, data);
        if (config.knnK() > data.evalReference().size()) {
            throw new IllegalArgumentException("--knn-k " + config.knnK() + " is more than the " + data.evalReference().size()
                    + " reference samples the evaluation searches; give at most " + data.evalReference().size());
        }
        checkBatchFits(config, data.train().sampleShape(), loaderThreads(config), Runtime.getRuntime().maxMemory());
        List<Device> devices = Devices.resolve(config.device());
        BatchSampler sampler = sampler(config, loss, data.train());
        int spe = sampler.stepsPerEpoch();
        long totalSteps = totalSteps(config, spe);
        LrSchedule schedule = new LrSchedule(config.lr(), Math.round(config.warmupEpochs() * spe), totalSteps,
                config.cosineSchedule(), 0.0);
        ModelSpec spec = modelSpec(config, data);
        NDManager manager = NDManager.newBaseManager(devices.get(0), "PyTorch");
        Optimizer optimizer = null;
        try {
            EncoderBlock block;
            TrainerState state;
            if (checkpoint != null) {
                ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(checkpoint, manager,
                        Map.of(TrainerState.ENTRY, TRAINER_STATE_LIMIT));
                block = loaded.block();
                byte[] stateBytes = loaded.extras().get(TrainerState.ENTRY);
                byte[] optimizerBytes = ModelCheckpoint.readEntry(checkpoint, TrainerState.OPTIMIZER_ENTRY,
                        optimizerStateLimit(block));
                if (stateBytes == null || optimizerBytes == null) {
                    throw new IllegalArgumentException(checkpoint + " has no trainer state (" + TrainerState.ENTRY + ", "
                            + TrainerState.OPTIMIZER_ENTRY + "): it cannot be resumed, only exported");
                }
                state = TrainerState.read(stateBytes, checkpoint);
                if (state.stepsPerEpoch() != spe) {
                    throw new IllegalArgumentException(checkpoint + " was written with " + state.stepsPerEpoch()
                            + " steps per epoch, this configuration has " + spe + " (the data or the batch settings "
                            + "changed)");
                }
                optimizer = PretrainedStart.optimizer(config, newOptimizer(config, manager), block);
                try (NDManager scope = manager.newSubManager()) {
                    optimizer.loadState(NDList.decode(scope, optimizerBytes));
                } catch (RuntimeException e) {
                    throw new IOException(checkpoint + ": " + TrainerState.OPTIMIZER_ENTRY + " does not fit the "
                            + config.optimizer() + " optimizer of this model (" + e.getMessage() + ")", e);
                }
            } else {
                Engine.getInstance().setRandomSeed((int) config.seed());
                try {
                    block = PretrainedStart.build(config, spec, data.train().sampleShape(), manager, out);
                } catch (EngineException | OutOfMemoryError e) {
                    throw new IllegalArgumentException("PyTorch cannot allocate the " + config.model() + " model "
                            + describeSize(config) + ": " + e.getMessage() + "; choose a smaller model", e);
                }
                state = new TrainerState(0, 0, spe, config.optimizer(), schedule, config.seed(), 0, 0, null);
                optimizer = PretrainedStart.optimizer(config, newOptimizer(config, manager), block);
            }
            // Several devices, or chunks on one, go through GradCache so that the loss always sees the global batch.
            Step step = Step.create(block, loss, optimizer, manager, devices, config.clipGradNorm(), config.gradCacheChunks());
            return new TrainingParts(config, data, loss, devices, manager, block, optimizer, step, sampler, schedule,
                    totalSteps, state, List.copyOf(warnings));
        } catch (IOException | RuntimeException e) {
            if (optimizer != null) {
                optimizer.close();
            }
            manager.close();
            throw e;
        }
    }

    /** A run directory inside (or equal to) the data would mix the run's files into the data it reads. */
    static void requireOutOutsideData(TrainConfig config) throws IOException {
        Path out = AtomicFiles.realLocation(Path.of(config.out()));
        for (String d : List.of(config.data(), config.testData())) {
            Path data = d.isBlank() ? null : Path.of(d);
            if (data != null && Files.exists(data) && out.startsWith(data.toRealPath())) {
                throw new IllegalArgumentException("--out " + config.out() + " is inside the data " + d + ": the run's "
                        + "files would land among the samples it reads; choose another --out");
            }
        }
    }

    /** epochs × steps per epoch, capped by {@code max_steps} when given. */
    static long totalSteps(TrainConfig config, int stepsPerEpoch) {
        long planned = (long) config.epochs() * stepsPerEpoch;
        return config.maxSteps() > 0 ? Math.min(config.maxSteps(), planned) : planned;
    }

    static int loaderThreads(TrainConfig config) {
        return config.loaderThreads() > 0 ? config.loaderThreads()
                : Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
    }

    /**
     * Refuses batches that cannot be held: more floats than one Java array takes, or more bytes (batches prefetched
     * and in flight) than the heap allows. Said in terms of the flags, instead of an overflow or {@code Java heap
     * space} in a loader thread.
     */
    static void checkBatchFits(TrainConfig c, int[] sampleShape, int loaderThreads, long maxHeap) {
        long perSample = 1;
        for (int d : sampleShape) {
            perSample = Math.multiplyExact(perSample, d);
        }
        double floats = (double) c.views() * c.batchSize() * perSample;
        String batch = "--batch-size " + c.batchSize() + " x --views " + c.views() + " x " + perSample + " values per sample";
        if (floats > MAX_ARRAY) {
            throw new IllegalArgumentException(batch + " = " + String.format(Locale.ROOT, "%.3g", floats) + " floats per "
                    + "batch, more than one array can hold (" + MAX_ARRAY + "): lower --batch-size or --views");
        }
        double bytes = floats * Float.BYTES * (PREFETCH + loaderThreads + 2);
        if (bytes > 0.8 * maxHeap) {
            throw new IllegalArgumentException(String.format(Locale.ROOT, "%s needs about %.1f GiB of heap for the batches "
                    + "prepared ahead and in flight, but the JVM may use %.1f GiB: lower --batch-size (or --loader-threads), "
                    + "or give Java more heap (C4J_JAVA_OPTS=-Xmx16g)", batch, bytes / (1L << 30), maxHeap / (double) (1L << 30)));
        }
    }

    private static String describeSize(TrainConfig c) {
        return "(--width " + c.width() + ", --projection-dim " + c.projectionDim() + ", --embedding-dim " + c.embeddingDim() + ")";
    }

    /** Bytes an optimizer's state may take: two moments (AdamW) per trainable float, plus headers. */
    private static long optimizerStateLimit(EncoderBlock block) {
        long floats = 0;
        for (Pair<String, Parameter> p : block.getParameters()) {
            floats += p.getValue().getArray().size();
        }
        return 2 * Float.BYTES * floats + 4096L * block.getParameters().size() + (1L << 20);
    }

    private static List<String> warnings(ContrastiveLoss loss, TrainingData data) {
        List<String> w = new ArrayList<>();
        long trainClasses = Arrays.stream(data.train().labels()).distinct().count();
        if (loss.supervised() && trainClasses < 2) {
            w.add("the training data has a single class (" + className(data.train(), data.train().labels()) + "): the "
                    + "supervised loss " + loss.name() + " has no other class to contrast with");
        }
        long evalClasses = Arrays.stream(data.evalQuery().labels()).distinct().count();
        if (evalClasses < 2) {
            w.add("the evaluation data has a single class (" + className(data.evalQuery(), data.evalQuery().labels())
                    + "): every accuracy is trivially 1.0 and says nothing about the embeddings");
        }
        return w;
    }

    private static String className(Dataset s, int[] labels) {
        return labels.length == 0 ? "no samples" : s.classNames().get(labels[0]);
    }

    private static BatchSampler sampler(TrainConfig config, ContrastiveLoss loss, Dataset train) {
        boolean balanced = config.sampler().equals("balanced") || (config.sampler().equals("auto") && loss.supervised());
        return balanced ? new ClassBalancedSampler(train.labels(), train.classNames().size(), config.batchSize(),
                        samplesPerClass(config.batchSize(), config.samplesPerClass(), train), config.seed())
                : new RandomBatchSampler(train.size(), config.batchSize(), config.seed());
    }

    private static Optimizer newOptimizer(TrainConfig config, NDManager manager) {
        return switch (config.optimizer()) {
            case "sgd" -> new Sgd(manager, (float) config.momentum(), config.nesterov(), (float) config.weightDecay());
            case "adamw" -> new AdamW(manager, (float) config.momentum(), 0.999f, 1e-8f, (float) config.weightDecay());
            default -> throw new IllegalArgumentException("unknown optimizer " + config.optimizer());
        };
    }

    /** The family's default spec for samples of {@code shape} (mlp: flattened, with {@code embeddingDim}, 0 = 128). */
    static ModelSpec familySpec(String family, int[] shape, String stem, int embeddingDim) {
        if (family.equals("mlp") && shape.length != 1) {
            throw new IllegalArgumentException("--model mlp takes feature vectors; the data has samples of shape "
                    + Arrays.toString(shape) + " (use --model small-cnn or a resnet for images)");
        }
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
    static int samplesPerClass(int batch, int given, Dataset train) {
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
}

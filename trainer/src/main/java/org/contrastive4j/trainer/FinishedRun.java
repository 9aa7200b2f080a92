package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelCheckpoint;

/**
 * A run directory opened for inspection (e.g. {@code ./c4j report}): its configuration, its data and its last
 * checkpoint's model (on the first GPU PyTorch sees, else the CPU) — no optimizer, no training step, no lock (it only
 * reads).
 */
public final class FinishedRun implements AutoCloseable {

    private final Path runDir;
    private final TrainConfig config;
    private final TrainingData data;
    private final Device device;
    private final NDManager manager;
    private final EncoderBlock block;

    private FinishedRun(Path runDir, TrainConfig config, TrainingData data, Device device, NDManager manager,
            EncoderBlock block) {
        this.device = device;
        this.runDir = runDir;
        this.config = config;
        this.data = data;
        this.manager = manager;
        this.block = block;
    }

    public static FinishedRun open(Path runDir) throws IOException {
        RunLayout run = RunLayout.of(runDir);
        if (!Files.isRegularFile(run.config()) || !Files.isRegularFile(run.lastCheckpoint())) {
            throw new NoSuchFileException(runDir.toString(), null,
                    "not a run directory with a checkpoint (needs config.json and checkpoints/last.ckpt)");
        }
        TrainConfig config = TrainingSession.storedConfig(runDir);
        DjlRuntime.offline();
        TrainingData data = TrainingData.load(config);
        Device device = Devices.resolve("auto").get(0);
        NDManager manager = NDManager.newBaseManager(device, "PyTorch");
        try {
            EncoderBlock block = ModelCheckpoint.load(run.lastCheckpoint(), manager).block();
            return new FinishedRun(runDir, config, data, device, manager, block);
        } catch (IOException | RuntimeException e) {
            manager.close();
            throw e;
        }
    }

    public TrainConfig config() {
        return config;
    }

    public TrainingData data() {
        return data;
    }

    public EncoderBlock block() {
        return block;
    }

    /** Evaluates the checkpoint's weights; the summary is the run's summary.json (when there is one) with these scores. */
    public TrainingSession.Result evaluate() throws IOException {
        RunEvaluation.Embedded e = RunEvaluation.evaluate(block, manager, device, data, config.knnK());
        RunLayout layout = RunLayout.of(runDir);
        Summary summary = Files.isRegularFile(layout.summary()) ? Summary.read(layout.summary()) : new Summary();
        summary.putAll(e.scores().asMap());
        return new TrainingSession.Result(runDir, summary, e.scores(), e.reference(), e.query());
    }

    @Override
    public void close() {
        manager.close();
    }
}

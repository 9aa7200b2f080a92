package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.contrastive4j.core.contract.RunLayout;
import org.contrastive4j.core.contract.Summary;
import org.contrastive4j.models.DjlRuntime;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.models.ModelCheckpoint;
import org.contrastive4j.report.OutputSpread;

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
    private final Map<String, String> provenance;

    private FinishedRun(Path runDir, TrainConfig config, TrainingData data, Device device, NDManager manager,
            EncoderBlock block, Map<String, String> provenance) {
        this.provenance = provenance;
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
            ModelCheckpoint.Loaded loaded = ModelCheckpoint.load(run.lastCheckpoint(), manager);
            return new FinishedRun(runDir, config, data, device, manager, loaded.block(), loaded.provenance());
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

    /**
     * Evaluates the checkpoint's weights; the summary is the run's summary.json (when there is one, with its raw-pixel
     * baseline) with these scores and the outputs compared again.
     */
    public TrainingSession.Result evaluate() throws IOException {
        RunEvaluation.Embedded e = evaluation();
        RunLayout layout = RunLayout.of(runDir);
        Summary summary = Files.isRegularFile(layout.summary()) ? Summary.read(layout.summary()) : new Summary();
        summary.putAll(e.scores().asMap());
        List<OutputSpread> outputs = RunEvaluation.outputSpreads(e, data, config.knnK(), config.seed());
        TrainingSession.putOutputs(summary, outputs);
        return TrainingSession.Result.of(runDir, summary, e, null, outputs);
    }

    /** The final evaluation of the checkpoint's weights (embeddings, scores, linear probe), without the rest. */
    public RunEvaluation.Embedded evaluation() {
        return RunEvaluation.evaluate(block, manager, device, data, config.knnK());
    }

    /** The provenance of the checkpoint's weights (as recorded in it), for an export. */
    public Map<String, String> provenance() {
        return provenance;
    }

    @Override
    public void close() {
        manager.close();
    }
}

package org.contrastive4j.trainer;

import ai.djl.Device;
import ai.djl.ndarray.NDManager;
import java.util.List;
import org.contrastive4j.losses.ContrastiveLoss;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.trainer.data.BatchSampler;
import org.contrastive4j.trainer.optim.LrSchedule;
import org.contrastive4j.trainer.optim.Optimizer;

/**
 * Everything a training loop needs, assembled by {@link RunBuilder} from a {@link TrainConfig}: data, loss, devices,
 * model (fresh or from a checkpoint), optimizer, step, sampler, schedule and the state to continue from. Owns the
 * native resources (manager, optimizer state, parameter replicas) and frees them on {@link #close}.
 *
 * @param totalSteps the optimizer steps the run plans in all
 * @param state where training stands: a fresh state at step 0, or the one restored from the checkpoint
 * @param warnings things about the run a user should know (e.g. a one-class supervised run)
 */
public record TrainingParts(TrainConfig config, TrainingData data, ContrastiveLoss loss, List<Device> devices,
        NDManager manager, EncoderBlock block, Optimizer optimizer, Step step, BatchSampler sampler, LrSchedule schedule,
        long totalSteps, TrainerState state, List<String> warnings) implements AutoCloseable {

    public Device device() {
        return devices.get(0);
    }

    /** The device, or the devices and the GradCache chunking, for logs and the summary. */
    public String describeDevices() {
        String names = String.join(",", devices.stream().map(Device::toString).toList());
        return step instanceof GradCacheStep g ? names + " (grad cache, " + g.shards() + " shards)" : names;
    }

    @Override
    public void close() {
        step.close();
        optimizer.close();
        manager.close();
    }
}

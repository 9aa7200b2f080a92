package org.contrastive4j.trainer.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import org.contrastive4j.core.data.Dataset;
import org.contrastive4j.core.data.Shapes;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.trainer.data.EvalBatches;
import org.contrastive4j.trainer.data.Normalization;

/** Runs an encoder in inference mode over a whole sample set, batch by batch, returning outputs as float[][]. */
public final class EmbeddingExtractor {

    /** Which encoder output to collect. */
    public enum Output {
        EMBEDDING(0), PROJECTION(1);

        final int index;

        Output(int index) {
            this.index = index;
        }
    }

    private EmbeddingExtractor() {}

    public static float[][] extract(EncoderBlock block, NDManager manager, Device device, Dataset samples,
            Normalization norm, Output output, int batchSize) {
        return extract(block, manager, device, samples, norm, batchSize, output)[0];
    }

    /** Several outputs from one forward pass per batch, in the order asked. */
    public static float[][][] extract(EncoderBlock block, NDManager manager, Device device, Dataset samples,
            Normalization norm, int batchSize, Output... outputs) {
        float[][][] result = new float[outputs.length][samples.size()][];
        ParameterStore ps = new ParameterStore(manager, false);
        for (EvalBatches.Batch batch : new EvalBatches(samples, norm, batchSize)) {
            try (NDManager scope = manager.newSubManager(device)) {
                NDArray x = scope.create(FloatBuffer.wrap(batch.x()), new Shape(Shapes.prepend(batch.size(), batch.sampleShape())));
                NDList forward = block.forward(ps, new NDList(x), false);
                for (int o = 0; o < outputs.length; o++) {
                    NDArray y = forward.get(outputs[o].index);
                    int d = (int) y.getShape().get(1);
                    float[] flat = y.toFloatArray();
                    for (int i = 0; i < batch.size(); i++) {
                        float[] row = new float[d];
                        System.arraycopy(flat, i * d, row, 0, d);
                        result[o][batch.start() + i] = row;
                    }
                }
            }
        }
        return result;
    }
}

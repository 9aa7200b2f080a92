package org.contrastive4j.trainer.eval;

import ai.djl.Device;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.ParameterStore;
import java.nio.FloatBuffer;
import org.contrastive4j.inference.io.Samples;
import org.contrastive4j.models.EncoderBlock;
import org.contrastive4j.trainer.data.Normalization;

/** Runs an encoder in inference mode over a whole sample set, batch by batch, returning one output as float[][]. */
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

    public static float[][] extract(EncoderBlock block, NDManager manager, Device device, Samples samples,
            Normalization norm, Output output, int batchSize) {
        int n = samples.size();
        int len = samples.sampleLength();
        long[] shape = new long[samples.sampleShape().length + 1];
        for (int i = 0; i < samples.sampleShape().length; i++) {
            shape[i + 1] = samples.sampleShape()[i];
        }
        float[][] result = new float[n][];
        ParameterStore ps = new ParameterStore(manager, false);
        float[] buf = new float[Math.min(n, batchSize) * len];
        for (int start = 0; start < n; start += batchSize) {
            int b = Math.min(batchSize, n - start);
            System.arraycopy(samples.values(), start * len, buf, 0, b * len);
            normalize(norm, buf, b, samples.sampleShape());
            shape[0] = b;
            try (NDManager scope = manager.newSubManager(device)) {
                NDArray x = scope.create(FloatBuffer.wrap(buf, 0, b * len), new Shape(shape));
                NDList out = block.forward(ps, new NDList(x), false);
                NDArray y = out.get(output.index);
                int d = (int) y.getShape().get(1);
                float[] flat = y.toFloatArray();
                for (int i = 0; i < b; i++) {
                    float[] row = new float[d];
                    System.arraycopy(flat, i * d, row, 0, d);
                    result[start + i] = row;
                }
            }
        }
        return result;
    }

    /** Normalises {@code n} consecutive samples of {@code sampleShape} in place. */
    public static void normalize(Normalization norm, float[] x, int n, int[] sampleShape) {
        int len = 1;
        for (int d : sampleShape) {
            len *= d;
        }
        int plane = len / norm.channels();
        for (int i = 0; i < n; i++) {
            norm.apply(x, i * len, x, i * len, plane);
        }
    }
}

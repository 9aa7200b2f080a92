package org.contrastive4j.exporter;

import java.util.Map;
import org.contrastive4j.core.eval.LinearProbe;
import org.contrastive4j.exporter.OnnxGraph.Op;
import org.contrastive4j.exporter.OnnxGraph.Value;

/**
 * Outputs computed from the backbone embedding with numbers given at export rather than with blocks of the encoder:
 * the centred embedding ({@link ExportOptions.Output#EMBEDDING_CENTERED}) and a linear probe as the classifier head.
 * Each has its graph here and its reference, the value the parity check compares ONNX Runtime's output with: the
 * reference of the probe head is {@link LinearProbe}'s own computation, so the check proves the file classifies as
 * the probe does.
 */
public final class AddedHeads {

    /** The norm below which a centred row is divided by this instead (as DJL's L2 normalisation). */
    public static final float EPSILON = 1e-12f;

    private AddedHeads() {}

    /** {@code (embedding - mean) / max(|embedding - mean|, EPSILON)} per row. */
    static Value centered(OnnxGraph g, Value embedding, float[] mean) {
        Value m = g.initializer("embedding_centered.mean", mean, new long[] {mean.length});
        Value c = g.apply(Op.SUB, "embedding_centered/sub", null, embedding, m);
        Value norm = g.apply(Op.REDUCE_L2, "embedding_centered/norm", Map.of("axes", new int[] {1}, "keepdims", 1), c);
        Value clamped = g.apply(Op.MAX, "embedding_centered/clamp", null, norm, g.scalar("embedding_centered.eps", EPSILON));
        return g.apply(Op.DIV, "embedding_centered/normalized", null, c, clamped);
    }

    /**
     * What {@code embedding_centered} computes, on rows: {@code (row - mean) / max(|row - mean|, EPSILON)} (the norm
     * summed in double). The parity check's reference, and the trainer's, which measures the output before export.
     */
    public static float[][] centered(float[][] rows, float[] mean) {
        int d = mean.length;
        float[] flat = new float[rows.length * d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(rows[i], 0, flat, i * d, d);
        }
        float[] c = centeredReference(flat, rows.length, mean);
        float[][] out = new float[rows.length][d];
        for (int i = 0; i < rows.length; i++) {
            System.arraycopy(c, i * d, out[i], 0, d);
        }
        return out;
    }

    static float[] centeredReference(float[] embedding, int batch, float[] mean) {
        int d = mean.length;
        float[] out = new float[embedding.length];
        for (int i = 0; i < batch; i++) {
            double ss = 0;
            for (int k = 0; k < d; k++) {
                float c = embedding[i * d + k] - mean[k];
                out[i * d + k] = c;
                ss += (double) c * c;
            }
            float norm = Math.max((float) Math.sqrt(ss), EPSILON);
            for (int k = 0; k < d; k++) {
                out[i * d + k] /= norm;
            }
        }
        return out;
    }

    /** The probe's logits: {@code ((embedding - mean) * invStd) W + b}, in the order LinearProbe computes them. */
    static Value probeLogits(OnnxGraph g, Value embedding, LinearProbe probe) {
        LinearProbe.Parameters p = probe.parameters();
        int d = probe.dim();
        int c = probe.classes();
        float[] w = new float[d * c];
        for (int k = 0; k < d; k++) {
            for (int j = 0; j < c; j++) {
                w[k * c + j] = (float) p.weights()[k][j];
            }
        }
        Value mean = g.initializer("probe.mean", floats(p.mean()), new long[] {d});
        Value invStd = g.initializer("probe.inv_std", floats(p.invStd()), new long[] {d});
        Value standardised = g.apply(Op.MUL, "probe/standardised", null,
                g.apply(Op.SUB, "probe/centered", null, embedding, mean), invStd);
        return g.apply(Op.GEMM, "probe/logits", Map.of(), standardised, g.initializer("probe.weight", w, new long[] {d, c}),
                g.initializer("probe.bias", floats(p.bias()), new long[] {c}));
    }

    /** {@link LinearProbe#logits} (or {@link LinearProbe#probabilities}) of a flat batch of embeddings. */
    static float[] probeReference(LinearProbe probe, float[] embedding, int batch, boolean probabilities) {
        int d = probe.dim();
        float[][] rows = new float[batch][d];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(embedding, i * d, rows[i], 0, d);
        }
        float[][] out = probabilities ? probe.probabilities(rows) : probe.logits(rows);
        float[] flat = new float[batch * probe.classes()];
        for (int i = 0; i < batch; i++) {
            System.arraycopy(out[i], 0, flat, i * probe.classes(), probe.classes());
        }
        return flat;
    }

    private static float[] floats(double[] v) {
        float[] f = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            f[i] = (float) v[i];
        }
        return f;
    }
}

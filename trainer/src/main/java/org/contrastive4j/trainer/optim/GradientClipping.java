package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.List;

/** Scales all gradients together so their global L2 norm is at most {@code maxNorm} (as torch's clip_grad_norm_). */
public final class GradientClipping {

    private GradientClipping() {}

    /** Returns the global norm before clipping. */
    public static double clip(List<Optimizer.Param> params, double maxNorm, NDManager scratch) {
        double sq = 0;
        try (NDManager tmp = scratch.newSubManager()) {
            NDArray[] grads = new NDArray[params.size()];
            for (int i = 0; i < grads.length; i++) {
                grads[i] = params.get(i).value().getGradient();
                grads[i].attach(tmp);
                sq += grads[i].square().sum().toType(DataType.FLOAT64, false).getDouble();
            }
            double norm = Math.sqrt(sq);
            if (maxNorm > 0 && norm > maxNorm) {
                float scale = (float) (maxNorm / (norm + 1e-6));
                for (NDArray g : grads) {
                    g.muli(scale);
                }
            }
            return norm;
        }
    }
}

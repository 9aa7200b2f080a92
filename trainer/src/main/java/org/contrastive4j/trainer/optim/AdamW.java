package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * AdamW (Loshchilov &amp; Hutter) with decoupled weight decay and bias correction, matching {@code torch.optim.AdamW}:
 * w -= lr·wd·w; m = β1·m + (1−β1)·g; v = β2·v + (1−β2)·g²; w -= lr·(m/(1−β1^t)) / (sqrt(v/(1−β2^t)) + ε), with t
 * the parameter's own update count (torch's per-parameter {@code state['step']}).
 */
public final class AdamW extends StatefulOptimizer {

    private final float beta1;
    private final float beta2;
    private final float epsilon;
    private final float weightDecay;

    public AdamW(NDManager manager, float beta1, float beta2, float epsilon, float weightDecay) {
        super(manager);
        if (beta1 < 0 || beta1 >= 1 || beta2 < 0 || beta2 >= 1) {
            throw new IllegalArgumentException("AdamW betas must be in [0, 1), got " + beta1 + ", " + beta2);
        }
        this.beta1 = beta1;
        this.beta2 = beta2;
        this.epsilon = epsilon;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "adamw";
    }

    @Override
    protected void update(Param p, NDArray grad, float lr, NDManager tmp) {
        NDArray w = p.value();
        long t = steps(p);
        float c1 = (float) (1 - Math.pow(beta1, t));
        float c2 = (float) (1 - Math.pow(beta2, t));
        if (weightDecay != 0) {
            w.muli(1 - lr * weightDecay);
        }
        NDArray m = buffer("m", p);
        NDArray v = buffer("v", p);
        m.muli(beta1).addi(scratch(tmp, grad.mul(1 - beta1)));
        v.muli(beta2).addi(grad.square().muli(1 - beta2));
        NDArray denom = scratch(tmp, scratch(tmp, v.div(c2)).sqrt()).addi(epsilon);
        w.subi(scratch(tmp, m.mul(lr / c1)).divi(denom));
    }
}

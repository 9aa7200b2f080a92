package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;

/**
 * SGD with (optionally Nesterov) momentum and coupled L2 weight decay, following PyTorch's {@code torch.optim.SGD}:
 * g = grad + wd·w; b = μ·b + g; step = nesterov ? g + μ·b : b; w -= lr·step.
 */
public final class Sgd extends StatefulOptimizer {

    private final float momentum;
    private final boolean nesterov;
    private final float weightDecay;

    public Sgd(NDManager manager, float momentum, boolean nesterov, float weightDecay) {
        super(manager);
        if (momentum < 0 || momentum >= 1) {
            throw new IllegalArgumentException("momentum must be in [0, 1), got " + momentum);
        }
        if (nesterov && momentum == 0) {
            throw new IllegalArgumentException("Nesterov momentum needs momentum > 0");
        }
        this.momentum = momentum;
        this.nesterov = nesterov;
        this.weightDecay = weightDecay;
    }

    @Override
    public String name() {
        return "sgd";
    }

    @Override
    protected void update(Param p, NDArray grad, float lr, NDManager tmp) {
        NDArray w = p.value();
        NDArray g = grad;
        if (weightDecay != 0) {
            g = grad.addi(scratch(tmp, w.mul(weightDecay)));
        }
        if (momentum == 0) {
            w.subi(g.muli(lr));
            return;
        }
        NDArray buf = buffer("momentum", p);
        buf.muli(momentum).addi(g);
        NDArray direction = nesterov ? g.addi(scratch(tmp, buf.mul(momentum))) : scratch(tmp, buf.duplicate());
        w.subi(direction.muli(lr));
    }
}

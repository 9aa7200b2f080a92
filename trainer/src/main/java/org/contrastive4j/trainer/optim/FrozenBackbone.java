package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import ai.djl.util.Pair;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;
import org.contrastive4j.models.EncoderBlock;

/**
 * An optimizer that leaves the backbone's parameters out of every step while the encoder's backbone is frozen
 * ({@link EncoderBlock#backboneFrozen()}): no gradient reaches them then, but weight decay and momentum would still
 * move them. Their optimizer state is neither created nor advanced meanwhile, so after the thaw AdamW's bias
 * correction starts at their first step, as torch's per-parameter state does.
 */
public final class FrozenBackbone implements Optimizer {

    private final Optimizer inner;
    private final EncoderBlock block;

    public FrozenBackbone(Optimizer inner, EncoderBlock block) {
        this.inner = inner;
        this.block = block;
    }

    @Override
    public String name() {
        return inner.name();
    }

    @Override
    public void step(List<Param> params, float lr) {
        if (!block.backboneFrozen()) {
            inner.step(params, lr);
            return;
        }
        Set<NDArray> backbone = Collections.newSetFromMap(new IdentityHashMap<>());
        for (Pair<String, Parameter> p : block.backbone().getParameters()) {
            backbone.add(p.getValue().getArray());
        }
        List<Param> heads = new ArrayList<>(params.size());
        for (Param p : params) {
            if (!backbone.contains(p.value())) {
                heads.add(p);
            }
        }
        inner.step(heads, lr);
    }

    @Override
    public NDList saveState(NDManager manager) {
        return inner.saveState(manager);
    }

    @Override
    public void loadState(NDList state) {
        inner.loadState(state);
    }

    @Override
    public void close() {
        inner.close();
    }
}

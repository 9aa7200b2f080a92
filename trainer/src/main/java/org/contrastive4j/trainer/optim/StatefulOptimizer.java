package org.contrastive4j.trainer.optim;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Keeps per-parameter state buffers in a manager the optimizer owns, and saves/loads them by name. Counts steps
 * globally and per parameter: a parameter left out of some steps (a frozen backbone) has taken fewer, and its
 * bias correction (AdamW) follows its own count, as torch's per-parameter {@code state['step']} does.
 */
abstract class StatefulOptimizer implements Optimizer {

    private static final String STEPS = "__steps__";

    private final NDManager stateManager;
    /** key = slot + ":" + parameter name, e.g. "momentum:backbone.conv1.weight". */
    private final Map<String, NDArray> state = new LinkedHashMap<>();
    private long steps;
    /** Updates applied to each parameter, by name; saved as {@code __steps__:<name>}. */
    private final Map<String, Long> paramSteps = new HashMap<>();

    StatefulOptimizer(NDManager parent) {
        this.stateManager = parent.newSubManager();
    }

    /** The buffer for (slot, parameter), created as zeros like the parameter on first use. */
    protected NDArray buffer(String slot, Param p) {
        return state.computeIfAbsent(slot + ":" + p.name(), k -> {
            NDArray z = stateManager.zeros(p.value().getShape(), p.value().getDataType(), p.value().getDevice());
            z.setName(k);
            return z;
        });
    }

    protected long steps() {
        return steps;
    }

    /** The updates applied to {@code p} so far, the current one included (during {@link #update}). */
    protected long steps(Param p) {
        return paramSteps.getOrDefault(p.name(), 0L);
    }

    @Override
    public final void step(List<Param> params, float lr) {
        steps++;
        // Every intermediate of an update is attached to this scratch manager and freed at the end of the step;
        // without it, results of ops on a parameter would live as long as the model's manager.
        try (NDManager scratch = stateManager.newSubManager()) {
            for (Param p : params) {
                paramSteps.merge(p.name(), 1L, Long::sum);
                NDArray grad = p.value().getGradient();
                grad.attach(scratch);
                update(p, grad, lr, scratch);
            }
        }
    }

    /** Attaches a freshly computed intermediate to the step's scratch manager and returns it. */
    protected static NDArray scratch(NDManager scratch, NDArray a) {
        a.attach(scratch);
        return a;
    }

    protected abstract void update(Param p, NDArray grad, float lr, NDManager scratch);

    @Override
    public NDList saveState(NDManager manager) {
        NDList out = new NDList();
        NDArray count = manager.create(new long[] {steps});
        count.setName(STEPS);
        out.add(count);
        for (Map.Entry<String, Long> e : paramSteps.entrySet()) {
            NDArray n = manager.create(new long[] {e.getValue()});
            n.setName(STEPS + ":" + e.getKey());
            out.add(n);
        }
        for (Map.Entry<String, NDArray> e : state.entrySet()) {
            // duplicate(), not toDevice(same, true): DJL's PyTorch engine returns the live buffer for the latter.
            NDArray copy = e.getValue().duplicate();
            copy.attach(manager);
            copy.setName(e.getKey());
            out.add(copy);
        }
        return out;
    }

    @Override
    public void loadState(NDList saved) {
        boolean perParameter = false;
        for (NDArray a : saved) {
            if (STEPS.equals(a.getName())) {
                steps = a.toLongArray()[0];
                continue;
            }
            if (a.getName() != null && a.getName().startsWith(STEPS + ":")) {
                paramSteps.put(a.getName().substring(STEPS.length() + 1), a.toLongArray()[0]);
                perParameter = true;
                continue;
            }
            NDArray copy = a.duplicate();
            copy.attach(stateManager);
            copy.setName(a.getName());
            NDArray old = state.put(a.getName(), copy);
            if (old != null) {
                old.close();
            }
        }
        if (!perParameter) {
            // state saved before per-parameter counts: every parameter with state took every step
            for (String key : state.keySet()) {
                paramSteps.put(key.substring(key.indexOf(':') + 1), steps);
            }
        }
    }

    @Override
    public void close() {
        state.clear();
        stateManager.close();
    }
}

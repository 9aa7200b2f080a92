package org.contrastive4j.trainer;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.nn.Parameter;
import java.util.ArrayList;
import java.util.List;

/**
 * Keeps BatchNorm running statistics to one update per optimizer step when {@link GradCacheStep} forwards every row
 * twice and in several shards.
 *
 * <p>The choice: both passes run in training mode (so pass 1's projections are exactly the ones pass 2
 * differentiates), and the statistics are reset to the step's starting value r0 before every shard forward. Pass 1's
 * updates are thus thrown away; pass 2's shard updates r_i = (1-m)·r0 + m·s_i (s_i: shard i's batch statistics) are
 * averaged with weights rows_i / rows, giving r = (1-m)·r0 + m·Σ w_i s_i — one momentum step with the row-weighted
 * mean of the shards' statistics. With one shard this is exactly the plain step's update. (With several shards the
 * forward also normalises each shard by its own statistics, as data-parallel training without synchronised BatchNorm
 * does; that is inherent to sharding, not to this class.)
 */
final class RunningStats implements AutoCloseable {

    private final Replicas replicas;
    private final List<Parameter> buffers;
    private final NDManager scope;
    private final List<NDArray> start = new ArrayList<>();
    private final List<NDArray> sum = new ArrayList<>();

    /** Snapshots the master's statistics into {@code scope}. */
    RunningStats(Replicas replicas, NDManager scope) {
        this.replicas = replicas;
        this.buffers = replicas.buffers();
        this.scope = scope.newSubManager(replicas.device(0));
        for (Parameter p : buffers) {
            NDArray copy = p.getArray().duplicate();
            copy.attach(this.scope);
            start.add(copy);
        }
    }

    /** Puts the step's starting statistics back into {@code replica}, before it forwards a shard. */
    void reset(int replica) {
        for (int i = 0; i < buffers.size(); i++) {
            Replicas.overwrite(replicas.array(replica, buffers.get(i)), start.get(i));
        }
    }

    /** Adds {@code weight} × the statistics {@code replica} holds now (after a pass-2 forward) to the running sum. */
    void accumulate(int replica, double weight) {
        for (int i = 0; i < buffers.size(); i++) {
            NDArray moved = Replicas.copy(replicas.array(replica, buffers.get(i)), replicas.device(0));
            moved.attach(scope);
            NDArray term = moved.muli((float) weight);
            if (sum.size() <= i) {
                sum.add(term);
            } else {
                sum.get(i).addi(term);
            }
        }
    }

    /** Writes the weighted sum into the master; replicas get it with the next {@link Replicas#syncFromMaster}. */
    void commit() {
        if (sum.size() != buffers.size()) {
            throw new IllegalStateException("no pass-2 statistics were accumulated");
        }
        for (int i = 0; i < buffers.size(); i++) {
            Replicas.overwrite(buffers.get(i).getArray(), sum.get(i));
        }
    }

    /** Puts the starting statistics back into every replica (used when the step is abandoned). */
    void resetAll() {
        for (int r = 0; r < replicas.size(); r++) {
            reset(r);
        }
    }

    @Override
    public void close() {
        scope.close();
    }
}

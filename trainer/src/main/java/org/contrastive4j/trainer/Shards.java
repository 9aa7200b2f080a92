package org.contrastive4j.trainer;

import java.util.ArrayList;
import java.util.List;

/** How the rows of one batch are split for {@link GradCacheStep}: contiguous row ranges, each run by one replica. */
final class Shards {

    /** Rows {@code [from, to)} of the batch, forwarded by parameter replica {@code replica}. */
    record Shard(int from, int to, int replica) {
        int rows() {
            return to - from;
        }
    }

    private Shards() {}

    /**
     * {@code count} contiguous shards whose sizes differ by at most one row, spread over {@code replicas} replicas in
     * consecutive blocks (replica 0, the master, gets the first). Every shard needs at least two rows: BatchNorm in
     * training mode cannot normalise a single row.
     */
    static List<Shard> plan(int rows, int count, int replicas) {
        if (replicas < 1 || count < replicas) {
            throw new IllegalArgumentException("need at least one shard per device: " + count + " shard(s) for " + replicas
                    + " device(s)");
        }
        if (rows < 2 * count) {
            throw new IllegalArgumentException("cannot split a batch of " + rows + " rows into " + count + " shards of at "
                    + "least 2 rows; use at most " + Math.max(1, rows / 2) + " grad-cache chunks or a larger batch");
        }
        List<Shard> shards = new ArrayList<>(count);
        int base = rows / count;
        int extra = rows % count;
        int from = 0;
        for (int i = 0; i < count; i++) {
            int to = from + base + (i < extra ? 1 : 0);
            shards.add(new Shard(from, to, (int) ((long) i * replicas / count)));
            from = to;
        }
        return List.copyOf(shards);
    }
}

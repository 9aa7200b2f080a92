package org.contrastive4j.spark;

import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import org.apache.spark.TaskContext;
import org.apache.spark.api.java.function.MapPartitionsFunction;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.util.TaskCompletionListener;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.device.DeviceSpec;
import org.contrastive4j.core.image.ImageDecoder;

/**
 * The executor side of both transformers: leases this JVM's session for the model (intra-op threads =
 * {@code spark.task.cpus} of the task), reads rows in batches of {@code batchSize}, turns each into a raw sample (bad
 * rows fail the task under FAILFAST, or get null outputs and the reason under PERMISSIVE), runs the model once per
 * batch and appends the outputs to each row. Memory is bounded by one batch; the session's lease is returned when the
 * task completes.
 */
final class PartitionRunner implements MapPartitionsFunction<Row, Row> {

    private static final long serialVersionUID = 1L;

    private final String stage;
    private final ShippedFile model;
    private final String device;
    private final int batchSize;
    private final int[] inputShape;
    private final InputKind kind;
    private final int inputIndex;
    private final int idIndex;
    private final int inputWidth;
    private final int outputWidth;
    private final boolean permissive;
    private final RowOutput output;

    PartitionRunner(String stage, ShippedFile model, DeviceSpec device, int batchSize, int[] inputShape, InputKind kind,
            int inputIndex, int idIndex, int inputWidth, int outputWidth, boolean permissive, RowOutput output) {
        this.stage = stage;
        this.model = model;
        this.device = device.toString();
        this.batchSize = batchSize;
        this.inputShape = inputShape.clone();
        this.kind = kind;
        this.inputIndex = inputIndex;
        this.idIndex = idIndex;
        this.inputWidth = inputWidth;
        this.outputWidth = outputWidth;
        this.permissive = permissive;
        this.output = output;
    }

    @Override
    public Iterator<Row> call(Iterator<Row> rows) throws Exception {
        if (!rows.hasNext()) {
            return rows;
        }
        TaskContext task = TaskContext.get();
        int threads = task == null ? 1 : Math.max(1, task.cpus());
        ModelSessions.Lease lease = ModelSessions.lease(model, DeviceSpec.parse(device), threads, batchSize);
        try {
            RowOutput.Batch batch = output.bind(lease.embedder());
            if (task != null) {
                task.addTaskCompletionListener((TaskCompletionListener) ctx -> lease.close());
            }
            return new Batches(rows, batch, task == null ? 0 : task.partitionId(), task == null ? lease : null);
        } catch (Exception | Error e) {
            lease.close();
            throw e;
        }
    }

    /** Pulls one batch of input rows at a time and hands out the rows with their outputs appended. */
    private final class Batches implements Iterator<Row> {
        private final Iterator<Row> in;
        private final RowOutput.Batch batch;
        private final int partition;
        private final ModelSessions.Lease ownLease;
        private final ImageDecoder decoder = ImageDecoder.defaults();
        private final int length;
        private final Row[] rows;
        private final String[] reasons;
        private final float[] values;
        private final ArrayDeque<Row> ready = new ArrayDeque<>();
        private long position;

        Batches(Iterator<Row> in, RowOutput.Batch batch, int partition, ModelSessions.Lease ownLease) {
            this.in = in;
            this.batch = batch;
            this.partition = partition;
            this.ownLease = ownLease;
            int len = 1;
            for (int d : inputShape) {
                len = Math.multiplyExact(len, d);
            }
            this.length = len;
            this.rows = new Row[batchSize];
            this.reasons = new String[batchSize];
            this.values = new float[Math.multiplyExact(batchSize, len)];
        }

        @Override
        public boolean hasNext() {
            while (ready.isEmpty() && in.hasNext()) {
                runBatch();
            }
            if (ready.isEmpty() && ownLease != null) {
                ownLease.close(); // outside a task (no completion listener): return the session when drained
            }
            return !ready.isEmpty();
        }

        @Override
        public Row next() {
            if (!hasNext()) {
                throw new NoSuchElementException();
            }
            return ready.poll();
        }

        private void runBatch() {
            int n = 0;
            int good = 0;
            while (n < batchSize && in.hasNext()) {
                Row r = in.next();
                rows[n] = r;
                String id = null;
                if (idIndex >= 0 || kind == InputKind.IMAGE_BYTES) {
                    id = rowId(r);
                }
                String why = kind.fill(r, inputIndex, inputShape, length, decoder, id, values, good * length);
                if (why == null) {
                    reasons[n] = null;
                    good++;
                } else if (permissive) {
                    reasons[n] = why;
                } else {
                    throw new RowFailure(stage, id != null ? id : rowId(r), why);
                }
                position++;
                n++;
            }
            Object[][] outputs = new Object[0][];
            if (good > 0) {
                float[] v = good == batchSize ? values : Arrays.copyOf(values, good * length);
                outputs = batch.apply(new Samples(stage, v, inputShape, null, List.of()));
            }
            int next = 0;
            for (int i = 0; i < n; i++) {
                Object[] out = new Object[inputWidth + outputWidth + (permissive ? 1 : 0)];
                Row r = rows[i];
                for (int c = 0; c < inputWidth; c++) {
                    out[c] = r.get(c);
                }
                if (reasons[i] == null) {
                    System.arraycopy(outputs[next++], 0, out, inputWidth, outputWidth);
                } else {
                    out[inputWidth + outputWidth] = reasons[i];
                }
                ready.add(RowFactory.create(out));
                rows[i] = null;
            }
        }

        private String rowId(Row r) {
            if (idIndex >= 0) {
                return String.valueOf(r.get(idIndex));
            }
            return "at position " + position + " of partition " + partition;
        }
    }
}

package org.contrastive4j.inference;

import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.FloatBuffer;
import java.util.Arrays;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.locks.ReentrantReadWriteLock;

/**
 * Runs one ONNX Runtime session over rows in batches, and owns that session.
 *
 * <p>Lifetime: every {@code session.run} holds the read side of a read-write lock, {@link #close()} takes the write
 * side. So closing waits for the batches already running, and it can never free the native session under one; a
 * call that reaches its next batch after the close fails with an {@link IllegalStateException} saying so. Calls never
 * block each other (ORT's {@code run} is thread-safe); the lock is taken once per batch.
 *
 * <p>Each call borrows a direct input buffer from a small pool, so concurrent calls never share one and steady-state
 * calls allocate no native memory beyond ORT's own arena. Every tensor and result is closed before a batch ends.
 *
 * <p>Outputs are checked before they are returned: every output read must have the batch as its first dimension and
 * the same number of values per sample in every batch, and values must be finite ({@link ModelOutputException}
 * otherwise, naming the model, output and sample).
 */
final class BatchRunner implements AutoCloseable {

    private final OrtEnvironment env;
    private final OrtSession session;
    private final ModelInfo info;
    private final long[] sampleDims;
    private final int sampleLength;
    private final int batchSize;
    private final ConcurrentLinkedQueue<Slot> slots = new ConcurrentLinkedQueue<>();
    /** Values per sample each output has produced so far, with the batch size it was first seen at. */
    private final Map<String, int[]> widths = new ConcurrentHashMap<>();
    private final ReentrantReadWriteLock lifetime = new ReentrantReadWriteLock();
    private boolean closed; // guarded by lifetime

    BatchRunner(OrtEnvironment env, OrtSession session, ModelInfo info, int requestedBatch) {
        this.env = env;
        this.session = session;
        this.info = info;
        this.sampleDims = Arrays.stream(info.inputShape()).asLongStream().toArray();
        this.sampleLength = info.inputLength();
        this.batchSize = info.fixedBatch() > 0 ? (int) info.fixedBatch() : requestedBatch;
    }

    int sampleLength() {
        return sampleLength;
    }

    /** Runs the model over {@code n} rows and returns output {@code outputName}'s row for each. */
    float[][] run(int n, InputRows source, String outputName) {
        requireOpen();
        float[][] out = new float[n][];
        if (n == 0) {
            return out;
        }
        Set<String> wanted = Set.of(outputName);
        Slot slot = borrow();
        try {
            for (int start = 0; start < n; start += batchSize) {
                int count = Math.min(batchSize, n - start);
                // A graph with a fixed batch dimension gets every batch padded with zeros to that size.
                int runCount = info.fixedBatch() > 0 ? batchSize : count;
                int len = runCount * sampleLength;
                FloatBuffer in = slot.buffer;
                in.clear();
                source.fill(start, count, sampleLength, in, slot.scratch);
                while (in.position() < len) {
                    in.put(0f);
                }
                in.flip();
                long[] shape = new long[sampleDims.length + 1];
                shape[0] = runCount;
                System.arraycopy(sampleDims, 0, shape, 1, sampleDims.length);
                runBatch(in, shape, wanted, outputName, out, start, count, runCount);
            }
        } finally {
            slots.offer(slot);
        }
        return out;
    }

    private void runBatch(FloatBuffer in, long[] shape, Set<String> wanted, String outputName, float[][] out, int start,
            int count, int runCount) {
        lifetime.readLock().lock();
        try {
            requireOpenLocked();
            try (OnnxTensor tensor = OnnxTensor.createTensor(env, in, shape);
                    OrtSession.Result result = session.run(Map.of(info.inputName(), tensor), wanted)) {
                readRows(result, outputName, out, start, count, runCount);
            }
        } catch (OrtException e) {
            throw new IllegalStateException(info.path() + ": ONNX Runtime failed: " + e.getMessage(), e);
        } finally {
            lifetime.readLock().unlock();
        }
    }

    private void readRows(OrtSession.Result result, String name, float[][] out, int start, int count, int runCount)
            throws OrtException {
        OnnxValue value = result.get(name).orElseThrow(
                () -> new ModelOutputException(info.path() + ": model produced no output '" + name + "'"));
        if (!(value instanceof OnnxTensor t) || t.getInfo().type != OnnxJavaType.FLOAT) {
            throw new ModelOutputException(info.path() + ": model output '" + name + "' is not a float tensor ("
                    + value.getInfo() + ")");
        }
        long[] shape = t.getInfo().getShape();
        if (shape.length == 0 || shape[0] != runCount) {
            throw new ModelOutputException(info.path() + ": model output '" + name + "' has shape " + Arrays.toString(shape)
                    + " for a batch of " + runCount + "; every output must have the batch as its first dimension "
                    + "(one row per sample)");
        }
        FloatBuffer fb = t.getFloatBuffer();
        int dim = fb.remaining() / runCount;
        int[] first = widths.computeIfAbsent(name, k -> new int[] {dim, runCount});
        if (first[0] != dim) {
            // A per-sample output has one width whatever the batch; one that changes with the batch is not per sample.
            throw new ModelOutputException(info.path() + ": model output '" + name + "' gave " + first[0] + " values per "
                    + "sample for a batch of " + first[1] + " but " + dim + " for a batch of " + runCount
                    + "; its size does not follow the batch, so it is not one row per sample");
        }
        for (int i = 0; i < count; i++) {
            float[] row = new float[dim];
            fb.get(row);
            checkFinite(name, row, start + i);
            out[start + i] = row;
        }
    }

    private void checkFinite(String name, float[] row, int sample) {
        for (int j = 0; j < row.length; j++) {
            if (!Float.isFinite(row[j])) {
                throw new ModelOutputException(info.path() + ": model output '" + name + "' is " + row[j] + " at position "
                        + j + " for sample " + sample + " (the input was finite); the model produced a non-finite value");
            }
        }
    }

    private void requireOpen() {
        lifetime.readLock().lock();
        try {
            requireOpenLocked();
        } finally {
            lifetime.readLock().unlock();
        }
    }

    private void requireOpenLocked() {
        if (closed) {
            throw new IllegalStateException("embedder for " + info.path() + " is closed");
        }
    }

    private Slot borrow() {
        Slot s = slots.poll();
        return s != null ? s : new Slot(batchSize * sampleLength);
    }

    /** Waits for running batches, then frees the session; later batches fail. Idempotent. */
    @Override
    public void close() {
        lifetime.writeLock().lock();
        try {
            if (!closed) {
                closed = true;
                OrtSessions.closeQuietly(session);
                slots.clear();
            }
        } finally {
            lifetime.writeLock().unlock();
        }
    }

    /** A reusable direct input buffer and a heap scratch array (samples are read and normalised there) for one call at a time. */
    private static final class Slot {
        final FloatBuffer buffer;
        final float[] scratch;

        Slot(int capacity) {
            buffer = ByteBuffer.allocateDirect(capacity * Float.BYTES).order(ByteOrder.nativeOrder()).asFloatBuffer();
            scratch = new float[capacity];
        }
    }
}

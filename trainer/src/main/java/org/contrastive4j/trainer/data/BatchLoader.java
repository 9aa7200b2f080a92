package org.contrastive4j.trainer.data;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.contrastive4j.core.data.Dataset;

/**
 * Prepares training batches ({@link ViewBatch}) on background threads while the engine trains, handing them out
 * in (epoch, step) order.
 *
 * <p>Determinism: batch contents depend only on the sampler (a function of (seed, epoch, step)) and on the
 * augmentation generator of each view, {@code SplittableRandom(Seeds.mix(seed, epoch, step, position, view))}. Which
 * worker builds which batch, and when, does not matter, so any thread count gives identical batches, and starting at
 * {@code (startEpoch, startStep)} gives exactly the batches an uninterrupted run would have had from there on.
 *
 * <p>Workers claim batches in order but never more than {@code prefetch} ahead of the consumer, bounding memory.
 * A worker failure is rethrown by {@link #next()} (as {@link IllegalStateException} carrying the cause's message)
 * once the batches before it have been consumed. {@link #close()} stops the workers promptly.
 */
public final class BatchLoader implements Iterator<ViewBatch>, AutoCloseable {

    /** Loader settings; {@code threads} and {@code prefetch} affect speed only, never the batches. */
    public record Options(int views, long seed, int threads, int prefetch) {
        public Options {
            if (views < 1) {
                throw new IllegalArgumentException("views must be >= 1, got " + views);
            }
            if (threads < 1) {
                throw new IllegalArgumentException("loader threads must be >= 1, got " + threads);
            }
            if (prefetch < 1) {
                throw new IllegalArgumentException("prefetch must be >= 1 batch, got " + prefetch);
            }
        }

        /** Two views, {@code max(1, cores - 1)} threads, three batches of prefetch. */
        public static Options defaults(long seed) {
            return new Options(2, seed, defaultThreads(), 3);
        }

        public Options withViews(int v) {
            return new Options(v, seed, threads, prefetch);
        }

        public Options withThreads(int t) {
            return new Options(views, seed, t, prefetch);
        }

        public Options withPrefetch(int p) {
            return new Options(views, seed, threads, p);
        }

        public static int defaultThreads() {
            return Math.max(1, Runtime.getRuntime().availableProcessors() - 1);
        }
    }

    private final Dataset data;
    private final BatchSampler sampler;
    private final Pipeline pipeline;
    private final Options options;
    private final int steps;
    private final long firstGlobal;
    private final long total;
    private final List<Thread> workers = new ArrayList<>();

    private final ReentrantLock lock = new ReentrantLock();
    private final Condition claimable = lock.newCondition();
    private final Condition ready = lock.newCondition();
    private final Map<Long, ViewBatch> done = new HashMap<>();
    private long nextClaim;
    private long nextConsume;
    private Throwable failure;
    private long failedTicket = Long.MAX_VALUE;
    private boolean closed;

    /**
     * Batches from {@code (startEpoch, startStep)} up to the end of epoch {@code endEpoch - 1}.
     */
    public BatchLoader(Dataset data, BatchSampler sampler, Pipeline pipeline, Options options,
                       int startEpoch, int startStep, int endEpoch) {
        this.data = data;
        this.sampler = sampler;
        this.pipeline = pipeline;
        this.options = options;
        this.steps = sampler.stepsPerEpoch();
        if (!Arrays.equals(pipeline.inputShape(), data.sampleShape())) {
            throw new IllegalArgumentException("pipeline expects samples of shape "
                    + Arrays.toString(pipeline.inputShape()) + " but the data has "
                    + Arrays.toString(data.sampleShape()));
        }
        if (steps <= 0) {
            throw new IllegalArgumentException("the sampler has no steps per epoch");
        }
        if (startEpoch < 0 || startStep < 0 || startStep >= steps) {
            throw new IllegalArgumentException("cannot start at epoch " + startEpoch + " step " + startStep
                    + " (steps per epoch: " + steps + ")");
        }
        this.firstGlobal = (long) startEpoch * steps + startStep;
        this.total = Math.max(0, (long) endEpoch * steps - firstGlobal);
        int n = (int) Math.min(options.threads(), Math.max(1, total));
        for (int i = 0; i < n; i++) {
            Thread t = new Thread(this::work, "c4j-batch-" + i);
            t.setDaemon(true);
            workers.add(t);
        }
        workers.forEach(Thread::start);
    }

    /** Builds one batch directly (same result as the loader's), for tests and single-threaded use. */
    public static ViewBatch build(Dataset data, BatchSampler sampler, Pipeline pipeline, int views, long seed,
                                  int epoch, int step, ImageBuffer work) {
        int[] idx = sampler.batch(epoch, step);
        int b = idx.length;
        int inLen = data.sampleLength();
        int outLen = pipeline.outputLength();
        float[] x = new float[Math.multiplyExact(views * b, outLen)];
        // One sample at a time: a dataset read from files decodes it here, on the loader thread.
        float[] src = new float[inLen];
        for (int pos = 0; pos < b; pos++) {
            data.read(idx[pos], src, 0);
            for (int v = 0; v < views; v++) {
                SplittableRandom rng = new SplittableRandom(Seeds.mix(seed, epoch, step, pos, v));
                pipeline.apply(src, 0, x, (v * b + pos) * outLen, rng, work);
            }
        }
        int[] labels = null;
        if (data.labelled()) {
            labels = new int[b];
            for (int pos = 0; pos < b; pos++) {
                labels[pos] = data.labels()[idx[pos]];
            }
        }
        return new ViewBatch(x, labels, idx, views, b, pipeline.outputShape(), epoch, step);
    }

    private void work() {
        ImageBuffer buffer = pipeline.newBuffer();
        while (true) {
            long ticket;
            lock.lock();
            try {
                while (!closed && failure == null && nextClaim < total && nextClaim - nextConsume >= options.prefetch()) {
                    claimable.await();
                }
                if (closed || failure != null || nextClaim >= total) {
                    return;
                }
                ticket = nextClaim++;
            } catch (InterruptedException e) {
                return;
            } finally {
                lock.unlock();
            }
            long global = firstGlobal + ticket;
            int epoch = (int) (global / steps);
            int step = (int) (global % steps);
            ViewBatch batch;
            try {
                batch = build(data, sampler, pipeline, options.views(), options.seed(), epoch, step, buffer);
            } catch (Throwable t) {
                lock.lock();
                try {
                    if (ticket < failedTicket) {
                        failure = new IllegalStateException(t.getMessage() + " (while preparing epoch " + epoch + " step "
                                + step + ")", t);
                        failedTicket = ticket;
                    }
                    ready.signalAll();
                    claimable.signalAll();
                } finally {
                    lock.unlock();
                }
                return;
            }
            lock.lock();
            try {
                done.put(ticket, batch);
                ready.signalAll();
            } finally {
                lock.unlock();
            }
        }
    }

    @Override
    public boolean hasNext() {
        lock.lock();
        try {
            return !closed && nextConsume < total;
        } finally {
            lock.unlock();
        }
    }

    @Override
    public ViewBatch next() {
        lock.lock();
        try {
            if (closed) {
                throw new IllegalStateException("batch loader is closed");
            }
            if (nextConsume >= total) {
                throw new NoSuchElementException("no more batches");
            }
            while (!done.containsKey(nextConsume)) {
                if (failure != null && nextConsume >= failedTicket) {
                    throw (IllegalStateException) failure;
                }
                if (closed) {
                    throw new IllegalStateException("batch loader is closed");
                }
                ready.await();
            }
            ViewBatch b = done.remove(nextConsume);
            nextConsume++;
            claimable.signalAll();
            return b;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for a batch", e);
        } finally {
            lock.unlock();
        }
    }

    /** Steps per epoch of the underlying sampler. */
    public int stepsPerEpoch() {
        return steps;
    }

    /** Number of batches this loader hands out in total. */
    public long totalBatches() {
        return total;
    }

    @Override
    public void close() {
        lock.lock();
        try {
            closed = true;
            done.clear();
            claimable.signalAll();
            ready.signalAll();
        } finally {
            lock.unlock();
        }
        for (Thread t : workers) {
            t.interrupt();
        }
        for (Thread t : workers) {
            try {
                t.join(TimeUnit.SECONDS.toMillis(5));
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }

    /** True while any worker thread is still alive (for tests of {@link #close()}). */
    boolean workersAlive() {
        return workers.stream().anyMatch(Thread::isAlive);
    }
}

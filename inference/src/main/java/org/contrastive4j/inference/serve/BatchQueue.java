package org.contrastive4j.inference.serve;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import org.contrastive4j.core.data.Samples;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one queue in front of the model, and the batching threads that empty it. A batching thread takes the oldest
 * request, lets others join it until the batch holds {@code maxBatchSize} rows or the oldest has waited
 * {@code maxBatchDelayMs}, whichever comes first, and runs each piece of work over all the batch's rows in one model
 * call. It waits only for requests that are on their way: ones whose body the server has begun to read
 * ({@link #arriving()}). When every request the server has received is already in the batch, nobody else can join it
 * soon (the clients are waiting for answers), so it runs at once: one client gets ~0.3 ms answers instead of the full
 * delay, and under load batches still form from the requests that arrive while the model runs. Results are the same
 * as one call per request (the rows are only concatenated).
 *
 * <p>{@code concurrentBatches} threads each form and run batches, so that many model calls can run at once: on a CPU,
 * two calls on one ONNX Runtime thread each get more done than one call on two threads, which spend part of every
 * operator handing work to each other and waking up. Each batch is formed from the requests queued when its thread
 * comes for them; nothing else is shared between them.
 *
 * <p>The queue is bounded in rows. A request that timed out leaves the queue at once; one whose client closed the
 * connection is found out when its batch forms (HTTP/1.1 gives no earlier sign) if it has waited
 * {@link #CLIENT_CHECK_AFTER_MS} or more; neither is computed. A batch's answers are handed to the answering executor
 * in at most one task per core, not one per request: each hand-over can wake a thread, and the batching thread pays
 * for that before it can form the next batch.
 */
final class BatchQueue implements AutoCloseable {

    private static final Logger LOG = LoggerFactory.getLogger(BatchQueue.class);
    /**
     * Only requests that have waited this long get their connection checked before their batch runs. The check is a
     * system call on the batching thread for each request checked. Under normal load requests wait a few ms and their
     * clients are still there; requests queued long enough for clients to give up on them have waited longer than this.
     */
    static final long CLIENT_CHECK_AFTER_MS = 10;
    private static final long CLIENT_CHECK_AFTER_NANOS = TimeUnit.MILLISECONDS.toNanos(CLIENT_CHECK_AFTER_MS);
    private static final int ANSWER_TASKS = Runtime.getRuntime().availableProcessors();

    private final BatchBackend backend;
    private final int[] sampleShape;
    private final int sampleLength;
    private final int maxBatchSize;
    private final long maxDelayNanos;
    private final int maxQueueRows;
    private final int timeoutMs;
    private final ServeMetrics metrics;
    private final Executor answers;
    private final ReentrantLock lock = new ReentrantLock();
    private final Condition changed = lock.newCondition();
    private final ArrayDeque<Job> pending = new ArrayDeque<>();
    private final ScheduledThreadPoolExecutor timer;
    private final List<Thread> batchers = new ArrayList<>();
    private int queuedRows;
    /** Requests and rows taken into the batches that are forming (waiting for more to join); guarded by lock. */
    private int formingRequests;
    private int formingRows;
    /** Requests whose body is being read, to be submitted or refused ({@link #arriving()}); guarded by lock. */
    private int arriving;
    private boolean closing;

    /**
     * A queue whose {@code concurrentBatches} batching threads start at once. {@code answers} completes the jobs of
     * each finished batch (their futures' synchronous actions, the answers, run there).
     */
    BatchQueue(BatchBackend backend, int[] sampleShape, ServeConfig config, int concurrentBatches, ServeMetrics metrics,
            Executor answers) {
        if (concurrentBatches < 1) {
            throw new IllegalArgumentException("concurrent batches must be at least 1, not " + concurrentBatches);
        }
        this.backend = backend;
        this.sampleShape = sampleShape.clone();
        this.sampleLength = Arrays.stream(sampleShape).reduce(1, Math::multiplyExact);
        this.maxBatchSize = config.maxBatchSize();
        this.maxDelayNanos = TimeUnit.MILLISECONDS.toNanos(config.maxBatchDelayMs());
        this.maxQueueRows = config.maxQueueRows();
        this.timeoutMs = config.requestTimeoutMs();
        this.metrics = metrics;
        this.answers = answers;
        this.timer = new ScheduledThreadPoolExecutor(1, r -> daemon(r, "c4j-serve-timeouts"));
        this.timer.setRemoveOnCancelPolicy(true);
        for (int i = 0; i < concurrentBatches; i++) {
            Thread t = daemon(this::work, "c4j-serve-batcher-" + i);
            batchers.add(t);
            t.start();
        }
    }

    private static Thread daemon(Runnable r, String name) {
        Thread t = new Thread(r, name);
        t.setDaemon(true);
        return t;
    }

    /**
     * Announces a request on its way to {@link #submit}: a batch that could take it waits for it (up to the batch
     * delay). Each call is ended by one {@link #submit(Job, boolean) submit(job, true)} or {@link #arrivalEnded()}.
     */
    void arriving() {
        lock.lock();
        try {
            arriving++;
        } finally {
            lock.unlock();
        }
    }

    /** A request announced by {@link #arriving()} will not be submitted (it was refused, or its client went away). */
    void arrivalEnded() {
        lock.lock();
        try {
            arriving--;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
    }

    /**
     * Queues a job and arms its timeout; {@code announced}: the job's request was announced by {@link #arriving()},
     * which this ends in the same step as the job joins the queue: a forming batch always sees the request, on its way
     * or queued.
     *
     * @throws ApiException 503 with Retry-After when the queue is full or the server is stopping
     */
    void submit(Job job, boolean announced) {
        lock.lock();
        try {
            if (announced) {
                arriving--;
            }
            if (closing) {
                throw ApiException.shuttingDown();
            }
            if (queuedRows + job.rows > maxQueueRows) {
                throw new ApiException(503, "the queue is full (" + queuedRows + " rows waiting, --max-queue-rows "
                        + maxQueueRows + "); retry later", 1);
            }
            job.enqueuedNanos = System.nanoTime();
            pending.addLast(job);
            queuedRows += job.rows;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        ScheduledFuture<?> timeout = timer.schedule(() -> abandon(job, Job.Abandoned.TIMEOUT), timeoutMs, TimeUnit.MILLISECONDS);
        job.result.whenComplete((r, e) -> timeout.cancel(false));
    }

    /** Gives a job up: its future fails, it leaves the queue if still there. False if it had already completed. */
    boolean abandon(Job job, Job.Abandoned reason) {
        if (!job.result.completeExceptionally(new Job.AbandonedException(reason))) {
            return false;
        }
        lock.lock();
        try {
            if (pending.remove(job)) {
                queuedRows -= job.rows;
            }
        } finally {
            lock.unlock();
        }
        metrics.abandoned(reason);
        return true;
    }

    /** Rows waiting for the model: queued, or in the batch that is forming. */
    int queuedRows() {
        lock.lock();
        try {
            return queuedRows + formingRows;
        } finally {
            lock.unlock();
        }
    }

    /** How many batches can run at once: one per batching thread. */
    int concurrentBatches() {
        return batchers.size();
    }

    int arrivingRequests() {
        lock.lock();
        try {
            return arriving;
        } finally {
            lock.unlock();
        }
    }

    /** Requests waiting for the model: queued, or in the batch that is forming. */
    int queuedRequests() {
        lock.lock();
        try {
            return pending.size() + formingRequests;
        } finally {
            lock.unlock();
        }
    }

    /** Refuses new jobs, lets the batching threads finish those queued, and waits for them. */
    @Override
    public void close() {
        lock.lock();
        try {
            closing = true;
            changed.signalAll();
        } finally {
            lock.unlock();
        }
        try {
            for (Thread t : batchers) {
                t.join();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        timer.shutdownNow();
    }

    private void work() {
        try {
            for (List<Job> batch; (batch = nextBatch()) != null; ) {
                run(batch);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    /** The next batch, or null once closing and nothing is left. */
    private List<Job> nextBatch() throws InterruptedException {
        lock.lock();
        try {
            while (pending.isEmpty()) {
                if (closing) {
                    return null;
                }
                changed.await();
            }
            List<Job> batch = new ArrayList<>();
            int rows = 0;
            long deadline = pending.peekFirst().enqueuedNanos + maxDelayNanos;
            while (rows < maxBatchSize) {
                Job next = pending.peekFirst();
                if (next != null) {
                    if (!batch.isEmpty() && rows + next.rows > maxBatchSize) {
                        break; // it opens the next batch
                    }
                    pending.pollFirst();
                    queuedRows -= next.rows;
                    batch.add(next);
                    rows += next.rows;
                    formingRequests++;
                    formingRows += next.rows;
                    continue;
                }
                long wait = deadline - System.nanoTime();
                if (wait <= 0 || closing || arriving == 0) {
                    break; // the delay is over, or no request is on its way to join
                }
                changed.awaitNanos(wait);
            }
            formingRequests -= batch.size();
            formingRows -= rows;
            return batch;
        } finally {
            lock.unlock();
        }
    }

    private void run(List<Job> batch) {
        // Given up between leaving the queue and now, or its client has closed the connection: not computed.
        long checkBefore = System.nanoTime() - CLIENT_CHECK_AFTER_NANOS;
        batch.removeIf(j -> j.result.isDone()
                || (j.enqueuedNanos - checkBefore <= 0 && j.clientGone.getAsBoolean() && abandon(j, Job.Abandoned.CLIENT_GONE)));
        if (batch.isEmpty()) {
            return;
        }
        metrics.batchRequests(batch.size());
        Map<Work, List<Job>> byWork = new LinkedHashMap<>();
        for (Job j : batch) {
            for (Work w : j.works) {
                byWork.computeIfAbsent(w, x -> new ArrayList<>()).add(j);
            }
        }
        byWork.forEach(this::run);
        int perTask = (batch.size() + ANSWER_TASKS - 1) / ANSWER_TASKS;
        for (int from = 0; from < batch.size(); from += perTask) {
            List<Job> jobs = batch.subList(from, Math.min(batch.size(), from + perTask));
            try {
                answers.execute(() -> complete(jobs));
            } catch (RejectedExecutionException e) {
                complete(jobs); // the server's threads are stopping: answer here
            }
        }
    }

    private static void complete(List<Job> jobs) {
        for (Job j : jobs) {
            j.result.complete(j.partial);
        }
    }

    private void run(Work work, List<Job> jobs) {
        int rows = 0;
        for (Job j : jobs) {
            rows += j.rows;
        }
        float[] values;
        if (jobs.size() == 1) {
            values = jobs.get(0).values;
        } else {
            values = new float[rows * sampleLength];
            int at = 0;
            for (Job j : jobs) {
                System.arraycopy(j.values, 0, values, at, j.rows * sampleLength);
                at += j.rows * sampleLength;
            }
        }
        long t0 = System.nanoTime();
        Object[] out;
        try {
            out = backend.run(work, new Samples("request batch", values, sampleShape, null, List.of()));
        } catch (RuntimeException e) {
            LOG.error("batch of {} rows ({}) failed: {}", rows, work, e.toString());
            for (Job j : jobs) {
                j.result.completeExceptionally(e);
            }
            return;
        }
        metrics.batch(rows, (System.nanoTime() - t0) / 1e9);
        int at = 0;
        for (Job j : jobs) {
            j.partial[j.works.indexOf(work)] = Arrays.copyOfRange(out, at, at + j.rows);
            at += j.rows;
        }
    }
}

package org.contrastive4j.inference.serve;

import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The access log's writer: requests hand it their line and go on; its own thread passes the lines to the log, in the
 * order they came, every {@link #DRAIN_INTERVAL_MS} ms or sooner while lines keep coming. A logger writes each line
 * to its stream under a lock, with a system call; on the request's path that made the threads answering a batch queue
 * up behind each other and delayed every answer by its line. {@link #MAX_PENDING} lines at most wait; beyond that a
 * request writes its line itself, so that a log slower than the requests slows them instead of filling the heap.
 * {@link #close()} writes every line still waiting.
 */
final class AccessLog implements AutoCloseable {

    /** The access log's logger: one line per request at info. */
    static final String LOGGER = "org.contrastive4j.inference.serve.access";
    static final long DRAIN_INTERVAL_MS = 20;
    static final int MAX_PENDING = 1 << 16;

    private final Consumer<String> sink;
    private final boolean enabled;
    private final ConcurrentLinkedQueue<String> lines = new ConcurrentLinkedQueue<>();
    private final AtomicInteger pending = new AtomicInteger();
    private final Thread writer;
    private volatile boolean closed;

    /** A writer that passes each line to {@code sink} on its own thread, started at once. */
    AccessLog(Consumer<String> sink) {
        this(sink, true);
    }

    private AccessLog(Consumer<String> sink, boolean enabled) {
        this.sink = sink;
        this.enabled = enabled;
        this.writer = new Thread(this::drain, "c4j-serve-access-log");
        writer.setDaemon(true);
        writer.start();
    }

    /** The server's access log: lines at info on {@link #LOGGER}, when that level is on (checked once, at start). */
    static AccessLog toLogger() {
        Logger logger = LoggerFactory.getLogger(LOGGER);
        return new AccessLog(logger::info, logger.isInfoEnabled());
    }

    /** Whether lines are wanted at all: requests need not build them otherwise. */
    boolean enabled() {
        return enabled;
    }

    /** Queues one line (or, with {@link #MAX_PENDING} waiting or after {@link #close()}, writes it here). */
    void log(String line) {
        if (closed) {
            sink.accept(line);
            return;
        }
        if (pending.incrementAndGet() > MAX_PENDING) {
            pending.decrementAndGet();
            sink.accept(line);
            return;
        }
        lines.add(line);
        if (closed) {
            writeQueued(); // the writer may have ended before the line was queued
        }
    }

    private void writeQueued() {
        String line;
        while ((line = lines.poll()) != null) {
            pending.decrementAndGet();
            try {
                sink.accept(line);
            } catch (RuntimeException e) {
                // a failing log must not end the writer: the next lines may still get through
            }
        }
    }

    private void drain() {
        while (true) {
            boolean last = closed; // read before polling: a line queued before close() is then still seen below
            writeQueued();
            if (last) {
                return;
            }
            LockSupport.parkNanos(this, TimeUnit.MILLISECONDS.toNanos(DRAIN_INTERVAL_MS));
        }
    }

    /** Writes every queued line, then ends the writer; lines logged afterwards are written by their caller. */
    @Override
    public void close() {
        closed = true;
        LockSupport.unpark(writer);
        try {
            writer.join();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}

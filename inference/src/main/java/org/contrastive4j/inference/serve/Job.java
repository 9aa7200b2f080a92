package org.contrastive4j.inference.serve;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.function.BooleanSupplier;

/**
 * One request's rows in the batching queue: the raw values of {@code rows} samples, the work asked of them, and the
 * future its handler answers from (one {@code Object[]} per work, one entry per row).
 */
final class Job {

    /** Why a job was given up before its result was sent. */
    enum Abandoned {
        CLIENT_GONE("client_gone"),
        TIMEOUT("timeout");

        private final String label;

        Abandoned(String label) {
            this.label = label;
        }

        /** The {@code reason} label in the metrics. */
        String label() {
            return label;
        }
    }

    /** Completes a job's future when it is given up. */
    static final class AbandonedException extends RuntimeException {
        private static final long serialVersionUID = 1L;

        private final Abandoned reason;

        AbandonedException(Abandoned reason) {
            super(reason.label(), null, false, false);
            this.reason = reason;
        }

        Abandoned reason() {
            return reason;
        }
    }

    final List<Work> works;
    final float[] values;
    final int rows;
    final CompletableFuture<Object[][]> result = new CompletableFuture<>();
    /** Filled by its batch's thread only, work by work, before {@link #result} completes. */
    final Object[][] partial;
    long enqueuedNanos;
    /** Whether the request's client has gone away; asked once, just before the job's batch runs. */
    volatile BooleanSupplier clientGone = () -> false;

    Job(List<Work> works, float[] values, int rows) {
        if (works.isEmpty()) {
            throw new IllegalArgumentException("a job needs some work");
        }
        this.works = List.copyOf(works);
        this.values = values;
        this.rows = rows;
        this.partial = new Object[works.size()][];
    }
}

package org.contrastive4j.inference.cli;

import java.io.PrintStream;
import java.util.Locale;
import org.contrastive4j.inference.Embedder;

/** How the streaming commands (embed, classify) cut their input, and the progress they show on long inputs. */
final class Streaming {

    /** Samples per slice at least: large enough to amortise a call, small enough that a slice is never a burden. */
    private static final int MIN_SLICE = 1024;
    private static final long PROGRESS_EVERY_NANOS = 10_000_000_000L;

    private Streaming() {}

    /** Samples embedded and written per slice. */
    static int slice(Embedder embedder) {
        return Math.max(MIN_SLICE, embedder.options().batchSize());
    }

    /** Prints "verb N of M samples (p%)" to {@code err} at most every ten seconds, so fast runs stay quiet. */
    static final class Progress {
        private final PrintStream err;
        private final String verb;
        private final int total;
        private final long start = System.nanoTime();
        private long last = start;

        Progress(PrintStream err, String verb, int total) {
            this.err = err;
            this.verb = verb;
            this.total = total;
        }

        void done(int count) {
            long now = System.nanoTime();
            if (now - last >= PROGRESS_EVERY_NANOS && count < total) {
                last = now;
                err.printf(Locale.ROOT, "%s %d of %d samples (%.1f%%, %.0f samples/s)%n", verb, count, total,
                        100.0 * count / total, count / ((now - start) / 1e9));
            }
        }
    }
}

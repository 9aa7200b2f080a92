package org.contrastive4j.inference.serve;

import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.DoubleAdder;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.IntSupplier;

/**
 * The server's counters, rendered in the Prometheus text exposition format 0.0.4 (written here: a dozen series do
 * not need a metrics library in the deployment jar). Names start with {@code c4j_serve_}; routes are the API's route
 * templates ({@code /v2/models/{name}/infer}), never raw paths, so the label set stays small.
 */
final class ServeMetrics {

    /** Request latency buckets, seconds. */
    private static final double[] LATENCY_BUCKETS = {0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};
    /** Rows and requests per batch. */
    private static final double[] SIZE_BUCKETS = {1, 2, 4, 8, 16, 32, 64, 128, 256, 512, 1024, 4096};

    private final Map<String, LongAdder> requests = new ConcurrentHashMap<>();
    private final Map<String, Histogram> latency = new ConcurrentHashMap<>();
    private final Map<String, LongAdder> abandoned = new ConcurrentHashMap<>();
    private final Histogram batchRows = new Histogram(SIZE_BUCKETS);
    private final Histogram batchRequests = new Histogram(SIZE_BUCKETS);
    private final Histogram batchSeconds = new Histogram(LATENCY_BUCKETS);
    private volatile IntSupplier queueRows = () -> 0;
    private volatile IntSupplier queueRequests = () -> 0;
    private volatile IntSupplier arrivingRequests = () -> 0;

    void queue(IntSupplier rows, IntSupplier requestCount, IntSupplier arriving) {
        this.queueRows = rows;
        this.queueRequests = requestCount;
        this.arrivingRequests = arriving;
    }

    void request(String route, int status, double seconds) {
        requests.computeIfAbsent(route + "\u0000" + status, k -> new LongAdder()).increment();
        latency.computeIfAbsent(route, k -> new Histogram(LATENCY_BUCKETS)).observe(seconds);
    }

    void abandoned(Job.Abandoned reason) {
        abandoned.computeIfAbsent(reason.label(), k -> new LongAdder()).increment();
    }

    /** One model call over {@code rows} rows that took {@code seconds}. */
    void batch(int rows, double seconds) {
        batchRows.observe(rows);
        batchSeconds.observe(seconds);
    }

    /** One batch formed of {@code count} requests. */
    void batchRequests(int count) {
        batchRequests.observe(count);
    }

    String render() {
        StringBuilder sb = new StringBuilder(4096);
        sb.append("# HELP c4j_serve_requests_total HTTP requests answered, by route and status.\n");
        sb.append("# TYPE c4j_serve_requests_total counter\n");
        new TreeMap<>(requests).forEach((key, n) -> {
            int cut = key.indexOf('\u0000');
            sb.append("c4j_serve_requests_total{route=\"").append(key, 0, cut).append("\",status=\"")
                    .append(key.substring(cut + 1)).append("\"} ").append(n.sum()).append('\n');
        });
        sb.append("# HELP c4j_serve_request_duration_seconds Time from a request's arrival to its answer, by route.\n");
        sb.append("# TYPE c4j_serve_request_duration_seconds histogram\n");
        new TreeMap<>(latency).forEach((route, h) -> h.render(sb, "c4j_serve_request_duration_seconds", "route=\"" + route + "\","));
        sb.append("# HELP c4j_serve_queue_rows Rows waiting for the model (queued or in the batch forming).\n");
        sb.append("# TYPE c4j_serve_queue_rows gauge\n");
        sb.append("c4j_serve_queue_rows ").append(queueRows.getAsInt()).append('\n');
        sb.append("# HELP c4j_serve_queue_requests Requests waiting for the model (queued or in the batch forming).\n");
        sb.append("# TYPE c4j_serve_queue_requests gauge\n");
        sb.append("c4j_serve_queue_requests ").append(queueRequests.getAsInt()).append('\n');
        sb.append("# HELP c4j_serve_arriving_requests Requests whose body is being read, on their way to the queue.\n");
        sb.append("# TYPE c4j_serve_arriving_requests gauge\n");
        sb.append("c4j_serve_arriving_requests ").append(arrivingRequests.getAsInt()).append('\n');
        sb.append("# HELP c4j_serve_batch_rows Rows per model call (the batch sizes formed).\n");
        sb.append("# TYPE c4j_serve_batch_rows histogram\n");
        batchRows.render(sb, "c4j_serve_batch_rows", "");
        sb.append("# HELP c4j_serve_batch_requests Requests merged into one batch.\n");
        sb.append("# TYPE c4j_serve_batch_requests histogram\n");
        batchRequests.render(sb, "c4j_serve_batch_requests", "");
        sb.append("# HELP c4j_serve_batch_duration_seconds Time of one model call.\n");
        sb.append("# TYPE c4j_serve_batch_duration_seconds histogram\n");
        batchSeconds.render(sb, "c4j_serve_batch_duration_seconds", "");
        sb.append("# HELP c4j_serve_abandoned_total Requests given up before their result was sent, by reason.\n");
        sb.append("# TYPE c4j_serve_abandoned_total counter\n");
        for (Job.Abandoned reason : Job.Abandoned.values()) {
            LongAdder n = abandoned.get(reason.label());
            sb.append("c4j_serve_abandoned_total{reason=\"").append(reason.label()).append("\"} ")
                    .append(n == null ? 0 : n.sum()).append('\n');
        }
        return sb.toString();
    }

    /** A Prometheus histogram: per-bucket counts kept apart, rendered cumulatively. */
    private static final class Histogram {
        private final double[] bounds;
        private final LongAdder[] counts;
        private final DoubleAdder sum = new DoubleAdder();

        Histogram(double[] bounds) {
            this.bounds = bounds;
            this.counts = new LongAdder[bounds.length + 1];
            for (int i = 0; i < counts.length; i++) {
                counts[i] = new LongAdder();
            }
        }

        void observe(double v) {
            int i = 0;
            while (i < bounds.length && v > bounds[i]) {
                i++;
            }
            counts[i].increment();
            sum.add(v);
        }

        void render(StringBuilder sb, String name, String labels) {
            long cumulative = 0;
            for (int i = 0; i <= bounds.length; i++) {
                cumulative += counts[i].sum();
                String le = i == bounds.length ? "+Inf" : number(bounds[i]);
                sb.append(name).append("_bucket{").append(labels).append("le=\"").append(le).append("\"} ")
                        .append(cumulative).append('\n');
            }
            String plain = labels.isEmpty() ? "" : "{" + labels.substring(0, labels.length() - 1) + "}";
            sb.append(name).append("_sum").append(plain).append(' ').append(number(sum.sum())).append('\n');
            sb.append(name).append("_count").append(plain).append(' ').append(cumulative).append('\n');
        }

        private static String number(double v) {
            return v == Math.rint(v) && Math.abs(v) < 1e15 ? Long.toString((long) v) : String.format(Locale.ROOT, "%s", v);
        }
    }
}

package org.contrastive4j.inference.serve;

import java.util.List;
import java.util.Objects;

/**
 * How a server listens, batches and limits requests. Build with {@link #builder()}; every value is checked when set,
 * with the message naming the command-line flag that sets it.
 */
public final class ServeConfig {

    public static final String DEFAULT_HOST = "127.0.0.1";
    public static final int DEFAULT_PORT = 8080;
    public static final int DEFAULT_MAX_BATCH_SIZE = 64;
    public static final int DEFAULT_MAX_BATCH_DELAY_MS = 2;
    public static final int DEFAULT_MAX_QUEUE_ROWS = 4096;
    public static final int DEFAULT_MAX_REQUEST_ROWS = 256;
    public static final int DEFAULT_MAX_BODY_BYTES = 16 << 20;
    public static final int DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
    public static final int DEFAULT_TOP_K = 5;
    /** {@link #concurrentBatches()}: chosen from the model's device and threads when the server starts. */
    public static final int AUTO_CONCURRENT_BATCHES = 0;
    /**
     * Jetty's worker threads by default: 4 per core, at least 8. Nothing they do blocks (bodies are read
     * asynchronously, answers written when the batch is done), so more threads than that only take turns on the
     * cores: on 2 cores, 64 threads served 64 clients with ~20 % less throughput per CPU-second than 8 and a longer
     * p99 (inference/src/bench/README.md).
     */
    public static final int DEFAULT_HTTP_THREADS = Math.max(8, 4 * Runtime.getRuntime().availableProcessors());

    private final String host;
    private final int port;
    private final String modelName;
    private final int maxBatchSize;
    private final int maxBatchDelayMs;
    private final int maxQueueRows;
    private final int maxRequestRows;
    private final int maxBodyBytes;
    private final int requestTimeoutMs;
    private final int topK;
    private final int httpThreads;
    private final int concurrentBatches;
    private final List<String> apiKeys;

    private ServeConfig(Builder b) {
        this.host = b.host;
        this.port = b.port;
        this.modelName = Objects.requireNonNull(b.modelName, "model name");
        this.maxBatchSize = b.maxBatchSize;
        this.maxBatchDelayMs = b.maxBatchDelayMs;
        this.maxQueueRows = b.maxQueueRows;
        this.maxRequestRows = b.maxRequestRows;
        this.maxBodyBytes = b.maxBodyBytes;
        this.requestTimeoutMs = b.requestTimeoutMs;
        this.topK = b.topK;
        this.httpThreads = b.httpThreads;
        this.concurrentBatches = b.concurrentBatches;
        this.apiKeys = List.copyOf(b.apiKeys);
        if (maxRequestRows > maxQueueRows) {
            throw new IllegalArgumentException("--max-request-rows " + maxRequestRows + " is more than --max-queue-rows "
                    + maxQueueRows + ": such a request could never be queued");
        }
    }

    public static Builder builder(String modelName) {
        return new Builder(modelName);
    }

    /** The address to bind; {@code 127.0.0.1} unless opening to other hosts was asked for. */
    public String host() {
        return host;
    }

    /** The port to bind; 0 picks a free one ({@link EmbeddingServer#port()} tells which). */
    public int port() {
        return port;
    }

    /** The model's name in the API ({@code /v2/models/{name}}). */
    public String modelName() {
        return modelName;
    }

    /** The most rows one model call runs: a batch closes when it holds this many. */
    public int maxBatchSize() {
        return maxBatchSize;
    }

    /** How long the first request of a batch waits for others to join it. */
    public int maxBatchDelayMs() {
        return maxBatchDelayMs;
    }

    /** Rows waiting in the queue beyond which new requests are refused with 503. */
    public int maxQueueRows() {
        return maxQueueRows;
    }

    /** Rows one request may carry (more: 413). */
    public int maxRequestRows() {
        return maxRequestRows;
    }

    /** Bytes a request body may have (more: 413). */
    public int maxBodyBytes() {
        return maxBodyBytes;
    }

    /** How long a request may wait and run before it is answered 504. */
    public int requestTimeoutMs() {
        return requestTimeoutMs;
    }

    /** Classes listed per prediction by {@code /classify} with the model's head unless the request says otherwise. */
    public int topK() {
        return topK;
    }

    /** Jetty's worker threads (they read, parse and answer requests; the model runs on the batching threads). */
    public int httpThreads() {
        return httpThreads;
    }

    /**
     * How many batches may run through the model at once, each on its own batching thread;
     * {@link #AUTO_CONCURRENT_BATCHES} (the default): on a CPU, one per physical core that the model's intra-op threads
     * leave (cores ÷ threads per call, at least 1); on a GPU, 1.
     */
    public int concurrentBatches() {
        return concurrentBatches;
    }

    /** Accepted bearer tokens; empty: no authentication. */
    public List<String> apiKeys() {
        return apiKeys;
    }

    public static final class Builder {
        private String host = DEFAULT_HOST;
        private int port = DEFAULT_PORT;
        private final String modelName;
        private int maxBatchSize = DEFAULT_MAX_BATCH_SIZE;
        private int maxBatchDelayMs = DEFAULT_MAX_BATCH_DELAY_MS;
        private int maxQueueRows = DEFAULT_MAX_QUEUE_ROWS;
        private int maxRequestRows = DEFAULT_MAX_REQUEST_ROWS;
        private int maxBodyBytes = DEFAULT_MAX_BODY_BYTES;
        private int requestTimeoutMs = DEFAULT_REQUEST_TIMEOUT_MS;
        private int topK = DEFAULT_TOP_K;
        private int httpThreads = DEFAULT_HTTP_THREADS;
        private int concurrentBatches = AUTO_CONCURRENT_BATCHES;
        private List<String> apiKeys = List.of();

        private Builder(String modelName) {
            if (modelName == null || modelName.isBlank() || modelName.contains("/")) {
                throw new IllegalArgumentException("--name must be a non-empty name without '/', got '" + modelName + "'");
            }
            this.modelName = modelName;
        }

        public Builder host(String host) {
            if (host == null || host.isBlank()) {
                throw new IllegalArgumentException("--host must not be empty");
            }
            this.host = host.trim();
            return this;
        }

        public Builder port(int port) {
            this.port = range("--port", port, 0, 65535);
            return this;
        }

        public Builder maxBatchSize(int rows) {
            this.maxBatchSize = range("--max-batch-size", rows, 1, 1 << 16);
            return this;
        }

        public Builder maxBatchDelayMs(int ms) {
            this.maxBatchDelayMs = range("--max-batch-delay-ms", ms, 0, 60_000);
            return this;
        }

        public Builder maxQueueRows(int rows) {
            this.maxQueueRows = range("--max-queue-rows", rows, 1, 1 << 24);
            return this;
        }

        public Builder maxRequestRows(int rows) {
            this.maxRequestRows = range("--max-request-rows", rows, 1, 1 << 20);
            return this;
        }

        public Builder maxBodyBytes(int bytes) {
            this.maxBodyBytes = range("--max-body-bytes", bytes, 1, Integer.MAX_VALUE - 16);
            return this;
        }

        public Builder requestTimeoutMs(int ms) {
            this.requestTimeoutMs = range("--request-timeout-ms", ms, 1, 3_600_000);
            return this;
        }

        public Builder topK(int k) {
            this.topK = range("--top-k", k, 1, 1 << 16);
            return this;
        }

        public Builder httpThreads(int threads) {
            this.httpThreads = range("--http-threads", threads, 8, 4096);
            return this;
        }

        /** See {@link ServeConfig#concurrentBatches()}; 0 = automatic. */
        public Builder concurrentBatches(int batches) {
            this.concurrentBatches = range("--concurrent-batches", batches, 0, 256);
            return this;
        }

        public Builder apiKeys(List<String> keys) {
            for (String k : keys) {
                if (k == null || k.isBlank() || !k.equals(k.strip())) {
                    throw new IllegalArgumentException("API keys must be non-empty and have no surrounding spaces");
                }
            }
            this.apiKeys = List.copyOf(keys);
            return this;
        }

        public ServeConfig build() {
            return new ServeConfig(this);
        }

        private static int range(String flag, int value, int min, int max) {
            if (value < min || value > max) {
                throw new IllegalArgumentException(flag + " must be in [" + min + ", " + max + "], got " + value);
            }
            return value;
        }
    }
}

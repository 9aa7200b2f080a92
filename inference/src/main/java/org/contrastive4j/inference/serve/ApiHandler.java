package org.contrastive4j.inference.serve;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import java.util.function.Function;
import org.contrastive4j.core.image.ImageDecoder;
import org.contrastive4j.inference.ModelInfo;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.BufferUtil;
import org.eclipse.jetty.util.Callback;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Routes the API's requests: reads and checks them on Jetty's threads, hands the rows to the {@link BatchQueue}, and
 * answers asynchronously when the batch is done. Every answer, error or not, is JSON (the metrics are Prometheus
 * text), counted in the metrics and written as one access-log line at info level.
 */
final class ApiHandler extends Handler.Abstract {

    private static final Logger LOG = LoggerFactory.getLogger(ApiHandler.class);
    /**
     * Bodies up to this size are decoded on the thread that read them, possibly Jetty's selector: a single image a
     * few hundred pixels wide, or some thousand floats, takes well under a millisecond. Larger ones would hold up
     * the other connections that thread serves, so they are handed to the pool.
     */
    static final int INLINE_BODY_BYTES = 16 << 10;
    private static final String JSON = "application/json";
    private static final String PROMETHEUS = "text/plain; version=0.0.4; charset=utf-8";
    /** The Open Inference Protocol's header announcing a binary tensor body. */
    private static final String BINARY_HEADER = "Inference-Header-Content-Length";
    private static final String MODELS = "/v2/models/";
    private static final String ENDPOINTS = "GET /health, /info, /metrics, /v2, /v2/health/live, /v2/health/ready, "
            + "/v2/models/{name}, /v2/models/{name}/ready; POST /embed, /classify, /v2/models/{name}/infer";

    private final ServedModel model;
    private final ServeConfig config;
    private final BatchQueue queue;
    private final ServeMetrics metrics;
    private final AccessLog accessLog;
    private final Executor pool;
    private final BearerAuth auth;
    private final RequestReader reader;
    private final ModelInfo info;
    private final List<String> allOutputs;
    private final AtomicInteger inFlight = new AtomicInteger();
    private volatile boolean stopping;

    /**
     * {@code pool} takes the work of requests whose body is over {@link #INLINE_BODY_BYTES}; smaller ones are decoded
     * and queued on the thread that read them.
     */
    ApiHandler(ServedModel model, ServeConfig config, BatchQueue queue, ServeMetrics metrics, AccessLog accessLog,
            Executor pool) {
        // Nothing here blocks: bodies are read as they arrive, rows go to the queue, answers are written when their
        // batch is done. So Jetty may run a request on the thread that read it, instead of waking a pool thread for it.
        super(InvocationType.NON_BLOCKING);
        this.pool = pool;
        this.model = model;
        this.config = config;
        this.queue = queue;
        this.metrics = metrics;
        this.accessLog = accessLog;
        this.auth = new BearerAuth(config.apiKeys());
        this.info = model.info();
        this.reader = new RequestReader(info, config.maxRequestRows(), ImageDecoder.defaults());
        this.allOutputs = info.outputNames();
    }

    /** From now on every request is answered 503 (health included, so that load balancers look elsewhere). */
    void refuseNewRequests() {
        stopping = true;
    }

    /** Waits until every request received has been answered (its last byte written) or {@code millis} have passed. */
    boolean awaitAnswered(long millis) throws InterruptedException {
        long end = System.nanoTime() + millis * 1_000_000L;
        synchronized (inFlight) {
            while (inFlight.get() > 0) {
                long left = (end - System.nanoTime()) / 1_000_000L;
                if (left <= 0) {
                    return false;
                }
                inFlight.wait(left);
            }
        }
        return true;
    }

    private void answered() {
        if (inFlight.decrementAndGet() == 0) {
            synchronized (inFlight) {
                inFlight.notifyAll();
            }
        }
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) {
        Exchange x = new Exchange(request, response, callback);
        answering(x, () -> {
            if (stopping) {
                x.closeAfter = true;
                throw ApiException.shuttingDown();
            }
            dispatch(x);
        });
        return true;
    }

    /** Runs a step of answering {@code x}; what it throws becomes the JSON error answer. */
    private static void answering(Exchange x, Runnable step) {
        try {
            step.run();
        } catch (ApiException e) {
            x.error(e);
        } catch (RuntimeException e) {
            LOG.error("{} {} failed", x.request.getMethod(), x.path, e);
            x.error(new ApiException(500, "internal error: " + e));
        }
    }

    private void dispatch(Exchange x) {
        String path = x.path;
        switch (path) {
            case "/health" -> {
                x.route = path;
                get(x);
                x.send(200, JSON, Responses.status("status", "ok"));
                return;
            }
            case "/v2/health/live" -> {
                x.route = path;
                get(x);
                x.send(200, JSON, Responses.status("live", true));
                return;
            }
            case "/v2/health/ready" -> {
                x.route = path;
                get(x);
                x.send(200, JSON, Responses.status("ready", true));
                return;
            }
            default -> {
                // every other route needs the key (when one is set)
            }
        }
        if (!auth.allows(x.request.getHeaders().get(HttpHeader.AUTHORIZATION))) {
            x.route = "unauthorized";
            throw new ApiException(401, "missing or wrong API key: send 'Authorization: Bearer <key>'");
        }
        switch (path) {
            case "/info" -> {
                x.route = path;
                get(x);
                x.send(200, JSON, Responses.info(model, config, queue.concurrentBatches(), reader.takesImages()));
            }
            case "/metrics" -> {
                x.route = path;
                get(x);
                x.send(200, PROMETHEUS, metrics.render());
            }
            case "/v2" -> {
                x.route = path;
                get(x);
                x.send(200, JSON, Responses.v2Server());
            }
            case "/embed" -> {
                x.route = path;
                post(x);
                withBody(x, body -> {
                    RequestReader.Compact c = reader.compact(body, false);
                    String out = model.embeddingOutput();
                    infer(x, List.of(new Work.Output(out)), c.rows(), r -> Responses.embeddings(r[0], out));
                });
            }
            case "/classify" -> {
                x.route = path;
                post(x);
                withBody(x, body -> classify(x, body));
            }
            default -> {
                if (path.startsWith(MODELS)) {
                    v2Model(x, path.substring(MODELS.length()));
                } else {
                    x.route = "other";
                    throw ApiException.notFound("no such endpoint: " + x.request.getMethod() + " " + path + " (endpoints: "
                            + ENDPOINTS + ")");
                }
            }
        }
    }

    private void classify(Exchange x, byte[] body) {
        if (model.classifier().isEmpty()) {
            throw ApiException.notFound("this server has no classifier: the model has no 'logits' or 'probabilities' output; "
                    + "start it with --index ref.idx (build one with 'c4j index')");
        }
        boolean head = model.classifier().get().usesHead();
        RequestReader.Compact c = reader.compact(body, head);
        int topK = c.topK() > 0 ? c.topK() : config.topK();
        infer(x, List.of(new Work.Classify()), c.rows(), r -> Responses.classifications(r[0], topK, model));
    }

    private void v2Model(Exchange x, String rest) {
        String[] parts = rest.split("/", -1);
        String name = parts[0];
        String action = parts.length == 2 ? parts[1] : parts.length == 1 ? "" : null;
        x.route = action == null ? "other" : action.isEmpty() ? "/v2/models/{name}" : "/v2/models/{name}/" + action;
        if (action == null || !(action.isEmpty() || action.equals("ready") || action.equals("infer"))) {
            x.route = "other";
            throw ApiException.notFound("no such endpoint: " + x.request.getMethod() + " " + x.path + " (endpoints: " + ENDPOINTS
                    + ")");
        }
        if (!name.equals(config.modelName())) {
            throw ApiException.notFound("unknown model '" + name + "' (this server serves '" + config.modelName() + "')");
        }
        switch (action) {
            case "" -> {
                get(x);
                x.send(200, JSON, Responses.v2Model(config.modelName(), info));
            }
            case "ready" -> {
                get(x);
                x.send(200, JSON, Responses.v2Ready(name));
            }
            default -> {
                post(x);
                if (x.request.getHeaders().get(BINARY_HEADER) != null) {
                    throw ApiException.badRequest("binary tensor data (" + BINARY_HEADER + ") is not supported by this server; "
                            + "send JSON 'data'");
                }
                withBody(x, body -> {
                    RequestReader.V2 v2 = reader.v2(body);
                    List<String> outputs = v2.outputs().isEmpty() ? allOutputs : v2.outputs();
                    List<Work> works = new ArrayList<>();
                    for (String o : outputs) {
                        works.add(new Work.Output(o));
                    }
                    int rows = v2.rows().rows();
                    infer(x, works, v2.rows(), r -> Responses.v2Infer(config.modelName(), v2.id(), outputs, r, rows, info));
                });
            }
        }
    }

    /**
     * Queues the rows and answers when their batch is done (on the queue's answering threads, Jetty's pool) or the
     * request is given up (on the thread that gave it up).
     */
    private void infer(Exchange x, List<Work> works, RequestReader.Rows rows, Function<Object[][], String> render) {
        x.rows = rows.rows();
        Job job = new Job(works, rows.values(), rows.rows());
        job.clientGone = () -> x.clientGone();
        x.request.addFailureListener(failure -> queue.abandon(job, Job.Abandoned.CLIENT_GONE));
        queue.submit(job, x.arrivalAnnounced.getAndSet(false));
        job.result.whenComplete((result, failure) -> {
            if (failure == null) {
                String body;
                try {
                    body = render.apply(result);
                } catch (RuntimeException e) {
                    LOG.error("{} {}: cannot write the answer", x.request.getMethod(), x.path, e);
                    x.error(new ApiException(500, e.getMessage()));
                    return;
                }
                x.send(200, JSON, body);
                return;
            }
            Throwable cause = failure instanceof CompletionException && failure.getCause() != null ? failure.getCause() : failure;
            if (cause instanceof Job.AbandonedException a && a.reason() == Job.Abandoned.CLIENT_GONE) {
                x.gone(cause);
            } else if (cause instanceof Job.AbandonedException) {
                x.error(new ApiException(504, "the request timed out after " + config.requestTimeoutMs()
                        + " ms (--request-timeout-ms); the server is overloaded or the request too large"));
            } else if (cause instanceof ApiException e) {
                x.error(e);
            } else if (cause instanceof IllegalArgumentException) {
                x.error(ApiException.badRequest(cause.getMessage()));
            } else {
                x.error(new ApiException(500, "inference failed: " + cause.getMessage()));
            }
        });
    }

    /**
     * Reads the whole request body, up to {@code --max-body-bytes}, without holding a thread while it arrives (a slow
     * or stalled upload waits for Jetty's next read-interest callback instead of blocking a worker, so that the pool
     * can stay small), then hands it to {@code then}: at once when it has all arrived with the headers, as single-image
     * requests do.
     */
    private void withBody(Exchange x, Consumer<byte[]> then) {
        int max = config.maxBodyBytes();
        long declared = x.request.getLength();
        if (declared > max) {
            throw ApiException.tooLarge("the request body has " + declared + " bytes, over the limit of " + max
                    + " (--max-body-bytes)");
        }
        x.announceArrival(); // every body read here is rows on their way to the batch queue
        new BodyReader(x, max, declared, then, pool).run();
    }

    /**
     * The read loop of {@link #withBody}: copies chunks as they come, asks Jetty to call back when none is ready, and
     * hands a whole body over {@link #INLINE_BODY_BYTES} to the pool.
     */
    private static final class BodyReader implements Runnable {
        private final Exchange x;
        private final int max;
        private final Consumer<byte[]> then;
        private final Executor pool;
        private byte[] bytes;
        private int size;

        BodyReader(Exchange x, int max, long declared, Consumer<byte[]> then, Executor pool) {
            this.x = x;
            this.max = max;
            this.then = then;
            this.pool = pool;
            // grown as bytes arrive: a declared length is a claim, not yet memory worth reserving
            this.bytes = new byte[(int) Math.min(max, Math.min(declared >= 0 ? declared : 8192, 64 << 10))];
        }

        @Override
        public void run() {
            answering(x, this::readAvailable);
        }

        private void readAvailable() {
            while (true) {
                Content.Chunk chunk = x.request.read();
                if (chunk == null) {
                    x.request.demand(this);
                    return;
                }
                if (Content.Chunk.isFailure(chunk)) {
                    Throwable f = chunk.getFailure();
                    throw ApiException.badRequest("cannot read the request body: " + (f.getMessage() != null ? f.getMessage() : f));
                }
                boolean last = chunk.isLast();
                try {
                    ByteBuffer b = chunk.getByteBuffer();
                    int n = b.remaining();
                    if (n > max - size) {
                        throw ApiException.tooLarge("the request body is over the limit of " + max + " bytes (--max-body-bytes)");
                    }
                    if (size + n > bytes.length) {
                        bytes = Arrays.copyOf(bytes, (int) Math.min(max, Math.max(size + (long) n, 2L * bytes.length)));
                    }
                    b.get(bytes, size, n);
                    size += n;
                } finally {
                    chunk.release();
                }
                if (last) {
                    x.bodyRead = true;
                    byte[] body = size == bytes.length ? bytes : Arrays.copyOf(bytes, size);
                    if (size <= INLINE_BODY_BYTES) {
                        then.accept(body);
                        return;
                    }
                    try {
                        pool.execute(() -> answering(x, () -> then.accept(body)));
                    } catch (RejectedExecutionException e) {
                        throw ApiException.shuttingDown();
                    }
                    return;
                }
            }
        }
    }

    private static void get(Exchange x) {
        method(x, "GET");
    }

    private static void post(Exchange x) {
        method(x, "POST");
    }

    private static void method(Exchange x, String allowed) {
        if (!x.request.getMethod().equals(allowed)) {
            x.allow = allowed;
            throw new ApiException(405, x.path + " takes " + allowed + ", not " + x.request.getMethod());
        }
    }

    /** One request and its single answer. */
    private final class Exchange {
        final Request request;
        final Response response;
        final Callback callback;
        final String path;
        final long start = System.nanoTime();
        final AtomicBoolean answered = new AtomicBoolean();
        String route = "other";
        String allow;
        int rows;
        volatile boolean closeAfter;
        /** Whether the whole request body was read (an answer given without reading it closes the connection). */
        boolean bodyRead;
        /** Whether the batch queue was told this request is on its way and not yet that it arrived or ended. */
        final AtomicBoolean arrivalAnnounced = new AtomicBoolean();

        Exchange(Request request, Response response, Callback callback) {
            this.request = request;
            this.response = response;
            this.callback = callback;
            this.path = Request.getPathInContext(request);
            inFlight.incrementAndGet();
        }

        /**
         * Whether the client closed its connection while the request waited. Jetty does not read an HTTP/1.1
         * connection while a request on it is being handled, so nothing else would notice: this reads it once, without
         * blocking. -1 means the client is gone. A byte would be the start of a pipelined request, which cannot be
         * given back, so that connection closes after this answer (a client that pipelines must retry then).
         */
        boolean clientGone() {
            if (request.getConnectionMetaData().getHttpVersion().getVersion() >= 20) {
                return false; // HTTP/2 and later report a closed stream through the failure listener
            }
            EndPoint endPoint = request.getConnectionMetaData().getConnection().getEndPoint();
            if (!endPoint.isOpen() || endPoint.isInputShutdown()) {
                return true;
            }
            try {
                int n = endPoint.fill(BufferUtil.allocate(1));
                if (n > 0) {
                    closeAfter = true;
                }
                return n < 0;
            } catch (IOException e) {
                return true;
            }
        }

        /** Tells the batch queue this request is on its way (see {@link BatchQueue#arriving()}). */
        void announceArrival() {
            if (arrivalAnnounced.compareAndSet(false, true)) {
                queue.arriving();
            }
        }

        void error(ApiException e) {
            send(e.status(), JSON, Responses.error(e.getMessage()), e.retryAfterSeconds());
        }

        void send(int status, String contentType, String body) {
            send(status, contentType, body, 0);
        }

        void send(int status, String contentType, String body, int retryAfter) {
            if (arrivalAnnounced.getAndSet(false)) {
                queue.arrivalEnded(); // answered before its rows were queued: an error
            }
            if (!answered.compareAndSet(false, true)) {
                return;
            }
            byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
            response.setStatus(status);
            HttpFields.Mutable h = response.getHeaders();
            h.put(HttpHeader.CONTENT_TYPE, contentType);
            h.put(HttpHeader.CONTENT_LENGTH, bytes.length);
            if (retryAfter > 0) {
                h.put(HttpHeader.RETRY_AFTER, retryAfter);
            }
            if (status == 401) {
                h.put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
            }
            if (allow != null) {
                h.put(HttpHeader.ALLOW, allow);
            }
            // A body left unread (a 401, 404 or 413 answered before reading it) may still be arriving: the connection
            // cannot carry another request, and saying so keeps a client from sending its next request into a closing
            // connection (the JDK's HttpClient then fails with "header parser received no bytes").
            boolean unreadBody = !bodyRead && (request.getLength() > 0 || request.getHeaders().contains(HttpHeader.TRANSFER_ENCODING));
            if (closeAfter || unreadBody) {
                h.put(HttpHeader.CONNECTION, "close");
            }
            finish(status, bytes.length); // before the write: once the client has its answer, the metrics count it
            response.write(true, ByteBuffer.wrap(bytes), new Callback() {
                @Override
                public void succeeded() {
                    try {
                        callback.succeeded();
                    } finally {
                        answered();
                    }
                }

                @Override
                public void failed(Throwable x) {
                    try {
                        callback.failed(x);
                    } finally {
                        answered();
                    }
                }

                @Override
                public InvocationType getInvocationType() {
                    return callback.getInvocationType();
                }
            });
        }

        /**
         * The client went away: its connection is closed and the answer (499, as nginx logs it) goes nowhere; writing it
         * still completes the exchange through Jetty's normal path.
         */
        void gone(Throwable cause) {
            request.getConnectionMetaData().getConnection().getEndPoint().close(cause);
            send(499, JSON, "");
        }

        private void finish(int status, int bytes) {
            double seconds = (System.nanoTime() - start) / 1e9;
            metrics.request(route, status, seconds);
            if (accessLog.enabled()) {
                StringBuilder line = new StringBuilder(96).append(Request.getRemoteAddr(request)).append(' ')
                        .append(request.getMethod()).append(' ').append(path).append(' ').append(status).append(' ')
                        .append(bytes).append("B ").append(Math.round(seconds * 1e4) / 10.0).append("ms");
                if (rows > 0) {
                    line.append(" rows=").append(rows);
                }
                accessLog.log(line.toString());
            }
        }
    }
}

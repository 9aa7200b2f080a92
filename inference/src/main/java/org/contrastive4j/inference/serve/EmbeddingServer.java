package org.contrastive4j.inference.serve;

import java.io.IOException;
import javax.imageio.ImageIO;
import org.contrastive4j.core.device.CpuCores;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.handler.ErrorHandler;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An embedding and classification server over one {@link ServedModel}: Jetty on {@code host:port}, the API of
 * {@link ApiHandler}, one {@link BatchQueue}. {@link #stop()} is graceful: the port closes, requests already in are
 * answered, new ones on open connections get 503, then the batching threads end. The model is not closed here.
 * Starting a server turns ImageIO's disk cache off for the JVM ({@link ImageIO#setUseCache}).
 */
public final class EmbeddingServer {

    private static final Logger LOG = LoggerFactory.getLogger(EmbeddingServer.class);

    private final Server server;
    private final ServerConnector connector;
    private final BatchQueue queue;
    private final ApiHandler handler;
    private final AccessLog accessLog;
    private final ServeConfig config;
    private boolean stopped;

    private EmbeddingServer(ServedModel model, ServeConfig config, BatchBackend backend) {
        this.config = config;
        // ImageIO would otherwise back every decoded request image with a temporary file: keep its cache in memory.
        ImageIO.setUseCache(false);
        QueuedThreadPool threads = new QueuedThreadPool(config.httpThreads(), Math.min(8, config.httpThreads()));
        threads.setName("c4j-serve-http");
        threads.setDaemon(true);
        ServeMetrics metrics = new ServeMetrics();
        this.queue = new BatchQueue(backend, model.info().inputShape(), config, concurrentBatches(model, config), metrics, threads);
        metrics.queue(queue::queuedRows, queue::queuedRequests, queue::arrivingRequests);
        this.server = new Server(threads);
        HttpConfiguration http = new HttpConfiguration();
        http.setSendServerVersion(false);
        http.setSendXPoweredBy(false);
        // Jetty's own choice of selector threads (1 on 2 cores, up to 4): small requests are read, decoded and queued
        // on them (ApiHandler is non-blocking), so more cores get more of them.
        this.connector = new ServerConnector(server, 1, -1, new HttpConnectionFactory(http));
        connector.setHost(config.host());
        connector.setPort(config.port());
        // Longer than the request timeout: a request waiting for its batch must not be failed as an idle connection.
        connector.setIdleTimeout(Math.max(30_000L, config.requestTimeoutMs() + 5_000L));
        server.addConnector(connector);
        this.accessLog = AccessLog.toLogger();
        this.handler = new ApiHandler(model, config, queue, metrics, accessLog, threads);
        server.setHandler(handler);
        ErrorHandler errors = new ErrorHandler();
        errors.setShowStacks(false);
        server.setErrorHandler(errors);
        // stop() itself waits for the requests in flight; Jetty's own graceful phase would cut waiting ones after 1 s.
        server.setStopTimeout(0);
        server.setStopAtShutdown(false); // the command stops it on SIGTERM / SIGINT and then exits 0
    }

    /**
     * {@link ServeConfig#concurrentBatches()} resolved: automatic is one batch per physical core that the model's
     * intra-op threads leave on a CPU, and one on a GPU (its calls queue on the device anyway).
     */
    static int concurrentBatches(ServedModel model, ServeConfig config) {
        if (config.concurrentBatches() != ServeConfig.AUTO_CONCURRENT_BATCHES) {
            return config.concurrentBatches();
        }
        if (model.info().device().isGpu()) {
            return 1;
        }
        int perCall = model.embedder().options().intraOpThreads();
        int cores = CpuCores.physical();
        return Math.max(1, cores / (perCall > 0 ? perCall : cores));
    }

    /**
     * Starts a server for {@code model}.
     *
     * @throws IOException when the address cannot be bound (in use, not local, no permission), naming it
     */
    public static EmbeddingServer start(ServedModel model, ServeConfig config) throws IOException {
        return start(model, config, model);
    }

    /** As {@link #start(ServedModel, ServeConfig)}, running batches on {@code backend} (tests observe batches with it). */
    static EmbeddingServer start(ServedModel model, ServeConfig config, BatchBackend backend) throws IOException {
        EmbeddingServer s = new EmbeddingServer(model, config, backend);
        try {
            s.server.start();
        } catch (Exception e) {
            s.queue.close();
            s.accessLog.close();
            try {
                s.server.stop();
            } catch (Exception ignored) {
                // already failing: the bind error below is the one to report
            }
            throw new IOException("cannot listen on " + config.host() + ":" + config.port() + " (" + rootMessage(e) + ")", e);
        }
        return s;
    }

    private static String rootMessage(Throwable e) {
        Throwable c = e;
        while (c.getCause() != null && c.getCause() != c) {
            c = c.getCause();
        }
        return c.getMessage() == null ? c.toString() : c.getMessage();
    }

    /** The port bound (the one picked when the config said 0). */
    public int port() {
        return connector.getLocalPort();
    }

    public String host() {
        return config.host();
    }

    /** The base URL, e.g. {@code http://127.0.0.1:8080}. */
    public String url() {
        String h = config.host().contains(":") ? "[" + config.host() + "]" : config.host();
        return "http://" + h + ":" + port();
    }

    /**
     * Stops gracefully: closes the port (new connections are refused), answers 503 to requests arriving on open
     * connections, waits for the requests already received to be answered (up to the request timeout and a second),
     * then closes the connections and ends the batching threads. Idempotent.
     */
    public synchronized void stop() {
        if (stopped) {
            return;
        }
        stopped = true;
        handler.refuseNewRequests();
        connector.close();
        try {
            if (!handler.awaitAnswered(config.requestTimeoutMs() + 1_000L)) {
                LOG.warn("stopping with requests still unanswered after {} ms", config.requestTimeoutMs() + 1_000L);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
        try {
            server.stop();
        } catch (Exception e) {
            throw new IllegalStateException("stopping the server failed: " + e.getMessage(), e);
        } finally {
            queue.close();
            accessLog.close();
        }
    }

    /** Waits until the server has stopped. */
    public void join() throws InterruptedException {
        server.join();
    }

}

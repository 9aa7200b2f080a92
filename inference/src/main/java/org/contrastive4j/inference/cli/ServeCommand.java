package org.contrastive4j.inference.cli;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import org.apache.commons.cli.CommandLine;
import org.apache.commons.cli.Option;
import org.apache.commons.cli.Options;
import org.contrastive4j.core.cli.CliCommand;
import org.contrastive4j.core.cli.CliContext;
import org.contrastive4j.core.cli.CliException;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.inference.serve.EmbeddingServer;
import org.contrastive4j.inference.serve.ServeConfig;
import org.contrastive4j.inference.serve.ServedModel;
import sun.misc.Signal;

/**
 * {@code serve}: an HTTP server for the model (Open Inference Protocol and a compact embed/classify API) with dynamic
 * batching. Runs until SIGTERM or SIGINT, then stops gracefully and exits 0.
 */
public final class ServeCommand implements CliCommand {

    /** The model options of {@link ModelArgs#add} that apply to a server as they are (it reads no input files). */
    private static final Set<String> MODEL_OPTIONS = Set.of("model", "device", "output-name", "normalize",
            "input-shape", "mean", "std");

    /**
     * ONNX Runtime threads per model call unless --threads says otherwise. With one thread per call and one batch per
     * core, nothing waits for a sibling thread inside an operator: on 2 cores, two single-threaded calls embedded
     * ~23,400 images/s at batch 64 against ~19,000-20,000 for one call on two threads (inference/src/bench/README.md).
     */
    static final int SERVE_THREADS = 1;

    @Override
    public String name() {
        return "serve";
    }

    @Override
    public String summary() {
        return "serve embeddings and classification over HTTP (Open Inference Protocol + /embed, /classify)";
    }

    @Override
    public Group group() {
        return Group.INFERENCE;
    }

    @Override
    public Options options() {
        Options o = new Options();
        for (Option opt : ModelArgs.add(new Options(), "unused").getOptions()) {
            if (MODEL_OPTIONS.contains(opt.getLongOpt())) {
                o.addOption(opt);
            }
        }
        // A server runs several model calls at once (--concurrent-batches), so each call gets fewer threads.
        o.addOption(ModelArgs.optional("threads", "N", "ONNX Runtime intra-op threads per model call (default " + SERVE_THREADS
                + "; 0 = one per physical core)"));
        Classifiers.add(o);
        o.addOption(ModelArgs.optional("name", "NAME", "the model's name in the API (default: the model file name without extension)"));
        o.addOption(ModelArgs.optional("host", "ADDR", "address to bind (default " + ServeConfig.DEFAULT_HOST
                + "; 0.0.0.0 opens the server to other hosts)"));
        o.addOption(ModelArgs.optional("port", "N", "port to bind (default " + ServeConfig.DEFAULT_PORT + "; 0 = a free port, printed)"));
        o.addOption(ModelArgs.optional("max-batch-size", "N", "most rows per model call (default " + ServeConfig.DEFAULT_MAX_BATCH_SIZE + ")"));
        o.addOption(ModelArgs.optional("max-batch-delay-ms", "MS", "longest a request waits for others already on their way to batch with (default "
                + ServeConfig.DEFAULT_MAX_BATCH_DELAY_MS + ")"));
        o.addOption(ModelArgs.optional("max-queue-rows", "N", "rows waiting beyond which requests get 503 (default "
                + ServeConfig.DEFAULT_MAX_QUEUE_ROWS + ")"));
        o.addOption(ModelArgs.optional("max-request-rows", "N", "rows one request may carry (default " + ServeConfig.DEFAULT_MAX_REQUEST_ROWS
                + "; more: 413)"));
        o.addOption(ModelArgs.optional("max-body-bytes", "N", "request body limit (default " + ServeConfig.DEFAULT_MAX_BODY_BYTES
                + "; more: 413)"));
        o.addOption(ModelArgs.optional("request-timeout-ms", "MS", "time a request may wait and run before 504 (default "
                + ServeConfig.DEFAULT_REQUEST_TIMEOUT_MS + ")"));
        o.addOption(ModelArgs.optional("top-k", "K", "classes listed per /classify prediction with the model's head (default "
                + ServeConfig.DEFAULT_TOP_K + ")"));
        o.addOption(ModelArgs.optional("concurrent-batches", "N", "batches that run through the model at once (default 0 = "
                + "automatic: on a CPU, physical cores / --threads, at least 1; on a GPU, 1)"));
        o.addOption(ModelArgs.optional("http-threads", "N", "HTTP worker threads (default 4 per core, at least 8: " + ServeConfig.DEFAULT_HTTP_THREADS + " here)"));
        o.addOption(ModelArgs.optional("api-key-file", "FILE", "require 'Authorization: Bearer <key>' with a key from FILE "
                + "(one per line); health endpoints stay open"));
        return o;
    }

    @Override
    public int run(CommandLine line, CliContext context) throws Exception {
        try (Running running = start(line, context)) {
            running.awaitStopRequest();
        }
        context.out().println("c4j serve: stopped");
        context.out().flush();
        return 0;
    }

    /** A started server and the embedder it serves; closing stops the server, then closes the embedder. */
    static final class Running implements AutoCloseable {
        private final Embedder embedder;
        private final EmbeddingServer server;
        private final CountDownLatch stopRequested = new CountDownLatch(1);

        Running(Embedder embedder, EmbeddingServer server) {
            this.embedder = embedder;
            this.server = server;
        }

        EmbeddingServer server() {
            return server;
        }

        void requestStop() {
            stopRequested.countDown();
        }

        void awaitStopRequest() throws InterruptedException {
            stopRequested.await();
        }

        @Override
        public void close() {
            try {
                server.stop();
            } finally {
                embedder.close();
            }
        }
    }

    /** Opens the model, starts the server and installs the SIGTERM / SIGINT handlers that stop it. */
    Running start(CommandLine line, CliContext context) throws IOException {
        PrintStream out = context.out();
        Path model = Path.of(line.getOptionValue("model"));
        if (!line.hasOption("index") && (line.hasOption("k") || line.hasOption("vote"))) {
            throw new CliException("--k and --vote apply to a k-NN index; give --index ref.idx");
        }
        String name = line.getOptionValue("name", ServedModel.defaultName(model));
        ServeConfig config;
        try {
            ServeConfig.Builder b = ServeConfig.builder(name);
            if (line.hasOption("host")) {
                b.host(line.getOptionValue("host"));
            }
            if (line.hasOption("port")) {
                b.port(ModelArgs.intValue(line, "port"));
            }
            if (line.hasOption("max-batch-size")) {
                b.maxBatchSize(ModelArgs.intValue(line, "max-batch-size"));
            }
            if (line.hasOption("max-batch-delay-ms")) {
                b.maxBatchDelayMs(ModelArgs.intValue(line, "max-batch-delay-ms"));
            }
            if (line.hasOption("max-queue-rows")) {
                b.maxQueueRows(ModelArgs.intValue(line, "max-queue-rows"));
            }
            if (line.hasOption("max-request-rows")) {
                b.maxRequestRows(ModelArgs.intValue(line, "max-request-rows"));
            }
            if (line.hasOption("max-body-bytes")) {
                b.maxBodyBytes(ModelArgs.intValue(line, "max-body-bytes"));
            }
            if (line.hasOption("request-timeout-ms")) {
                b.requestTimeoutMs(ModelArgs.intValue(line, "request-timeout-ms"));
            }
            if (line.hasOption("top-k")) {
                b.topK(ModelArgs.intValue(line, "top-k"));
            }
            if (line.hasOption("concurrent-batches")) {
                b.concurrentBatches(ModelArgs.intValue(line, "concurrent-batches"));
            }
            if (line.hasOption("http-threads")) {
                b.httpThreads(ModelArgs.intValue(line, "http-threads"));
            }
            if (line.hasOption("api-key-file")) {
                b.apiKeys(apiKeys(Path.of(line.getOptionValue("api-key-file")), context));
            }
            config = b.build();
        } catch (IllegalArgumentException e) {
            throw new CliException(e.getMessage());
        }
        // One model call per batch: the embedder's own batch size is the server's. ONNX Runtime's threads do not spin
        // between batches: the cores they would burn are the ones the HTTP threads need to read the next requests.
        EmbedderOptions.Builder options = ModelArgs.embedderOptions(line).toBuilder().batchSize(config.maxBatchSize())
                .spinning(false);
        if (!line.hasOption("threads")) {
            options.intraOpThreads(SERVE_THREADS);
        }
        Embedder embedder = Embedder.open(model, options.build());
        try {
            Classifier classifier = line.hasOption("index") || Classifier.hasHead(embedder.info())
                    ? Classifiers.open(line, embedder) : null;
            ServedModel served = new ServedModel(embedder, classifier);
            EmbeddingServer server = EmbeddingServer.start(served, config);
            Running running = new Running(embedder, server);
            onSignals(running);
            out.printf("c4j serve: serving '%s' (%s, input %s %s, %s) on %s%n", name, model.getFileName(),
                    embedder.info().inputName(), Arrays.toString(embedder.info().inputShape()),
                    classifier == null ? "no classifier" : classifier.usesHead() ? "classifier head" : "k-NN index",
                    server.url());
            out.printf("c4j serve: listening on port %d%s; SIGTERM or Ctrl-C stops it%n", server.port(),
                    config.apiKeys().isEmpty() ? "" : " (API key required)");
            out.flush();
            return running;
        } catch (IOException | RuntimeException e) {
            embedder.close();
            throw e;
        }
    }

    /** SIGTERM and SIGINT end {@link #run} normally (exit 0) instead of killing the JVM mid-request. */
    private static void onSignals(Running running) {
        for (String signal : List.of("TERM", "INT")) {
            try {
                Signal.handle(new Signal(signal), s -> running.requestStop());
            } catch (IllegalArgumentException e) {
                // the signal is not available on this platform (or already used by the JVM): keep its default
            }
        }
    }

    /** The keys in {@code file}: every non-empty line, trimmed. */
    static List<String> apiKeys(Path file, CliContext context) throws IOException {
        if (!Files.isRegularFile(file)) {
            throw new NoSuchFileException(file.toString(), null, "API key file not found");
        }
        List<String> keys = new ArrayList<>();
        for (String l : Files.readAllLines(file)) {
            if (!l.isBlank()) {
                keys.add(l.strip());
            }
        }
        if (keys.isEmpty()) {
            throw new CliException(file + ": no API key in the file (one key per line)");
        }
        try {
            Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
            if (perms.contains(PosixFilePermission.OTHERS_READ)) {
                context.err().println("c4j serve: warning: " + file + " is readable by every user; chmod 600 it");
            }
        } catch (UnsupportedOperationException e) {
            // not a POSIX file system: nothing to check
        }
        return keys;
    }
}

package org.contrastive4j.inference.serve;

import static org.junit.jupiter.api.Assertions.fail;

import com.google.gson.JsonElement;
import com.google.gson.JsonParser;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.IntPredicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.inference.Embedder;

/** A server started on port 0 in-process, a real HTTP client for it, and a backend tests can hold batches in. */
final class ServerFixture implements AutoCloseable {

    static final HttpClient CLIENT = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    final ServedModel model;
    final Gate gate;
    final EmbeddingServer server;
    final String base;

    ServerFixture(ServedModel model, ServeConfig config, boolean gated) throws IOException {
        this.model = model;
        this.gate = new Gate(model, gated);
        this.server = EmbeddingServer.start(model, config, gate);
        this.base = server.url();
    }

    /** A server whose batches run on {@code backend} (which may call the model itself). */
    ServerFixture(ServedModel model, ServeConfig config, BatchBackend backend) throws IOException {
        this.model = model;
        this.gate = new Gate(backend, false);
        this.server = EmbeddingServer.start(model, config, gate);
        this.base = server.url();
    }

    static ServeConfig.Builder config(String name) {
        return ServeConfig.builder(name).port(0);
    }

    /** Records every batch and, while closed, holds batches until {@link #open()} (batches > 1 then form for sure). */
    static final class Gate implements BatchBackend {
        private final BatchBackend real;
        private final CountDownLatch opened;
        final CountDownLatch entered = new CountDownLatch(1);
        final List<Integer> batchRows = Collections.synchronizedList(new ArrayList<>());
        final List<float[]> seen = Collections.synchronizedList(new ArrayList<>());

        Gate(BatchBackend real, boolean closed) {
            this.real = real;
            this.opened = new CountDownLatch(closed ? 1 : 0);
        }

        void open() {
            opened.countDown();
        }

        void awaitEntered() throws InterruptedException {
            if (!entered.await(10, TimeUnit.SECONDS)) {
                fail("no batch reached the model");
            }
        }

        @Override
        public Object[] run(Work work, Samples rows) {
            batchRows.add(rows.size());
            for (int i = 0; i < rows.size(); i++) {
                float[] r = new float[rows.sampleLength()];
                rows.read(i, r, 0);
                seen.add(r);
            }
            entered.countDown();
            try {
                if (!opened.await(20, TimeUnit.SECONDS)) {
                    throw new IllegalStateException("the test never opened the gate");
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException(e);
            }
            return real.run(work, rows);
        }
    }

    record Reply(int status, String body, HttpResponse<String> response) {
        JsonElement json() {
            return JsonParser.parseString(body);
        }

        String error() {
            return json().getAsJsonObject().get("error").getAsString();
        }
    }

    HttpRequest.Builder request(String path) {
        return HttpRequest.newBuilder(URI.create(base + path)).timeout(Duration.ofSeconds(30));
    }

    Reply get(String path) throws IOException, InterruptedException {
        return send(request(path).GET().build());
    }

    Reply post(String path, String json) throws IOException, InterruptedException {
        return send(request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build());
    }

    CompletableFuture<Reply> postAsync(String path, String json) {
        HttpRequest r = request(path).header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(json)).build();
        return CLIENT.sendAsync(r, HttpResponse.BodyHandlers.ofString()).thenApply(x -> new Reply(x.statusCode(), x.body(), x));
    }

    static Reply send(HttpRequest r) throws IOException, InterruptedException {
        HttpResponse<String> x = CLIENT.send(r, HttpResponse.BodyHandlers.ofString());
        return new Reply(x.statusCode(), x.body(), x);
    }

    /** A sample's value in the Prometheus text of {@code /metrics}, e.g. {@code c4j_serve_queue_requests}. */
    double metric(String sample) throws IOException, InterruptedException {
        String text = get("/metrics").body();
        Matcher m = Pattern.compile("(?m)^" + Pattern.quote(sample) + " (\\S+)$").matcher(text);
        if (!m.find()) {
            fail("no sample " + sample + " in:\n" + text);
        }
        return Double.parseDouble(m.group(1));
    }

    /** Waits (up to 10 s, never as an assertion on time) until {@code sample} satisfies {@code test}. */
    void awaitMetric(String sample, IntPredicate test) throws IOException, InterruptedException {
        long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
        while (!test.test((int) metric(sample))) {
            if (System.nanoTime() > end) {
                fail(sample + " never reached the expected value (now " + metric(sample) + ")");
            }
            Thread.sleep(10);
        }
    }

    /** {@code {"inputs": [[...], ...]}}. */
    static String inputs(float[][] rows) {
        StringBuilder sb = new StringBuilder("{\"inputs\":[");
        for (int i = 0; i < rows.length; i++) {
            sb.append(i == 0 ? "" : ",").append(floats(rows[i]));
        }
        return sb.append("]}").toString();
    }

    static String floats(float[] row) {
        StringBuilder sb = new StringBuilder("[");
        for (int j = 0; j < row.length; j++) {
            sb.append(j == 0 ? "" : ",").append(row[j]);
        }
        return sb.append(']').toString();
    }

    static float[] toFloats(JsonElement array) {
        float[] v = new float[array.getAsJsonArray().size()];
        for (int i = 0; i < v.length; i++) {
            v[i] = Float.parseFloat(array.getAsJsonArray().get(i).getAsString()); // the literal, parsed once, as float32
        }
        return v;
    }

    /** Each row embedded alone (no batching), as a reference. */
    static float[][] unbatched(Embedder embedder, float[][] rows) {
        float[][] out = new float[rows.length][];
        int[] shape = embedder.info().inputShape();
        for (int i = 0; i < rows.length; i++) {
            out[i] = embedder.embed(new Samples("ref", rows[i].clone(), shape, null, List.of()))[0];
        }
        return out;
    }

    @Override
    public void close() {
        gate.open();
        server.stop();
    }
}

package org.contrastive4j.inference.serve;

import static org.contrastive4j.inference.serve.ServerFixture.config;
import static org.contrastive4j.inference.serve.ServerFixture.floats;
import static org.contrastive4j.inference.serve.ServerFixture.inputs;
import static org.contrastive4j.inference.serve.ServerFixture.toFloats;
import static org.contrastive4j.inference.serve.ServerFixture.unbatched;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.net.Socket;
import java.net.http.HttpRequest;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import javax.imageio.ImageIO;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.device.CpuCores;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Metric;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.core.knn.Vote;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.inference.EmbedderOptions;
import org.contrastive4j.inference.TestModels;
import org.contrastive4j.inference.serve.ServerFixture.Reply;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The server over the toolkit-shaped test model (input [1, 4, 4], embedding [2], a 3-class head, mean 0.5 / std 0.25). */
class EmbeddingServerTest {

    private static final int[] SHAPE = {1, 4, 4};
    private static Embedder embedder;

    @TempDir
    Path tmp;

    @BeforeAll
    static void open() throws Exception {
        embedder = Embedder.open(TestModels.toolkit());
    }

    @AfterAll
    static void close() {
        embedder.close();
    }

    private static ServedModel head() {
        return new ServedModel(embedder, Classifier.head(embedder));
    }

    private static Samples samples(float[][] rows) {
        return new Samples("test", TestModels.flatten(rows), SHAPE, null, List.of());
    }

    @Test
    void embedAnswersWhatTheEmbedderComputesBitForBit() throws Exception {
        float[][] rows = TestModels.randomRows(1, 5, 16, 0, 1);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false)) {
            Reply r = f.post("/embed", inputs(rows));
            assertEquals(200, r.status(), r.body());
            assertEquals("application/json", r.response().headers().firstValue("content-type").orElse(""));
            JsonArray a = r.json().getAsJsonArray();
            float[][] expected = unbatched(embedder, rows);
            assertEquals(rows.length, a.size());
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(expected[i], toFloats(a.get(i)), "row " + i);
            }
            // One flat row and a row nested in the sample's shape [1, 4, 4] are the same request.
            Reply flat = f.post("/embed", "{\"inputs\":" + floats(rows[2]) + "}");
            assertArrayEquals(expected[2], toFloats(flat.json().getAsJsonArray().get(0)));
            StringBuilder nested = new StringBuilder("{\"inputs\":[[[");
            for (int y = 0; y < 4; y++) {
                nested.append(y == 0 ? "" : ",").append(floats(new float[] {rows[3][4 * y], rows[3][4 * y + 1], rows[3][4 * y + 2],
                    rows[3][4 * y + 3]}));
            }
            nested.append("]]]}");
            assertArrayEquals(expected[3], toFloats(f.post("/embed", nested.toString()).json().getAsJsonArray().get(0)));
        }
    }

    @Test
    void imagesAreDecodedAndFittedAsTheCliReadsImageFiles() throws Exception {
        // A 4 x 4 gray PNG: the decoder reads its stored levels, v / 255, with no resizing.
        BufferedImage gray = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
        float[] raw = new float[16];
        for (int i = 0; i < 16; i++) {
            int v = 16 * i + 3;
            gray.getRaster().setSample(i % 4, i / 4, 0, v);
            raw[i] = v / 255f;
        }
        // An 8 x 8 RGB JPEG: converted to gray and downscaled; the reference is 'c4j embed' over the same file.
        BufferedImage rgb = new BufferedImage(8, 8, BufferedImage.TYPE_INT_RGB);
        Random rnd = new Random(3);
        for (int y = 0; y < 8; y++) {
            for (int x = 0; x < 8; x++) {
                rgb.setRGB(x, y, rnd.nextInt(1 << 24));
            }
        }
        Path dir = Files.createDirectories(tmp.resolve("images/any"));
        ImageIO.write(rgb, "jpg", dir.resolve("x.jpg").toFile());
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        ImageIO.write(gray, "png", png);
        String b64Gray = Base64.getEncoder().encodeToString(png.toByteArray());
        String b64Rgb = Base64.getEncoder().encodeToString(Files.readAllBytes(dir.resolve("x.jpg")));

        ByteArrayOutputStream cliOut = new ByteArrayOutputStream();
        int code = C4j.run(new String[] {"embed", "--model", TestModels.toolkit().toString(), "--input",
            tmp.resolve("images").toString()}, new PrintStream(cliOut, true, StandardCharsets.UTF_8), System.err);
        assertEquals(0, code);
        // CSV: a header "id[,label],e0,e1,...", then one row per image.
        String[] csv = cliOut.toString(StandardCharsets.UTF_8).strip().split("\n");
        int first = Arrays.asList(csv[0].split(",")).indexOf("e0");
        String[] cliRow = csv[1].split(",");
        float[] cli = new float[cliRow.length - first];
        for (int j = 0; j < cli.length; j++) {
            cli[j] = Float.parseFloat(cliRow[first + j]);
        }

        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false)) {
            Reply r = f.post("/embed", "{\"images\":[\"" + b64Gray + "\",\"data:image/jpeg;base64," + b64Rgb + "\"]}");
            assertEquals(200, r.status(), r.body());
            JsonArray a = r.json().getAsJsonArray();
            assertArrayEquals(unbatched(embedder, new float[][] {raw})[0], toFloats(a.get(0)));
            assertArrayEquals(cli, toFloats(a.get(1)));
        }
    }

    @Test
    void classifyWithTheHeadGivesLabelScoreAndTopK() throws Exception {
        float[][] rows = TestModels.randomRows(2, 4, 16, 0, 1);
        Prediction[] expected = Classifier.head(embedder).classify(samples(rows));
        float[][] probabilities = embedder.output("probabilities", samples(rows));
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false)) {
            String body = inputs(rows);
            Reply r = f.post("/classify", body.substring(0, body.length() - 1) + ",\"top_k\":2}");
            assertEquals(200, r.status(), r.body());
            JsonArray a = r.json().getAsJsonArray();
            for (int i = 0; i < rows.length; i++) {
                JsonObject o = a.get(i).getAsJsonObject();
                assertEquals(expected[i].label(), o.get("label").getAsInt());
                assertEquals(List.of("a", "b", "c").get(expected[i].label()), o.get("class_name").getAsString());
                assertEquals(expected[i].score(), o.get("score").getAsFloat());
                JsonArray top = o.getAsJsonArray("top_k");
                assertEquals(2, top.size());
                float[] sorted = probabilities[i].clone();
                Arrays.sort(sorted);
                assertEquals(sorted[2], top.get(0).getAsJsonObject().get("score").getAsFloat());
                assertEquals(sorted[1], top.get(1).getAsJsonObject().get("score").getAsFloat());
                assertEquals(o.get("label").getAsInt(), top.get(0).getAsJsonObject().get("label").getAsInt());
            }
            // Without top_k the server's default (5) is capped at the 3 classes.
            Reply d = f.post("/classify", inputs(rows));
            assertEquals(3, d.json().getAsJsonArray().get(0).getAsJsonObject().getAsJsonArray("top_k").size());
        }
    }

    @Test
    void classifyWithAnIndexGivesTheNeighbours() throws Exception {
        float[][] refs = TestModels.randomRows(4, 6, 16, 0, 1);
        float[][] refEmbeddings = embedder.embed(samples(refs));
        KnnIndex index = KnnIndex.build(refEmbeddings, new int[] {0, 1, 2, 0, 1, 2}, List.of("x", "y", "z"), Metric.EUCLIDEAN,
                embedder.fingerprint(), 3, Vote.MAJORITY);
        float[][] queries = TestModels.randomRows(5, 3, 16, 0, 1);
        Prediction[] expected = index.predict(embedder.embed(samples(queries)), 3, Vote.MAJORITY);
        try (ServerFixture f = new ServerFixture(new ServedModel(embedder, Classifier.knn(embedder, index)),
                config("toolkit").build(), false)) {
            Reply r = f.post("/classify", inputs(queries));
            assertEquals(200, r.status(), r.body());
            JsonArray a = r.json().getAsJsonArray();
            for (int i = 0; i < queries.length; i++) {
                JsonObject o = a.get(i).getAsJsonObject();
                assertEquals(expected[i].label(), o.get("label").getAsInt());
                assertEquals(List.of("x", "y", "z").get(expected[i].label()), o.get("class_name").getAsString());
                assertEquals(expected[i].score(), o.get("score").getAsFloat());
                JsonArray nn = o.getAsJsonArray("neighbors");
                assertEquals(3, nn.size());
                for (int j = 0; j < 3; j++) {
                    JsonObject n = nn.get(j).getAsJsonObject();
                    assertEquals(expected[i].neighbors()[j], n.get("index").getAsInt());
                    assertEquals(expected[i].neighbors()[j] % 3, n.get("label").getAsInt());
                    assertEquals(expected[i].distances()[j], n.get("distance").getAsFloat());
                }
            }
            Reply topK = f.post("/classify", "{\"inputs\":" + floats(queries[0]) + ",\"top_k\":2}");
            assertEquals(400, topK.status());
            assertEquals("unknown field 'top_k' (accepted: inputs, images)", topK.error());
            JsonObject info = f.get("/info").json().getAsJsonObject();
            assertEquals("knn", info.getAsJsonObject("classifier").get("kind").getAsString());
            assertEquals(6, info.getAsJsonObject("classifier").getAsJsonObject("index").get("size").getAsInt());
        }
    }

    @Test
    void openInferenceProtocol() throws Exception {
        float[][] rows = TestModels.randomRows(6, 3, 16, 0, 1);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false)) {
            assertEquals(200, f.get("/v2/health/live").status());
            assertEquals(200, f.get("/v2/health/ready").status());
            assertEquals("contrastive4j", f.get("/v2").json().getAsJsonObject().get("name").getAsString());
            JsonObject meta = f.get("/v2/models/toolkit").json().getAsJsonObject();
            assertEquals("toolkit", meta.get("name").getAsString());
            assertEquals("[{\"name\":\"input\",\"datatype\":\"FP32\",\"shape\":[-1,1,4,4]}]", meta.get("inputs").toString());
            assertEquals("[{\"name\":\"embedding\",\"datatype\":\"FP32\",\"shape\":[-1,2]},"
                    + "{\"name\":\"logits\",\"datatype\":\"FP32\",\"shape\":[-1,3]},"
                    + "{\"name\":\"probabilities\",\"datatype\":\"FP32\",\"shape\":[-1,3]}]", meta.get("outputs").toString());
            assertEquals("{\"name\":\"toolkit\",\"ready\":true}", f.get("/v2/models/toolkit/ready").body());

            String tensor = "{\"name\":\"input\",\"shape\":[3,1,4,4],\"datatype\":\"FP32\",\"data\":"
                    + floats(TestModels.flatten(rows)) + "}";
            Reply r = f.post("/v2/models/toolkit/infer", "{\"id\":\"q1\",\"inputs\":[" + tensor + "]}");
            assertEquals(200, r.status(), r.body());
            JsonObject o = r.json().getAsJsonObject();
            assertEquals("toolkit", o.get("model_name").getAsString());
            assertEquals("q1", o.get("id").getAsString());
            JsonArray outs = o.getAsJsonArray("outputs");
            assertEquals(3, outs.size());
            String[] names = {"embedding", "logits", "probabilities"};
            int[] dims = {2, 3, 3};
            for (int k = 0; k < 3; k++) {
                JsonObject t = outs.get(k).getAsJsonObject();
                assertEquals(names[k], t.get("name").getAsString());
                assertEquals("FP32", t.get("datatype").getAsString());
                assertEquals("[3," + dims[k] + "]", t.get("shape").toString());
                assertArrayEquals(TestModels.flatten(embedder.output(names[k], samples(rows))), toFloats(t.get("data")), names[k]);
            }
            // Asking for one output; data nested by row; the flattened shape [N, 16] is accepted too.
            StringBuilder nested = new StringBuilder("[");
            for (int i = 0; i < rows.length; i++) {
                nested.append(i == 0 ? "" : ",").append(floats(rows[i]));
            }
            nested.append(']');
            Reply one = f.post("/v2/models/toolkit/infer", "{\"inputs\":[{\"name\":\"input\",\"shape\":[3,16],\"datatype\":\"FP32\","
                    + "\"data\":" + nested + "}],\"outputs\":[{\"name\":\"logits\",\"parameters\":{\"binary_data\":false}}]}");
            assertEquals(200, one.status(), one.body());
            JsonArray only = one.json().getAsJsonObject().getAsJsonArray("outputs");
            assertEquals(1, only.size());
            assertArrayEquals(TestModels.flatten(embedder.output("logits", samples(rows))), toFloats(only.get(0).getAsJsonObject().get("data")));
        }
    }

    @Test
    void everyBadRequestGetsItsStatusAndOneLineJsonError() throws Exception {
        ServeConfig config = config("toolkit").maxBodyBytes(4096).maxRequestRows(4).build();
        float[] row = TestModels.randomRows(7, 1, 16, 0, 1)[0];
        String r16 = floats(row);
        String r15 = floats(Arrays.copyOf(row, 15));
        String nan = r16.replaceFirst("^\\[([^,]*),([^,]*),([^,]*),([^,]*),", "[$1,$2,$3,NaN,");
        String tensor = "{\"name\":\"input\",\"shape\":[1,1,4,4],\"datatype\":\"FP32\",\"data\":" + r16 + "}";
        String[][] cases = {
            // path, body, status, expected error (a prefix when it ends with '*')
            {"/embed", "{\"inputs\":[" + r16 + "," + r15 + "]}", "400",
                "expected 16 values per sample (model input [1, 4, 4]) but inputs[1] has 15"},
            {"/embed", "{\"inputs\":[" + r16 + "," + nan + "]}", "400",
                "input sample 1 has NaN at position 3; inputs must be finite numbers"},
            {"/embed", "{\"inputs\":[[1e999" + r16.substring(r16.indexOf(',')) + "]}", "400",
                "input sample 0 has an infinite value at position 0; inputs must be finite numbers"},
            {"/embed", "{\"inputs\":[" + r16 + "," + r16 + "," + r16 + "," + r16 + "," + r16 + "]}", "413",
                "the request has more than 4 rows (--max-request-rows 4); split it"},
            {"/embed", "{\"inputs\":[" + "0,".repeat(2100) + "0]}", "413",
                "the request body has 4214 bytes, over the limit of 4096 (--max-body-bytes)"},
            {"/embed", "{\"images\":[\"" + Base64.getEncoder().encodeToString("not an image".getBytes(StandardCharsets.UTF_8))
                + "\"]}", "400", "images[0]: unreadable image*"},
            {"/embed", "{\"images\":[\"@@@\"]}", "400", "images[0]: not valid base64*"},
            {"/embed", "{\"inputs\":[", "400", "malformed JSON*"},
            {"/embed", "{\"inputs\":[" + r16 + "],\"normalize\":true}", "400", "unknown field 'normalize' (accepted: inputs, images)"},
            {"/embed", "{}", "400", "the request needs 'inputs' (rows of 16 numbers) or 'images' (base64 PNG or JPEG)"},
            {"/embed", "{\"inputs\":[]}", "400", "'inputs' is empty"},
            {"/embed", "{\"inputs\":[[1,2,\"x\"]]}", "400", "inputs[0] holds \"x\", not a number"},
            {"/classify", "{\"inputs\":[" + r16 + "],\"top_k\":0}", "400", "top_k must be a positive integer, got 0"},
            {"/v2/models/other/infer", "{\"inputs\":[" + tensor + "]}", "404", "unknown model 'other' (this server serves 'toolkit')"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor.replace("FP32", "INT64") + "]}", "400",
                "input 'input' has datatype INT64; this model takes FP32"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor.replace("[1,1,4,4]", "[1,4,4]") + "]}", "400",
                "input 'input' has shape [1, 4, 4] but the model takes [N, 1, 4, 4]"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor.replace("[1,1,4,4]", "[2,1,4,4]") + "]}", "400",
                "input 'input' has shape [2, 1, 4, 4] (32 values) but 'data' has 16"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor.replace("\"input\"", "\"x\"") + "]}", "400",
                "unknown input 'x' (the model's input is 'input')"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor + "],\"outputs\":[{\"name\":\"z\"}]}", "400",
                "model has no output 'z' (outputs: embedding, logits, probabilities)"},
            {"/v2/models/toolkit/infer", "{\"inputs\":[" + tensor + "],\"parameters\":{\"binary_data_output\":true}}", "400",
                "parameters.binary_data_output: binary tensor data is not supported by this server; ask for JSON data (binary_data=false)"},
            {"/nowhere", "{}", "404", "no such endpoint: POST /nowhere*"},
        };
        int embed400 = 0;
        try (ServerFixture f = new ServerFixture(head(), config, false)) {
            for (String[] c : cases) {
                Reply r = f.post(c[0], c[1]);
                assertEquals(Integer.parseInt(c[2]), r.status(), c[0] + " " + c[3] + ": " + r.body());
                String error = r.error();
                assertEquals(1, error.lines().count(), error);
                if (c[3].endsWith("*")) {
                    assertTrue(error.startsWith(c[3].substring(0, c[3].length() - 1)), error);
                } else {
                    assertEquals(c[3], error);
                }
                embed400 += c[0].equals("/embed") && c[2].equals("400") ? 1 : 0;
            }
            Reply wrongMethod = f.get("/embed");
            assertEquals(405, wrongMethod.status());
            assertEquals("POST", wrongMethod.response().headers().firstValue("allow").orElse(""));
            assertEquals(embed400, (int) f.metric("c4j_serve_requests_total{route=\"/embed\",status=\"400\"}"));
        }
        // A model whose input is not an image refuses images, and without a head or index it has no /classify.
        try (Embedder foreign = Embedder.open(TestModels.foreign());
                ServerFixture f = new ServerFixture(new ServedModel(foreign, null), config("foreign").build(), false)) {
            Reply img = f.post("/embed", "{\"images\":[\"AAAA\"]}");
            assertEquals(400, img.status());
            assertEquals("model input [4] is not an image ([C, H, W] with 1 or 3 channels); send 'inputs'", img.error());
            assertEquals(404, f.post("/classify", "{\"inputs\":[[1,2,3,4]]}").status());
            assertEquals(200, f.post("/embed", "{\"inputs\":[[1,2,3,4]]}").status());
        }
    }

    @Test
    void concurrentRequestsAreBatchedAndAnsweredAsIfAlone() throws Exception {
        float[][] rows = TestModels.randomRows(8, 13, 16, 0, 1);
        float[][] expected = unbatched(embedder, rows);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").maxBatchSize(8).build(), true)) {
            List<CompletableFuture<Reply>> replies = new ArrayList<>();
            replies.add(f.postAsync("/embed", inputs(new float[][] {rows[0]})));
            f.gate.awaitEntered(); // the first request's batch is held in the model ...
            for (int i = 1; i < rows.length; i++) {
                replies.add(f.postAsync("/embed", inputs(new float[][] {rows[i]})));
            }
            f.awaitMetric("c4j_serve_queue_requests", n -> n == 12); // ... while 12 more queue up
            f.gate.open();
            for (int i = 0; i < rows.length; i++) {
                Reply r = replies.get(i).get();
                assertEquals(200, r.status(), r.body());
                assertArrayEquals(expected[i], toFloats(r.json().getAsJsonArray().get(0)), "row " + i);
            }
            assertEquals(List.of(1, 8, 4), f.gate.batchRows);
            assertEquals(3, (int) f.metric("c4j_serve_batch_rows_count"));
            assertEquals(1, (int) f.metric("c4j_serve_batch_rows_bucket{le=\"1\"}"));
            assertEquals(2, (int) f.metric("c4j_serve_batch_rows_bucket{le=\"4\"}"));
            assertEquals(3, (int) f.metric("c4j_serve_batch_rows_bucket{le=\"8\"}"));
            assertEquals(13, (int) f.metric("c4j_serve_batch_rows_sum"));
            assertEquals(13, (int) f.metric("c4j_serve_requests_total{route=\"/embed\",status=\"200\"}"));
        }
    }

    @Test
    void concurrentBatchesRunThroughTheModelAtOnce() throws Exception {
        float[][] rows = TestModels.randomRows(2, 21, 16, 0, 1);
        float[][] expected = unbatched(embedder, rows);
        ServedModel model = head();
        // Each batch waits inside the model for another one to be there too: with one batch at a time, the first
        // would wait in vain and fail.
        CyclicBarrier together = new CyclicBarrier(2);
        BatchBackend meeting = (work, batch) -> {
            try {
                together.await(10, TimeUnit.SECONDS);
            } catch (Exception e) {
                throw new IllegalStateException("no second batch ran alongside this one", e);
            }
            return model.run(work, batch);
        };
        try (ServerFixture f = new ServerFixture(model, config("toolkit").concurrentBatches(2).build(), meeting)) {
            CompletableFuture<Reply> first = f.postAsync("/embed", inputs(new float[][] {rows[0]}));
            CompletableFuture<Reply> second = f.postAsync("/embed", inputs(new float[][] {rows[1]}));
            for (int i = 0; i < 2; i++) {
                Reply r = (i == 0 ? first : second).get(30, TimeUnit.SECONDS);
                assertEquals(200, r.status(), r.body());
                assertArrayEquals(expected[i], toFloats(r.json().getAsJsonArray().get(0)), "row " + i);
            }
            assertEquals(List.of(1, 1), f.gate.batchRows);
            assertEquals(2, f.get("/info").json().getAsJsonObject().getAsJsonObject("limits").get("concurrent_batches").getAsInt());
        }
    }

    @Test
    void automaticConcurrencyIsOneBatchPerCoreTheModelsThreadsLeave() throws Exception {
        ServeConfig auto = config("toolkit").build();
        // the test embedder runs each call on every physical core: one batch at a time
        assertEquals(0, embedder.options().intraOpThreads());
        assertEquals(1, EmbeddingServer.concurrentBatches(head(), auto));
        try (Embedder single = Embedder.open(TestModels.toolkit(), EmbedderOptions.builder().intraOpThreads(1).build())) {
            ServedModel m = new ServedModel(single, null);
            assertEquals(CpuCores.physical(), EmbeddingServer.concurrentBatches(m, auto));
            assertEquals(3, EmbeddingServer.concurrentBatches(m, config("toolkit").concurrentBatches(3).build()));
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> config("toolkit").concurrentBatches(257));
        assertEquals("--concurrent-batches must be in [0, 256], got 257", e.getMessage());
    }

    @Test
    void bodiesOverTheInlineSizeAreAnsweredLikeSmallOnes() throws Exception {
        float[][] rows = TestModels.randomRows(17, 120, 16, 0, 1);
        String body = inputs(rows);
        assertTrue(body.length() > ApiHandler.INLINE_BODY_BYTES, "the request must be over the inline size: " + body.length());
        float[][] expected = unbatched(embedder, rows);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false)) {
            Reply r = f.post("/embed", body);
            assertEquals(200, r.status(), r.body());
            JsonArray a = r.json().getAsJsonArray();
            assertEquals(rows.length, a.size());
            for (int i = 0; i < rows.length; i++) {
                assertArrayEquals(expected[i], toFloats(a.get(i)), "row " + i);
            }
            // a bad large body gets its one-line error from the pool thread as well
            Reply bad = f.post("/embed", body.replace("]]}", ",\"x\"]]}"));
            assertEquals(400, bad.status(), bad.body());
            assertFalse(bad.error().contains("\n"), bad.error());
        }
    }

    @Test
    void aLoneRequestRunsAtOnceAndABatchWaitsOnlyForRequestsOnTheirWay() throws Exception {
        float[][] rows = TestModels.randomRows(16, 2, 16, 0, 1);
        float[][] expected = unbatched(embedder, rows);
        byte[] body = inputs(new float[][] {rows[0]}).getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;
        // A batch delay past the client's 30 s timeout: a request held for the delay would fail this test.
        ServeConfig config = config("toolkit").maxBatchDelayMs(60_000).requestTimeoutMs(120_000).build();
        try (ServerFixture f = new ServerFixture(head(), config, false);
                Socket uploading = new Socket("127.0.0.1", f.server.port())) {
            Reply alone = f.post("/embed", inputs(new float[][] {rows[1]}));
            assertEquals(200, alone.status(), alone.body());
            assertArrayEquals(expected[1], toFloats(alone.json().getAsJsonArray().get(0)));
            assertEquals(List.of(1), f.gate.batchRows, "nobody else was on the way: the lone request ran at once");

            // A request whose body is half sent is on its way: a request arriving now waits in the queue for it ...
            uploading.getOutputStream().write(("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                    + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
            uploading.getOutputStream().write(body, 0, half);
            uploading.getOutputStream().flush();
            f.awaitMetric("c4j_serve_arriving_requests", n -> n == 1);
            var waiting = f.postAsync("/embed", inputs(new float[][] {rows[1]}));
            f.awaitMetric("c4j_serve_queue_requests", n -> n == 1);
            Thread.sleep(200);
            assertFalse(waiting.isDone(), "the queued request waits for the one on its way");
            // ... and both run in one batch once the rest of the body is in.
            uploading.getOutputStream().write(body, half, body.length - half);
            uploading.getOutputStream().flush();
            String[] reply = rawReply(uploading);
            assertEquals("200", reply[0], reply[1]);
            assertArrayEquals(expected[0], toFloats(JsonParser.parseString(reply[1]).getAsJsonArray().get(0)));
            assertEquals(200, waiting.get().status());
            assertArrayEquals(expected[1], toFloats(waiting.get().json().getAsJsonArray().get(0)));
            assertEquals(List.of(1, 2), f.gate.batchRows);
            assertEquals(0, (int) f.metric("c4j_serve_arriving_requests"));
        }
    }

    @Test
    void mixedWorkInOneBatchRunsOnceForEachKind() throws Exception {
        float[][] rows = TestModels.randomRows(9, 2, 16, 0, 1);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), true)) {
            var first = f.postAsync("/embed", inputs(new float[][] {rows[0]}));
            f.gate.awaitEntered();
            var embed = f.postAsync("/embed", inputs(new float[][] {rows[1]}));
            var classify = f.postAsync("/classify", inputs(new float[][] {rows[0], rows[1]}));
            f.awaitMetric("c4j_serve_queue_requests", n -> n == 2);
            f.gate.open();
            assertEquals(200, first.get().status());
            assertArrayEquals(unbatched(embedder, rows)[1], toFloats(embed.get().json().getAsJsonArray().get(0)));
            Prediction[] p = Classifier.head(embedder).classify(samples(rows));
            JsonArray c = classify.get().json().getAsJsonArray();
            assertEquals(p[1].label(), c.get(1).getAsJsonObject().get("label").getAsInt());
            assertEquals(p[1].score(), c.get(1).getAsJsonObject().get("score").getAsFloat());
            // The second batch holds both requests: one model call for the embedding (1 row), one for the head (2 rows).
            assertEquals(3, f.gate.batchRows.size());
            assertEquals(List.of(1, 2), f.gate.batchRows.subList(1, 3).stream().sorted().toList());
            assertEquals(2, (int) f.metric("c4j_serve_batch_requests_count"));
        }
    }

    @Test
    void fullQueueAnswers503WithRetryAfterAndTimeoutsAnswer504() throws Exception {
        float[][] rows = TestModels.randomRows(10, 3, 16, 0, 1);
        ServeConfig config = config("toolkit").maxQueueRows(2).maxRequestRows(2).requestTimeoutMs(3000).build();
        try (ServerFixture f = new ServerFixture(head(), config, true)) {
            var held = f.postAsync("/embed", inputs(new float[][] {rows[0]}));
            f.gate.awaitEntered();
            var queued = f.postAsync("/embed", inputs(new float[][] {rows[1], rows[2]}));
            f.awaitMetric("c4j_serve_queue_rows", n -> n == 2);
            Reply full = f.post("/embed", inputs(new float[][] {rows[0]}));
            assertEquals(503, full.status());
            assertEquals("1", full.response().headers().firstValue("retry-after").orElse(""));
            assertEquals("the queue is full (2 rows waiting, --max-queue-rows 2); retry later", full.error());
            // Neither the held request nor the queued one finishes within the timeout: both get 504 and leave the queue.
            assertEquals(504, held.get().status());
            assertEquals(504, queued.get().status());
            assertTrue(queued.get().error().startsWith("the request timed out after 3000 ms (--request-timeout-ms)"));
            assertEquals(2, (int) f.metric("c4j_serve_abandoned_total{reason=\"timeout\"}"));
            assertEquals(0, (int) f.metric("c4j_serve_queue_rows"));
            f.gate.open();
            assertEquals(200, f.post("/embed", inputs(new float[][] {rows[2]})).status());
            assertEquals(List.of(1, 1), f.gate.batchRows, "the timed-out queued request was never computed");
        }
    }

    @Test
    void aRequestWhoseClientWentAwayIsDroppedFromTheQueue() throws Exception {
        float[][] rows = TestModels.randomRows(11, 1, 16, 0, 1);
        float[] marker = new float[16];
        Arrays.fill(marker, 0.875f);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), true)) {
            var held = f.postAsync("/embed", inputs(rows));
            f.gate.awaitEntered();
            byte[] body = inputs(new float[][] {marker}).getBytes(StandardCharsets.UTF_8);
            try (Socket s = new Socket("127.0.0.1", f.server.port())) {
                s.getOutputStream().write(("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: "
                        + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                s.getOutputStream().write(body);
                s.getOutputStream().flush();
                f.awaitMetric("c4j_serve_queue_requests", n -> n == 1);
            } // the client goes away while its request waits
            // only requests that have waited a while get their connection checked: this one waits long enough
            Thread.sleep(5 * BatchQueue.CLIENT_CHECK_AFTER_MS);
            f.gate.open();
            assertEquals(200, held.get().status());
            f.awaitMetric("c4j_serve_abandoned_total{reason=\"client_gone\"}", n -> n == 1);
            assertEquals(0, (int) f.metric("c4j_serve_queue_requests"));
            assertEquals(200, f.post("/embed", inputs(rows)).status()); // the next batch runs without the dropped one
            assertEquals(List.of(1, 1), f.gate.batchRows);
            for (float[] seen : f.gate.seen) {
                assertFalse(Arrays.equals(marker, seen), "the dropped request's row reached the model");
            }
            assertEquals(1, (int) f.metric("c4j_serve_requests_total{route=\"/embed\",status=\"499\"}"));
        }
    }

    @Test
    void uploadsThatStallHoldNoWorkerThread() throws Exception {
        float[][] rows = TestModels.randomRows(14, 1, 16, 0, 1);
        float[] expected = unbatched(embedder, rows)[0];
        byte[] body = inputs(rows).getBytes(StandardCharsets.UTF_8);
        int half = body.length / 2;
        List<Socket> stalled = new ArrayList<>();
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").httpThreads(8).build(), false)) {
            try {
                for (int i = 0; i < 12; i++) { // more uploads than the pool has threads
                    Socket s = new Socket("127.0.0.1", f.server.port());
                    stalled.add(s);
                    s.getOutputStream().write(("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                            + "Content-Length: " + body.length + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
                    s.getOutputStream().write(body, 0, half);
                    s.getOutputStream().flush();
                }
                // Were a worker blocked on each half-sent body, this would wait for Jetty's idle timeout instead.
                Reply r = f.post("/embed", inputs(rows));
                assertEquals(200, r.status(), r.body());
                assertArrayEquals(expected, toFloats(r.json().getAsJsonArray().get(0)));
                for (Socket s : stalled) {
                    s.getOutputStream().write(body, half, body.length - half);
                    s.getOutputStream().flush();
                }
                for (Socket s : stalled) { // each body, read in two pieces, is answered as if sent at once
                    String[] reply = rawReply(s);
                    assertEquals("200", reply[0], reply[1]);
                    assertArrayEquals(expected, toFloats(JsonParser.parseString(reply[1]).getAsJsonArray().get(0)));
                }
            } finally {
                for (Socket s : stalled) {
                    s.close();
                }
            }
        }
    }

    @Test
    void chunkedBodiesAreReadWholeAndHeldToTheLimit() throws Exception {
        float[][] rows = TestModels.randomRows(15, 1, 16, 0, 1);
        float[] expected = unbatched(embedder, rows)[0];
        // 100 kB of JSON whitespace: a body of unknown length, read in many pieces, far past the first buffer
        String json = inputs(rows);
        byte[] big = (json.substring(0, json.length() - 1) + " ".repeat(100_000) + "}").getBytes(StandardCharsets.UTF_8);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").build(), false);
                Socket s = new Socket("127.0.0.1", f.server.port())) {
            sendChunked(s, big, 10_000);
            String[] reply = rawReply(s);
            assertEquals("200", reply[0], reply[1]);
            assertArrayEquals(expected, toFloats(JsonParser.parseString(reply[1]).getAsJsonArray().get(0)));
        }
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").maxBodyBytes(4096).build(), false);
                Socket s = new Socket("127.0.0.1", f.server.port())) {
            sendChunked(s, Arrays.copyOf(big, 5000), 1000);
            String[] reply = rawReply(s);
            assertEquals("413", reply[0], reply[1]);
            assertEquals("the request body is over the limit of 4096 bytes (--max-body-bytes)",
                    JsonParser.parseString(reply[1]).getAsJsonObject().get("error").getAsString());
            assertTrue(reply[2].toLowerCase(Locale.ROOT).contains("connection: close"), reply[2]);
        }
    }

    private static void sendChunked(Socket s, byte[] body, int piece) throws IOException {
        var out = s.getOutputStream();
        out.write("POST /embed HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n"
                .getBytes(StandardCharsets.US_ASCII));
        for (int at = 0; at < body.length; at += piece) {
            int n = Math.min(piece, body.length - at);
            out.write((Integer.toHexString(n) + "\r\n").getBytes(StandardCharsets.US_ASCII));
            out.write(body, at, n);
            out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
        }
        out.write("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
        out.flush();
    }

    /** The status code, body and headers of one HTTP/1.1 response with a Content-Length. */
    private static String[] rawReply(Socket s) throws IOException {
        DataInputStream in = new DataInputStream(new BufferedInputStream(s.getInputStream()));
        String status = rawLine(in);
        int length = -1;
        StringBuilder headers = new StringBuilder();
        for (String h; !(h = rawLine(in)).isEmpty(); ) {
            headers.append(h).append('\n');
            if (h.regionMatches(true, 0, "content-length:", 0, 15)) {
                length = Integer.parseInt(h.substring(15).trim());
            }
        }
        byte[] b = new byte[length];
        in.readFully(b);
        return new String[] {status.substring(9, 12), new String(b, StandardCharsets.UTF_8), headers.toString()};
    }

    private static String rawLine(InputStream in) throws IOException {
        StringBuilder sb = new StringBuilder();
        for (int c; (c = in.read()) != '\n'; ) {
            if (c < 0) {
                throw new IOException("connection closed before the response ended");
            }
            if (c != '\r') {
                sb.append((char) c);
            }
        }
        return sb.toString();
    }

    @Test
    void bearerAuthGuardsEverythingButHealth() throws Exception {
        float[][] rows = TestModels.randomRows(12, 1, 16, 0, 1);
        try (ServerFixture f = new ServerFixture(head(), config("toolkit").apiKeys(List.of("s3cret-key", "second")).build(), false)) {
            for (String open : List.of("/health", "/v2/health/live", "/v2/health/ready")) {
                assertEquals(200, f.get(open).status(), open);
            }
            Reply none = f.post("/embed", inputs(rows));
            assertEquals(401, none.status());
            assertEquals("Bearer", none.response().headers().firstValue("www-authenticate").orElse(""));
            assertEquals("missing or wrong API key: send 'Authorization: Bearer <key>'", none.error());
            // answered without reading the body: the connection says it closes, so the client does not reuse it
            assertEquals("close", none.response().headers().firstValue("connection").orElse(""));
            for (String path : List.of("/metrics", "/info", "/v2/models/toolkit", "/v2")) {
                assertEquals(401, f.get(path).status(), path);
            }
            for (String wrong : List.of("Bearer s3cret-ke", "Bearer s3cret-key2", "Basic s3cret-key", "s3cret-key")) {
                assertEquals(401, ServerFixture.send(f.request("/embed").header("Authorization", wrong)
                        .POST(HttpRequest.BodyPublishers.ofString(inputs(rows))).build()).status(), wrong);
            }
            for (String right : List.of("Bearer s3cret-key", "bearer second")) {
                assertEquals(200, ServerFixture.send(f.request("/embed").header("Authorization", right)
                        .POST(HttpRequest.BodyPublishers.ofString(inputs(rows))).build()).status(), right);
            }
        }
    }

    @Test
    void stopAnswersTheRequestsInFlightAndRefusesNewOnes() throws Exception {
        float[][] rows = TestModels.randomRows(13, 3, 16, 0, 1);
        float[][] expected = unbatched(embedder, rows);
        ServerFixture f = new ServerFixture(head(), config("toolkit").build(), true);
        var a = f.postAsync("/embed", inputs(new float[][] {rows[0]}));
        f.gate.awaitEntered();
        var b = f.postAsync("/embed", inputs(new float[][] {rows[1]}));
        var c = f.postAsync("/embed", inputs(new float[][] {rows[2]}));
        f.awaitMetric("c4j_serve_queue_requests", n -> n == 2);
        Thread stopper = new Thread(f.server::stop);
        stopper.start();
        // While stopping, the port no longer takes requests: refused, or answered 503 on a connection still open.
        long end = System.nanoTime() + 10_000_000_000L;
        boolean refused = false;
        while (!refused && System.nanoTime() < end) {
            try {
                refused = f.get("/health").status() == 503;
            } catch (IOException e) {
                refused = true;
            }
        }
        assertTrue(refused, "the server still answered /health while stopping");
        assertTrue(stopper.isAlive(), "stop() returned before the requests in flight were answered");
        f.gate.open();
        assertArrayEquals(expected[0], toFloats(a.get().json().getAsJsonArray().get(0)));
        assertArrayEquals(expected[1], toFloats(b.get().json().getAsJsonArray().get(0)));
        assertArrayEquals(expected[2], toFloats(c.get().json().getAsJsonArray().get(0)));
        stopper.join(10_000);
        assertFalse(stopper.isAlive());
        f.close(); // idempotent
    }
}

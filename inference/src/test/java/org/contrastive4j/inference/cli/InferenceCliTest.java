package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.ImageFolder;
import org.contrastive4j.inference.Classifier;
import org.contrastive4j.inference.Embedder;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.core.knn.Prediction;
import org.contrastive4j.inference.TestModels;
import org.contrastive4j.core.eval.Metrics;
import org.contrastive4j.core.data.CsvFiles;
import org.contrastive4j.core.data.NpyFiles;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class InferenceCliTest {

    @TempDir
    Path tmp;

    private record Run(int code, String out, String err) {}

    private static Run cli(Object... args) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        PrintStream o = new PrintStream(out, true, StandardCharsets.UTF_8);
        PrintStream e = new PrintStream(err, true, StandardCharsets.UTF_8);
        String[] a = new String[args.length];
        for (int i = 0; i < args.length; i++) {
            a[i] = args[i].toString();
        }
        int code = C4j.run(a, o, e);
        return new Run(code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
    }

    /** Asserts a failure printed exactly one line containing every fragment. */
    private static void assertFails(Run r, String... fragments) {
        assertNotEquals(0, r.code(), r.err());
        assertEquals(1, r.err().lines().count(), "one line expected: " + r.err());
        for (String f : fragments) {
            assertTrue(r.err().contains(f), "'" + f + "' missing from: " + r.err());
        }
    }

    private Path foreignCsv(float[][] x) throws Exception {
        StringBuilder sb = new StringBuilder();
        for (float[] row : x) {
            for (int j = 0; j < row.length; j++) {
                sb.append(j == 0 ? "" : ",").append(row[j]);
            }
            sb.append('\n');
        }
        Path p = tmp.resolve("x.csv");
        Files.writeString(p, sb);
        return p;
    }

    /** Labelled CSV for the toolkit model: 16 pixel columns and a string label column. */
    private Path toolkitCsv(String name, long seed, int n) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 16; j++) {
            sb.append("p").append(j).append(',');
        }
        sb.append("label\n");
        String[] classes = {"a", "b", "c"};
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            for (int j = 0; j < 16; j++) {
                // Class-dependent brightness pattern plus noise, so neighbours are informative.
                float v = (float) Math.min(1, Math.max(0, 0.3 * c + (j % (c + 2)) * 0.1 + 0.05 * r.nextGaussian()));
                sb.append(v).append(',');
            }
            sb.append(classes[c]).append('\n');
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, sb);
        return p;
    }

    @Test
    void listsItsCommands() {
        Run r = cli("--help");
        assertEquals(0, r.code());
        for (String c : List.of("embed", "index", "classify", "evaluate")) {
            assertTrue(r.out().contains(c), r.out());
        }
        assertEquals(0, cli("embed", "--help").code());
    }

    @Test
    void embedsCsvWithAForeignModelToEveryFormat() throws Exception {
        float[][] x = TestModels.randomRows(91, 25, 4, -2f, 2f);
        Path csv = foreignCsv(x);
        Path model = TestModels.foreign();

        Run stdout = cli("embed", "--model", model, "--input", csv);
        assertEquals(0, stdout.code(), stdout.err());
        List<String> lines = stdout.out().lines().toList();
        assertEquals(25, lines.size());
        for (int i = 0; i < x.length; i++) {
            String[] f = lines.get(i).split(",");
            float[] expected = TestModels.foreignReference(x[i]);
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[j], Float.parseFloat(f[j]), 1e-5f);
            }
        }

        Path outCsv = tmp.resolve("e.csv");
        Run r = cli("embed", "--model", model, "--input", csv, "--output", outCsv, "--batch-size", "4");
        assertEquals(0, r.code(), r.err());
        Samples back = CsvFiles.read(outCsv);
        assertEquals(25, back.size());
        assertEquals(TestModels.foreignReference(x[7])[0], back.values()[7 * 3], 1e-5f);

        Path npy = tmp.resolve("e.npy");
        assertEquals(0, cli("embed", "--model", model, "--input", csv, "--output", npy, "--normalize").code());
        NpyFiles.NpyArray a = NpyFiles.read(npy);
        assertArrayEquals(new int[] {25, 3}, a.shape());
        for (int i = 0; i < 25; i++) {
            double ss = 0;
            for (int j = 0; j < 3; j++) {
                ss += a.values()[i * 3 + j] * a.values()[i * 3 + j];
            }
            assertTrue(ss == 0 || Math.abs(ss - 1) < 1e-5, "row " + i + " norm^2 " + ss);
        }

        Path jsonl = tmp.resolve("e.jsonl");
        assertEquals(0, cli("embed", "--model", model, "--input", csv, "--output", jsonl).code());
        assertEquals(25, Files.readAllLines(jsonl).size());
    }

    @Test
    void indexClassifyAndEvaluateAgreeWithTheApi() throws Exception {
        Path model = TestModels.toolkit();
        Path train = toolkitCsv("train.csv", 1, 90);
        Path test = toolkitCsv("test.csv", 2, 30);
        Path idx = tmp.resolve("ref.idx");

        Run r = cli("index", "--model", model, "--input", train, "--out", idx, "--metric", "euclidean", "--k", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("indexed 90 samples, 3 classes"), r.out());
        KnnIndex index = KnnIndex.load(idx);
        assertEquals(3, index.defaultK());
        assertEquals(List.of("a", "b", "c"), index.classNames());

        Samples testSamples = CsvFiles.read(test, null, new int[] {1, 4, 4});
        Prediction[] expected;
        Prediction[] expectedHead;
        try (Embedder e = Embedder.open(model)) {
            assertEquals(e.fingerprint(), index.fingerprint().orElseThrow());
            expected = Classifier.knn(e, index).classify(testSamples);
            expectedHead = Classifier.head(e).classify(testSamples);
        }

        Path preds = tmp.resolve("preds.jsonl");
        r = cli("classify", "--model", model, "--index", idx, "--input", test, "--output", preds);
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(preds);
        assertEquals(30, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(i, o.get("id").getAsInt());
            assertEquals(expected[i].label(), o.get("label").getAsInt());
            assertEquals(expected[i].className(), o.get("class_name").getAsString());
            assertEquals(expected[i].score(), o.get("score").getAsFloat(), 1e-6f);
        }

        r = cli("classify", "--model", model, "--input", test);
        assertEquals(0, r.code(), r.err());
        List<String> head = r.out().lines().toList();
        assertEquals(30, head.size());
        for (int i = 0; i < head.size(); i++) {
            assertEquals(expectedHead[i].className(), JsonParser.parseString(head.get(i)).getAsJsonObject().get("class_name").getAsString());
        }

        Path outDir = tmp.resolve("eval");
        r = cli("evaluate", "--model", model, "--index", idx, "--input", test, "--out", outDir);
        assertEquals(0, r.code(), r.err());
        double accuracy = Metrics.accuracy(expected, testSamples.labels());
        assertTrue(r.out().contains(String.format(Locale.ROOT, "accuracy %.4f", accuracy)), r.out());
        assertNotNull(ImageIO.read(outDir.resolve("confusion-matrix.png").toFile()));
        JsonObject summary = JsonParser.parseString(Files.readString(outDir.resolve("evaluation.json"))).getAsJsonObject();
        assertEquals(accuracy, summary.get("accuracy").getAsDouble(), 1e-12);
        assertEquals(30, summary.get("samples").getAsInt());
    }

    @Test
    void imageFolderPredictionsCarryFileIdsAndTransferToNewClasses() throws Exception {
        // Transfer classification on an image folder: 28x28 Fashion-MNIST PNGs, resized for the 4x4 toolkit model.
        Samples subset = FashionMnist.load(
                FashionMnist.subsetDir(), "test").head(40);
        Path folder = tmp.resolve("images");
        ImageFolder.write(folder, subset);
        Path idx = tmp.resolve("folder.idx");
        Run r = cli("index", "--model", TestModels.toolkit(), "--input", folder, "--out", idx, "--k", "1", "--metric",
                "euclidean");
        assertEquals(0, r.code(), r.err());
        r = cli("classify", "--model", TestModels.toolkit(), "--index", idx, "--input", folder);
        assertEquals(0, r.code(), r.err());
        List<String> lines = r.out().lines().toList();
        assertEquals(40, lines.size());
        List<String> files = ImageFolder.files(folder);
        Prediction[] expected;
        try (Embedder e = Embedder.open(TestModels.toolkit())) {
            expected = Classifier.knn(e, KnnIndex.load(idx)).classify(e.read(folder));
        }
        int own = 0;
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(files.get(i), o.get("id").getAsString());
            assertEquals(expected[i].className(), o.get("class_name").getAsString());
            own += files.get(i).startsWith(o.get("class_name").getAsString() + "/") ? 1 : 0;
        }
        // 1-NN against an index of the same images mostly finds the image itself (the 2-d toy embedding has collisions).
        assertTrue(own > 20, own + " of 40 found their own class");
    }

    @Test
    void badInputsGiveOneClearLine() throws Exception {
        Path foreign = TestModels.foreign();
        Path three = tmp.resolve("three.csv");
        Files.writeString(three, "1,2,3\n4,5,6\n");
        assertFails(cli("embed", "--model", foreign, "--input", three), "3 feature values", "needs 4");

        Path nan = tmp.resolve("nan.csv");
        Files.writeString(nan, "1,2,3,4\n1,NaN,3,4\n");
        assertFails(cli("embed", "--model", foreign, "--input", nan), "NaN", "line 2");

        Path notOnnx = tmp.resolve("model.onnx");
        Files.writeString(notOnnx, "definitely not protobuf");
        assertFails(cli("embed", "--model", notOnnx, "--input", three), "not a valid ONNX model");

        assertFails(cli("embed", "--model", tmp.resolve("missing.onnx"), "--input", three), "missing.onnx");
        assertFails(cli("embed", "--model", foreign, "--input", tmp.resolve("missing.csv")), "missing.csv");
        assertFails(cli("embed", "--input", three), "model");
        assertFails(cli("embed", "--model", foreign, "--input", three, "--batch-size", "many"), "--batch-size must be an integer");
        assertFails(cli("frobnicate"), "unknown command");
    }

    @Test
    void indexBuiltWithAnotherModelIsRefused() throws Exception {
        Path train = toolkitCsv("train.csv", 3, 30);
        Path idx = tmp.resolve("ref.idx");
        assertEquals(0, cli("index", "--model", TestModels.toolkit(), "--input", train, "--out", idx).code());
        Path x = foreignCsv(TestModels.randomRows(92, 3, 4, 0f, 1f));
        assertFails(cli("classify", "--model", TestModels.foreign(), "--index", idx, "--input", x), "built with another model");
        assertFails(cli("evaluate", "--model", TestModels.foreign(), "--index", idx, "--input", train), "built with another model");

        Path corrupt = tmp.resolve("corrupt.idx");
        byte[] bytes = Files.readAllBytes(idx);
        bytes[bytes.length / 2] ^= 1;
        Files.write(corrupt, bytes);
        assertFails(cli("classify", "--model", TestModels.toolkit(), "--index", corrupt, "--input", train), "corrupt k-NN index");
    }

    @Test
    void plainEncoderWithoutIndexAndUnlabelledIndexInputAreRefused() throws Exception {
        Path x = foreignCsv(TestModels.randomRows(93, 3, 4, 0f, 1f));
        assertFails(cli("classify", "--model", TestModels.foreign(), "--input", x), "no classifier head", "--index");
        assertFails(cli("index", "--model", TestModels.foreign(), "--input", x, "--out", tmp.resolve("r.idx")), "has no labels");
    }

    @Test
    void explicitCudaWithoutTheGpuBuildExplainsWhatIsMissing() throws Exception {
        Assumptions.assumeFalse(OrtEnvironment.getAvailableProviders().contains(OrtProvider.CUDA));
        Path x = foreignCsv(TestModels.randomRows(94, 2, 4, 0f, 1f));
        assertFails(cli("embed", "--model", TestModels.foreign(), "--input", x, "--device", "cuda"), "onnxruntime_gpu", "-Pcuda");
    }
}

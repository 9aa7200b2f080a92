package org.contrastive4j.inference.cli;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtProvider;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import javax.imageio.ImageIO;
import org.contrastive4j.core.cli.C4j;
import org.contrastive4j.core.data.CsvFiles;
import org.contrastive4j.core.data.NpyFiles;
import org.contrastive4j.core.data.Samples;
import org.contrastive4j.core.knn.KnnIndex;
import org.contrastive4j.inference.TestModels;
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

    /** A labelled CSV written for the toolkit model, with what it holds. */
    private record Labelled(Path path, float[][] raw, int[] labels, List<String> classes) {}

    /** Labelled CSV for the toolkit model: 16 pixel columns and a string label column. */
    private Labelled toolkitCsv(String name, long seed, int n) throws Exception {
        return toolkitCsv(name, seed, n, List.of("a", "b", "c"));
    }

    private Labelled toolkitCsv(String name, long seed, int n, List<String> classes) throws Exception {
        Random r = new Random(seed);
        StringBuilder sb = new StringBuilder();
        for (int j = 0; j < 16; j++) {
            sb.append("p").append(j).append(',');
        }
        sb.append("label\n");
        float[][] raw = new float[n][16];
        int[] labels = new int[n];
        for (int i = 0; i < n; i++) {
            int c = i % 3;
            labels[i] = c;
            for (int j = 0; j < 16; j++) {
                // Class-dependent brightness pattern plus noise, so neighbours are informative.
                raw[i][j] = (float) Math.min(1, Math.max(0, 0.3 * c + (j % (c + 2)) * 0.1 + 0.05 * r.nextGaussian()));
                sb.append(raw[i][j]).append(',');
            }
            sb.append(CsvFiles.quote(classes.get(c))).append('\n');
        }
        Path p = tmp.resolve(name);
        Files.writeString(p, sb);
        return new Labelled(p, raw, labels, classes);
    }

    /** The toolkit model's head, computed independently: the argmax of its probabilities per raw sample. */
    private static int[] headLabels(float[][] raw) {
        int[] out = new int[raw.length];
        for (int i = 0; i < raw.length; i++) {
            double[] p = TestModels.toolkitReference(TestModels.toolkitNormalise(raw[i]))[2];
            out[i] = p[0] >= p[1] && p[0] >= p[2] ? 0 : p[1] >= p[2] ? 1 : 2;
        }
        return out;
    }

    /**
     * Euclidean k-NN with majority vote (ties to the class of the nearest tied neighbour) over the toolkit model's
     * embeddings, computed independently in double precision.
     */
    private static int[] knnLabels(Labelled ref, float[][] queries, int k) {
        double[][] refs = new double[ref.raw().length][];
        for (int i = 0; i < refs.length; i++) {
            refs[i] = TestModels.toolkitReference(TestModels.toolkitNormalise(ref.raw()[i]))[0];
        }
        int[] out = new int[queries.length];
        for (int q = 0; q < queries.length; q++) {
            double[] e = TestModels.toolkitReference(TestModels.toolkitNormalise(queries[q]))[0];
            Integer[] order = new Integer[refs.length];
            double[] d = new double[refs.length];
            for (int i = 0; i < refs.length; i++) {
                order[i] = i;
                d[i] = Math.hypot(e[0] - refs[i][0], e[1] - refs[i][1]);
            }
            Arrays.sort(order, (a, b) -> d[a] != d[b] ? Double.compare(d[a], d[b]) : Integer.compare(a, b));
            int[] votes = new int[3];
            for (int j = 0; j < k; j++) {
                votes[ref.labels()[order[j]]]++;
            }
            int max = Math.max(votes[0], Math.max(votes[1], votes[2]));
            for (int j = 0; j < k; j++) {
                if (votes[ref.labels()[order[j]]] == max) {
                    out[q] = ref.labels()[order[j]];
                    break;
                }
            }
        }
        return out;
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
    void embedsCsvWithAForeignModelToEveryFormatWithIds() throws Exception {
        float[][] x = TestModels.randomRows(91, 25, 4, -2f, 2f);
        Path csv = foreignCsv(x);
        Path model = TestModels.foreign();

        // stdout: the same CSV as --output x.csv, header and ids included
        Run stdout = cli("embed", "--model", model, "--input", csv);
        assertEquals(0, stdout.code(), stdout.err());
        List<String> lines = stdout.out().lines().toList();
        assertEquals(26, lines.size());
        assertEquals("id,e0,e1,e2", lines.get(0));
        for (int i = 0; i < x.length; i++) {
            String[] f = lines.get(i + 1).split(",");
            assertEquals(Integer.toString(i), f[0]);
            float[] expected = TestModels.foreignReference(x[i]);
            for (int j = 0; j < 3; j++) {
                assertEquals(expected[j], Float.parseFloat(f[j + 1]), 1e-5f);
            }
        }

        Path outCsv = tmp.resolve("e.csv");
        Run r = cli("embed", "--model", model, "--input", csv, "--output", outCsv, "--batch-size", "4");
        assertEquals(0, r.code(), r.err());
        Samples back = CsvFiles.read(outCsv); // the id column is skipped when read back
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
        List<String> ids = Files.readAllLines(tmp.resolve("e.ids.txt"));
        assertEquals(25, ids.size());
        assertEquals("24", ids.get(24));

        Path jsonl = tmp.resolve("e.jsonl");
        assertEquals(0, cli("embed", "--model", model, "--input", csv, "--output", jsonl).code());
        List<String> json = Files.readAllLines(jsonl);
        assertEquals(25, json.size());
        JsonObject row3 = JsonParser.parseString(json.get(3)).getAsJsonObject();
        assertEquals(3, row3.get("id").getAsInt());
        assertEquals(TestModels.foreignReference(x[3])[1], row3.getAsJsonArray("embedding").get(1).getAsFloat(), 1e-5f);
    }

    /** More rows than one streaming slice (1,024): every slice lands in order, in every format. */
    @Test
    void embedStreamsSeveralSlicesInOrder() throws Exception {
        int n = 2500;
        float[][] x = TestModels.randomRows(95, n, 4, -2f, 2f);
        Path csv = foreignCsv(x);
        for (String name : List.of("big.csv", "big.npy", "big.jsonl")) {
            Path out = tmp.resolve(name);
            Run r = cli("embed", "--model", TestModels.foreign(), "--input", csv, "--output", out, "--batch-size", "64");
            assertEquals(0, r.code(), r.err());
            float[] got;
            if (name.endsWith(".npy")) {
                got = NpyFiles.read(out).values();
                assertEquals(Integer.toString(n - 1), Files.readAllLines(tmp.resolve("big.ids.txt")).get(n - 1));
            } else if (name.endsWith(".csv")) {
                got = CsvFiles.read(out).values();
            } else {
                List<String> lines = Files.readAllLines(out);
                got = new float[n * 3];
                for (int i = 0; i < n; i++) {
                    JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
                    assertEquals(i, o.get("id").getAsInt());
                    for (int j = 0; j < 3; j++) {
                        got[i * 3 + j] = o.getAsJsonArray("embedding").get(j).getAsFloat();
                    }
                }
            }
            assertEquals(n * 3, got.length, name);
            for (int i = 0; i < n; i++) {
                float[] expected = TestModels.foreignReference(x[i]);
                for (int j = 0; j < 3; j++) {
                    assertEquals(expected[j], got[i * 3 + j], 1e-5f, name + " row " + i);
                }
            }
        }
    }

    @Test
    void indexClassifyAndEvaluateMatchAnIndependentKnn() throws Exception {
        Path model = TestModels.toolkit();
        Labelled train = toolkitCsv("train.csv", 1, 90);
        Labelled test = toolkitCsv("test.csv", 2, 30);
        Path idx = tmp.resolve("ref.idx");

        Run r = cli("index", "--model", model, "--input", train.path(), "--out", idx, "--metric", "euclidean", "--k", "3");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("indexed 90 samples, 3 classes, dim 2 (output embedding)"), r.out());
        KnnIndex index = KnnIndex.load(idx);
        assertEquals(3, index.defaultK());
        assertEquals(List.of("a", "b", "c"), index.classNames());
        assertEquals("embedding", index.fingerprint().orElseThrow().outputName());

        int[] expected = knnLabels(train, test.raw(), 3);
        Path preds = tmp.resolve("preds.jsonl");
        r = cli("classify", "--model", model, "--index", idx, "--input", test.path(), "--output", preds);
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(preds);
        assertEquals(30, lines.size());
        for (int i = 0; i < lines.size(); i++) {
            JsonObject o = JsonParser.parseString(lines.get(i)).getAsJsonObject();
            assertEquals(i, o.get("id").getAsInt());
            assertEquals(expected[i], o.get("label").getAsInt(), "sample " + i);
            assertEquals(List.of("a", "b", "c").get(expected[i]), o.get("class_name").getAsString());
        }

        int[] expectedHead = headLabels(test.raw());
        r = cli("classify", "--model", model, "--input", test.path());
        assertEquals(0, r.code(), r.err());
        List<String> head = r.out().lines().toList();
        assertEquals(30, head.size());
        for (int i = 0; i < head.size(); i++) {
            assertEquals(expectedHead[i], JsonParser.parseString(head.get(i)).getAsJsonObject().get("label").getAsInt());
        }

        Path outDir = tmp.resolve("eval");
        r = cli("evaluate", "--model", model, "--index", idx, "--input", test.path(), "--out", outDir);
        assertEquals(0, r.code(), r.err());
        int correct = 0;
        for (int i = 0; i < expected.length; i++) {
            correct += expected[i] == test.labels()[i] ? 1 : 0;
        }
        double accuracy = correct / 30.0;
        assertTrue(r.out().contains(String.format(Locale.ROOT, "accuracy %.4f (%d/30)", accuracy, correct)), r.out());
        assertNotNull(ImageIO.read(outDir.resolve("confusion-matrix.png").toFile()));
        JsonObject summary = JsonParser.parseString(Files.readString(outDir.resolve("evaluation.json"))).getAsJsonObject();
        assertEquals(accuracy, summary.get("accuracy").getAsDouble(), 1e-12);
        assertEquals(30, summary.get("samples").getAsInt());
    }

    /**
     * Issue 12 item 6: an index built on another output ({@code logits}, L2-normalised) is searched with that output by
     * default; only an explicitly different {@code --output-name} is refused, naming the index's output.
     */
    @Test
    void classifyAndEvaluateUseTheOutputTheIndexWasBuiltOn() throws Exception {
        Path model = TestModels.toolkit();
        Labelled train = toolkitCsv("train.csv", 5, 60);
        Labelled test = toolkitCsv("test.csv", 6, 15);
        Path idx = tmp.resolve("logits.idx");
        Run r = cli("index", "--model", model, "--input", train.path(), "--out", idx, "--output-name", "logits", "--normalize");
        assertEquals(0, r.code(), r.err());
        assertTrue(r.out().contains("dim 3 (output logits, L2-normalised)"), r.out());

        r = cli("classify", "--model", model, "--index", idx, "--input", test.path());
        assertEquals(0, r.code(), r.err());
        assertEquals(15, r.out().lines().count());
        r = cli("evaluate", "--model", model, "--index", idx, "--input", test.path(), "--out", tmp.resolve("ev"));
        assertEquals(0, r.code(), r.err());
        assertFails(cli("classify", "--model", model, "--index", idx, "--input", test.path(), "--output-name", "embedding"),
                "built on output 'logits'", "not 'embedding'");
    }

    @Test
    void imageFolderPredictionsCarryFileIdsAndSpreadsheetSafeNames() throws Exception {
        // 4x4 gray PNGs (the toolkit model's input size, so no resizing): pixel level / 255 is the model's raw input.
        Path folder = tmp.resolve("images");
        List<String> classes = List.of("=HYPERLINK(\"x\")", "bags", "-coat");
        Random rnd = new Random(96);
        List<float[]> raw = new ArrayList<>();
        List<String> ids = new ArrayList<>();
        for (String c : List.of("-coat", "=HYPERLINK(\"x\")", "bags")) { // the order ImageFolder sorts them in
            Files.createDirectories(folder.resolve(c));
            for (int i = 0; i < 4; i++) {
                BufferedImage img = new BufferedImage(4, 4, BufferedImage.TYPE_BYTE_GRAY);
                float[] v = new float[16];
                for (int p = 0; p < 16; p++) {
                    int level = rnd.nextInt(256);
                    img.getRaster().setSample(p % 4, p / 4, 0, level);
                    v[p] = level / 255f;
                }
                String name = (i == 0 ? "@" : "") + "img" + i + ".png";
                ImageIO.write(img, "png", folder.resolve(c).resolve(name).toFile());
                raw.add(v);
                ids.add(c + "/" + name);
            }
        }
        assertEquals(3, classes.size());
        int[] expected = headLabels(raw.toArray(new float[0][]));
        Path preds = tmp.resolve("preds.csv");
        Run r = cli("classify", "--model", TestModels.toolkit(), "--input", folder, "--output", preds);
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(preds);
        assertEquals("id,label,class_name,score", lines.get(0));
        assertEquals(13, lines.size());
        for (int i = 0; i < 12; i++) {
            String id = ids.get(i);
            String safe = id.startsWith("=") || id.startsWith("-") ? "'" + id : id;
            safe = safe.contains(",") || safe.contains("\"") ? '"' + safe.replace("\"", "\"\"") + '"' : safe;
            assertTrue(lines.get(i + 1).startsWith(safe + "," + expected[i] + ","), lines.get(i + 1) + " vs " + safe);
        }
        // The model's class names are a, b, c: safe as they are.
        assertTrue(lines.get(1).split(",")[2].matches("[abc]"), lines.get(1));

        // embed writes the folder's class names as labels: the formula-like one is neutralised, the id too.
        Path emb = tmp.resolve("emb.csv");
        assertEquals(0, cli("embed", "--model", TestModels.toolkit(), "--input", folder, "--output", emb).code());
        List<String> embLines = Files.readAllLines(emb);
        assertEquals("id,label,e0,e1", embLines.get(0));
        assertTrue(embLines.get(1).startsWith("'-coat/@img0.png,'-coat,"), embLines.get(1));
        assertTrue(embLines.get(5).startsWith("\"'=HYPERLINK(\"\"x\"\")/@img0.png\",\"'=HYPERLINK(\"\"x\"\")\","),
                embLines.get(5));
        assertTrue(embLines.get(9).startsWith("bags/@img0.png,bags,"), embLines.get(9));
        String[] f = embLines.get(2).split(",");
        float[] e = TestModels.toolkitEmbedding(raw.get(1));
        assertEquals(e[0], Float.parseFloat(f[2]), 1e-5f);
        assertEquals(e[1], Float.parseFloat(f[3]), 1e-5f);

        // JSONL carries the ids unchanged.
        r = cli("classify", "--model", TestModels.toolkit(), "--input", folder);
        assertEquals(ids.get(0), JsonParser.parseString(r.out().lines().findFirst().orElseThrow()).getAsJsonObject()
                .get("id").getAsString());
    }

    /** Issue 11 item 7: class names written into CSV predictions cannot act as spreadsheet formulas. */
    @Test
    void formulaLikeClassNamesAreNeutralisedInCsvPredictions() throws Exception {
        List<String> classes = List.of("=cmd|' /C calc'!A0", "+SUM(1)", "@x");
        Labelled train = toolkitCsv("evil.csv", 9, 30, classes);
        Path idx = tmp.resolve("evil.idx");
        assertEquals(0, cli("index", "--model", TestModels.toolkit(), "--input", train.path(), "--out", idx, "--k", "1").code());
        Path preds = tmp.resolve("preds.csv");
        Run r = cli("classify", "--model", TestModels.toolkit(), "--index", idx, "--input", train.path(), "--output", preds);
        assertEquals(0, r.code(), r.err());
        List<String> lines = Files.readAllLines(preds);
        assertEquals(31, lines.size());
        for (String row : lines.subList(1, lines.size())) {
            String cell = row.split(",", 3)[2];
            assertTrue(cell.startsWith("'=cmd") || cell.startsWith("'+SUM") || cell.startsWith("'@x"), row);
        }
        Path emb = tmp.resolve("emb.csv");
        assertEquals(0, cli("embed", "--model", TestModels.toolkit(), "--input", train.path(), "--output", emb).code());
        for (String row : Files.readAllLines(emb).subList(1, 31)) {
            String label = row.split(",")[1];
            assertTrue(label.startsWith("'=") || label.startsWith("'+") || label.startsWith("'@"), row);
        }
    }

    @Test
    void anOutputThatIsAnInputIsRefusedAndTheInputIsUntouched() throws Exception {
        Path model = Files.copy(TestModels.toolkit(), tmp.resolve("model.onnx"));
        Labelled train = toolkitCsv("x.csv", 7, 12);
        Path idx = tmp.resolve("ref.idx");
        assertEquals(0, cli("index", "--model", model, "--input", train.path(), "--out", idx).code());
        byte[] modelBytes = Files.readAllBytes(model);
        byte[] csvBytes = Files.readAllBytes(train.path());
        byte[] idxBytes = Files.readAllBytes(idx);

        assertFails(cli("index", "--model", model, "--input", train.path(), "--out", model), "--out", "same file as --model");
        assertFails(cli("embed", "--model", model, "--input", train.path(), "--output", train.path()),
                "same file as --input", "refusing to overwrite an input");
        Path link = Files.createSymbolicLink(tmp.resolve("link.csv"), train.path());
        assertFails(cli("embed", "--model", model, "--input", train.path(), "--output", link), "same file as --input");
        Files.createDirectories(tmp.resolve("sub"));
        assertFails(cli("embed", "--model", model, "--input", train.path(), "--output", tmp.resolve("sub/../x.csv")),
                "same file as --input");
        assertFails(cli("classify", "--model", model, "--index", idx, "--input", train.path(), "--output", tmp.resolve("sub/../x.csv")),
                "same file as --input");
        Path predsLink = Files.createSymbolicLink(tmp.resolve("preds.csv"), idx); // a .csv name, but the index behind it
        assertFails(cli("classify", "--model", model, "--index", idx, "--input", train.path(), "--output", predsLink),
                "same file as --index");
        // A sidecar counts too: y.npy would write y.labels.npy, which is the --labels input here.
        Path labels = tmp.resolve("y.labels.npy");
        NpyFiles.writeInts(labels, new int[] {12}, train.labels());
        byte[] labelBytes = Files.readAllBytes(labels);
        Path features = tmp.resolve("f.npy");
        NpyFiles.write(features, train.raw());
        assertFails(cli("embed", "--model", model, "--input", features, "--labels", labels, "--input-shape", "1,4,4",
                "--output", tmp.resolve("y.npy")), "y.labels.npy is the same file as --labels");
        Path evalDir = tmp.resolve("evaldir");
        Files.createDirectories(evalDir);
        Path modelInEvalDir = Files.copy(model, evalDir.resolve("evaluation.json"));
        assertFails(cli("evaluate", "--model", modelInEvalDir, "--index", idx, "--input", train.path(), "--out", evalDir),
                "same file as --model");

        assertArrayEquals(modelBytes, Files.readAllBytes(model));
        assertArrayEquals(csvBytes, Files.readAllBytes(train.path()));
        assertArrayEquals(idxBytes, Files.readAllBytes(idx));
        assertArrayEquals(labelBytes, Files.readAllBytes(labels));
        assertArrayEquals(modelBytes, Files.readAllBytes(modelInEvalDir));
        assertFalse(Files.exists(tmp.resolve("y.npy")));
    }

    @Test
    void unsupportedOutputFormatsAreRefusedByNameBeforeAnyWork() throws Exception {
        Labelled test = toolkitCsv("t.csv", 8, 6);
        Path xlsx = tmp.resolve("preds.xlsx");
        assertFails(cli("classify", "--model", TestModels.toolkit(), "--input", test.path(), "--output", xlsx),
                "preds.xlsx", "unsupported output format ('.xlsx')", "supported: .jsonl, .ndjson, .csv");
        assertFails(cli("classify", "--model", TestModels.toolkit(), "--input", test.path(), "--output", tmp.resolve("p.npy")),
                "supported: .jsonl, .ndjson, .csv");
        assertFails(cli("embed", "--model", TestModels.toolkit(), "--input", test.path(), "--output", tmp.resolve("e.xlsx")),
                "supported: .csv, .jsonl, .ndjson, .npy");
        assertFails(cli("embed", "--model", TestModels.toolkit(), "--input", test.path(), "--output", tmp.resolve("embeddings")),
                "unsupported output format (no extension)");
        assertFalse(Files.exists(xlsx));
        assertEquals(List.of("t.csv"), Files.list(tmp).map(p -> p.getFileName().toString()).toList());
    }

    @Test
    void foreignModelsWithBadOutputsFailWithOneLine() throws Exception {
        Path x = foreignCsv(TestModels.randomRows(97, 9, 4, 0.1f, 1f));
        for (String batch : List.of("2", "16")) {
            Path out = tmp.resolve("nb" + batch + ".csv");
            assertFails(cli("embed", "--model", TestModels.noBatch(), "--input", x, "--batch-size", batch, "--output", out),
                    "no_batch.onnx", "output 'y' has shape [4]", "batch as its first dimension");
            assertFalse(Files.exists(out));
        }
        Path negative = tmp.resolve("neg.csv");
        Files.writeString(negative, "1,4,9,16\n1,-1,1,1\n");
        assertFails(cli("embed", "--model", TestModels.nan(), "--input", negative), "nan.onnx", "for sample 1", "non-finite");
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
        Path train = toolkitCsv("train.csv", 3, 30).path();
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
    void neighbourFlagsWithoutAnIndexAreRefusedNotIgnored() throws Exception {
        Path x = toolkitCsv("x.csv", 2, 6).path();
        assertFails(cli("classify", "--model", TestModels.toolkit(), "--input", x, "--k", "3"), "--k needs --index");
        assertFails(cli("evaluate", "--model", TestModels.toolkit(), "--input", x, "--vote", "majority"), "--vote needs --index");
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

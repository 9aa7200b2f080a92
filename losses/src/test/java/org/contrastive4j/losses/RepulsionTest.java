package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import ai.djl.engine.Engine;
import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.training.GradientCollector;
import com.google.gson.Gson;
import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.contrastive4j.losses.golden.GoldenCase;
import org.contrastive4j.losses.golden.GoldenCheck;
import org.contrastive4j.losses.golden.GoldenFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The SupCon-vs-SINCERE intra-class repulsion demonstration, the similarity form of every loss, and the meter. */
class RepulsionTest {

    private static JsonObject demonstration() throws IOException {
        JsonArray demos = GoldenFile.read(Golden.file()).demonstrations();
        for (int i = 0; i < demos.size(); i++) {
            JsonObject d = demos.get(i).getAsJsonObject();
            if (d.get("name").getAsString().equals("intra_class_repulsion_supcon_vs_sincere")) {
                return d;
            }
        }
        throw new AssertionError("demonstration intra_class_repulsion_supcon_vs_sincere not in the golden file");
    }

    private static double[] rows(JsonArray a) {
        int d = a.get(0).getAsJsonArray().size();
        double[] out = new double[a.size() * d];
        for (int r = 0; r < a.size(); r++) {
            for (int k = 0; k < d; k++) {
                out[r * d + k] = a.get(r).getAsJsonArray().get(k).getAsDouble();
            }
        }
        return out;
    }

    private static ContrastiveLoss lossFor(String name, JsonObject params) {
        return name.equals("supcon")
                ? LossRegistry.create("supcon", Map.of("temperature", params.get("temperature").getAsString(),
                        "base-temperature", params.get("base_temperature").getAsString()))
                : LossRegistry.create("sincere", Map.of("temperature", params.get("temperature").getAsString()));
    }

    @ParameterizedTest
    @ValueSource(strings = {"supcon", "sincere"})
    void pairCoefficientMatchesTheDemonstration(String name) throws IOException {
        JsonObject demo = demonstration();
        JsonObject result = demo.getAsJsonObject("results").getAsJsonObject(name);
        JsonArray z = demo.getAsJsonArray("normalized_embeddings");
        int rows = z.size();
        int dim = z.get(0).getAsJsonArray().size();
        long[] labels = new Gson().fromJson(demo.get("labels"), long[].class);
        int p = demo.getAsJsonObject("indices").get("p").getAsInt();
        int a = demo.getAsJsonObject("indices").get("a").getAsInt();
        SimilarityLoss loss = (SimilarityLoss) lossFor(name, result.getAsJsonObject("params"));
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            NDArray zn = m.create(rows(z), new Shape(rows, dim));
            NDArray s = zn.matMul(zn.transpose());
            s.setRequiresGradient(true);
            double c;
            double value;
            try (GradientCollector gc = Engine.getEngine("PyTorch").newGradientCollector()) {
                NDArray l = loss.computeFromSimilarities(s, m.create(labels), demo.get("n_views").getAsInt(), dim);
                gc.backward(l);
                value = l.getDouble();
                NDArray g = s.getGradient();
                c = g.getDouble(p, a) + g.getDouble(a, p);
            }
            double expected = result.get("pair_coefficient_dL_ds_pa").getAsDouble();
            assertEquals(result.get("expected_loss").getAsDouble(), value, 1e-9);
            assertEquals(expected, c, 1e-9 * Math.max(1, Math.abs(expected)));
            String sign = demo.getAsJsonObject("expected_signs").getAsJsonObject(name)
                    .get("pair_coefficient_dL_ds_pa").getAsString();
            assertEquals(sign, c > 0 ? "+" : "-", "SupCon pushes p and a apart, SINCERE pulls them together");
        }
    }

    /** The similarity form used by the meter gives the golden loss and dL/d(normalised rows) for every case. */
    @Test
    void similarityFormMatchesGoldenGradientWrtNormalizedRows() throws IOException {
        List<GoldenCase> cases = GoldenFile.read(Golden.file()).cases();
        for (GoldenCase gc : cases) {
            SimilarityLoss loss = (SimilarityLoss) GoldenCheck.lossOf(gc);
            try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
                NDArray x = m.create(gc.embeddings(), new Shape(gc.rows(), gc.dim()));
                NDArray z = ((AbstractContrastiveLoss) loss).normalize() ? LossOps.l2Normalize(x) : x;
                z = z.duplicate();
                z.setRequiresGradient(true);
                try (GradientCollector col = Engine.getEngine("PyTorch").newGradientCollector()) {
                    NDArray l = loss.computeFromSimilarities(z.matMul(z.transpose()),
                            gc.labels() == null ? null : m.create(gc.labels()), gc.views(), gc.dim());
                    col.backward(l);
                    assertEquals(gc.expectedLoss(), l.getDouble(), gc.float64().lossAtol()
                            + gc.float64().lossRtol() * Math.abs(gc.expectedLoss()), gc.id());
                    double[] g = z.getGradient().toDoubleArray();
                    double[] e = gc.expectedGradWrtNormalized();
                    for (int i = 0; i < g.length; i++) {
                        assertEquals(e[i], g[i], gc.float64().gradAtol() + gc.float64().gradRtol() * Math.abs(e[i]),
                                gc.id() + " element " + i);
                    }
                }
            }
        }
    }

    private static RepulsionMeter.Repulsion measure(ContrastiveLoss loss, double[] x, int rows, int dim,
            long[] labels, int views, DataType dt) {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            return RepulsionMeter.measure(loss, m.create(x, new Shape(rows, dim)).toType(dt, false),
                    m.create(labels), views);
        }
    }

    @Test
    void sincereHasNoIntraClassRepulsionAndSupConHasSome() throws IOException {
        JsonObject demo = demonstration();
        double[] x = rows(demo.getAsJsonArray("embeddings"));
        long[] labels = new Gson().fromJson(demo.get("labels"), long[].class);
        int rows = labels.length;
        int dim = x.length / rows;
        ContrastiveLoss supcon = LossRegistry.create("supcon", Map.of("temperature", "0.5"));
        ContrastiveLoss sincere = LossRegistry.create("sincere", Map.of("temperature", "0.5"));
        RepulsionMeter.Repulsion sc = measure(supcon, x, rows, dim, labels, 1, DataType.FLOAT64);
        RepulsionMeter.Repulsion si = measure(sincere, x, rows, dim, labels, 1, DataType.FLOAT64);
        assertTrue(sc.fraction() > 0 && sc.mean() > 1e-3, "supcon " + sc);
        assertEquals(0, si.fraction(), 1e-6, "sincere " + si);
        assertEquals(0, si.mean(), 1e-6, "sincere " + si);

        Random rnd = new Random(11);
        for (int trial = 0; trial < 3; trial++) {
            int n = 48;
            int dimR = 16;
            long[] l = Batches.labels(rnd, n, 4);
            double[] xr = Batches.clustered(rnd, l, 2, dimR, 0.5, 0.2);
            for (DataType dt : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
                for (String t : List.of("0.07", "0.1", "0.2")) {
                    RepulsionMeter.Repulsion a = measure(LossRegistry.create("supcon", Map.of("temperature", t)), xr,
                            2 * n, dimR, l, 2, dt);
                    RepulsionMeter.Repulsion b = measure(LossRegistry.create("sincere", Map.of("temperature", t)), xr,
                            2 * n, dimR, l, 2, dt);
                    assertTrue(a.fraction() > 0.1 && a.mean() > 1e-5, "supcon τ=" + t + " " + a);
                    assertEquals(0, b.fraction(), 1e-6, "sincere τ=" + t + " " + b);
                    assertEquals(0, b.mean(), 1e-6, "sincere τ=" + t + " " + b);
                }
            }
        }
        // A self-supervised loss is measured against the class labels it never sees; NT-Xent repels classmates.
        long[] l = Batches.labels(rnd, 32, 3);
        RepulsionMeter.Repulsion nt = measure(LossRegistry.create("nt_xent", Map.of()),
                Batches.clustered(rnd, l, 2, 8, 0.5, 0.2), 64, 8, l, 2, DataType.FLOAT32);
        assertTrue(nt.fraction() > 0.5, "nt_xent " + nt);
    }
}

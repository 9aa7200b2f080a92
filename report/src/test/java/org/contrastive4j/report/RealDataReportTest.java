package org.contrastive4j.report;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.google.gson.JsonArray;
import com.google.gson.JsonObject;
import com.google.gson.JsonParser;
import java.nio.file.Files;
import java.nio.file.Path;
import org.contrastive4j.core.data.FashionMnist;
import org.contrastive4j.core.data.Samples;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The report on real images: raw pixels of the committed Fashion-MNIST subset used as "embeddings". */
class RealDataReportTest {

    @TempDir
    Path dir;

    private static float[][] rows(Samples s) {
        float[][] x = new float[s.size()][s.sampleLength()];
        for (int i = 0; i < s.size(); i++) {
            s.read(i, x[i], 0);
        }
        return x;
    }

    @Test
    void rawPixelReportAgreesWithBruteForceNearestNeighbour() throws Exception {
        Samples train = FashionMnist.load(FashionMnist.subsetDir(), "train");
        Samples test = FashionMnist.load(FashionMnist.subsetDir(), "test");
        float[][] xtr = rows(train);
        float[][] xte = rows(test);
        ReportWriter.Written w = ReportWriter.write(dir, ReportInputs.builder().runName("raw-pixels")
                .classNames(FashionMnist.CLASS_NAMES).train(xtr, train.labels()).test(xte, test.labels()).build());

        // independent cosine 1-NN over all pairs
        double[] trNorm = new double[xtr.length];
        for (int j = 0; j < xtr.length; j++) {
            trNorm[j] = Math.sqrt(dot(xtr[j], xtr[j]));
        }
        int correct = 0;
        for (int i = 0; i < xte.length; i++) {
            float[] q = xte[i];
            int best = -1;
            double bestSim = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < xtr.length; j++) {
                double sim = dot(q, xtr[j]) / trNorm[j];
                if (sim > bestSim) {
                    bestSim = sim;
                    best = j;
                }
            }
            if (train.labels()[best] == test.labels()[i]) {
                correct++;
            }
        }
        JsonObject json = JsonParser.parseString(Files.readString(w.json())).getAsJsonObject();
        assertEquals(correct / (double) xte.length, json.get("nn1_from_similarity").getAsDouble(), 1e-12);
        // Fashion-MNIST's well-known structure: trousers are distinct, shirts are confused with other tops.
        JsonArray perClass = json.getAsJsonArray("per_class");
        double trouserGap = perClass.get(1).getAsJsonObject().get("median_gap").getAsDouble();
        double shirtGap = perClass.get(6).getAsJsonObject().get("median_gap").getAsDouble();
        assertTrue(trouserGap > shirtGap, "trouser gap " + trouserGap + " vs shirt gap " + shirtGap);
        PngAssert.checkLinks(w.index());
    }

    private static double dot(float[] a, float[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += (double) a[k] * b[k];
        }
        return s;
    }
}

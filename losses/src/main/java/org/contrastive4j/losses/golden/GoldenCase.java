package org.contrastive4j.losses.golden;

import java.util.Map;

/**
 * One case of a golden file ({@code contrastive-loss-golden} v1), as read by {@link GoldenFile}.
 *
 * @param params the case's hyper-parameters in registry form (dashed names, text values); descriptive keys that
 *     name a fixed convention (e.g. {@code contrast_mode}) are in {@code conventions}
 * @param labels [N], or null for a self-supervised case
 * @param embeddings [M][D] row-major, before normalisation
 * @param expectedGrad [M][D] dL/d(embeddings)
 * @param expectedGradWrtNormalized [M][D] or null when the file has none
 */
public record GoldenCase(
        int index,
        String id,
        String loss,
        String variant,
        Map<String, String> params,
        Map<String, String> conventions,
        int views,
        int rows,
        int dim,
        long[] labels,
        double[] embeddings,
        double expectedLoss,
        double[] expectedGrad,
        double[] expectedGradWrtNormalized,
        Tolerance float64,
        Tolerance float32) {

    /** One dtype's tolerance block: a value passes when |actual − expected| ≤ atol + rtol·|expected|. */
    public record Tolerance(double lossRtol, double lossAtol, double gradRtol, double gradAtol) {}
}

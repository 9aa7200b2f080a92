package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDArrays;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.index.NDIndex;
import ai.djl.ndarray.types.Shape;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Contrastive attraction + contrastive repulsion (CACR), self-supervised, V ≥ 2 views, squared Euclidean cost d.
 * Attraction: for each view x of sample i, the other views y are weighted by softmax_y(τ_pos·d) (far views weigh
 * more) and pulled in with cost α·d. Repulsion: for each view pair x &lt; y, the other samples j of view y are weighted
 * by softmax_j(−τ_neg·d(z^x_i, z^y_j)) (near ones weigh more) and pushed away with cost −β·d. The weights are
 * differentiated, as in the golden file. L = CA + CR.
 */
public final class Cacr extends AbstractContrastiveLoss {

    private final double alpha;
    private final double beta;
    private final double tauPos;
    private final double tauNeg;

    public Cacr(double alpha, double beta, double tauPos, double tauNeg, boolean normalize) {
        super(normalize);
        for (double v : new double[] {alpha, beta, tauPos, tauNeg}) {
            if (!Double.isFinite(v)) {
                throw new IllegalArgumentException("cacr: alpha, beta, tau-pos and tau-neg must be finite, got " + v);
            }
        }
        this.alpha = alpha;
        this.beta = beta;
        this.tauPos = tauPos;
        this.tauNeg = tauNeg;
    }

    @Override
    public String name() {
        return "cacr";
    }

    @Override
    public boolean supervised() {
        return false;
    }

    @Override
    protected Map<String, Object> ownParams() {
        Map<String, Object> p = new LinkedHashMap<>();
        p.put("alpha", alpha);
        p.put("beta", beta);
        p.put("tau-pos", tauPos);
        p.put("tau-neg", tauNeg);
        return p;
    }

    @Override
    protected void checkShape(long samples, int views) {
        if (views < 2) {
            throw new IllegalArgumentException("cacr needs at least 2 views, got views=" + views);
        }
        if (samples < 2) {
            throw new IllegalArgumentException("cacr needs at least 2 samples per view (repulsion contrasts other "
                    + "samples), got N=" + samples);
        }
    }

    /** Works on the V(V−1)/2 view-pair blocks only, never on the full [M, M] matrix. */
    @Override
    protected NDArray lossOfRows(NDArray z, NDArray labels, int views) {
        long n = z.getShape().get(0) / views;
        NDArray zv = z.reshape(views, n, z.getShape().get(1));
        NDArray attractionCost = zv.expandDims(1).sub(zv.expandDims(0)).square().sum(new int[] {3}); // [V, V, N]
        NDList xs = new NDList();
        NDList ys = new NDList();
        for (int x = 0; x < views; x++) {
            for (int y = x + 1; y < views; y++) {
                xs.add(zv.get(x));
                ys.add(zv.get(y));
            }
        }
        NDArray zx = NDArrays.stack(xs); // [P, N, D]
        NDArray zy = NDArrays.stack(ys);
        NDArray nx = zx.square().sum(new int[] {2}, true); // [P, N, 1]
        NDArray ny = zy.square().sum(new int[] {2}, true).transpose(0, 2, 1); // [P, 1, N]
        NDArray blocks = nx.add(ny).sub(LossOps.scale(zx.matMul(zy.transpose(0, 2, 1)), 2)); // [P, N, N]
        return attraction(attractionCost).add(repulsion(blocks));
    }

    @Override
    protected NDArray lossOfSimilarities(NDArray s, NDArray labels, int views, long dim) {
        long m = s.getShape().get(0);
        long n = m / views;
        NDArray norms = s.diagonal();
        NDArray d = norms.reshape(m, 1).add(norms.reshape(1, m)).sub(LossOps.scale(s, 2)).reshape(views, n, views, n);
        NDList blocks = new NDList();
        for (int x = 0; x < views; x++) {
            for (int y = x + 1; y < views; y++) {
                blocks.add(d.get(new NDIndex("{}, :, {}, :", x, y)));
            }
        }
        return attraction(d.diagonal(0, 1, 3)).add(repulsion(NDArrays.stack(blocks)));
    }

    /** @param cost [V, V, N]: d(z^x_i, z^y_i) */
    private NDArray attraction(NDArray cost) {
        Shape shape = cost.getShape();
        long views = shape.get(0);
        NDManager m = cost.getManager();
        NDArray otherView = LossOps.notSelfMask(m, (int) views).reshape(views, views, 1);
        NDArray weights = LossOps.keepOrNegInf(LossOps.scale(cost, tauPos), otherView).softmax(1);
        return LossOps.scale(weights.mul(cost).sum(), alpha / (views * shape.get(2)));
    }

    /** @param cost [P, N, N]: d(z^x_i, z^y_j) for each view pair x &lt; y */
    private NDArray repulsion(NDArray cost) {
        Shape shape = cost.getShape();
        long n = shape.get(1);
        NDArray otherSample = LossOps.notSelfMask(cost.getManager(), (int) n).reshape(1, n, n);
        NDArray weights = LossOps.keepOrNegInf(LossOps.scale(cost, -tauNeg), otherSample).softmax(2);
        return LossOps.scale(weights.mul(cost).sum(), -beta / (shape.get(0) * n));
    }
}

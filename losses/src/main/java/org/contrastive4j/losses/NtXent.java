package org.contrastive4j.losses;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import java.util.LinkedHashMap;
import java.util.Map;

/**
 * InfoNCE / NT-Xent (SimCLR), self-supervised: the positives of a row are the other views of its sample, the softmax
 * runs over every other row, the loss is the mean over all V·N anchors. With {@link DystressTemperature} and two
 * views this is DySTreSS (registry name {@code dystress}).
 */
public final class NtXent extends TemperatureScaledLoss {

    private final String name;
    private final int requiredViews;

    public NtXent(Temperature temperature, boolean normalize) {
        this("nt_xent", temperature, normalize, 0);
    }

    private NtXent(String name, Temperature temperature, boolean normalize, int requiredViews) {
        super(temperature, normalize);
        this.name = name;
        this.requiredViews = requiredViews;
    }

    /** DySTreSS as the golden file defines it: NT-Xent over two views with a DySTreSS temperature. */
    public static NtXent dystress(double tauMin, double tauMax, boolean normalize) {
        return new NtXent("dystress", new DystressTemperature(tauMin, tauMax), normalize, 2);
    }

    @Override
    public String name() {
        return name;
    }

    @Override
    public boolean supervised() {
        return false;
    }

    @Override
    protected int requiredViews() {
        return requiredViews;
    }

    @Override
    protected Map<String, Object> ownParams() {
        Map<String, Object> p = new LinkedHashMap<>(temperature.params());
        if (!"dystress".equals(name) && !(temperature instanceof FixedTemperature)) {
            p.put("temperature-schedule", temperature.name());
        }
        return p;
    }

    /** Labels are ignored: the positives of a row are the other views of its sample. */
    @Override
    protected NDArray fromLogits(NDArray logits, NDArray labels, int views) {
        NDManager m = logits.getManager();
        int rows = Math.toIntExact(logits.getShape().get(0));
        if (views == 1) {
            return LossOps.scale(logits.sum(), 0); // no anchor has a positive
        }
        NDArray logProb = LossOps.keepOrNegInf(logits, LossOps.notSelfMask(m, rows)).logSoftmax(1);
        // The positives of row a are a + kN (mod M), k = 1..V−1: gather V−1 entries per row instead of masking M².
        long n = rows / views;
        NDArray offsets = m.arange(1, views).toType(DataType.INT64, false).mul(n).reshape(1, views - 1);
        NDArray positives = m.arange(rows).toType(DataType.INT64, false).reshape(rows, 1).add(offsets).mod(rows);
        return logProb.gather(positives, 1).mean().neg();
    }
}

package org.contrastive4j.losses;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import ai.djl.ndarray.NDArray;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import java.util.List;
import org.junit.jupiter.api.Test;

class LossOpsTest {

    @Test
    void softplusMatchesTheStableFormulaAtExtremeArguments() {
        double[] x = {-1e4, -745, -100, -20.5, -1e-8, 0, 1e-8, 3, 19.9, 20.1, 88, 100, 1e4, 3e38};
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            for (DataType dt : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
                double[] got = LossOps.softplus(m.create(x).toType(dt, false)).toType(DataType.FLOAT64, false)
                        .toDoubleArray();
                for (int i = 0; i < x.length; i++) {
                    double xi = dt == DataType.FLOAT32 ? (float) x[i] : x[i];
                    double ref = Math.max(xi, 0) + Math.log1p(Math.exp(-Math.abs(xi)));
                    // PyTorch returns x above 20: relative error below e^-20/20 = 1.1e-10.
                    // Below the normal range (float32 ~1e-38) only an absolute error makes sense.
                    double tol = dt == DataType.FLOAT64 ? 1.1e-10 * ref + 1e-300 : 1e-6 * ref + 1e-37;
                    assertEquals(ref, got[i], tol, dt + " softplus(" + xi + ")");
                }
            }
        }
    }

    @Test
    void maskedLogSumExpIgnoresMaskedEntriesAndHandlesEmptyRows() {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            // Row 0: the masked entry (1000) would dominate and underflow the others if it were in the max-shift.
            double[][] logits = {{1000, -5, -7}, {1, 2, 3}, {4, 5, 6}};
            boolean[][] keep = {{false, true, true}, {true, true, true}, {false, false, false}};
            for (DataType dt : List.of(DataType.FLOAT64, DataType.FLOAT32)) {
                double[] got = LossOps.maskedLogSumExp(m.create(logits).toType(dt, false), m.create(keep))
                        .toType(DataType.FLOAT64, false).toDoubleArray();
                double row0 = -5 + Math.log1p(Math.exp(-2));
                double row1 = 3 + Math.log(Math.exp(-2) + Math.exp(-1) + 1);
                assertArrayEquals(new double[] {row0, row1, 0}, got, 1e-5, dt.toString());
            }
        }
    }

    @Test
    void masksFollowTheViewMajorLayout() {
        try (NDManager m = NDManager.newBaseManager(null, "PyTorch")) {
            // 3 views of 2 samples: rows 0,2,4 are sample 0 and rows 1,3,5 sample 1.
            NDArray same = LossOps.sameSampleMask(m, 6, 3);
            assertEquals(new Shape(6, 6), same.getShape());
            assertEquals(true, same.getBoolean(0, 4));
            assertEquals(false, same.getBoolean(0, 3));
            NDArray labels = LossOps.sameLabelMask(m.create(new int[] {7, 7}), 3);
            assertEquals(36, labels.sum().getLong());
            assertEquals(false, LossOps.notSelfMask(m, 4).getBoolean(2, 2));
            assertArrayEquals(new long[] {1, 2, 1, 2}, LossOps.rowLabels(m.create(new long[] {1, 2}), 2).toLongArray());
        }
    }
}

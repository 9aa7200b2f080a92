package org.contrastive4j.report;

import java.util.Arrays;
import org.ejml.data.DMatrixRMaj;
import org.ejml.dense.row.factory.DecompositionFactory_DDRM;
import org.ejml.interfaces.decomposition.EigenDecomposition_F64;

/**
 * Principal component analysis down to two dimensions, for the report's scatter plot. The covariance of the centred
 * data is formed in double precision (one pass, vectorisable) and decomposed by EJML's symmetric eigensolver; the same
 * input always gives the same picture. Each component's sign is fixed by making its largest-magnitude coefficient
 * positive.
 */
public final class Pca {

    private static final int SUBSPACE = 2;

    private Pca() {}

    /**
     * @param points                 n x 2 coordinates of each row on the first two principal components
     * @param components             2 x d unit principal directions
     * @param explainedVarianceRatio fraction of the total variance along each of the two components
     */
    public record Projection(float[][] points, double[][] components, double[] explainedVarianceRatio) {}

    /**
     * Projects the rows of {@code x} onto their first two principal components.
     *
     * @throws IllegalArgumentException for fewer than two rows, ragged rows or non-finite values
     */
    public static Projection project2d(float[][] x) {
        if (x == null || x.length < 2) {
            throw new IllegalArgumentException("PCA needs at least 2 rows, got " + (x == null ? 0 : x.length));
        }
        int n = x.length;
        int d = x[0].length;
        if (d == 0) {
            throw new IllegalArgumentException("PCA rows have dimension 0");
        }
        double[] mean = new double[d];
        for (int i = 0; i < n; i++) {
            if (x[i] == null || x[i].length != d) {
                throw new IllegalArgumentException("PCA row " + i + " has dimension "
                        + (x[i] == null ? "null" : x[i].length) + ", expected " + d);
            }
            for (int k = 0; k < d; k++) {
                if (!Float.isFinite(x[i][k])) {
                    throw new IllegalArgumentException("PCA row " + i + " contains a non-finite value " + x[i][k]);
                }
                mean[k] += x[i][k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        double[][] cov = covariance(x, mean);
        double trace = 0;
        for (int k = 0; k < d; k++) {
            trace += cov[k][k];
        }
        int m = Math.min(SUBSPACE, d);
        double[][] basis = topEigenvectors(cov, m);
        double[][] components = new double[2][d];
        double[] ratio = new double[2];
        for (int c = 0; c < Math.min(2, m); c++) {
            components[c] = basis[c];
            ratio[c] = trace > 0 ? Math.max(0, rayleigh(cov, basis[c])) / trace : 0;
        }
        // d == 1: the second component is undefined; leave it zero so every point has y = 0.
        float[][] points = new float[n][2];
        for (int i = 0; i < n; i++) {
            for (int c = 0; c < 2; c++) {
                double s = 0;
                for (int k = 0; k < d; k++) {
                    s += (x[i][k] - mean[k]) * components[c][k];
                }
                points[i][c] = (float) s;
            }
        }
        return new Projection(points, components, ratio);
    }

    private static double[][] covariance(float[][] x, double[] mean) {
        int d = mean.length;
        double[][] cov = new double[d][d];
        double[] centred = new double[d];
        for (float[] row : x) {
            for (int k = 0; k < d; k++) {
                centred[k] = row[k] - mean[k];
            }
            // Upper triangle only. Row arrays indexed like `centred` keep the inner loop vectorisable by C2.
            for (int a = 0; a < d; a++) {
                double s = centred[a];
                double[] covRow = cov[a];
                for (int b = a; b < d; b++) {
                    covRow[b] += s * centred[b];
                }
            }
        }
        for (int a = 0; a < d; a++) {
            for (int b = a; b < d; b++) {
                double v = cov[a][b] / (x.length - 1);
                cov[a][b] = v;
                cov[b][a] = v;
            }
        }
        return cov;
    }

    /**
     * The m leading eigenvectors of symmetric PSD {@code a}, ordered by decreasing eigenvalue, from EJML's symmetric
     * eigendecomposition (deterministic: tridiagonal reduction + implicit QR, no random start).
     */
    private static double[][] topEigenvectors(double[][] a, int m) {
        int d = a.length;
        EigenDecomposition_F64<DMatrixRMaj> eig = DecompositionFactory_DDRM.eig(d, true, true);
        if (!eig.decompose(new DMatrixRMaj(a))) {
            throw new IllegalStateException("PCA: the eigendecomposition of the " + d + " x " + d + " covariance failed");
        }
        Integer[] order = new Integer[d];
        for (int i = 0; i < d; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (i, j) -> Double.compare(eig.getEigenvalue(j).getReal(), eig.getEigenvalue(i).getReal()));
        double[][] q = new double[m][];
        for (int c = 0; c < m; c++) {
            DMatrixRMaj v = eig.getEigenVector(order[c]);
            q[c] = v == null ? new double[d] : Arrays.copyOf(v.getData(), d);
            int arg = 0;
            for (int k = 1; k < d; k++) {
                if (Math.abs(q[c][k]) > Math.abs(q[c][arg])) {
                    arg = k;
                }
            }
            if (q[c][arg] < 0) {
                for (int k = 0; k < d; k++) {
                    q[c][k] = -q[c][k];
                }
            }
        }
        return q;
    }

    private static double rayleigh(double[][] a, double[] v) {
        double s = 0;
        for (int i = 0; i < a.length; i++) {
            double r = 0;
            for (int k = 0; k < v.length; k++) {
                r += a[i][k] * v[k];
            }
            s += v[i] * r;
        }
        return s;
    }
}

package org.contrastive4j.report;

import java.util.Arrays;
import java.util.Random;

/**
 * Principal component analysis down to two dimensions, for the report's scatter plot. The covariance of the centred
 * data is formed in double precision and its leading eigenvectors are found by orthogonal (subspace) iteration with a
 * Rayleigh-Ritz step; everything is seeded, so the same input always gives the same picture. Each component's sign
 * is fixed by making its largest-magnitude coefficient positive.
 */
public final class Pca {

    /** Subspace size: iterating a few extra vectors makes the top two converge at rate lambda5/lambda2. */
    private static final int SUBSPACE = 4;
    private static final int MAX_ITERATIONS = 500;
    private static final double TOLERANCE = 1e-12;

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

    /** The m leading eigenvectors of symmetric PSD {@code a}, ordered by decreasing eigenvalue. */
    private static double[][] topEigenvectors(double[][] a, int m) {
        int d = a.length;
        Random rnd = new Random(0x5EED);
        double[][] q = new double[m][d];
        for (double[] v : q) {
            for (int k = 0; k < d; k++) {
                v[k] = rnd.nextGaussian();
            }
        }
        orthonormalise(q);
        double previous = Double.NaN;
        for (int it = 0; it < MAX_ITERATIONS; it++) {
            double[][] z = new double[m][];
            for (int c = 0; c < m; c++) {
                z[c] = multiply(a, q[c]);
            }
            orthonormalise(z);
            q = rayleighRitz(a, z);
            double lead = rayleigh(a, q[0]) + rayleigh(a, q[Math.min(1, m - 1)]);
            if (Math.abs(lead - previous) <= TOLERANCE * Math.max(1e-300, Math.abs(lead)) && it > 10) {
                break;
            }
            previous = lead;
        }
        for (double[] v : q) {
            int arg = 0;
            for (int k = 1; k < d; k++) {
                if (Math.abs(v[k]) > Math.abs(v[arg])) {
                    arg = k;
                }
            }
            if (v[arg] < 0) {
                for (int k = 0; k < d; k++) {
                    v[k] = -v[k];
                }
            }
        }
        return q;
    }

    /** Rotates an orthonormal basis so that its vectors are the eigenvectors of the projected m x m problem. */
    private static double[][] rayleighRitz(double[][] a, double[][] q) {
        int m = q.length;
        double[][] aq = new double[m][];
        for (int c = 0; c < m; c++) {
            aq[c] = multiply(a, q[c]);
        }
        double[][] small = new double[m][m];
        for (int r = 0; r < m; r++) {
            for (int c = 0; c < m; c++) {
                small[r][c] = dot(q[r], aq[c]);
            }
        }
        double[][] vecs = jacobi(small);
        int d = q[0].length;
        double[][] out = new double[m][d];
        for (int c = 0; c < m; c++) {
            for (int r = 0; r < m; r++) {
                double w = vecs[r][c];
                for (int k = 0; k < d; k++) {
                    out[c][k] += w * q[r][k];
                }
            }
        }
        return out;
    }

    /**
     * Cyclic Jacobi eigen decomposition of a small symmetric matrix; returns eigenvectors as columns sorted by
     * decreasing eigenvalue. {@code s} is overwritten.
     */
    private static double[][] jacobi(double[][] s) {
        int m = s.length;
        double[][] v = new double[m][m];
        for (int i = 0; i < m; i++) {
            v[i][i] = 1;
        }
        for (int sweep = 0; sweep < 100; sweep++) {
            double off = 0;
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    off += s[p][r] * s[p][r];
                }
            }
            if (off < 1e-30) {
                break;
            }
            for (int p = 0; p < m; p++) {
                for (int r = p + 1; r < m; r++) {
                    if (s[p][r] == 0) {
                        continue;
                    }
                    double theta = (s[r][r] - s[p][p]) / (2 * s[p][r]);
                    double t = Math.signum(theta) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
                    if (theta == 0) {
                        t = 1;
                    }
                    double c = 1 / Math.sqrt(t * t + 1);
                    double sn = t * c;
                    for (int k = 0; k < m; k++) {
                        double skp = s[k][p];
                        double skr = s[k][r];
                        s[k][p] = c * skp - sn * skr;
                        s[k][r] = sn * skp + c * skr;
                    }
                    for (int k = 0; k < m; k++) {
                        double spk = s[p][k];
                        double srk = s[r][k];
                        s[p][k] = c * spk - sn * srk;
                        s[r][k] = sn * spk + c * srk;
                    }
                    for (int k = 0; k < m; k++) {
                        double vkp = v[k][p];
                        double vkr = v[k][r];
                        v[k][p] = c * vkp - sn * vkr;
                        v[k][r] = sn * vkp + c * vkr;
                    }
                }
            }
        }
        Integer[] idx = new Integer[m];
        for (int i = 0; i < m; i++) {
            idx[i] = i;
        }
        Arrays.sort(idx, (x, y) -> Double.compare(s[y][y], s[x][x]));
        double[][] sorted = new double[m][m];
        for (int c = 0; c < m; c++) {
            for (int r = 0; r < m; r++) {
                sorted[r][c] = v[r][idx[c]];
            }
        }
        return sorted;
    }

    /** Modified Gram-Schmidt; a vector that collapses (rank-deficient data) is replaced by a fresh unit axis. */
    private static void orthonormalise(double[][] q) {
        int d = q[0].length;
        for (int c = 0; c < q.length; c++) {
            for (int attempt = 0; ; attempt++) {
                for (int p = 0; p < c; p++) {
                    double proj = dot(q[c], q[p]);
                    for (int k = 0; k < d; k++) {
                        q[c][k] -= proj * q[p][k];
                    }
                }
                double norm = Math.sqrt(dot(q[c], q[c]));
                if (norm > 1e-12 || attempt >= d) {
                    for (int k = 0; k < d; k++) {
                        q[c][k] = norm > 0 ? q[c][k] / norm : 0;
                    }
                    break;
                }
                q[c] = new double[d];
                q[c][(c + attempt) % d] = 1;
            }
        }
    }

    private static double[] multiply(double[][] a, double[] v) {
        double[] out = new double[v.length];
        for (int r = 0; r < a.length; r++) {
            out[r] = dot(a[r], v);
        }
        return out;
    }

    private static double rayleigh(double[][] a, double[] v) {
        return dot(v, multiply(a, v));
    }

    private static double dot(double[] a, double[] b) {
        double s = 0;
        for (int k = 0; k < a.length; k++) {
            s += a[k] * b[k];
        }
        return s;
    }
}

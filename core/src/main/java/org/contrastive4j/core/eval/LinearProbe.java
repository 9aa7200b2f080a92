package org.contrastive4j.core.eval;

import java.util.Arrays;
import java.util.stream.IntStream;

/**
 * Multinomial logistic regression on frozen embeddings: the standard "linear probe" of representation quality.
 *
 * <p>Features are standardised with the training set's mean and standard deviation; the objective is the mean
 * cross-entropy plus {@code l2 / 2 * |W|^2} (bias not penalised), minimised full-batch with L-BFGS and a backtracking
 * Armijo line search from zero weights. The loss and gradient are summed over fixed row chunks in a fixed order, so
 * the result is bit-for-bit deterministic regardless of how many threads evaluate the chunks.
 */
public final class LinearProbe {

    /**
     * @param l2 L2 penalty on the weights (per-sample scale)
     * @param maxIterations L-BFGS iterations at most
     * @param tolerance stop when the relative loss decrease or the gradient's max-norm falls below this
     * @param history L-BFGS memory (number of correction pairs)
     */
    public record Options(double l2, int maxIterations, double tolerance, int history) {
        public Options {
            if (l2 < 0 || maxIterations < 1 || tolerance <= 0 || history < 1) {
                throw new IllegalArgumentException("invalid linear probe options " + this);
            }
        }

        public static Options defaults() {
            return new Options(1e-4, 200, 1e-6, 10);
        }
    }

    private static final int CHUNK = 2048;

    private final int dim;
    private final int classes;
    private final double[] mean;
    private final double[] invStd;
    private final double[] weights; // dim * classes (row-major by feature), then classes biases
    private final int iterations;
    private final double loss;

    private LinearProbe(int dim, int classes, double[] mean, double[] invStd, double[] weights, int iterations, double loss) {
        this.dim = dim;
        this.classes = classes;
        this.mean = mean;
        this.invStd = invStd;
        this.weights = weights;
        this.iterations = iterations;
        this.loss = loss;
    }

    public static LinearProbe fit(float[][] x, int[] y, int numClasses) {
        return fit(x, y, numClasses, Options.defaults());
    }

    public static LinearProbe fit(float[][] x, int[] y, int numClasses, Options options) {
        int n = x.length;
        if (n == 0 || y.length != n) {
            throw new IllegalArgumentException("need matching non-empty features and labels, got " + n + " and " + y.length);
        }
        int d = x[0].length;
        for (int i = 0; i < n; i++) {
            if (x[i].length != d) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + d);
            }
            if (y[i] < 0 || y[i] >= numClasses) {
                throw new IllegalArgumentException("label " + y[i] + " at row " + i + " outside 0.." + (numClasses - 1));
            }
        }
        double[] mean = new double[d];
        double[] var = new double[d];
        for (float[] row : x) {
            for (int k = 0; k < d; k++) {
                mean[k] += row[k];
            }
        }
        for (int k = 0; k < d; k++) {
            mean[k] /= n;
        }
        for (float[] row : x) {
            for (int k = 0; k < d; k++) {
                double c = row[k] - mean[k];
                var[k] += c * c;
            }
        }
        double[] invStd = new double[d];
        for (int k = 0; k < d; k++) {
            double sd = Math.sqrt(var[k] / n);
            invStd[k] = sd > 1e-12 ? 1 / sd : 1;
        }
        double[] xs = new double[n * d];
        for (int i = 0; i < n; i++) {
            for (int k = 0; k < d; k++) {
                xs[i * d + k] = (x[i][k] - mean[k]) * invStd[k];
            }
        }
        Objective f = new Objective(xs, y, n, d, numClasses, options.l2());
        double[] w = new double[d * numClasses + numClasses];
        Lbfgs.Result r = Lbfgs.minimize(f, w, options);
        return new LinearProbe(d, numClasses, mean, invStd, r.x(), r.iterations(), r.value());
    }

    public int iterations() {
        return iterations;
    }

    /** Final training objective (mean cross-entropy + penalty). */
    public double trainingLoss() {
        return loss;
    }

    /**
     * The fitted probe as numbers, for exporting it (e.g. as an ONNX classifier head): logits of a row {@code x} are
     * {@code sum_k ((x[k] - mean[k]) * invStd[k]) * weights[k][c] + bias[c]}. Copies.
     *
     * @param weights {@code [dim][classes]}
     */
    public record Parameters(double[] mean, double[] invStd, double[][] weights, double[] bias) {}

    public Parameters parameters() {
        double[][] w = new double[dim][classes];
        for (int k = 0; k < dim; k++) {
            System.arraycopy(weights, k * classes, w[k], 0, classes);
        }
        return new Parameters(mean.clone(), invStd.clone(), w, Arrays.copyOfRange(weights, dim * classes, dim * classes + classes));
    }

    public int dim() {
        return dim;
    }

    public int classes() {
        return classes;
    }

    /** The logits (before the softmax of {@link #probabilities}) of each row. */
    public float[][] logits(float[][] x) {
        return scores(x, false);
    }

    public float[][] probabilities(float[][] x) {
        return scores(x, true);
    }

    private float[][] scores(float[][] x, boolean softmax) {
        float[][] out = new float[x.length][];
        double[] z = new double[classes];
        double[] row = new double[dim];
        for (int i = 0; i < x.length; i++) {
            if (x[i].length != dim) {
                throw new IllegalArgumentException("row " + i + " has " + x[i].length + " features, expected " + dim);
            }
            for (int k = 0; k < dim; k++) {
                row[k] = (x[i][k] - mean[k]) * invStd[k];
            }
            Objective.logits(weights, row, 0, dim, classes, z);
            if (softmax) {
                Softmax.inPlace(z);
            }
            out[i] = new float[classes];
            for (int c = 0; c < classes; c++) {
                out[i][c] = (float) z[c];
            }
        }
        return out;
    }

    public int[] predict(float[][] x) {
        float[][] p = probabilities(x);
        int[] labels = new int[x.length];
        for (int i = 0; i < p.length; i++) {
            int best = 0;
            for (int c = 1; c < classes; c++) {
                if (p[i][c] > p[i][best]) {
                    best = c;
                }
            }
            labels[i] = best;
        }
        return labels;
    }

    public double accuracy(float[][] x, int[] y) {
        return Metrics.accuracy(predict(x), y);
    }

    /** Mean cross-entropy + L2 penalty and its gradient, over standardised features. */
    static final class Objective {
        private final double[] x;
        private final int[] y;
        private final int n;
        private final int d;
        private final int c;
        private final double l2;

        Objective(double[] x, int[] y, int n, int d, int c, double l2) {
            this.x = x;
            this.y = y;
            this.n = n;
            this.d = d;
            this.c = c;
            this.l2 = l2;
        }

        int size() {
            return d * c + c;
        }

        static void logits(double[] w, double[] x, int off, int d, int c, double[] z) {
            System.arraycopy(w, d * c, z, 0, c);
            for (int k = 0; k < d; k++) {
                double v = x[off + k];
                int base = k * c;
                for (int j = 0; j < c; j++) {
                    z[j] += v * w[base + j];
                }
            }
        }

        /** Returns the objective and writes its gradient into {@code grad}. */
        double evaluate(double[] w, double[] grad) {
            int chunks = (n + CHUNK - 1) / CHUNK;
            double[][] partialGrad = new double[chunks][];
            double[] partialLoss = new double[chunks];
            IntStream.range(0, chunks).parallel().forEach(ch -> {
                double[] g = new double[size()];
                double[] z = new double[c];
                double lossSum = 0;
                int end = Math.min(n, (ch + 1) * CHUNK);
                for (int i = ch * CHUNK; i < end; i++) {
                    int off = i * d;
                    logits(w, x, off, d, c, z);
                    double logit = z[y[i]];
                    // -log p(y) = log-partition - logit(y); z now holds the probabilities.
                    lossSum += Softmax.inPlace(z) - logit;
                    z[y[i]] -= 1;
                    for (int k = 0; k < d; k++) {
                        double v = x[off + k];
                        int base = k * c;
                        for (int j = 0; j < c; j++) {
                            g[base + j] += v * z[j];
                        }
                    }
                    for (int j = 0; j < c; j++) {
                        g[d * c + j] += z[j];
                    }
                }
                partialGrad[ch] = g;
                partialLoss[ch] = lossSum;
            });
            Arrays.fill(grad, 0);
            double loss = 0;
            for (int ch = 0; ch < chunks; ch++) {
                loss += partialLoss[ch];
                double[] g = partialGrad[ch];
                for (int p = 0; p < grad.length; p++) {
                    grad[p] += g[p];
                }
            }
            double penalty = 0;
            for (int p = 0; p < grad.length; p++) {
                grad[p] /= n;
                if (p < d * c) {
                    grad[p] += l2 * w[p];
                    penalty += w[p] * w[p];
                }
            }
            return loss / n + 0.5 * l2 * penalty;
        }
    }

    /** Limited-memory BFGS with a backtracking Armijo line search. */
    static final class Lbfgs {
        record Result(double[] x, double value, int iterations) {}

        static Result minimize(Objective f, double[] x0, Options o) {
            int p = x0.length;
            int m = o.history();
            double[] x = x0.clone();
            double[] g = new double[p];
            double fx = f.evaluate(x, g);
            double[][] s = new double[m][];
            double[][] yv = new double[m][];
            double[] rho = new double[m];
            int stored = 0;
            int head = 0;
            double[] dir = new double[p];
            double[] alpha = new double[m];
            double[] xNew = new double[p];
            double[] gNew = new double[p];
            int iter = 0;
            while (iter < o.maxIterations() && maxAbs(g) > o.tolerance()) {
                iter++;
                // two-loop recursion: dir = -H g
                for (int i = 0; i < p; i++) {
                    dir[i] = -g[i];
                }
                for (int j = 0; j < stored; j++) {
                    int idx = Math.floorMod(head - 1 - j, m);
                    alpha[idx] = rho[idx] * dot(s[idx], dir);
                    axpy(-alpha[idx], yv[idx], dir);
                }
                if (stored > 0) {
                    int last = Math.floorMod(head - 1, m);
                    scale(dir, dot(s[last], yv[last]) / dot(yv[last], yv[last]));
                }
                for (int j = stored - 1; j >= 0; j--) {
                    int idx = Math.floorMod(head - 1 - j, m);
                    double beta = rho[idx] * dot(yv[idx], dir);
                    axpy(alpha[idx] - beta, s[idx], dir);
                }
                double slope = dot(g, dir);
                if (!(slope < 0)) {
                    for (int i = 0; i < p; i++) {
                        dir[i] = -g[i];
                    }
                    slope = dot(g, dir);
                    stored = 0;
                }
                double step = stored == 0 ? Math.min(1.0, 1.0 / Math.sqrt(-slope)) : 1.0;
                double fNew = Double.NaN;
                boolean accepted = false;
                for (int tries = 0; tries < 40; tries++) {
                    for (int i = 0; i < p; i++) {
                        xNew[i] = x[i] + step * dir[i];
                    }
                    fNew = f.evaluate(xNew, gNew);
                    if (fNew <= fx + 1e-4 * step * slope) {
                        accepted = true;
                        break;
                    }
                    step *= 0.5;
                }
                if (!accepted) {
                    break;
                }
                double[] sNew = new double[p];
                double[] yNew = new double[p];
                for (int i = 0; i < p; i++) {
                    sNew[i] = xNew[i] - x[i];
                    yNew[i] = gNew[i] - g[i];
                }
                double sy = dot(sNew, yNew);
                if (sy > 1e-12) {
                    s[head] = sNew;
                    yv[head] = yNew;
                    rho[head] = 1 / sy;
                    head = (head + 1) % m;
                    stored = Math.min(stored + 1, m);
                }
                double decrease = fx - fNew;
                System.arraycopy(xNew, 0, x, 0, p);
                System.arraycopy(gNew, 0, g, 0, p);
                fx = fNew;
                if (decrease <= o.tolerance() * Math.max(1, Math.abs(fx))) {
                    break;
                }
            }
            return new Result(x, fx, iter);
        }

        private static double dot(double[] a, double[] b) {
            double s = 0;
            for (int i = 0; i < a.length; i++) {
                s += a[i] * b[i];
            }
            return s;
        }

        private static void axpy(double a, double[] x, double[] y) {
            for (int i = 0; i < y.length; i++) {
                y[i] += a * x[i];
            }
        }

        private static void scale(double[] v, double a) {
            for (int i = 0; i < v.length; i++) {
                v[i] *= a;
            }
        }

        private static double maxAbs(double[] v) {
            double m = 0;
            for (double x : v) {
                m = Math.max(m, Math.abs(x));
            }
            return m;
        }
    }
}

/*
 * Reference.java — the plain double-precision reference of every op in io.github.gla4j.model.ops, forward and
 * backward, written as the textbook formulas on flat row-major arrays (no blocking, no threads, no shortcuts).
 * ReferenceModel composes these into the whole model. Each backward here is checked against finite differences of its forward (ReferenceGradientTest); the fast fp32
 * ops are checked against these (GemmTest, RmsNormTest, ...).
 */
package io.github.gla4j.model.ops;

public final class Reference {

    private Reference() {
    }

    /** y[m][n] = Σ_p x[m][p] w[n][p] (+ b[n]). */
    public static double[] linear(double[] x, double[] w, double[] b, int m, int n, int k) {
        double[] y = new double[m * n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                double s = b == null ? 0 : b[j];
                for (int p = 0; p < k; p++) {
                    s += x[i * k + p] * w[j * k + p];
                }
                y[i * n + j] = s;
            }
        }
        return y;
    }

    /** dx[m][k] = Σ_j dy[m][j] w[j][k]. */
    public static double[] linearBackwardInput(double[] dy, double[] w, int m, int n, int k) {
        double[] dx = new double[m * k];
        for (int i = 0; i < m; i++) {
            for (int p = 0; p < k; p++) {
                double s = 0;
                for (int j = 0; j < n; j++) {
                    s += dy[i * n + j] * w[j * k + p];
                }
                dx[i * k + p] = s;
            }
        }
        return dx;
    }

    /** dw[n][k] = Σ_i dy[i][n] x[i][k]. */
    public static double[] linearBackwardWeight(double[] dy, double[] x, int m, int n, int k) {
        double[] dw = new double[n * k];
        for (int j = 0; j < n; j++) {
            for (int p = 0; p < k; p++) {
                double s = 0;
                for (int i = 0; i < m; i++) {
                    s += dy[i * n + j] * x[i * k + p];
                }
                dw[j * k + p] = s;
            }
        }
        return dw;
    }

    /** db[n] = Σ_i dy[i][n]. */
    public static double[] columnSums(double[] dy, int m, int n) {
        double[] db = new double[n];
        for (int i = 0; i < m; i++) {
            for (int j = 0; j < n; j++) {
                db[j] += dy[i * n + j];
            }
        }
        return db;
    }

    public static double rstd(double[] x, int row, int d, double eps) {
        double s = 0;
        for (int i = 0; i < d; i++) {
            s += x[row * d + i] * x[row * d + i];
        }
        return 1 / Math.sqrt(s / d + eps);
    }

    /** y = x / sqrt(mean(x²) + eps) · w per row of d. */
    public static double[] rmsNorm(double[] x, double[] w, double eps, int rows, int d) {
        double[] y = new double[rows * d];
        for (int r = 0; r < rows; r++) {
            double inv = rstd(x, r, d, eps);
            for (int i = 0; i < d; i++) {
                y[r * d + i] = x[r * d + i] * inv * w[i];
            }
        }
        return y;
    }

    /** {dx, dw} of rmsNorm for output gradient dy. */
    public static double[][] rmsNormBackward(double[] dy, double[] x, double[] w, double eps, int rows, int d) {
        double[] dx = new double[rows * d], dw = new double[d];
        for (int r = 0; r < rows; r++) {
            double inv = rstd(x, r, d, eps);
            // y_i = x_i·inv·w_i, d inv / d x_j = −inv³ x_j / d
            double dot = 0;
            for (int i = 0; i < d; i++) {
                dot += dy[r * d + i] * w[i] * x[r * d + i];
                dw[i] += dy[r * d + i] * x[r * d + i] * inv;
            }
            for (int j = 0; j < d; j++) {
                dx[r * d + j] = dy[r * d + j] * w[j] * inv - dot * inv * inv * inv * x[r * d + j] / d;
            }
        }
        return new double[][]{dx, dw};
    }

    public static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    /** y = rmsNorm(x; w) · z·σ(z) per row of d. */
    public static double[] gatedRmsNorm(double[] x, double[] z, double[] w, double eps, int rows, int d) {
        double[] y = rmsNorm(x, w, eps, rows, d);
        for (int i = 0; i < y.length; i++) {
            y[i] *= z[i] * sigmoid(z[i]);
        }
        return y;
    }

    /** {dx, dz, dw} of gatedRmsNorm. */
    public static double[][] gatedRmsNormBackward(double[] dy, double[] x, double[] z, double[] w, double eps, int rows,
                                           int d) {
        double[] n = rmsNorm(x, w, eps, rows, d);
        double[] dn = new double[dy.length], dz = new double[dy.length];
        for (int i = 0; i < dy.length; i++) {
            double s = sigmoid(z[i]);
            dn[i] = dy[i] * z[i] * s;
            dz[i] = dy[i] * n[i] * (s + z[i] * s * (1 - s));
        }
        double[][] norm = rmsNormBackward(dn, x, w, eps, rows, d);
        return new double[][]{norm[0], dz, norm[1]};
    }

    /** y = a·σ(a)·b. */
    public static double[] swiGlu(double[] a, double[] b) {
        double[] y = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            y[i] = a[i] * sigmoid(a[i]) * b[i];
        }
        return y;
    }

    /** {da, db} of swiGlu. */
    public static double[][] swiGluBackward(double[] dy, double[] a, double[] b) {
        double[] da = new double[a.length], db = new double[a.length];
        for (int i = 0; i < a.length; i++) {
            double s = sigmoid(a[i]);
            da[i] = dy[i] * b[i] * (s + a[i] * s * (1 - s));
            db[i] = dy[i] * a[i] * s;
        }
        return new double[][]{da, db};
    }

    /** g = max(log σ(z) / normalizer, clampMin). */
    public static double[] logSigmoidGate(double[] z, double normalizer, double clampMin) {
        double[] g = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            g[i] = Math.max(Math.log(sigmoid(z[i])) / normalizer, clampMin);
        }
        return g;
    }

    /** dz of logSigmoidGate: d log σ(z) / dz = 1 − σ(z); zero where the clamp holds. */
    public static double[] logSigmoidGateBackward(double[] dg, double[] z, double normalizer, double clampMin) {
        double[] dz = new double[z.length];
        for (int i = 0; i < z.length; i++) {
            boolean clamped = Math.log(sigmoid(z[i])) / normalizer < clampMin;
            dz[i] = clamped ? 0 : dg[i] * (1 - sigmoid(z[i])) / normalizer;
        }
        return dz;
    }

    /** out[r][j·g + i][c] = in[r][j][c]. */
    public static double[] repeatHeads(double[] in, int rows, int kvHeads, int groups, int d) {
        double[] out = new double[rows * kvHeads * groups * d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < kvHeads; j++) {
                for (int i = 0; i < groups; i++) {
                    for (int c = 0; c < d; c++) {
                        out[((r * kvHeads + j) * groups + i) * d + c] = in[(r * kvHeads + j) * d + c];
                    }
                }
            }
        }
        return out;
    }

    /** din[r][j][c] = Σ_i dout[r][j·g + i][c]. */
    public static double[] repeatHeadsBackward(double[] dout, int rows, int kvHeads, int groups, int d) {
        double[] din = new double[rows * kvHeads * d];
        for (int r = 0; r < rows; r++) {
            for (int j = 0; j < kvHeads; j++) {
                for (int i = 0; i < groups; i++) {
                    for (int c = 0; c < d; c++) {
                        din[(r * kvHeads + j) * d + c] += dout[((r * kvHeads + j) * groups + i) * d + c];
                    }
                }
            }
        }
        return din;
    }

    /** out[n] = table[ids[n]]. */
    public static double[] embedding(int[] ids, double[] table, int d) {
        double[] out = new double[ids.length * d];
        for (int n = 0; n < ids.length; n++) {
            System.arraycopy(table, ids[n] * d, out, n * d, d);
        }
        return out;
    }

    /** dtable[v] = Σ_{n: ids[n] = v ≠ padding} dout[n]. */
    public static double[] embeddingBackward(int[] ids, double[] dout, int vocab, int d, int padding) {
        double[] dtable = new double[vocab * d];
        for (int n = 0; n < ids.length; n++) {
            if (ids[n] == padding) {
                continue;
            }
            for (int c = 0; c < d; c++) {
                dtable[ids[n] * d + c] += dout[n * d + c];
            }
        }
        return dtable;
    }

    /** Σ over rows with target ≠ −100 of log Σ_j exp(l_j) − l_target. */
    public static double crossEntropy(double[] logits, int[] targets, int v) {
        double total = 0;
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits[r * v + j]);
            }
            total += Math.log(sum) - logits[r * v + targets[r]];
        }
        return total;
    }

    /** The gradient of scale · crossEntropy: scale · (softmax − onehot) per counted row, zero for ignored rows. */
    public static double[] crossEntropyBackward(double[] logits, int[] targets, int v, double scale) {
        double[] d = new double[logits.length];
        for (int r = 0; r < targets.length; r++) {
            if (targets[r] == CrossEntropy.IGNORE_INDEX) {
                continue;
            }
            double sum = 0;
            for (int j = 0; j < v; j++) {
                sum += Math.exp(logits[r * v + j]);
            }
            for (int j = 0; j < v; j++) {
                d[r * v + j] = scale * (Math.exp(logits[r * v + j]) / sum - (j == targets[r] ? 1 : 0));
            }
        }
        return d;
    }
}

/*
 * ReferenceMath.java — the recurrent form of GLA and its analytic backward in double precision, on flat row-major
 * arrays laid out like the tensors (q, k, g [B,T,H,K] or g [B,T,H]; v, o [B,T,H,V]; states [B|N,H,K,V]):
 *
 *   S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t        o_t = scale q_t S_t
 *
 * Backward walks t downwards with dS the gradient of S_t:
 *   dS += scale q_t^T do_t;  dq_t = scale do_t S_t^T;  dk_t = dS v_t;  dv_t = dS^T k_t;
 *   dg_t = exp(g_t) * rowsum(dS * S_{t-1});  dS = diag(exp(g_t)) dS   (dh0 = the final dS)
 * States S_{t-1} are recomputed from checkpoints every BLOCK steps, so memory stays (T/BLOCK + BLOCK) K V.
 * (sequence, head) pairs are independent and run in parallel. This is the oracle every kernel is compared with;
 * ReferenceGradientTest checks its backward against finite differences of its forward.
 */
package io.github.gla4j.kernels;

import java.util.stream.IntStream;

final class ReferenceMath {

    private static final int BLOCK = 64;

    private ReferenceMath() {
    }

    /** o (and ht when not null) from q, k, v, g (null for Gate.NONE), h0 (null = zeros). */
    static void forward(Problem p, double[] q, double[] k, double[] v, double[] g, double[] h0, double[] o,
                        double[] ht) {
        Geometry geo = new Geometry(p);
        IntStream.range(0, geo.sequences * geo.H).parallel().forEach(pair -> {
            int n = pair / geo.H, h = pair % geo.H;
            double[] s = geo.initialState(h0, n, h);
            double[] decay = new double[geo.K];
            for (int row = geo.start(n); row < geo.end(n); row++) {
                geo.step(q, k, v, g, row, h, s, decay);
                geo.read(q, row, h, s, o);
            }
            if (ht != null) {
                System.arraycopy(s, 0, ht, geo.stateOffset(n, h), s.length);
            }
        });
    }

    /** Gradients of forward for the loss <o, dout> + <ht, dht>; dg, dh0 may be null (not wanted). */
    static void backward(Problem p, double[] q, double[] k, double[] v, double[] g, double[] h0, double[] dout,
                         double[] dht, double[] dq, double[] dk, double[] dv, double[] dg, double[] dh0) {
        Geometry geo = new Geometry(p);
        int K = geo.K, V = geo.V, H = geo.H;
        double scale = p.scale();
        IntStream.range(0, geo.sequences * H).parallel().forEach(pair -> {
            int n = pair / H, h = pair % H;
            int start = geo.start(n), end = geo.end(n);
            int blocks = (end - start + BLOCK - 1) / BLOCK;
            double[][] checkpoints = new double[blocks][];
            double[] s = geo.initialState(h0, n, h);
            double[] decay = new double[K];
            for (int b = 0; b < blocks; b++) {
                checkpoints[b] = s.clone();
                for (int row = start + b * BLOCK; row < Math.min(start + (b + 1) * BLOCK, end); row++) {
                    geo.step(q, k, v, g, row, h, s, decay);
                }
            }
            double[] ds = new double[K * V];
            if (dht != null) {
                System.arraycopy(dht, geo.stateOffset(n, h), ds, 0, ds.length);
            }
            double[][] states = new double[BLOCK + 1][];
            double[] dgate = new double[K];
            for (int b = blocks - 1; b >= 0; b--) {
                int b0 = start + b * BLOCK, b1 = Math.min(b0 + BLOCK, end);
                states[0] = checkpoints[b].clone();
                for (int row = b0; row < b1; row++) {
                    double[] next = states[row - b0].clone();
                    geo.step(q, k, v, g, row, h, next, decay);
                    states[row - b0 + 1] = next;
                }
                for (int row = b1 - 1; row >= b0; row--) {
                    double[] st = states[row - b0 + 1], prev = states[row - b0];
                    int qo = geo.keyOffset(row, h), vo = geo.valueOffset(row, h);
                    for (int i = 0; i < K; i++) {
                        double acc = 0;
                        for (int j = 0; j < V; j++) {
                            acc += dout[vo + j] * st[i * V + j];
                        }
                        dq[qo + i] = scale * acc;
                    }
                    for (int i = 0; i < K; i++) {
                        double sq = scale * q[qo + i];
                        for (int j = 0; j < V; j++) {
                            ds[i * V + j] += sq * dout[vo + j];
                        }
                    }
                    for (int j = 0; j < V; j++) {
                        dv[vo + j] = 0;
                    }
                    geo.decay(g, row, h, decay);
                    for (int i = 0; i < K; i++) {
                        double dki = 0, dgi = 0, ki = k[qo + i];
                        for (int j = 0; j < V; j++) {
                            double d = ds[i * V + j];
                            dki += d * v[vo + j];
                            dv[vo + j] += d * ki;
                            dgi += d * prev[i * V + j];
                        }
                        dk[qo + i] = dki;
                        dgate[i] = decay[i] * dgi;
                        for (int j = 0; j < V; j++) {
                            ds[i * V + j] *= decay[i];
                        }
                    }
                    if (dg != null) {
                        geo.writeGateGradient(dgate, row, h, dg);
                    }
                }
            }
            if (dh0 != null) {
                System.arraycopy(ds, 0, dh0, geo.stateOffset(n, h), ds.length);
            }
        });
    }

    /** Index arithmetic of one problem: rows are positions along the flattened [B*T] axis. */
    private static final class Geometry {
        final int T, H, K, V, sequences;
        final long[] cu;
        final Gate gate;
        final double scale;

        Geometry(Problem p) {
            T = Math.toIntExact(p.seqLen());
            H = Math.toIntExact(p.heads());
            K = Math.toIntExact(p.keyDim());
            V = Math.toIntExact(p.valueDim());
            sequences = Math.toIntExact(p.sequences());
            cu = p.cuSeqlens();
            gate = p.gate();
            scale = p.scale();
        }

        int start(int n) {
            return cu != null ? (int) cu[n] : n * T;
        }

        int end(int n) {
            return cu != null ? (int) cu[n + 1] : (n + 1) * T;
        }

        int keyOffset(int row, int h) {
            return (row * H + h) * K;
        }

        int valueOffset(int row, int h) {
            return (row * H + h) * V;
        }

        int stateOffset(int n, int h) {
            return (n * H + h) * K * V;
        }

        double[] initialState(double[] h0, int n, int h) {
            double[] s = new double[K * V];
            if (h0 != null) {
                System.arraycopy(h0, stateOffset(n, h), s, 0, s.length);
            }
            return s;
        }

        /** decay[i] = exp(g[row, h, i]) (1 without a gate). */
        void decay(double[] g, int row, int h, double[] decay) {
            for (int i = 0; i < K; i++) {
                decay[i] = switch (gate) {
                    case NONE -> 1.0;
                    case CHANNEL -> Math.exp(g[keyOffset(row, h) + i]);
                    case HEAD -> Math.exp(g[row * H + h]);
                };
            }
        }

        /** s = diag(exp(g_row)) s + k_row^T v_row. */
        void step(double[] q, double[] k, double[] v, double[] g, int row, int h, double[] s, double[] decay) {
            decay(g, row, h, decay);
            int ko = keyOffset(row, h), vo = valueOffset(row, h);
            for (int i = 0; i < K; i++) {
                double ki = k[ko + i], di = decay[i];
                for (int j = 0; j < V; j++) {
                    s[i * V + j] = di * s[i * V + j] + ki * v[vo + j];
                }
            }
        }

        /** o_row = scale q_row s. */
        void read(double[] q, int row, int h, double[] s, double[] o) {
            int qo = keyOffset(row, h), vo = valueOffset(row, h);
            for (int j = 0; j < V; j++) {
                double acc = 0;
                for (int i = 0; i < K; i++) {
                    acc += q[qo + i] * s[i * V + j];
                }
                o[vo + j] = scale * acc;
            }
        }

        void writeGateGradient(double[] dgate, int row, int h, double[] dg) {
            if (gate == Gate.CHANNEL) {
                System.arraycopy(dgate, 0, dg, keyOffset(row, h), K);
            } else if (gate == Gate.HEAD) {
                double sum = 0;
                for (double d : dgate) {
                    sum += d;
                }
                dg[row * H + h] = sum;
            }
        }
    }
}

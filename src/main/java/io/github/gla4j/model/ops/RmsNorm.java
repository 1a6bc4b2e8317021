/*
 * RmsNorm.java — RMSNorm over the last dim D, row by row:
 *   forward   rstd = 1 / sqrt(mean(x²) + eps),  y = x · rstd · w
 *   backward  x̂ = x · rstd, c = mean(x̂ · w · dy),  dx = rstd · (w · dy − x̂ · c),  dw += Σ_rows dy · x̂
 * rstd [rows] is saved by forward for backward. Means are accumulated in double, and the backward works in double
 * within a row (x̂ · c nearly cancels w · dy when dy is close to parallel to x̂). dw is reduced over fixed row
 * blocks and the block sums added in order, so it does not depend on the thread count.
 * Tested by RmsNormTest (plain reference, finite differences in double).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class RmsNorm {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private RmsNorm() {
    }

    /** y = x / sqrt(mean(x²) + eps) · w over rows of D = w's length; rstd [rows] receives 1 / sqrt(mean(x²) + eps). */
    public static void forward(HostTensor x, HostTensor w, float eps, HostTensor y, HostTensor rstd) {
        String op = "RmsNorm.forward";
        int d = Rows.vector(op, "w", w);
        int rows = Rows.count(op, "x", x, d);
        Rows.require(op, "y", y, rows, d);
        Rows.require(op, "rstd", rstd, rows, 1);
        float[] weight = w.toFloatArray();
        int width = d;
        MemorySegment xs = x.segment(), ys = y.segment(), rs = rstd.segment();
        Rows.forEachBlock(rows, d, block -> {
            float[] row = new float[width];
            int r0 = block * Rows.blockRows(rows, width), r1 = Math.min(rows, r0 + Rows.blockRows(rows, width));
            for (int r = r0; r < r1; r++) {
                long offset = (long) r * width * Float.BYTES;
                MemorySegment.copy(xs, F32, offset, row, 0, width);
                float inv = normalize(row, weight, eps);
                rs.setAtIndex(F32, r, inv);
                MemorySegment.copy(row, 0, ys, F32, offset, width);
            }
        });
    }

    /**
     * dx = the gradient of forward's input for output gradient dy (dx += it when accumulate); dw += the weight's.
     * rstd is forward's.
     */
    public static void backward(HostTensor dy, HostTensor x, HostTensor w, HostTensor rstd, HostTensor dx,
                                boolean accumulate, HostTensor dw) {
        String op = "RmsNorm.backward";
        int d = Rows.vector(op, "w", w);
        int rows = Rows.count(op, "x", x, d);
        Rows.require(op, "dy", dy, rows, d);
        Rows.require(op, "rstd", rstd, rows, 1);
        Rows.require(op, "dx", dx, rows, d);
        Rows.require(op, "dw", dw, 1, d);
        float[] weight = w.toFloatArray();
        int blockRows = Rows.blockRows(rows, d);
        double[][] partial = new double[Rows.blocks(rows, d)][];
        MemorySegment xs = x.segment(), dys = dy.segment(), rs = rstd.segment(), dxs = dx.segment();
        Rows.forEachBlock(rows, d, block -> {
            float[] xr = new float[d], gr = new float[d], prev = new float[d];
            double[] xhat = new double[d], wg = new double[d];
            double[] dwSum = new double[d];
            int r0 = block * blockRows, r1 = Math.min(rows, r0 + blockRows);
            for (int r = r0; r < r1; r++) {
                long offset = (long) r * d * Float.BYTES;
                MemorySegment.copy(xs, F32, offset, xr, 0, d);
                MemorySegment.copy(dys, F32, offset, gr, 0, d);
                double inv = rs.getAtIndex(F32, r);
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    xhat[i] = xr[i] * inv;
                    wg[i] = (double) weight[i] * gr[i];
                    dwSum[i] += gr[i] * xhat[i];
                    dot += xhat[i] * wg[i];
                }
                double c = dot / d;
                if (accumulate) {
                    MemorySegment.copy(dxs, F32, offset, prev, 0, d);
                }
                for (int i = 0; i < d; i++) {
                    double g = inv * (wg[i] - xhat[i] * c);
                    gr[i] = (float) (accumulate ? prev[i] + g : g);
                }
                MemorySegment.copy(gr, 0, dxs, F32, offset, d);
            }
            partial[block] = dwSum;
        });
        addColumns(partial, dw, d);
    }

    /** Scales row in place to row / sqrt(mean(row²) + eps) · weight and returns 1 / sqrt(mean(row²) + eps). */
    static float normalize(float[] row, float[] weight, float eps) {
        int d = weight.length;
        double sumSq = 0;
        for (int i = 0; i < d; i++) {
            sumSq += (double) row[i] * row[i];
        }
        float inv = (float) (1.0 / Math.sqrt((float) (sumSq / d) + eps));
        for (int i = 0; i < d; i++) {
            row[i] = row[i] * inv * weight[i];
        }
        return inv;
    }

    /** acc[i] += Σ_blocks partial[block][i], blocks in order (deterministic); acc holds d floats. */
    static void addColumns(double[][] partial, HostTensor acc, int d) {
        float[] out = acc.toFloatArray();
        for (int i = 0; i < d; i++) {
            double s = 0;
            for (double[] p : partial) {
                if (p != null) {
                    s += p[i];
                }
            }
            out[i] = (float) (out[i] + s);
        }
        acc.copyFrom(out);
    }
}

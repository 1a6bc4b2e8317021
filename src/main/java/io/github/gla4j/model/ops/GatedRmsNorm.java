/*
 * GatedRmsNorm.java — the GLA layer's output norm: RMSNorm over each head's D = head_v values, times a swish gate:
 *   forward   n = x · rstd · w,  y = n · swish(z),  swish(z) = z · σ(z)
 *   backward  dn = dy · swish(z),  dz = dy · n · σ(z) · (1 + z · (1 − σ(z))),  then RMSNorm's backward of dn:
 *             dx = rstd · (w · dn − x̂ · mean(x̂ · w · dn)),  dw += Σ_rows dn · x̂
 * x, z, y [rows, D] (rows = tokens × heads; the weight is shared by all heads), rstd [rows]. The backward works in
 * double within a row: with small heads (D = 4, 8) the projection x̂ · mean(x̂ · w · dn) nearly cancels w · dn, and
 * fp32 terms would lose digits there.
 * Tested by GatedRmsNormTest (plain reference, finite differences in double).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class GatedRmsNorm {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private GatedRmsNorm() {
    }

    /** y = RMSNorm(x; w, eps) · swish(z) over rows of D = w's length; rstd [rows] as in RmsNorm. */
    public static void forward(HostTensor x, HostTensor z, HostTensor w, float eps, HostTensor y, HostTensor rstd) {
        String op = "GatedRmsNorm.forward";
        int d = Rows.vector(op, "w", w);
        int rows = Rows.count(op, "x", x, d);
        Rows.require(op, "z", z, rows, d);
        Rows.require(op, "y", y, rows, d);
        Rows.require(op, "rstd", rstd, rows, 1);
        float[] weight = w.toFloatArray();
        int blockRows = Rows.blockRows(rows, d);
        MemorySegment xs = x.segment(), zs = z.segment(), ys = y.segment(), rs = rstd.segment();
        Rows.forEachBlock(rows, d, block -> {
            float[] row = new float[d], gate = new float[d];
            int r0 = block * blockRows, r1 = Math.min(rows, r0 + blockRows);
            for (int r = r0; r < r1; r++) {
                long offset = (long) r * d * Float.BYTES;
                MemorySegment.copy(xs, F32, offset, row, 0, d);
                MemorySegment.copy(zs, F32, offset, gate, 0, d);
                rs.setAtIndex(F32, r, RmsNorm.normalize(row, weight, eps));
                for (int i = 0; i < d; i++) {
                    row[i] = row[i] * swish(gate[i]);
                }
                MemorySegment.copy(row, 0, ys, F32, offset, d);
            }
        });
    }

    /** dx and dz (written) and dw (accumulated) for output gradient dy; rstd is forward's. */
    public static void backward(HostTensor dy, HostTensor x, HostTensor z, HostTensor w, HostTensor rstd,
                                HostTensor dx, HostTensor dz, HostTensor dw) {
        String op = "GatedRmsNorm.backward";
        int d = Rows.vector(op, "w", w);
        int rows = Rows.count(op, "x", x, d);
        Rows.require(op, "dy", dy, rows, d);
        Rows.require(op, "z", z, rows, d);
        Rows.require(op, "rstd", rstd, rows, 1);
        Rows.require(op, "dx", dx, rows, d);
        Rows.require(op, "dz", dz, rows, d);
        Rows.require(op, "dw", dw, 1, d);
        float[] weight = w.toFloatArray();
        int blockRows = Rows.blockRows(rows, d);
        double[][] partial = new double[Rows.blocks(rows, d)][];
        MemorySegment xs = x.segment(), zs = z.segment(), dys = dy.segment(), rs = rstd.segment();
        MemorySegment dxs = dx.segment(), dzs = dz.segment();
        Rows.forEachBlock(rows, d, block -> {
            float[] xr = new float[d], zr = new float[d], gr = new float[d];
            double[] xhat = new double[d], wdn = new double[d];
            double[] dwSum = new double[d];
            int r0 = block * blockRows, r1 = Math.min(rows, r0 + blockRows);
            for (int r = r0; r < r1; r++) {
                long offset = (long) r * d * Float.BYTES;
                MemorySegment.copy(xs, F32, offset, xr, 0, d);
                MemorySegment.copy(zs, F32, offset, zr, 0, d);
                MemorySegment.copy(dys, F32, offset, gr, 0, d);
                double inv = rs.getAtIndex(F32, r);
                double dot = 0;
                for (int i = 0; i < d; i++) {
                    double s = 1 / (1 + Math.exp(-zr[i]));
                    double n = xr[i] * inv * weight[i];
                    double dn = gr[i] * zr[i] * s;
                    zr[i] = (float) (gr[i] * n * s * (1 + zr[i] * (1 - s)));
                    xhat[i] = xr[i] * inv;
                    wdn[i] = weight[i] * dn;
                    dwSum[i] += dn * xhat[i];
                    dot += xhat[i] * wdn[i];
                }
                double c = dot / d;
                for (int i = 0; i < d; i++) {
                    gr[i] = (float) (inv * (wdn[i] - xhat[i] * c));
                }
                MemorySegment.copy(gr, 0, dxs, F32, offset, d);
                MemorySegment.copy(zr, 0, dzs, F32, offset, d);
            }
            partial[block] = dwSum;
        });
        RmsNorm.addColumns(partial, dw, d);
    }

    static float sigmoid(float z) {
        return (float) (1.0 / (1.0 + Math.exp(-z)));
    }

    static float swish(float z) {
        return z * sigmoid(z);
    }
}

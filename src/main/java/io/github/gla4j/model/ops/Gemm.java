/*
 * Gemm.java — the three matrix products of a linear layer y = x·wᵀ (+ b), w stored [out, in] as in the reference:
 *   forward         y[M,N]  = x[M,K] · w[N,K]ᵀ (+ bias[N])
 *   backwardInput   dx[M,K] = dy[M,N] · w[N,K]          (or +=, to sum the gradients of several layers)
 *   backwardWeight  dw[N,K] += dy[M,N]ᵀ · x[M,K]         (dbias[N] += Σ_rows dy when given)
 * x, y, dx, dy may have any rank; their last dim is the row width. All on one kernel C (+)= A·B over logical
 * operands that may be stored transposed: blocks of A (MC × KC) and B (KC × NC) are packed from memory into
 * Java arrays (rows as separate arrays, zero-padded to the micro-tile), multiplied by a 2-row × 4-deep micro-kernel
 * that C2 vectorizes (Math.fma on the same column index of distinct arrays), and the C block is written once.
 * Tasks are the (row block, column block) tiles of C, run on the common fork/join pool; each task reduces over the
 * whole inner dimension in a fixed order, so results do not depend on the thread count.
 * Block sizes, measured in CPU time per thread on a loaded 2-core Zen 5 host: MC 128 × NC 256 × KC 256 gave ≈ 100-120
 * GFLOP/s per core against ≈ 75-90 for 64 × 128 × 256. Sharing a packed transposed block among 4 tiles (its packing is
 * a scatter) measured no gain there, so each task packs its own blocks.
 * Forward with few rows (decoding: one row per sequence) skips the packing, which then costs more than the product
 * (85% of a d=512 model's decoding time): each weight row is read once, straight from its memory, and dotted with
 * the rows of x, four columns at a time with two accumulators each; tasks are fixed blocks of FEW_NC columns.
 * Tested by GemmTest against a plain triple loop in double.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.stream.IntStream;

public final class Gemm {

    /** Rows of C per task (even: the micro-kernel takes rows in pairs). */
    static final int MC = 128;
    /** Columns of C per task: one C block row is NC floats. */
    static final int NC = 256;
    /** Depth of one packed block (a multiple of 4: the micro-kernel takes the depth in fours). */
    static final int KC = 256;
    /**
     * Rows of x up to which forward reads the weight in place instead of packing it. Measured at in = 512, out = 2048
     * on 2 shared cores: M = 1 and 2 run ≈ 2-3× faster in place, M = 3 is a tie, M = 4 runs ≈ 1.5× slower.
     */
    static final int FEW_ROWS = 2;
    /** Columns of y per task of the few-row forward (a multiple of 4: its kernel takes columns in fours). */
    static final int FEW_NC = 64;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ThreadLocal<Workspace> WORKSPACE = ThreadLocal.withInitial(Workspace::new);

    private Gemm() {
    }

    /** y[M,N] = x[M,K] · w[N,K]ᵀ, plus bias[N] on every row when bias is not null. */
    public static void forward(HostTensor x, HostTensor w, HostTensor bias, HostTensor y) {
        String op = "Gemm.forward";
        int[] nk = weightShape(op, w);
        int n = nk[0], k = nk[1];
        int m = Rows.count(op, "x", x, k);
        Rows.require(op, "y", y, m, n);
        if (bias != null) {
            Rows.require(op, "bias", bias, 1, n);
        }
        MemorySegment b = bias == null ? null : bias.segment();
        if (m <= FEW_ROWS) {
            fewRows(x.segment(), w.segment(), b, y.segment(), m, n, k);
        } else {
            multiply(new Operand(x.segment(), k, false), new Operand(w.segment(), k, true), y.segment(), m, n, k, false,
                    b);
        }
    }

    /** dx[M,K] = dy[M,N] · w[N,K], or dx += that when accumulate. */
    public static void backwardInput(HostTensor dy, HostTensor w, HostTensor dx, boolean accumulate) {
        String op = "Gemm.backwardInput";
        int[] nk = weightShape(op, w);
        int n = nk[0], k = nk[1];
        int m = Rows.count(op, "dy", dy, n);
        Rows.require(op, "dx", dx, m, k);
        multiply(new Operand(dy.segment(), n, false), new Operand(w.segment(), k, false), dx.segment(), m, k, n,
                accumulate, null);
    }

    /** dw[N,K] += dy[M,N]ᵀ · x[M,K]; dbias[N] += Σ_rows dy when dbias is not null. */
    public static void backwardWeight(HostTensor dy, HostTensor x, HostTensor dw, HostTensor dbias) {
        String op = "Gemm.backwardWeight";
        int[] nk = weightShape(op, dw);
        int n = nk[0], k = nk[1];
        int m = Rows.count(op, "x", x, k);
        Rows.require(op, "dy", dy, m, n);
        multiply(new Operand(dy.segment(), n, true), new Operand(x.segment(), k, false), dw.segment(), n, k, m, true,
                null);
        if (dbias != null) {
            Rows.require(op, "dbias", dbias, 1, n);
            columnSums(dy.segment(), m, n, dbias.segment());
        }
    }

    private static int[] weightShape(String op, HostTensor w) {
        if (w == null || w.shape().rank() != 2) {
            throw new IllegalArgumentException(op + ": the weight must be a matrix [out, in], got " + w);
        }
        long n = w.shape().dim(0), k = w.shape().dim(1);
        Rows.count(op, "the weight", w, k);
        if (n > Integer.MAX_VALUE || k > Integer.MAX_VALUE) {
            throw new IllegalArgumentException(op + ": the weight is too large: " + w);
        }
        return new int[]{(int) n, (int) k};
    }

    /**
     * A logical matrix operand of the product. Stored row-major with row length ld: element (r, c) is at r·ld + c,
     * or at c·ld + r when transposed (the operand is the transpose of what memory holds).
     */
    private record Operand(MemorySegment segment, int ld, boolean transposed) {
    }

    /** C[M,N] (+)= A[M,K] · B[K,N] (+ bias[N]); C row-major with row length N. */
    private static void multiply(Operand a, Operand b, MemorySegment c, int m, int n, int k, boolean accumulate,
                                 MemorySegment bias) {
        int rowBlocks = (m + MC - 1) / MC, colBlocks = (n + NC - 1) / NC;
        int tasks = rowBlocks * colBlocks;
        long flops = 2L * m * n * k;
        if (tasks == 1 || flops < (1 << 20)) {
            for (int t = 0; t < tasks; t++) {
                tile(a, b, c, m, n, k, accumulate, bias, t / colBlocks, t % colBlocks);
            }
        } else {
            IntStream.range(0, tasks).parallel().forEach(t ->
                    tile(a, b, c, m, n, k, accumulate, bias, t / colBlocks, t % colBlocks));
        }
    }

    /** One MC × NC tile of C, reduced over all of K. */
    private static void tile(Operand a, Operand b, MemorySegment c, int m, int n, int k, boolean accumulate,
                             MemorySegment bias, int rowBlock, int colBlock) {
        Workspace ws = WORKSPACE.get();
        int i0 = rowBlock * MC, mc = Math.min(MC, m - i0);
        int j0 = colBlock * NC, nc = Math.min(NC, n - j0);
        int mcPad = (mc + 1) & ~1;
        for (int i = 0; i < mcPad; i++) {
            Arrays.fill(ws.c[i], 0, nc, 0f);
        }
        for (int p0 = 0; p0 < k; p0 += KC) {
            int kc = Math.min(KC, k - p0);
            int kcPad = (kc + 3) & ~3;
            packA(a, i0, mc, p0, kc, kcPad, ws);
            packB(b, p0, kc, kcPad, j0, nc, ws);
            kernel(ws.a, ws.b, ws.c, mcPad, kcPad, nc);
        }
        float[] row = ws.row;
        for (int i = 0; i < mc; i++) {
            long offset = ((long) (i0 + i) * n + j0) * Float.BYTES;
            float[] ci = ws.c[i];
            if (accumulate) {
                MemorySegment.copy(c, F32, offset, row, 0, nc);
                for (int j = 0; j < nc; j++) {
                    ci[j] += row[j];
                }
            }
            if (bias != null) {
                MemorySegment.copy(bias, F32, (long) j0 * Float.BYTES, row, 0, nc);
                for (int j = 0; j < nc; j++) {
                    ci[j] += row[j];
                }
            }
            MemorySegment.copy(ci, 0, c, F32, offset, nc);
        }
    }

    /** ws.a[i][p] = A[i0 + i][p0 + p] for i < mc, p < kc; zero in the padding up to mcPad × kcPad. */
    private static void packA(Operand a, int i0, int mc, int p0, int kc, int kcPad, Workspace ws) {
        float[][] dst = ws.a;
        if (!a.transposed) {
            for (int i = 0; i < mc; i++) {
                MemorySegment.copy(a.segment, F32, ((long) (i0 + i) * a.ld + p0) * Float.BYTES, dst[i], 0, kc);
            }
        } else {
            float[] row = ws.row;
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(a.segment, F32, ((long) (p0 + p) * a.ld + i0) * Float.BYTES, row, 0, mc);
                for (int i = 0; i < mc; i++) {
                    dst[i][p] = row[i];
                }
            }
        }
        for (int i = 0; i < mc; i++) {
            Arrays.fill(dst[i], kc, kcPad, 0f);
        }
        if ((mc & 1) != 0) {
            Arrays.fill(dst[mc], 0, kcPad, 0f);
        }
    }

    /** ws.b[p][j] = B[p0 + p][j0 + j] for p < kc, j < nc; rows kc..kcPad zero. */
    private static void packB(Operand b, int p0, int kc, int kcPad, int j0, int nc, Workspace ws) {
        float[][] dst = ws.b;
        if (!b.transposed) {
            for (int p = 0; p < kc; p++) {
                MemorySegment.copy(b.segment, F32, ((long) (p0 + p) * b.ld + j0) * Float.BYTES, dst[p], 0, nc);
            }
        } else {
            float[] row = ws.row;
            for (int j = 0; j < nc; j++) {
                MemorySegment.copy(b.segment, F32, ((long) (j0 + j) * b.ld + p0) * Float.BYTES, row, 0, kc);
                for (int p = 0; p < kc; p++) {
                    dst[p][j] = row[p];
                }
            }
        }
        for (int p = kc; p < kcPad; p++) {
            Arrays.fill(dst[p], 0, nc, 0f);
        }
    }

    /**
     * c[i][j] += Σ_p a[i][p]·b[p][j] for i < mc (even), p < kc (a multiple of 4), j < n. Two rows of C and four rows
     * of B per pass: each loaded B element feeds two fused multiply-adds, each C element is loaded and stored once
     * per four. The fma chain keeps the reduction in order p = 0, 1, 2, ...
     */
    private static void kernel(float[][] a, float[][] b, float[][] c, int mc, int kc, int n) {
        for (int i = 0; i < mc; i += 2) {
            float[] c0 = c[i], c1 = c[i + 1], x = a[i], y = a[i + 1];
            for (int p = 0; p < kc; p += 4) {
                float[] b0 = b[p], b1 = b[p + 1], b2 = b[p + 2], b3 = b[p + 3];
                float x0 = x[p], x1 = x[p + 1], x2 = x[p + 2], x3 = x[p + 3];
                float y0 = y[p], y1 = y[p + 1], y2 = y[p + 2], y3 = y[p + 3];
                for (int j = 0; j < n; j++) {
                    float e0 = b0[j], e1 = b1[j], e2 = b2[j], e3 = b3[j];
                    c0[j] = Math.fma(x3, e3, Math.fma(x2, e2, Math.fma(x1, e1, Math.fma(x0, e0, c0[j]))));
                    c1[j] = Math.fma(y3, e3, Math.fma(y2, e2, Math.fma(y1, e1, Math.fma(y0, e0, c1[j]))));
                }
            }
        }
    }

    /** y[M,N] = x[M,K] · w[N,K]ᵀ (+ bias) for few rows M: blocks of FEW_NC columns of y in parallel, no packing. */
    private static void fewRows(MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, int m, int n,
                                int k) {
        int blocks = (n + FEW_NC - 1) / FEW_NC;
        Rows.forEach(blocks, (long) m * FEW_NC * k, blk -> {
            int j1 = Math.min(n, (blk + 1) * FEW_NC);
            for (int j = blk * FEW_NC; j < j1; j += 4) {
                for (int i = 0; i < m; i++) {
                    dot4(x, w, bias, y, i, j, Math.min(4, j1 - j), n, k);
                }
            }
        });
    }

    /**
     * y[i][j + t] = x[i]·w[j + t] (+ bias[j + t]) for t < cols (at most 4), reading x and w in place. Each loaded x
     * element feeds four fused multiply-adds; each column sums even and odd p in two accumulators, so eight
     * independent chains pipeline. A missing column (cols < 4) reads the last one again and is not written.
     */
    private static void dot4(MemorySegment x, MemorySegment w, MemorySegment bias, MemorySegment y, int i, int j,
                             int cols, int n, int k) {
        long row = (long) k * Float.BYTES, xo = i * row;
        long o0 = j * row, o1 = (j + Math.min(1, cols - 1)) * row;
        long o2 = (j + Math.min(2, cols - 1)) * row, o3 = (j + cols - 1) * row;
        float a0 = 0f, a1 = 0f, b0 = 0f, b1 = 0f, c0 = 0f, c1 = 0f, d0 = 0f, d1 = 0f;
        long end = (k & ~1L) * Float.BYTES;
        for (long q = 0; q < end; q += 2 * Float.BYTES) {
            float x0 = x.get(F32, xo + q), x1 = x.get(F32, xo + q + Float.BYTES);
            a0 = Math.fma(x0, w.get(F32, o0 + q), a0);
            a1 = Math.fma(x1, w.get(F32, o0 + q + Float.BYTES), a1);
            b0 = Math.fma(x0, w.get(F32, o1 + q), b0);
            b1 = Math.fma(x1, w.get(F32, o1 + q + Float.BYTES), b1);
            c0 = Math.fma(x0, w.get(F32, o2 + q), c0);
            c1 = Math.fma(x1, w.get(F32, o2 + q + Float.BYTES), c1);
            d0 = Math.fma(x0, w.get(F32, o3 + q), d0);
            d1 = Math.fma(x1, w.get(F32, o3 + q + Float.BYTES), d1);
        }
        if ((k & 1) != 0) {
            float x0 = x.get(F32, xo + end);
            a0 = Math.fma(x0, w.get(F32, o0 + end), a0);
            b0 = Math.fma(x0, w.get(F32, o1 + end), b0);
            c0 = Math.fma(x0, w.get(F32, o2 + end), c0);
            d0 = Math.fma(x0, w.get(F32, o3 + end), d0);
        }
        long yo = ((long) i * n + j) * Float.BYTES;
        store(y, yo, bias, j, a0 + a1);
        if (cols > 1) {
            store(y, yo + Float.BYTES, bias, j + 1, b0 + b1);
        }
        if (cols > 2) {
            store(y, yo + 2 * Float.BYTES, bias, j + 2, c0 + c1);
        }
        if (cols > 3) {
            store(y, yo + 3 * Float.BYTES, bias, j + 3, d0 + d1);
        }
    }

    /** y at byte offset yo = sum, plus bias[j] when bias is not null. */
    private static void store(MemorySegment y, long yo, MemorySegment bias, int j, float sum) {
        y.set(F32, yo, bias == null ? sum : sum + bias.get(F32, (long) j * Float.BYTES));
    }

    /** dbias[j] += Σ_i dy[i][j], columns in parallel blocks, rows summed in order. */
    private static void columnSums(MemorySegment dy, int m, int n, MemorySegment dbias) {
        int blocks = (n + NC - 1) / NC;
        IntStream range = IntStream.range(0, blocks);
        ((long) m * n < Rows.GRAIN ? range : range.parallel()).forEach(blk -> {
            int j0 = blk * NC, nc = Math.min(NC, n - j0);
            double[] sum = new double[nc];
            float[] row = new float[nc];
            for (int i = 0; i < m; i++) {
                MemorySegment.copy(dy, F32, ((long) i * n + j0) * Float.BYTES, row, 0, nc);
                for (int j = 0; j < nc; j++) {
                    sum[j] += row[j];
                }
            }
            MemorySegment.copy(dbias, F32, (long) j0 * Float.BYTES, row, 0, nc);
            for (int j = 0; j < nc; j++) {
                row[j] = (float) (row[j] + sum[j]);
            }
            MemorySegment.copy(row, 0, dbias, F32, (long) j0 * Float.BYTES, nc);
        });
    }

    /** Per-thread packed blocks (rows as separate arrays, so the JIT sees no aliasing between them). */
    private static final class Workspace {
        final float[][] a = new float[MC][KC];
        final float[][] b = new float[KC][NC];
        final float[][] c = new float[MC][NC];
        final float[] row = new float[Math.max(KC, Math.max(MC, NC))];
    }
}

/*
 * RepeatHeads.java — grouped-query attention's head repeat on rows of heads × D:
 *   forward   out[r, j·G + i, :] = in[r, j, :]     for kv head j and copy i < G (groups)
 *   backward  din[r, j, :] = Σ_i dout[r, j·G + i, :]
 * so kv head j feeds heads j·G … j·G + G − 1, as in the reference. Tested by RepeatHeadsTest.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class RepeatHeads {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;

    private RepeatHeads() {
    }

    /** out [rows, kvHeads·groups·D] from in [rows, kvHeads·D]. */
    public static void forward(HostTensor in, int kvHeads, int groups, int d, HostTensor out) {
        String op = "RepeatHeads.forward";
        int rows = check(op, in, kvHeads, groups, d);
        Rows.require(op, "out", out, rows, (long) kvHeads * groups * d);
        long inRow = (long) kvHeads * d, outRow = inRow * groups;
        MemorySegment src = in.segment(), dst = out.segment();
        int blockRows = Rows.blockRows(rows, outRow);
        Rows.forEachBlock(rows, outRow, block -> {
            for (int r = block * blockRows; r < Math.min(rows, (block + 1) * blockRows); r++) {
                for (int j = 0; j < kvHeads; j++) {
                    for (int i = 0; i < groups; i++) {
                        MemorySegment.copy(src, (r * inRow + (long) j * d) * Float.BYTES, dst,
                                (r * outRow + ((long) j * groups + i) * d) * Float.BYTES, (long) d * Float.BYTES);
                    }
                }
            }
        });
    }

    /** din [rows, kvHeads·D] (written) = the sum over each kv head's copies in dout. */
    public static void backward(HostTensor dout, int kvHeads, int groups, int d, HostTensor din) {
        String op = "RepeatHeads.backward";
        int rows = check(op, din, kvHeads, groups, d);
        Rows.require(op, "dout", dout, rows, (long) kvHeads * groups * d);
        long inRow = (long) kvHeads * d, outRow = inRow * groups;
        MemorySegment src = dout.segment(), dst = din.segment();
        int blockRows = Rows.blockRows(rows, outRow);
        Rows.forEachBlock(rows, outRow, block -> {
            float[] sum = new float[d], copy = new float[d];
            for (int r = block * blockRows; r < Math.min(rows, (block + 1) * blockRows); r++) {
                for (int j = 0; j < kvHeads; j++) {
                    java.util.Arrays.fill(sum, 0f);
                    for (int i = 0; i < groups; i++) {
                        MemorySegment.copy(src, F32, (r * outRow + ((long) j * groups + i) * d) * Float.BYTES, copy,
                                0, d);
                        for (int c = 0; c < d; c++) {
                            sum[c] += copy[c];
                        }
                    }
                    MemorySegment.copy(sum, 0, dst, F32, (r * inRow + (long) j * d) * Float.BYTES, d);
                }
            }
        });
    }

    private static int check(String op, HostTensor kv, int kvHeads, int groups, int d) {
        if (kvHeads < 1 || groups < 1 || d < 1) {
            throw new IllegalArgumentException(op + ": kvHeads, groups and D must be ≥ 1, got " + kvHeads + ", "
                    + groups + ", " + d);
        }
        return Rows.count(op, "the kv-head tensor", kv, (long) kvHeads * d);
    }
}

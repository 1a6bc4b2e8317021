/*
 * Embedding.java — token embedding lookup and its gradient:
 *   forward   out[n, :] = table[ids[n], :]
 *   backward  dtable[ids[n], :] += dout[n, :] for every n, except rows equal to paddingIdx (the reference's
 *             padding_idx: that row never receives a gradient from the lookup)
 * Ids are checked against the table before any memory is touched. The backward runs over columns in parallel and
 * over tokens in order, so sums do not depend on the thread count. Tested by EmbeddingTest.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class Embedding {

    /** paddingIdx value meaning "no padding row". */
    public static final int NO_PADDING = -1;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int COLUMNS = 64;

    private Embedding() {
    }

    /** out [ids.length, D] = rows of table [V, D]. */
    public static void forward(int[] ids, HostTensor table, HostTensor out) {
        String op = "Embedding.forward";
        long d = width(op, table);
        checkIds(op, ids, table.shape().dim(0));
        Rows.require(op, "out", out, ids.length, d);
        long rowBytes = d * Float.BYTES;
        MemorySegment src = table.segment(), dst = out.segment();
        int blockRows = Rows.blockRows(ids.length, d);
        Rows.forEachBlock(ids.length, d, block -> {
            for (int n = block * blockRows; n < Math.min(ids.length, (block + 1) * blockRows); n++) {
                MemorySegment.copy(src, ids[n] * rowBytes, dst, n * rowBytes, rowBytes);
            }
        });
    }

    /** dtable [V, D] += dout [ids.length, D] scattered by ids, skipping paddingIdx (NO_PADDING for none). */
    public static void backward(int[] ids, HostTensor dout, int paddingIdx, HostTensor dtable) {
        String op = "Embedding.backward";
        long d = width(op, dtable);
        long vocab = dtable.shape().dim(0);
        checkIds(op, ids, vocab);
        Rows.require(op, "dout", dout, ids.length, d);
        if (paddingIdx != NO_PADDING && (paddingIdx < 0 || paddingIdx >= vocab)) {
            throw new IllegalArgumentException(op + ": paddingIdx " + paddingIdx + " is outside [0, " + vocab + ")");
        }
        MemorySegment src = dout.segment(), dst = dtable.segment();
        int blocks = (int) ((d + COLUMNS - 1) / COLUMNS);
        Rows.forEach(blocks, (long) ids.length * COLUMNS, block -> {
            long c0 = (long) block * COLUMNS;
            int width = (int) Math.min(COLUMNS, d - c0);
            float[] g = new float[width], acc = new float[width];
            for (int n = 0; n < ids.length; n++) {
                if (ids[n] == paddingIdx) {
                    continue;
                }
                long to = (ids[n] * d + c0) * Float.BYTES;
                MemorySegment.copy(src, F32, (n * d + c0) * Float.BYTES, g, 0, width);
                MemorySegment.copy(dst, F32, to, acc, 0, width);
                for (int c = 0; c < width; c++) {
                    acc[c] += g[c];
                }
                MemorySegment.copy(acc, 0, dst, F32, to, width);
            }
        });
    }

    private static long width(String op, HostTensor table) {
        if (table == null || table.shape().rank() != 2) {
            throw new IllegalArgumentException(op + ": the table must be a matrix [V, D], got " + table);
        }
        long d = table.shape().dim(1);
        Rows.count(op, "the table", table, d);
        return d;
    }

    static void checkIds(String op, int[] ids, long vocab) {
        if (ids == null) {
            throw new IllegalArgumentException(op + ": ids must not be null");
        }
        for (int n = 0; n < ids.length; n++) {
            if (ids[n] < 0 || ids[n] >= vocab) {
                throw new IllegalArgumentException(op + ": token id " + ids[n] + " at position " + n
                        + " is outside the vocabulary [0, " + vocab + ")");
            }
        }
    }
}

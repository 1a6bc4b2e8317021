/*
 * Elementwise.java — the residual connection: out = a + b over equal-sized tensors (out may be a or b).
 * Tested by ElementwiseTest.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class Elementwise {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int PIECE = 4096;

    private Elementwise() {
    }

    /** out = a + b. */
    public static void add(HostTensor a, HostTensor b, HostTensor out) {
        String op = "Elementwise.add";
        long n = Rows.count(op, "a", a, 1);
        Rows.require(op, "b", b, n, 1);
        Rows.require(op, "out", out, n, 1);
        MemorySegment as = a.segment(), bs = b.segment(), os = out.segment();
        Rows.forEach((int) ((n + PIECE - 1) / PIECE), PIECE, piece -> {
            long start = (long) piece * PIECE;
            int len = (int) Math.min(PIECE, n - start);
            float[] x = new float[len], y = new float[len];
            MemorySegment.copy(as, F32, start * Float.BYTES, x, 0, len);
            MemorySegment.copy(bs, F32, start * Float.BYTES, y, 0, len);
            for (int i = 0; i < len; i++) {
                x[i] += y[i];
            }
            MemorySegment.copy(x, 0, os, F32, start * Float.BYTES, len);
        });
    }
}

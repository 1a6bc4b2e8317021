/*
 * SwiGlu.java — the MLP's gated activation, elementwise over equal-shaped a (gate_proj output) and b (up_proj output):
 *   forward   y = silu(a) · b,  silu(a) = a · σ(a)
 *   backward  da = dy · b · σ(a) · (1 + a · (1 − σ(a))),  db = dy · silu(a)
 * Tested by SwiGluTest (plain reference, finite differences in double).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class SwiGlu {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    /** Elements per piece: a few arrays of this size stay in L1/L2. */
    private static final int PIECE = 4096;

    private SwiGlu() {
    }

    /** y = silu(a) · b. */
    public static void forward(HostTensor a, HostTensor b, HostTensor y) {
        String op = "SwiGlu.forward";
        int pieces = pieces(op, a, b, y, "y");
        long n = a.elementCount();
        MemorySegment as = a.segment(), bs = b.segment(), ys = y.segment();
        Rows.forEach(pieces, PIECE, piece -> {
            long start = (long) piece * PIECE;
            int len = (int) Math.min(PIECE, n - start);
            float[] ar = new float[len], br = new float[len];
            MemorySegment.copy(as, F32, start * Float.BYTES, ar, 0, len);
            MemorySegment.copy(bs, F32, start * Float.BYTES, br, 0, len);
            for (int i = 0; i < len; i++) {
                br[i] = GatedRmsNorm.swish(ar[i]) * br[i];
            }
            MemorySegment.copy(br, 0, ys, F32, start * Float.BYTES, len);
        });
    }

    /** da, db (written) for output gradient dy. */
    public static void backward(HostTensor dy, HostTensor a, HostTensor b, HostTensor da, HostTensor db) {
        String op = "SwiGlu.backward";
        int pieces = pieces(op, a, b, dy, "dy");
        Rows.require(op, "da", da, a.elementCount(), 1);
        Rows.require(op, "db", db, a.elementCount(), 1);
        long n = a.elementCount();
        MemorySegment as = a.segment(), bs = b.segment(), dys = dy.segment(), das = da.segment(), dbs = db.segment();
        Rows.forEach(pieces, PIECE, piece -> {
            long start = (long) piece * PIECE;
            int len = (int) Math.min(PIECE, n - start);
            float[] ar = new float[len], br = new float[len], gr = new float[len];
            MemorySegment.copy(as, F32, start * Float.BYTES, ar, 0, len);
            MemorySegment.copy(bs, F32, start * Float.BYTES, br, 0, len);
            MemorySegment.copy(dys, F32, start * Float.BYTES, gr, 0, len);
            for (int i = 0; i < len; i++) {
                float s = GatedRmsNorm.sigmoid(ar[i]);
                float g = gr[i];
                gr[i] = g * ar[i] * s;
                ar[i] = g * br[i] * s * (1 + ar[i] * (1 - s));
            }
            MemorySegment.copy(ar, 0, das, F32, start * Float.BYTES, len);
            MemorySegment.copy(gr, 0, dbs, F32, start * Float.BYTES, len);
        });
    }

    /** Checks that the three tensors are F32 of one size and returns the number of pieces. */
    private static int pieces(String op, HostTensor a, HostTensor b, HostTensor c, String cName) {
        long n = Rows.count(op, "a", a, 1);
        Rows.require(op, "b", b, n, 1);
        Rows.require(op, cName, c, n, 1);
        return (int) ((n + PIECE - 1) / PIECE);
    }
}

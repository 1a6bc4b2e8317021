/*
 * LogSigmoidGate.java — the GLA layer's forget gate from its projection z, elementwise:
 *   forward   g = max(logσ(z) / normalizer, clampMin),  logσ(z) = min(z, 0) − log1p(exp(−|z|))  (never overflows)
 *   backward  dz = dg · σ(−z) / normalizer where logσ(z) / normalizer ≥ clampMin, else 0 (the clamp's gradient)
 * Without a clamp pass clampMin = −∞. g ≤ 0 always: it is a natural-log forget gate (GUIDE §2).
 * Tested by LogSigmoidGateTest (plain reference, finite differences in double).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.HostTensor;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class LogSigmoidGate {

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final int PIECE = 4096;

    private LogSigmoidGate() {
    }

    /** g = max(logσ(z) / normalizer, clampMin). */
    public static void forward(HostTensor z, float normalizer, float clampMin, HostTensor g) {
        String op = "LogSigmoidGate.forward";
        long n = check(op, z, normalizer, clampMin);
        Rows.require(op, "g", g, n, 1);
        MemorySegment zs = z.segment(), gs = g.segment();
        Rows.forEach(pieces(n), PIECE, piece -> {
            long start = (long) piece * PIECE;
            int len = (int) Math.min(PIECE, n - start);
            float[] r = new float[len];
            MemorySegment.copy(zs, F32, start * Float.BYTES, r, 0, len);
            for (int i = 0; i < len; i++) {
                r[i] = Math.max(logSigmoid(r[i]) / normalizer, clampMin);
            }
            MemorySegment.copy(r, 0, gs, F32, start * Float.BYTES, len);
        });
    }

    /** dz (written) for gate gradient dg. */
    public static void backward(HostTensor dg, HostTensor z, float normalizer, float clampMin, HostTensor dz) {
        String op = "LogSigmoidGate.backward";
        long n = check(op, z, normalizer, clampMin);
        Rows.require(op, "dg", dg, n, 1);
        Rows.require(op, "dz", dz, n, 1);
        MemorySegment zs = z.segment(), dgs = dg.segment(), dzs = dz.segment();
        Rows.forEach(pieces(n), PIECE, piece -> {
            long start = (long) piece * PIECE;
            int len = (int) Math.min(PIECE, n - start);
            float[] zr = new float[len], gr = new float[len];
            MemorySegment.copy(zs, F32, start * Float.BYTES, zr, 0, len);
            MemorySegment.copy(dgs, F32, start * Float.BYTES, gr, 0, len);
            boolean clamped = clampMin != Float.NEGATIVE_INFINITY;
            for (int i = 0; i < len; i++) {
                float zi = zr[i];
                boolean passes = !clamped || logSigmoid(zi) / normalizer >= clampMin;
                gr[i] = passes ? gr[i] * GatedRmsNorm.sigmoid(-zi) / normalizer : 0f;
            }
            MemorySegment.copy(gr, 0, dzs, F32, start * Float.BYTES, len);
        });
    }

    /**
     * log σ(z) = min(z, 0) − log(1 + e), e = exp(−|z|) ∈ (0, 1]: no overflow for either sign of z. log(1 + e) is
     * e − e²/2 for e < 1e-4 (error < e³/3, far below fp32), else Math.log, which the JIT intrinsifies (log1p it
     * does not, and it cost most of this op's time).
     */
    static float logSigmoid(float z) {
        double e = Math.exp(-Math.abs(z));
        return (float) (Math.min(z, 0.0) - (e < 1e-4 ? e * (1 - 0.5 * e) : Math.log(1 + e)));
    }

    private static long check(String op, HostTensor z, float normalizer, float clampMin) {
        if (!(normalizer > 0) || Float.isInfinite(normalizer)) {
            throw new IllegalArgumentException(op + ": normalizer must be finite and > 0, got " + normalizer);
        }
        if (Float.isNaN(clampMin) || clampMin > 0) {
            throw new IllegalArgumentException(op + ": clampMin must be ≤ 0 (or −∞ for no clamp), got " + clampMin);
        }
        return Rows.count(op, "z", z, 1);
    }

    private static int pieces(long n) {
        return (int) ((n + PIECE - 1) / PIECE);
    }
}

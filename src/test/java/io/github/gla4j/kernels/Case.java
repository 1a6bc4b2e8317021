/*
 * Case.java — one parity-test problem: dims, dtype, gate kind and strength, which optional states are used, and
 * varlen boundaries. grid() picks covering combinations of the guide's awkward shapes instead of the full product:
 * every T, K and V value, every dtype x gate pair, every gate x strength pair and every h0/ht combination appear.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

record Case(int batch, int seqLen, int heads, int keyDim, int valueDim, DType dtype, Gate gate, Strength strength,
            boolean h0, boolean ht, long[] cuSeqlens) {

    static final int[] SEQ_LENS = {1, 15, 63, 64, 65, 100, 1000};
    static final int[] DIMS = {16, 60, 64, 100, 128};

    static List<Case> grid() {
        List<Case> cases = new ArrayList<>();
        Gate[] gates = Gate.values();
        Strength[] strengths = Strength.values();
        for (int i = 0; i < 24; i++) {
            int t = SEQ_LENS[i % SEQ_LENS.length];
            int batch = t >= 1000 ? 1 : 1 + (i / 2) % 2;
            int heads = 1 + (i % 2);
            cases.add(new Case(batch, t, heads, DIMS[i % 5], DIMS[(i + 2) % 5], i % 2 == 0 ? DType.F32 : DType.BF16,
                    gates[i % 3], strengths[i % 4], (i / 4) % 2 == 0, (i / 8) % 2 == 0 || i % 5 == 0, null));
        }
        return cases;
    }

    /** Varlen problems (batch 1), each with an empty sequence and sequences crossing chunk boundaries. */
    static List<Case> varlen() {
        List<Case> cases = new ArrayList<>();
        long[][] bounds = {{0, 15, 15, 80, 81}, {0, 0, 64, 64, 200}, {0, 1, 2, 3, 67, 130}, {0, 100, 100}};
        Gate[] gates = Gate.values();
        for (int i = 0; i < 6; i++) {
            long[] cu = bounds[i % bounds.length];
            int t = (int) cu[cu.length - 1];
            cases.add(new Case(1, t, 1 + i % 2, DIMS[(i + 1) % 5], DIMS[(i + 3) % 5],
                    i % 2 == 0 ? DType.F32 : DType.BF16, gates[i % 3], Strength.values()[i % 4], i % 3 != 2,
                    i % 4 != 3, cu));
        }
        return cases;
    }

    int sequences() {
        return cuSeqlens != null ? cuSeqlens.length - 1 : batch;
    }

    Options options() {
        Options o = Options.of(gate);
        return cuSeqlens == null ? o : o.withCuSeqlens(cuSeqlens);
    }

    @Override
    public String toString() {
        return "B" + batch + " T" + seqLen + " H" + heads + " K" + keyDim + " V" + valueDim + " " + dtype + " "
                + gate + " " + strength + (h0 ? " h0" : "") + (ht ? " ht" : "")
                + (cuSeqlens != null ? " cu" + Arrays.toString(cuSeqlens) : "");
    }
}

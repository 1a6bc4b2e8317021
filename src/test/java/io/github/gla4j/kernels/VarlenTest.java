/*
 * VarlenTest.java — variable-length batches (cu_seqlens, batch 1, per-sequence states), each case with an empty
 * sequence or sequences crossing chunk boundaries: the native chunk and recurrent ops, forward and every gradient,
 * against the reference on cpu and (when present) cuda; and the reference's varlen result against running each
 * sequence on its own (an empty sequence passes its initial state through and its dht back as dh0).
 * Run: ./mvnw -o test -Dtest=VarlenTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;

class VarlenTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.github.gla4j.kernels.ParityCases#varlen")
    void nativeMatchesReference(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            double tol = Backends.tolerance(c.dtype());
            Harness.ExpectedForward ref = Harness.referenceForward(in);
            Compare.forward("chunk vs reference", ref, Harness.forward(kernels, true, in), tol);
            Compare.forward("recurrent vs reference", ref, Harness.forward(kernels, false, in), tol);
            Harness.ExpectedBackward refGrad = Harness.referenceBackward(in);
            Compare.backward("chunk vs reference", refGrad, Harness.backward(kernels, true, in), tol);
            Compare.backward("recurrent vs reference", refGrad, Harness.backward(kernels, false, in), tol);
        }
    }

    static List<Case> cases() {
        return Case.varlen().stream().filter(c -> c.dtype() == DType.F32).toList();
    }

    /** The reference's varlen semantics, checked independently: each sequence as its own batch-1 problem. */
    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void referenceEqualsSeparateSequences(Case c) {
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Harness.Forward whole = Harness.referenceForward(in).value();
            Harness.Backward wholeGrad = Harness.referenceBackward(in).value();
            long[] cu = c.cuSeqlens();
            int kvSize = c.keyDim() * c.valueDim() * c.heads();
            for (int n = 0; n + 1 < cu.length; n++) {
                int start = (int) cu[n], len = (int) (cu[n + 1] - cu[n]);
                float[] h0 = in.h0 == null ? new float[kvSize] : slice(in.h0.toFloatArray(), n * kvSize, kvSize);
                float[] dht = in.dht == null ? new float[kvSize] : slice(in.dht.toFloatArray(), n * kvSize, kvSize);
                if (len == 0) {
                    if (c.ht()) {
                        assertArrayEquals(h0, slice(whole.ht(), n * kvSize, kvSize), "empty sequence " + n + ": ht = h0");
                    }
                    if (c.h0()) {
                        assertArrayEquals(dht, slice(wholeGrad.dh0(), n * kvSize, kvSize),
                                "empty sequence " + n + ": dh0 = dht");
                    }
                    continue;
                }
                Case one = new Case(1, len, c.heads(), c.keyDim(), c.valueDim(), c.dtype(), c.gate(), c.strength(),
                        c.h0(), c.ht(), null);
                Inputs part = new Inputs(arena, one, 0);
                copyRows(in.q, part.q, start, len);
                copyRows(in.k, part.k, start, len);
                copyRows(in.v, part.v, start, len);
                copyRows(in.dout, part.dout, start, len);
                copyRows(in.q32, part.q32, start, len);
                copyRows(in.k32, part.k32, start, len);
                copyRows(in.v32, part.v32, start, len);
                copyRows(in.dout32, part.dout32, start, len);
                if (in.g != null) {
                    copyRows(in.g, part.g, start, len);
                }
                if (in.h0 != null) {
                    part.h0.copyFrom(h0);
                }
                if (in.dht != null) {
                    part.dht.copyFrom(dht);
                }
                Harness.Forward f = Harness.referenceForward(part).value();
                int valueRow = c.heads() * c.valueDim(), keyRow = c.heads() * c.keyDim();
                assertArrayEquals(f.o(), slice(whole.o(), start * valueRow, len * valueRow), "o of sequence " + n);
                if (c.ht()) {
                    assertArrayEquals(f.ht(), slice(whole.ht(), n * kvSize, kvSize), "ht of sequence " + n);
                }
                Harness.Backward b = Harness.referenceBackward(part).value();
                assertArrayEquals(b.dq(), slice(wholeGrad.dq(), start * keyRow, len * keyRow), "dq of sequence " + n);
                assertArrayEquals(b.dk(), slice(wholeGrad.dk(), start * keyRow, len * keyRow), "dk of sequence " + n);
                assertArrayEquals(b.dv(), slice(wholeGrad.dv(), start * valueRow, len * valueRow), "dv of sequence " + n);
                if (b.dg() != null) {
                    int gateRow = c.gate() == Gate.HEAD ? c.heads() : keyRow;
                    assertArrayEquals(b.dg(), slice(wholeGrad.dg(), start * gateRow, len * gateRow), "dg of sequence " + n);
                }
                if (c.h0()) {
                    assertArrayEquals(b.dh0(), slice(wholeGrad.dh0(), n * kvSize, kvSize), "dh0 of sequence " + n);
                }
            }
        }
    }

    /** Rows [start, start + len) of the T axis of a [1, T, ...] tensor into a [1, len, ...] tensor. */
    private static void copyRows(HostTensor from, HostTensor to, int start, int len) {
        long[] dims = from.shape().dims();
        long rest = from.elementCount() / dims[1];
        HostTensor rows = from.reshape(Shape.of(dims[1], rest)).slice(start, len);
        to.copyFrom(rows.reshape(to.shape()));
    }

    private static float[] slice(float[] a, int from, int len) {
        return java.util.Arrays.copyOfRange(a, from, from + len);
    }
}

/*
 * DifferentialFuzzTest.java — random small problems (shapes, gate kind and strength, dtype, initial/final state,
 * varlen with empty sequences) on which the native chunk op must equal the native recurrent op and the Java
 * reference, forward and every gradient, on the cpu backend. Input layout (FuzzInput): dims, flags, cu_seqlens
 * cuts, then a seed for the tensor contents. The seed corpus in
 * src/test/resources/io/github/gla4j/kernels/DifferentialFuzzTestInputs/chunkEqualsRecurrent is replayed by every
 * `mvn test`.
 * Fuzz: JAZZER_FUZZ=1 JAZZER_MAX_DURATION=30m ./mvnw -o test -Dtest='DifferentialFuzzTest#chunkEqualsRecurrent' -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.gla4j.ffi.FuzzInput;
import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;

import java.lang.foreign.Arena;
import java.util.Arrays;

class DifferentialFuzzTest {

    @FuzzTest(maxDuration = "2m")
    void chunkEqualsRecurrent(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        boolean varlen = in.pick(4) == 3;
        int seqLen = 1 + in.pick(140);
        int batch = varlen ? 1 : 1 + in.pick(2);
        int heads = 1 + in.pick(2);
        int keyDim = 1 + in.pick(40), valueDim = 1 + in.pick(40);
        DType dtype = in.pick(4) == 3 ? DType.BF16 : DType.F32;
        Gate gate = Gate.values()[in.pick(3)];
        Strength strength = Strength.values()[in.pick(Strength.values().length)];
        boolean h0 = in.bool(), ht = in.bool();
        long[] cu = null;
        if (varlen) {
            int n = 1 + in.pick(4);
            cu = new long[n + 1];
            for (int i = 1; i < n; i++) {
                cu[i] = in.pick(seqLen + 1);
            }
            cu[n] = seqLen;
            Arrays.sort(cu, 1, n);
        }
        Case c = new Case(batch, seqLen, heads, keyDim, valueDim, dtype, gate, strength, h0, ht, cu);
        NativeKernels kernels = Backends.CPU.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs inputs = new Inputs(arena, c, in.nextInt());
            double tol = Backends.tolerance(dtype);
            Harness.ExpectedForward ref = Harness.referenceForward(inputs);
            Harness.Forward chunk = Harness.forward(kernels, true, inputs);
            Compare.forward("chunk vs reference, " + c, ref, chunk, tol);
            Compare.forward("chunk vs recurrent, " + c, ref.withValue(Harness.forward(kernels, false, inputs)), chunk,
                    tol);
            Harness.ExpectedBackward refGrad = Harness.referenceBackward(inputs);
            Harness.Backward chunkGrad = Harness.backward(kernels, true, inputs);
            Compare.backward("chunk vs reference, " + c, refGrad, chunkGrad, tol);
            Compare.backward("chunk vs recurrent, " + c, refGrad.withValue(Harness.backward(kernels, false, inputs)),
                    chunkGrad, tol);
        }
    }
}

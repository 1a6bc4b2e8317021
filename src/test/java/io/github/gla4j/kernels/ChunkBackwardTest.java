/*
 * ChunkBackwardTest.java — every gradient of gla_chunk_bwd (dq, dk, dv, dg, dh0) against the double reference (whose
 * backward ReferenceGradientTest checks by finite differences) and against gla_recurrent_bwd, on the Case grid,
 * on cpu and (when present) cuda.
 * Run: ./mvnw -o test -Dtest=ChunkBackwardTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;

class ChunkBackwardTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.github.gla4j.kernels.ParityCases#grid")
    void matchesReferenceAndRecurrent(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Harness.ExpectedBackward ref = Harness.referenceBackward(in);
            Harness.Backward chunk = Harness.backward(kernels, true, in);
            Harness.Backward recurrent = Harness.backward(kernels, false, in);
            double tol = Backends.tolerance(c.dtype());
            Compare.backward("chunk vs reference", ref, chunk, tol);
            Compare.backward("chunk vs recurrent", ref.withValue(recurrent), chunk, tol);
        }
    }
}

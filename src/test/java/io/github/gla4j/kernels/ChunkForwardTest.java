/*
 * ChunkForwardTest.java — gla_chunk_fwd against the double reference and against gla_recurrent_fwd, on the Case
 * grid (fp32 and bf16, all gate kinds and strengths, with and without h0/ht), on cpu and (when present) cuda.
 * Run: ./mvnw -o test -Dtest=ChunkForwardTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;

class ChunkForwardTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.github.gla4j.kernels.ParityCases#grid")
    void matchesReferenceAndRecurrent(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Harness.ExpectedForward ref = Harness.referenceForward(in);
            Harness.Forward chunk = Harness.forward(kernels, true, in);
            Harness.Forward recurrent = Harness.forward(kernels, false, in);
            double tol = Backends.tolerance(c.dtype());
            Compare.forward("chunk vs reference", ref, chunk, tol);
            Compare.forward("chunk vs recurrent", ref.withValue(recurrent), chunk, tol);
        }
    }
}

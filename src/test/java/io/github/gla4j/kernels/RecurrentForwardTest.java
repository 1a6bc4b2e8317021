/*
 * RecurrentForwardTest.java — gla_recurrent_fwd (the token-by-token ground truth) against the double reference on
 * the Case grid, on cpu and (when present) cuda.
 * Run: ./mvnw -o test -Dtest=RecurrentForwardTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;

class RecurrentForwardTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.github.gla4j.kernels.ParityCases#grid")
    void matchesReference(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Compare.forward("recurrent vs reference", Harness.referenceForward(in), Harness.forward(kernels, false, in),
                    Backends.tolerance(c.dtype()));
        }
    }
}

/*
 * RecurrentBackwardTest.java — every gradient of gla_recurrent_bwd against the double reference on the Case grid,
 * on cpu and (when present) cuda.
 * Run: ./mvnw -o test -Dtest=RecurrentBackwardTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;

class RecurrentBackwardTest {

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("io.github.gla4j.kernels.ParityCases#grid")
    void matchesReference(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Compare.backward("recurrent vs reference", Harness.referenceBackward(in),
                    Harness.backward(kernels, false, in), Backends.tolerance(c.dtype()));
        }
    }
}

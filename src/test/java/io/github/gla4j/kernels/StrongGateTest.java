/*
 * StrongGateTest.java — gates down to -50 per step: every gate exactly -50, and -50 mixed with 0 across channels
 * (the widest dynamic range inside a chunk, where exp of a positive log-gate difference would overflow), over several
 * chunks. Outputs and all gradients must be finite and match the reference, for all gate kinds, chunk and recurrent,
 * on cpu and (when present) cuda.
 * Run: ./mvnw -o test -Dtest=StrongGateTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.stream.Stream;

class StrongGateTest {

    enum Pattern { ALL_MINUS_50, MINUS_50_AND_0 }

    static Stream<Arguments> cases() {
        Stream.Builder<Arguments> out = Stream.builder();
        for (Backends backend : Backends.values()) {
            for (Gate gate : new Gate[]{Gate.CHANNEL, Gate.HEAD}) {
                for (Pattern pattern : Pattern.values()) {
                    for (DType dtype : DType.values()) {
                        out.add(Arguments.of(backend, gate, pattern, dtype));
                    }
                }
            }
        }
        return out.build();
    }

    @ParameterizedTest(name = "{0} {1} {2} {3}")
    @MethodSource("cases")
    void finiteAndMatchingTheReference(Backends backend, Gate gate, Pattern pattern, DType dtype) {
        NativeKernels kernels = backend.kernels();
        Case c = new Case(2, 130, 2, 60, 64, dtype, gate, Strength.EXTREME, true, true, null);
        try (Arena arena = Arena.ofConfined()) {
            Inputs in = new Inputs(arena, c, c.toString().hashCode() + pattern.ordinal());
            long n = in.g.elementCount();
            int width = gate == Gate.CHANNEL ? c.keyDim() : c.heads();
            for (long i = 0; i < n; i++) {
                boolean open = pattern == Pattern.MINUS_50_AND_0 && (i % width) % 2 == 0;
                in.g.set(i, open ? 0f : -50f);
            }
            double tol = Backends.tolerance(dtype);
            Harness.ExpectedForward ref = Harness.referenceForward(in);
            Harness.ExpectedBackward refGrad = Harness.referenceBackward(in);
            for (boolean chunk : new boolean[]{true, false}) {
                String op = chunk ? "chunk" : "recurrent";
                Compare.forward(op + " vs reference", ref, Harness.forward(kernels, chunk, in), tol);
                Compare.backward(op + " vs reference", refGrad, Harness.backward(kernels, chunk, in), tol);
            }
        }
    }
}

/*
 * DecodeStepTest.java — gla_decode_step: T steps of decoding, the state carried in place, give the same outputs and
 * final state as the reference's recurrent forward over all T tokens; and one native step equals one reference step.
 * All gate kinds, fp32 and bf16, on cpu and (when present) cuda. Outputs are NaN-poisoned before every step.
 * Run: ./mvnw -o test -Dtest=DecodeStepTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceArena;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import java.lang.foreign.Arena;
import java.util.stream.Stream;

class DecodeStepTest {

    static Stream<Arguments> cases() {
        Case[] cases = {
                new Case(2, 9, 2, 64, 60, DType.F32, Gate.CHANNEL, Strength.MODEL, true, true, null),
                new Case(1, 5, 3, 100, 128, DType.BF16, Gate.CHANNEL, Strength.STRONG, false, true, null),
                new Case(2, 7, 1, 16, 100, DType.F32, Gate.HEAD, Strength.EXTREME, true, true, null),
                new Case(3, 4, 2, 128, 16, DType.BF16, Gate.NONE, Strength.WEAK, true, true, null),
        };
        return Stream.of(Backends.values()).flatMap(b -> Stream.of(cases).map(c -> Arguments.of(b, c)));
    }

    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("cases")
    void stepsReproduceTheRecurrentForward(Backends backend, Case c) {
        NativeKernels kernels = backend.kernels();
        try (Arena arena = Arena.ofConfined(); DeviceArena device = kernels.context().arena()) {
            Harness.Mover m = new Harness.Mover(kernels, device);
            Inputs in = new Inputs(arena, c, c.toString().hashCode());
            Harness.ExpectedForward ref = Harness.referenceForward(in);
            int b = c.batch(), h = c.heads(), kd = c.keyDim(), vd = c.valueDim();
            HostTensor state = HostTensor.allocate(arena, DType.F32, in.state);
            if (in.h0 != null) {
                state.copyFrom(in.h0);
            }
            Tensor stateDev = m.in(state);
            float[] outputs = new float[b * c.seqLen() * h * vd];
            for (int t = 0; t < c.seqLen(); t++) {
                HostTensor q = step(arena, in.q, t), k = step(arena, in.k, t), v = step(arena, in.v, t);
                HostTensor g = in.g == null ? null : step(arena, in.g, t);
                HostTensor o = Harness.poisoned(arena, c.dtype(), Shape.of(b, 1, h, vd));
                Tensor od = m.out(o);
                kernels.decodeStep(in.options, m.in(q), m.in(k), m.in(v), m.in(g), stateDev, od);
                m.fetch(od, o);
                float[] step = o.toFloatArray();
                for (int bi = 0; bi < b; bi++) {
                    System.arraycopy(step, bi * h * vd, outputs, (bi * c.seqLen() + t) * h * vd, h * vd);
                }
            }
            m.fetch(stateDev, state);
            double tol = Backends.tolerance(c.dtype());
            Compare.forward(c.seqLen() + " decoding steps vs reference", ref, new Harness.Forward(outputs,
                    state.toFloatArray()), tol);

            HostTensor q0 = step(arena, in.q32, 0), k0 = step(arena, in.k32, 0), v0 = step(arena, in.v32, 0);
            HostTensor g0 = in.g == null ? null : step(arena, in.g, 0);
            HostTensor refState = HostTensor.allocate(arena, DType.F32, in.state);
            refState.copyFrom(state);
            HostTensor refO = Harness.poisoned(arena, DType.F32, Shape.of(b, 1, h, vd));
            Kernels.reference().decodeStep(in.options, q0, k0, v0, g0, refState, refO);
            stateDev = m.in(state);
            HostTensor o = Harness.poisoned(arena, c.dtype(), Shape.of(b, 1, h, vd));
            Tensor od = m.out(o);
            kernels.decodeStep(in.options, m.in(step(arena, in.q, 0)), m.in(step(arena, in.k, 0)),
                    m.in(step(arena, in.v, 0)), m.in(g0), stateDev, od);
            m.fetch(od, o);
            m.fetch(stateDev, state);
            TestData.assertClose("one step: o", refO.toFloatArray(), o.toFloatArray(), tol);
            TestData.assertClose("one step: state", refState.toFloatArray(), state.toFloatArray(), tol);
        }
    }

    /** Token t of a [B, T, ...] tensor as a [B, 1, ...] tensor (a copy: the step is not contiguous in memory). */
    static HostTensor step(Arena arena, HostTensor x, int t) {
        long[] dims = x.shape().dims();
        long batch = dims[0], steps = dims[1], row = x.elementCount() / (batch * steps);
        dims[1] = 1;
        HostTensor out = HostTensor.allocate(arena, x.dtype(), Shape.of(dims));
        for (long b = 0; b < batch; b++) {
            for (long i = 0; i < row; i++) {
                out.set(b * row + i, x.get((b * steps + t) * row + i));
            }
        }
        return out;
    }
}

/*
 * ValidationTest.java — the Java-side checks every GlaKernels implementation runs before touching memory: each bad
 * argument gives an IllegalArgumentException naming the op and the argument with expected vs actual. Runs on the
 * reference (no native library needed); NativeKernelsTest checks that the native kernels validate the same way.
 * Run: ./mvnw -o test -Dtest=ValidationTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;

import java.lang.foreign.Arena;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

class ValidationTest {

    private final GlaKernels kernels = Kernels.reference();
    private Arena arena;
    private HostTensor q, k, v, g, o, h0, ht;

    @BeforeEach
    void setUp() {
        arena = Arena.ofConfined();
        q = t(DType.F32, 2, 100, 4, 64);
        k = t(DType.F32, 2, 100, 4, 64);
        v = t(DType.F32, 2, 100, 4, 32);
        g = t(DType.F32, 2, 100, 4, 64);
        o = t(DType.F32, 2, 100, 4, 32);
        h0 = t(DType.F32, 2, 4, 64, 32);
        ht = t(DType.F32, 2, 4, 64, 32);
    }

    @AfterEach
    void tearDown() {
        arena.close();
    }

    private HostTensor t(DType dtype, long... dims) {
        return HostTensor.allocate(arena, dtype, Shape.of(dims));
    }

    private static void rejects(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertEquals(message, e.getMessage());
    }

    @Test
    void acceptsAValidCall() {
        kernels.chunkForward(Options.defaults(), q, k, v, g, h0, o, ht);
    }

    @Test
    void shapesNameTheArgumentAndBothShapes() {
        HostTensor k60 = t(DType.F32, 2, 100, 4, 60);
        rejects("chunkForward: k must have shape [2, 100, 4, 64] like q, got [2, 100, 4, 60]",
                () -> kernels.chunkForward(Options.defaults(), q, k60, v, g, null, o, null));
        rejects("recurrentForward: v must have shape [2, 100, 4, V] like q with V >= 1, got [2, 99, 4, 32]",
                () -> kernels.recurrentForward(Options.defaults(), q, k, t(DType.F32, 2, 99, 4, 32), g, null, o, null));
        rejects("chunkForward: o must have shape [2, 100, 4, 32] like v, got [2, 100, 4, 33]",
                () -> kernels.chunkForward(Options.defaults(), q, k, v, g, null, t(DType.F32, 2, 100, 4, 33), null));
        rejects("chunkForward: q must have rank 4 [B, T, H, K], got [2, 100, 256]",
                () -> kernels.chunkForward(Options.defaults(), t(DType.F32, 2, 100, 256), k, v, g, null, o, null));
        rejects("chunkForward: every dim of q [B, T, H, K] must be >= 1, got [2, 0, 4, 64]",
                () -> kernels.chunkForward(Options.defaults(), t(DType.F32, 2, 0, 4, 64), k, v, g, null, o, null));
        rejects("chunkForward: h0 must have shape [2, 4, 64, 32] like the state [B, H, K, V], got [2, 4, 32, 64]",
                () -> kernels.chunkForward(Options.defaults(), q, k, v, g, t(DType.F32, 2, 4, 32, 64), o, null));
        rejects("chunkForward: ht must have shape [2, 4, 64, 32] like the state [B, H, K, V], got [1, 4, 64, 32]",
                () -> kernels.chunkForward(Options.defaults(), q, k, v, g, null, o, t(DType.F32, 1, 4, 64, 32)));
    }

    @Test
    void dtypes() {
        rejects("chunkForward: k must be F32, got BF16",
                () -> kernels.chunkForward(Options.defaults(), q, t(DType.BF16, 2, 100, 4, 64), v, g, null, o, null));
        rejects("chunkForward: g must be F32, got BF16",
                () -> kernels.chunkForward(Options.defaults(), q, k, v, t(DType.BF16, 2, 100, 4, 64), null, o, null));
        rejects("chunkForward: h0 must be F32, got BF16",
                () -> kernels.chunkForward(Options.defaults(), q, k, v, g, t(DType.BF16, 2, 4, 64, 32), o, null));
    }

    @Test
    void gateKinds() {
        rejects("chunkForward: g must be null with Gate.NONE, got [2, 100, 4, 64]",
                () -> kernels.chunkForward(Options.of(Gate.NONE), q, k, v, g, null, o, null));
        rejects("chunkForward: g is required",
                () -> kernels.chunkForward(Options.of(Gate.CHANNEL), q, k, v, null, null, o, null));
        rejects("chunkForward: g must have shape [2, 100, 4] like [B, T, H] (one log gate per head, Gate.HEAD), "
                        + "got [2, 100, 4, 64]",
                () -> kernels.chunkForward(Options.of(Gate.HEAD), q, k, v, g, null, o, null));
        kernels.chunkForward(Options.of(Gate.HEAD), q, k, v, t(DType.F32, 2, 100, 4), null, o, null);
        kernels.chunkForward(Options.of(Gate.NONE), q, k, v, null, null, o, null);
    }

    @Test
    void backwardArguments() {
        HostTensor dout = t(DType.F32, 2, 100, 4, 32), dq = t(DType.F32, 2, 100, 4, 64), dk = t(DType.F32, 2, 100, 4, 64);
        HostTensor dv = t(DType.F32, 2, 100, 4, 32), dg = t(DType.F32, 2, 100, 4, 64), dh0 = t(DType.F32, 2, 4, 64, 32);
        rejects("chunkBackward: dh0 requires h0 (the gradient of an absent initial state)",
                () -> kernels.chunkBackward(Options.defaults(), q, k, v, g, null, dout, null, dq, dk, dv, dg, dh0));
        rejects("chunkBackward: dg is required with Gate.CHANNEL",
                () -> kernels.chunkBackward(Options.defaults(), q, k, v, g, null, dout, null, dq, dk, dv, null, null));
        rejects("recurrentBackward: dg must be null with Gate.NONE (there is no gate)",
                () -> kernels.recurrentBackward(Options.of(Gate.NONE), q, k, v, null, null, dout, null, dq, dk, dv, dg,
                        null));
        rejects("chunkBackward: dout is required",
                () -> kernels.chunkBackward(Options.defaults(), q, k, v, g, null, null, null, dq, dk, dv, dg, null));
        rejects("chunkBackward: dv must have shape [2, 100, 4, 32] like v, got [2, 100, 4, 64]",
                () -> kernels.chunkBackward(Options.defaults(), q, k, v, g, null, dout, null, dq, dk, dk, dg, null));
        kernels.chunkBackward(Options.defaults(), q, k, v, g, h0, dout, ht, dq, dk, dv, dg, dh0);
    }

    @Test
    void varlen() {
        HostTensor q1 = t(DType.F32, 1, 10, 1, 4), v1 = t(DType.F32, 1, 10, 1, 3), g1 = t(DType.F32, 1, 10, 1, 4);
        HostTensor o1 = t(DType.F32, 1, 10, 1, 3);
        rejects("chunkForward: with cuSeqlens the batch must be 1 (sequences packed along T), got B = 2",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(0, 100), q, k, v, g, null, o, null));
        rejects("chunkForward: cuSeqlens[0] must be 0, got 1",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(1, 10), q1, q1, v1, g1, null, o1, null));
        rejects("chunkForward: cuSeqlens must be non-decreasing, but cuSeqlens[2] = 3 < cuSeqlens[1] = 5",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(0, 5, 3, 10), q1, q1, v1, g1, null, o1,
                        null));
        rejects("chunkForward: cuSeqlens[2] must equal T = 10 (total tokens), got 9",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(0, 5, 9), q1, q1, v1, g1, null, o1, null));
        rejects("chunkForward: cuSeqlens must hold N + 1 >= 2 offsets, got [0]",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(0), q1, q1, v1, g1, null, o1, null));
        rejects("chunkForward: h0 must have shape [3, 1, 4, 3] like the state [N, H, K, V], got [1, 1, 4, 3]",
                () -> kernels.chunkForward(Options.defaults().withCuSeqlens(0, 5, 5, 10), q1, q1, v1, g1,
                        t(DType.F32, 1, 1, 4, 3), o1, null));
        kernels.chunkForward(Options.defaults().withCuSeqlens(0, 5, 5, 10), q1, q1, v1, g1, t(DType.F32, 3, 1, 4, 3),
                o1, t(DType.F32, 3, 1, 4, 3));
    }

    @Test
    void decodeStep() {
        HostTensor q1 = t(DType.F32, 2, 1, 4, 64), v1 = t(DType.F32, 2, 1, 4, 32), state = t(DType.F32, 2, 4, 64, 32);
        rejects("decodeStep: q must have shape [B, 1, H, K] (one step), got [2, 100, 4, 64]",
                () -> kernels.decodeStep(Options.defaults(), q, k, v, g, state, o));
        rejects("decodeStep: cuSeqlens is not used by a decoding step; pass options without it",
                () -> kernels.decodeStep(Options.defaults().withCuSeqlens(0, 1), q1, q1, v1, q1, state, v1));
        rejects("decodeStep: state is required",
                () -> kernels.decodeStep(Options.defaults(), q1, q1, v1, q1, null, v1));
        kernels.decodeStep(Options.defaults(), q1, q1, v1, q1, state, t(DType.F32, 2, 1, 4, 32));
    }

    @Test
    void optionsRejectNonFiniteScale() {
        assertThrows(IllegalArgumentException.class, () -> Options.defaults().withScale(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> Options.defaults().withScale(Float.POSITIVE_INFINITY));
        assertEquals(0.125f, Options.defaults().scale(64));
        assertEquals(2f, Options.defaults().withScale(2f).scale(64));
    }
}

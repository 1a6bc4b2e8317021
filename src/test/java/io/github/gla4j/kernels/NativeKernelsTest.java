/*
 * NativeKernelsTest.java — what the native kernels add around the library: Java-side validation before any native
 * call (the same messages as the reference), device checks (host tensors refused on cuda, no hidden copies), memory
 * from a cpu Context used in place, deterministic results for a given thread count, the decoding step with a gate
 * projection (equal to its gates then the step; shapes and scalars checked), and the provider.
 * Run: ./mvnw -o test -Dtest=NativeKernelsTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.GlaException;
import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeKernelsTest {

    @Test
    void validatesInJavaWithTheReferenceMessages() {
        NativeKernels kernels = Backends.CPU.kernels();
        try (Arena arena = Arena.ofConfined()) {
            HostTensor q = HostTensor.allocate(arena, DType.F32, 2, 100, 4, 64);
            HostTensor k = HostTensor.allocate(arena, DType.F32, 2, 100, 4, 60);
            HostTensor v = HostTensor.allocate(arena, DType.F32, 2, 100, 4, 32);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernels.chunkForward(Options.of(Gate.NONE), q, k, v, null, null, v, null));
            assertEquals("chunkForward: k must have shape [2, 100, 4, 64] like q, got [2, 100, 4, 60]", e.getMessage());
        }
    }

    @Test
    void cudaRefusesHostTensors() {
        NativeKernels kernels = Backends.CUDA.kernels();
        try (Arena arena = Arena.ofConfined()) {
            HostTensor q = HostTensor.allocate(arena, DType.F32, 1, 4, 1, 8);
            HostTensor v = HostTensor.allocate(arena, DType.F32, 1, 4, 1, 8);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> kernels.chunkForward(Options.of(Gate.NONE), q, q, v, null, null, v, null));
            assertTrue(e.getMessage().startsWith("chunkForward: q is on cpu, these kernels run on cuda:0"), e.getMessage());
        }
    }

    @Test
    void runsInPlaceOnContextMemoryAndTheReferenceRefusesIt() {
        NativeKernels kernels = Backends.CPU.kernels();
        Case c = new Case(1, 70, 2, 16, 8, DType.F32, Gate.CHANNEL, Strength.MODEL, false, false, null);
        try (Arena arena = Arena.ofConfined(); var device = kernels.context().arena()) {
            Inputs in = new Inputs(arena, c, 7);
            DeviceTensor q = device.upload(in.q), k = device.upload(in.k), v = device.upload(in.v), g = device.upload(in.g);
            DeviceTensor o = device.allocate(DType.F32, in.values);
            kernels.chunkForward(in.options, q, k, v, g, null, o, null);
            HostTensor result = HostTensor.allocate(arena, DType.F32, in.values);
            o.copyTo(result);
            Compare.forward("context memory", Harness.referenceForward(in), new Harness.Forward(result.toFloatArray(),
                    null), 1e-5);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> Kernels.reference().chunkForward(in.options, q, k, v, g, null, o, null));
            assertTrue(e.getMessage().contains("must be a HostTensor"), e.getMessage());
        }
    }

    @Test
    void decodeStepWithAGateProjectionEqualsItsGatesThenTheStep() {
        NativeKernels kernels = Backends.CPU.kernels();
        int b = 2, h = 2, kd = 8, vd = 5, rank = 3, channels = h * kd;
        Random random = new Random(5);
        try (Arena arena = Arena.ofConfined()) {
            HostTensor q = randn(arena, random, 0.5, b, 1, h, kd), k = randn(arena, random, 0.5, b, 1, h, kd);
            HostTensor v = randn(arena, random, 1, b, 1, h, vd), in = randn(arena, random, 1, b, rank);
            HostTensor weight = randn(arena, random, 1, channels, rank), bias = randn(arena, random, 1, channels);
            HostTensor state0 = randn(arena, random, 0.3, b, h, kd, vd);
            float clampMin = -0.3f;
            float[] g = new float[b * channels];
            for (int r = 0; r < b; r++) {
                for (int c = 0; c < channels; c++) {
                    double z = bias.get(c);
                    for (int j = 0; j < rank; j++) {
                        z += in.get(r * rank + j) * weight.get(c * rank + j);
                    }
                    double logSigmoid = Math.min(z, 0) - Math.log1p(Math.exp(-Math.abs(z)));
                    g[r * channels + c] = (float) Math.max(clampMin, logSigmoid / 16);
                }
            }
            HostTensor gates = HostTensor.of(arena, DType.F32, q.shape(), g);
            HostTensor s1 = HostTensor.allocate(arena, DType.F32, state0.shape()), o1 = HostTensor.allocate(arena, DType.F32, v.shape());
            HostTensor s2 = HostTensor.allocate(arena, DType.F32, state0.shape()), o2 = HostTensor.allocate(arena, DType.F32, v.shape());
            s1.copyFrom(state0);
            s2.copyFrom(state0);
            kernels.decodeStep(Options.defaults(), q, k, v, gates, s1, o1);
            kernels.decodeStep(Options.defaults(), q, k, v, new GateProjection(in, weight, bias, 16f, clampMin), s2, o2);
            assertArrayEquals(o1.toFloatArray(), o2.toFloatArray(), 1e-5f);
            assertArrayEquals(s1.toFloatArray(), s2.toFloatArray(), 1e-5f);

            HostTensor wrong = HostTensor.allocate(arena, DType.F32, channels - 1, rank);
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> kernels.decodeStep(
                    Options.defaults(), q, k, v, new GateProjection(in, wrong, bias, 16f, clampMin), s2, o2));
            assertEquals("decodeStep: gate weight must be [16, 3], got [15, 3]", e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> kernels.decodeStep(Options.of(Gate.HEAD), q, k,
                    v, new GateProjection(in, weight, null, 16f, clampMin), s2, o2));
            assertTrue(e.getMessage().contains("Gate.CHANNEL"), e.getMessage());
            GlaException n = assertThrows(GlaException.class, () -> kernels.decodeStep(Options.defaults(), q, k, v,
                    new GateProjection(in, weight, null, 0f, clampMin), s2, o2));   // the library's own checks
            assertEquals("gla_decode_step_gate_proj", n.function());
            assertTrue(n.getMessage().contains("gate->normalizer"), n.getMessage());
        }
    }

    private static HostTensor randn(Arena arena, Random random, double std, long... dims) {
        HostTensor t = HostTensor.allocate(arena, DType.F32, dims);
        for (long i = 0; i < t.elementCount(); i++) {
            t.set(i, (float) (random.nextGaussian() * std));
        }
        return t;
    }

    @Test
    void deterministicForAGivenThreadCount() {
        Case c = new Case(2, 200, 2, 64, 64, DType.F32, Gate.CHANNEL, Strength.MODEL, true, true, null);
        try (Arena arena = Arena.ofConfined(); NativeKernels kernels = Kernels.cpu().setThreads(2)) {
            Inputs in = new Inputs(arena, c, 11);
            Harness.Backward first = Harness.backward(kernels, true, in);
            Harness.Backward second = Harness.backward(kernels, true, in);
            assertArrayEquals(first.dq(), second.dq());
            assertArrayEquals(first.dg(), second.dg());
            assertArrayEquals(first.dh0(), second.dh0());
            assertArrayEquals(Harness.forward(kernels, true, in).o(), Harness.forward(kernels, true, in).o());
        }
    }

    @Test
    void provider() {
        assertEquals(Device.CPU, Kernels.available().getFirst());
        assertEquals(Kernels.cudaDeviceCount() + 1, Kernels.available().size());
        try (NativeKernels cpu = Kernels.cpu()) {
            assertEquals("cpu", cpu.name());
            assertEquals(Device.CPU, cpu.device());
        }
        assertEquals("reference", Kernels.reference().name());
    }
}

/*
 * NativeKernelsTest.java — what the native kernels add around the library: Java-side validation before any native
 * call (the same messages as the reference), device checks (host tensors refused on cuda, no hidden copies), memory
 * from a cpu Context used in place, deterministic results for a given thread count, and the provider.
 * Run: ./mvnw -o test -Dtest=NativeKernelsTest -Dnative.asan.skip=true
 */
package io.github.gla4j.kernels;

import io.github.gla4j.kernels.TestData.Strength;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;

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

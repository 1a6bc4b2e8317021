/*
 * ContextTest.java — Context and DeviceTensor on cpu and (when present) cuda: allocation, host <-> device copies,
 * memset, views, DeviceArena, closing rules (a closed tensor or context refuses use instead of touching freed
 * memory), allocation failure reported as a status, and page-locked host memory (allocatePinned): freed with its
 * arena or its context, and on cuda copied to and from by a recorded graph at each replay (pageable memory refused).
 * Run: ./mvnw -o test -Dtest=ContextTest -Dnative.asan.skip=true
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaException;
import io.github.gla4j.ffi.Status;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

class ContextTest {

    private static Context open(Backend backend) {
        if (backend == Backend.CUDA) {
            assumeTrue(Gla.backendAvailable(Backend.CUDA.code()) && Gla.deviceCount(Backend.CUDA.code()) > 0,
                    "no CUDA device");
            return Context.open(Device.cuda(0));
        }
        return Context.open(Device.CPU);
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void copiesRoundTripThroughDeviceMemory(Backend backend) {
        try (Context ctx = open(backend); Arena arena = Arena.ofConfined()) {
            float[] values = {1, 2, 3, 4, 5, 6};
            for (DType dtype : DType.values()) {
                HostTensor host = HostTensor.of(arena, dtype, Shape.of(3, 2), values);
                try (DeviceTensor d = ctx.upload(host)) {
                    assertEquals(ctx.device(), d.device());
                    HostTensor back = HostTensor.allocate(arena, dtype, 3, 2);
                    d.copyTo(back);
                    assertArrayEquals(values, back.toFloatArray());

                    HostTensor row = HostTensor.allocate(arena, dtype, 1, 2);
                    d.slice(2, 1).copyTo(row);
                    assertArrayEquals(new float[]{5, 6}, row.toFloatArray());

                    ctx.memset(d, 0);
                    d.reshape(Shape.of(6)).copyTo(back.reshape(Shape.of(6)));
                    assertArrayEquals(new float[6], back.toFloatArray());

                    try (DeviceTensor copy = ctx.allocate(dtype, 3, 2)) {
                        d.copyFrom(host);
                        copy.copyFrom(d);
                        copy.copyTo(back);
                        assertArrayEquals(values, back.toFloatArray());
                    }
                    assertThrows(IllegalArgumentException.class, () -> d.copyTo(HostTensor.allocate(arena, dtype, 2, 3)));
                }
            }
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void closingFreesAndRefusesLaterUse(Backend backend) {
        Context ctx = open(backend);
        DeviceTensor a;
        DeviceTensor b;
        try (DeviceArena scope = ctx.arena()) {
            a = scope.allocate(DType.F32, 4);
            b = scope.allocate(DType.BF16, 8);
        }
        assertFalse(a.isOpen());
        assertThrows(IllegalStateException.class, b::address);
        DeviceTensor kept = ctx.allocate(DType.F32, 4);
        DeviceTensor view = kept.slice(1, 2);
        ctx.close();
        assertFalse(kept.isOpen(), "closing the context frees what it still owns");
        assertFalse(view.isOpen());
        assertThrows(IllegalStateException.class, kept::address);
        assertThrows(IllegalStateException.class, ctx::handle);
        kept.close();
        ctx.close();
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void pinnedMemoryIsFreedWithItsArenaOrItsContext(Backend backend) {
        Context ctx = open(backend);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment m = ctx.allocatePinned(arena, 24);
            assertEquals(24, m.byteSize());
            m.setAtIndex(ValueLayout.JAVA_FLOAT, 5, 7f);
            assertEquals(7f, m.getAtIndex(ValueLayout.JAVA_FLOAT, 5));
            assertThrows(IllegalArgumentException.class, () -> ctx.allocatePinned(arena, 0));
        }
        Arena outliving = Arena.ofConfined();
        MemorySegment kept = ctx.allocatePinned(outliving, 8);
        kept.set(ValueLayout.JAVA_LONG, 0, 1L);
        ctx.close();    // frees it
        outliving.close();  // then nothing left to free
    }

    @Test
    void aRecordedGraphCopiesPinnedMemoryAtEachReplay() {
        try (Context ctx = open(Backend.CUDA); Arena arena = Arena.ofConfined();
             DeviceTensor d = ctx.allocate(DType.F32, 4)) {
            HostTensor in = HostTensor.wrap(ctx.allocatePinned(arena, 16), DType.F32, Shape.of(4));
            HostTensor out = HostTensor.wrap(ctx.allocatePinned(arena, 16), DType.F32, Shape.of(4));
            in.copyFrom(new float[]{1, 2, 3, 4});
            ctx.synchronize();
            try (Graph graph = ctx.record(() -> {
                d.copyFrom(in);
                d.copyToAsync(out);
            })) {
                out.fill(Float.NaN);
                assertTrue(Float.isNaN(out.get(0)), "recording runs nothing");
                for (float base : new float[]{10, 20}) {
                    in.copyFrom(new float[]{base, base + 1, base + 2, base + 3});
                    graph.launch();
                    ctx.synchronize();
                    assertArrayEquals(new float[]{base, base + 1, base + 2, base + 3}, out.toFloatArray());
                }
            }
            HostTensor pageable = HostTensor.allocate(arena, DType.F32, 4);
            GlaException e = assertThrows(GlaException.class, () -> ctx.record(() -> d.copyFrom(pageable)));
            assertEquals("gla_memcpy", e.function());
            assertTrue(e.getMessage().contains("page-locked"), e.getMessage());
        }
    }

    @ParameterizedTest
    @EnumSource(Backend.class)
    void impossibleAllocationsAreStatuses(Backend backend) {
        try (Context ctx = open(backend)) {
            GlaException e = assertThrows(GlaException.class, () -> ctx.allocate(DType.F32, 1L << 60));
            assertEquals("gla_malloc", e.function());
            assertEquals(Status.OUT_OF_MEMORY, e.status());
            assertThrows(IllegalArgumentException.class, () -> ctx.setThreads(-1));
        }
    }

    @Test
    void aMissingDeviceIsAStatus() {
        GlaException e = assertThrows(GlaException.class, () -> Context.open(Device.cuda(1000)));
        assertEquals("gla_context_create", e.function());
    }
}

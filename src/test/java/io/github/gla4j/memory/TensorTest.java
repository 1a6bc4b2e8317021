/*
 * TensorTest.java — HostTensor: allocation (aligned, zeroed), fp32 and bf16 copies to/from float[], views
 * (reshape, slice) sharing memory, and the zero-copy rules: heap segments, misaligned or wrongly sized segments are
 * rejected with a message saying why.
 * Run: ./mvnw -o test -Dtest=TensorTest -Dnative.asan.skip=true
 */
package io.github.gla4j.memory;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TensorTest {

    @Test
    void allocatesAlignedZeroedHostMemory() {
        try (Arena arena = Arena.ofConfined()) {
            HostTensor t = HostTensor.allocate(arena, DType.BF16, 3, 5);
            assertEquals(Shape.of(3, 5), t.shape());
            assertEquals(30, t.byteSize());
            assertEquals(Device.CPU, t.device());
            assertEquals(0, t.segment().address() % HostTensor.ALIGNMENT);
            assertSame(t.segment(), t.pointer());
            assertArrayEquals(new float[15], t.toFloatArray());
        }
    }

    @Test
    void copiesFloatsInBothDtypes() {
        try (Arena arena = Arena.ofConfined()) {
            float[] values = {1f, -2.5f, 1f + 0x1p-8f, 3.14159f};
            HostTensor f32 = HostTensor.of(arena, DType.F32, Shape.of(4), values);
            assertArrayEquals(values, f32.toFloatArray());
            HostTensor bf16 = HostTensor.of(arena, DType.BF16, Shape.of(4), values);
            float[] back = bf16.toFloatArray();
            for (int i = 0; i < values.length; i++) {
                assertEquals(BFloat16.round(values[i]), back[i]);
                assertEquals(back[i], bf16.get(i));
            }
            bf16.set(1, 7f);
            assertEquals(7f, bf16.get(1));
            assertThrows(IllegalArgumentException.class, () -> f32.copyFrom(new float[3]));
        }
    }

    @Test
    void viewsShareMemory() {
        try (Arena arena = Arena.ofConfined()) {
            HostTensor t = HostTensor.of(arena, DType.F32, Shape.of(3, 2), new float[]{0, 1, 2, 3, 4, 5});
            HostTensor rows = t.slice(1, 2);
            assertEquals(Shape.of(2, 2), rows.shape());
            assertArrayEquals(new float[]{2, 3, 4, 5}, rows.toFloatArray());
            rows.set(0, 20);
            assertEquals(20, t.get(2));
            HostTensor flat = t.reshape(Shape.of(6));
            assertEquals(20, flat.get(2));
            assertThrows(IllegalArgumentException.class, () -> t.reshape(Shape.of(5)));
            assertThrows(IllegalArgumentException.class, () -> t.slice(2, 2));
            HostTensor copy = HostTensor.allocate(arena, DType.F32, 3, 2);
            copy.copyFrom(t);
            assertArrayEquals(t.toFloatArray(), copy.toFloatArray());
        }
    }

    @Test
    void wrapIsZeroCopyAndRejectsWhatNativeCodeCannotUse() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment native32 = arena.allocate(16, 64);
            HostTensor t = HostTensor.wrap(native32, DType.F32, Shape.of(4));
            assertSame(native32, t.segment());

            IllegalArgumentException heap = assertThrows(IllegalArgumentException.class,
                    () -> HostTensor.wrap(MemorySegment.ofArray(new float[4]), DType.F32, Shape.of(4)));
            assertTrue(heap.getMessage().contains("heap"), heap.getMessage());

            IllegalArgumentException misaligned = assertThrows(IllegalArgumentException.class,
                    () -> HostTensor.wrap(arena.allocate(20, 64).asSlice(1, 16), DType.F32, Shape.of(4)));
            assertTrue(misaligned.getMessage().contains("aligned"), misaligned.getMessage());

            IllegalArgumentException size = assertThrows(IllegalArgumentException.class,
                    () -> HostTensor.wrap(native32, DType.F32, Shape.of(3)));
            assertTrue(size.getMessage().contains("16 bytes"), size.getMessage());
        }
    }

    @Test
    void deviceNames() {
        assertEquals("cpu", Device.CPU.toString());
        assertEquals("cuda:1", Device.cuda(1).toString());
        assertTrue(Device.CPU.isHost());
        assertThrows(IllegalArgumentException.class, () -> new Device(Backend.CPU, 1));
        assertThrows(IllegalArgumentException.class, () -> Device.cuda(-1));
    }
}

/*
 * GlaExceptionTest.java — a failing native call becomes a GlaException naming the C function, with the status and the
 * library's own message (which names the function and the argument); unknown codes are kept, not lost.
 * Run: ./mvnw -o test -Dtest=GlaExceptionTest -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import org.junit.jupiter.api.Test;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static org.junit.jupiter.api.Assertions.assertDoesNotThrow;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlaExceptionTest {

    @Test
    void aNullContextIsReportedWithFunctionAndArgument() {
        Gla.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment dims = gla_dims.allocate(arena);
            int status = GlaH.gla_chunk_fwd(MemorySegment.NULL, dims, MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL, MemorySegment.NULL,
                    MemorySegment.NULL, MemorySegment.NULL, 0);
            GlaException e = assertThrows(GlaException.class, () -> Gla.check("gla_chunk_fwd", status));
            assertEquals("gla_chunk_fwd", e.function());
            assertEquals(Status.INVALID_ARGUMENT, e.status());
            assertTrue(e.nativeMessage().contains("gla_chunk_fwd"), e.nativeMessage());
            assertTrue(e.nativeMessage().contains("context"), e.nativeMessage());
            assertTrue(e.getMessage().startsWith("gla_chunk_fwd failed with INVALID_ARGUMENT: "), e.getMessage());
        }
    }

    @Test
    void okIsNotAnError() {
        assertDoesNotThrow(() -> Gla.check("gla_version", GlaH.GLA_OK()));
    }

    @Test
    void unknownCodesAreKept() {
        GlaException e = new GlaException("gla_future", 99, "");
        assertEquals(Status.UNKNOWN, e.status());
        assertEquals(99, e.code());
        assertEquals("gla_future failed with unknown status 99: (no message)", e.getMessage());
        assertEquals(Status.DEVICE, Status.of(5));
    }
}

/*
 * GlaTest.java — the library-level calls through Gla: version equals the header's macros, status names, cpu
 * features, backend availability and device counts, and errors from bad arguments.
 * Run: ./mvnw -o test -Dtest=GlaTest -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlaTest {

    @Test
    void versionMatchesTheHeader() {
        Gla.Version v = Gla.version();
        assertEquals(new Gla.Version(GlaH.GLA_VERSION_MAJOR(), GlaH.GLA_VERSION_MINOR(), GlaH.GLA_VERSION_PATCH()), v);
    }

    @Test
    void statusNames() {
        assertEquals("GLA_OK", Gla.statusName(GlaH.GLA_OK()));
        assertEquals("GLA_ERROR_INVALID_ARGUMENT", Gla.statusName(GlaH.GLA_ERROR_INVALID_ARGUMENT()));
        assertEquals("GLA_ERROR_INTERNAL", Gla.statusName(GlaH.GLA_ERROR_INTERNAL()));
        GlaException e = assertThrows(GlaException.class, () -> Gla.statusName(12345));
        assertEquals("gla_status_name", e.function());
        assertEquals(Status.INVALID_ARGUMENT, e.status());
    }

    @Test
    void cpuIsAlwaysThere() {
        assertTrue(Gla.backendAvailable(GlaH.GLA_BACKEND_CPU()));
        assertEquals(1, Gla.deviceCount(GlaH.GLA_BACKEND_CPU()));
        int features = Gla.cpuFeatures();
        assertEquals(0, features & ~(GlaH.GLA_CPU_AVX2() | GlaH.GLA_CPU_FMA() | GlaH.GLA_CPU_AVX512F()),
                "unknown feature bits " + Integer.toBinaryString(features));
        Gla.DeviceInfo info = Gla.deviceInfo(GlaH.GLA_BACKEND_CPU(), 0);
        assertFalse(info.name().isEmpty());
    }

    @Test
    void cudaAvailabilityIsConsistent() {
        boolean cuda = Gla.backendAvailable(GlaH.GLA_BACKEND_CUDA());
        if (!cuda) {
            // Without the backend, or without a driver (as in CI), there are no devices, and that is not an error.
            assertEquals(0, Gla.deviceCount(GlaH.GLA_BACKEND_CUDA()));
        } else {
            assertTrue(Gla.deviceCount(GlaH.GLA_BACKEND_CUDA()) >= 1);
        }
    }

    @Test
    void badArgumentsAreStatusesNotCrashes() {
        GlaException backend = assertThrows(GlaException.class, () -> Gla.backendAvailable(7));
        assertEquals("gla_backend_available", backend.function());
        assertEquals(Status.INVALID_ARGUMENT, backend.status());
        GlaException device = assertThrows(GlaException.class, () -> Gla.deviceInfo(GlaH.GLA_BACKEND_CPU(), 3));
        assertEquals("gla_device_info_get", device.function());
        assertFalse(device.nativeMessage().isEmpty());
    }
}

/*
 * Gla.java — the library-level calls of gla.h in Java form, and check(), which turns a status into a GlaException
 * naming the C function and carrying the library's message. Everything here loads the library first.
 * Tested by GlaTest and GlaExceptionTest.
 */
package io.github.gla4j.ffi;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;

public final class Gla {

    static {
        NativeLibrary.load();
    }

    private Gla() {
    }

    /** Loads libgla4j (idempotent); call before using GlaH directly. */
    public static void load() {
        NativeLibrary.load();
    }

    /**
     * Throws GlaException unless status is GLA_OK. Call it on the thread that made the failing call, right after:
     * the message is kept per native thread.
     */
    public static void check(String function, int status) {
        if (status != GlaH.GLA_OK()) {
            throw new GlaException(function, status, lastError());
        }
    }

    /** The calling thread's last error message ("" when none). */
    public static String lastError() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            if (GlaH.gla_get_last_error(slot) != GlaH.GLA_OK()) {
                return "(gla_get_last_error failed)";
            }
            return string(slot.get(GlaH.C_POINTER, 0));
        }
    }

    /** The library's name for a status code, e.g. "GLA_ERROR_INVALID_ARGUMENT". */
    public static String statusName(int status) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            check("gla_status_name", GlaH.gla_status_name(status, slot));
            return string(slot.get(GlaH.C_POINTER, 0));
        }
    }

    public record Version(int major, int minor, int patch) {
        @Override
        public String toString() {
            return major + "." + minor + "." + patch;
        }
    }

    public static Version version() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment v = arena.allocate(JAVA_INT, 3);
            check("gla_version", GlaH.gla_version(v, v.asSlice(4), v.asSlice(8)));
            return new Version(v.getAtIndex(JAVA_INT, 0), v.getAtIndex(JAVA_INT, 1), v.getAtIndex(JAVA_INT, 2));
        }
    }

    /** The GLA_CPU_* feature bits of this machine. */
    public static int cpuFeatures() {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment f = arena.allocate(JAVA_INT);
            check("gla_cpu_features", GlaH.gla_cpu_features(f));
            return f.get(JAVA_INT, 0);
        }
    }

    /** Whether a backend (GLA_BACKEND_*) was built into the library and can run here. */
    public static boolean backendAvailable(int backend) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment a = arena.allocate(JAVA_INT);
            check("gla_backend_available", GlaH.gla_backend_available(backend, a));
            return a.get(JAVA_INT, 0) != 0;
        }
    }

    public static int deviceCount(int backend) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment c = arena.allocate(JAVA_INT);
            check("gla_device_count", GlaH.gla_device_count(backend, c));
            return c.get(JAVA_INT, 0);
        }
    }

    public record DeviceInfo(String name, long totalMemory, long freeMemory, int computeMajor, int computeMinor,
                             int multiprocessors) {
    }

    public static DeviceInfo deviceInfo(int backend, int device) {
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment info = gla_device_info.allocate(arena);
            check("gla_device_info_get", GlaH.gla_device_info_get(backend, device, info));
            return new DeviceInfo(fixedString(gla_device_info.name(info)), gla_device_info.total_memory(info),
                    gla_device_info.free_memory(info), gla_device_info.compute_major(info),
                    gla_device_info.compute_minor(info), gla_device_info.multiprocessors(info));
        }
    }

    /** A char[N] field: up to its first NUL, or all N bytes when the library filled it completely. */
    private static String fixedString(MemorySegment chars) {
        int n = 0;
        while (n < chars.byteSize() && chars.get(java.lang.foreign.ValueLayout.JAVA_BYTE, n) != 0) {
            n++;
        }
        return new String(chars.asSlice(0, n).toArray(java.lang.foreign.ValueLayout.JAVA_BYTE),
                java.nio.charset.StandardCharsets.UTF_8);
    }

    private static String string(MemorySegment cString) {
        return cString.equals(MemorySegment.NULL) ? "" : cString.getString(0);
    }
}

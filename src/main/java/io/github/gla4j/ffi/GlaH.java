/*
 * GlaH.java — the FFM bindings of native/include/gla.h in the shape jextract generates: one static method per C
 * function (its MethodHandle resolved once, on first use, in a nested holder class), the enum values and macros as
 * constant methods. scripts/jextract.sh regenerates this file, gla_dims.java and gla_device_info.java from the header.
 * Symbols resolve through the class loader's libraries: call NativeLibrary.load() before the first call.
 * Tested by BindingsTest (every function of gla.h, arity and carrier types).
 */
package io.github.gla4j.ffi;

import java.lang.invoke.*;
import java.lang.foreign.*;
import java.util.*;
import java.util.stream.*;

import static java.lang.foreign.ValueLayout.*;

@SuppressWarnings("restricted") // binding native code is what this class is for
public class GlaH {

    GlaH() {
        // Should not be called directly
    }

    static final boolean TRACE_DOWNCALLS = Boolean.getBoolean("jextract.trace.downcalls");

    static void traceDowncall(String name, Object... args) {
        String traceArgs = Arrays.stream(args)
                .map(Object::toString)
                .collect(Collectors.joining(", "));
        System.out.printf("%s(%s)\n", name, traceArgs);
    }

    static MemorySegment findOrThrow(String symbol) {
        return SYMBOL_LOOKUP.find(symbol)
                .orElseThrow(() -> new UnsatisfiedLinkError("unresolved symbol: " + symbol));
    }

    static final SymbolLookup SYMBOL_LOOKUP = SymbolLookup.loaderLookup()
            .or(Linker.nativeLinker().defaultLookup());

    public static final ValueLayout.OfBoolean C_BOOL = ValueLayout.JAVA_BOOLEAN;
    public static final ValueLayout.OfByte C_CHAR = ValueLayout.JAVA_BYTE;
    public static final ValueLayout.OfShort C_SHORT = ValueLayout.JAVA_SHORT;
    public static final ValueLayout.OfInt C_INT = ValueLayout.JAVA_INT;
    public static final ValueLayout.OfLong C_LONG_LONG = ValueLayout.JAVA_LONG;
    public static final ValueLayout.OfFloat C_FLOAT = ValueLayout.JAVA_FLOAT;
    public static final ValueLayout.OfDouble C_DOUBLE = ValueLayout.JAVA_DOUBLE;
    public static final AddressLayout C_POINTER = ValueLayout.ADDRESS
            .withTargetLayout(MemoryLayout.sequenceLayout(java.lang.Long.MAX_VALUE, JAVA_BYTE));
    public static final ValueLayout.OfLong C_LONG = ValueLayout.JAVA_LONG;

    private static final int GLA_VERSION_MAJOR = (int)0L;

    /**
     * {@snippet lang=c :
     * #define GLA_VERSION_MAJOR 0
     * }
     */
    public static int GLA_VERSION_MAJOR() {
        return GLA_VERSION_MAJOR;
    }

    private static final int GLA_VERSION_MINOR = (int)1L;

    /**
     * {@snippet lang=c :
     * #define GLA_VERSION_MINOR 1
     * }
     */
    public static int GLA_VERSION_MINOR() {
        return GLA_VERSION_MINOR;
    }

    private static final int GLA_VERSION_PATCH = (int)0L;

    /**
     * {@snippet lang=c :
     * #define GLA_VERSION_PATCH 0
     * }
     */
    public static int GLA_VERSION_PATCH() {
        return GLA_VERSION_PATCH;
    }

    private static final int GLA_CPU_AVX2 = (int)1L;

    /**
     * {@snippet lang=c :
     * #define GLA_CPU_AVX2 1
     * }
     */
    public static int GLA_CPU_AVX2() {
        return GLA_CPU_AVX2;
    }

    private static final int GLA_CPU_FMA = (int)2L;

    /**
     * {@snippet lang=c :
     * #define GLA_CPU_FMA 2
     * }
     */
    public static int GLA_CPU_FMA() {
        return GLA_CPU_FMA;
    }

    private static final int GLA_CPU_AVX512F = (int)4L;

    /**
     * {@snippet lang=c :
     * #define GLA_CPU_AVX512F 4
     * }
     */
    public static int GLA_CPU_AVX512F() {
        return GLA_CPU_AVX512F;
    }

    private static final int GLA_DECODE_LINEAR_MAX_ROWS = (int)16L;

    /**
     * {@snippet lang=c :
     * #define GLA_DECODE_LINEAR_MAX_ROWS 16
     * }
     */
    public static int GLA_DECODE_LINEAR_MAX_ROWS() {
        return GLA_DECODE_LINEAR_MAX_ROWS;
    }

    private static final int GLA_DECODE_LINEAR_MAX_OUTPUTS = (int)8L;

    /**
     * {@snippet lang=c :
     * #define GLA_DECODE_LINEAR_MAX_OUTPUTS 8
     * }
     */
    public static int GLA_DECODE_LINEAR_MAX_OUTPUTS() {
        return GLA_DECODE_LINEAR_MAX_OUTPUTS;
    }

    private static final int GLA_GATE_PROJ_MAX_RANK = (int)64L;

    /**
     * {@snippet lang=c :
     * #define GLA_GATE_PROJ_MAX_RANK 64
     * }
     */
    public static int GLA_GATE_PROJ_MAX_RANK() {
        return GLA_GATE_PROJ_MAX_RANK;
    }

    private static final int GLA_OK = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_OK = 0
     * }
     */
    public static int GLA_OK() {
        return GLA_OK;
    }

    private static final int GLA_ERROR_INVALID_ARGUMENT = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_INVALID_ARGUMENT = 1
     * }
     */
    public static int GLA_ERROR_INVALID_ARGUMENT() {
        return GLA_ERROR_INVALID_ARGUMENT;
    }

    private static final int GLA_ERROR_UNSUPPORTED = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_UNSUPPORTED = 2
     * }
     */
    public static int GLA_ERROR_UNSUPPORTED() {
        return GLA_ERROR_UNSUPPORTED;
    }

    private static final int GLA_ERROR_OUT_OF_MEMORY = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_OUT_OF_MEMORY = 3
     * }
     */
    public static int GLA_ERROR_OUT_OF_MEMORY() {
        return GLA_ERROR_OUT_OF_MEMORY;
    }

    private static final int GLA_ERROR_BACKEND_UNAVAILABLE = (int)4L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_BACKEND_UNAVAILABLE = 4
     * }
     */
    public static int GLA_ERROR_BACKEND_UNAVAILABLE() {
        return GLA_ERROR_BACKEND_UNAVAILABLE;
    }

    private static final int GLA_ERROR_DEVICE = (int)5L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_DEVICE = 5
     * }
     */
    public static int GLA_ERROR_DEVICE() {
        return GLA_ERROR_DEVICE;
    }

    private static final int GLA_ERROR_INTERNAL = (int)6L;

    /**
     * {@snippet lang=c :
     * enum gla_status.GLA_ERROR_INTERNAL = 6
     * }
     */
    public static int GLA_ERROR_INTERNAL() {
        return GLA_ERROR_INTERNAL;
    }

    private static final int GLA_BACKEND_CPU = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_backend.GLA_BACKEND_CPU = 0
     * }
     */
    public static int GLA_BACKEND_CPU() {
        return GLA_BACKEND_CPU;
    }

    private static final int GLA_BACKEND_CUDA = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_backend.GLA_BACKEND_CUDA = 1
     * }
     */
    public static int GLA_BACKEND_CUDA() {
        return GLA_BACKEND_CUDA;
    }

    private static final int GLA_DTYPE_F32 = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_dtype.GLA_DTYPE_F32 = 0
     * }
     */
    public static int GLA_DTYPE_F32() {
        return GLA_DTYPE_F32;
    }

    private static final int GLA_DTYPE_BF16 = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_dtype.GLA_DTYPE_BF16 = 1
     * }
     */
    public static int GLA_DTYPE_BF16() {
        return GLA_DTYPE_BF16;
    }

    private static final int GLA_GATE_CHANNEL = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_gate.GLA_GATE_CHANNEL = 0
     * }
     */
    public static int GLA_GATE_CHANNEL() {
        return GLA_GATE_CHANNEL;
    }

    private static final int GLA_GATE_NONE = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_gate.GLA_GATE_NONE = 1
     * }
     */
    public static int GLA_GATE_NONE() {
        return GLA_GATE_NONE;
    }

    private static final int GLA_GATE_HEAD = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_gate.GLA_GATE_HEAD = 2
     * }
     */
    public static int GLA_GATE_HEAD() {
        return GLA_GATE_HEAD;
    }

    private static final int GLA_ALGORITHM_AUTO = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_algorithm.GLA_ALGORITHM_AUTO = 0
     * }
     */
    public static int GLA_ALGORITHM_AUTO() {
        return GLA_ALGORITHM_AUTO;
    }

    private static final int GLA_ALGORITHM_MATERIALIZE = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_algorithm.GLA_ALGORITHM_MATERIALIZE = 1
     * }
     */
    public static int GLA_ALGORITHM_MATERIALIZE() {
        return GLA_ALGORITHM_MATERIALIZE;
    }

    private static final int GLA_ALGORITHM_NON_MATERIALIZE = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_algorithm.GLA_ALGORITHM_NON_MATERIALIZE = 2
     * }
     */
    public static int GLA_ALGORITHM_NON_MATERIALIZE() {
        return GLA_ALGORITHM_NON_MATERIALIZE;
    }

    private static final int GLA_OP_CHUNK_FWD = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_op.GLA_OP_CHUNK_FWD = 0
     * }
     */
    public static int GLA_OP_CHUNK_FWD() {
        return GLA_OP_CHUNK_FWD;
    }

    private static final int GLA_OP_CHUNK_BWD = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_op.GLA_OP_CHUNK_BWD = 1
     * }
     */
    public static int GLA_OP_CHUNK_BWD() {
        return GLA_OP_CHUNK_BWD;
    }

    private static final int GLA_OP_RECURRENT_FWD = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_op.GLA_OP_RECURRENT_FWD = 2
     * }
     */
    public static int GLA_OP_RECURRENT_FWD() {
        return GLA_OP_RECURRENT_FWD;
    }

    private static final int GLA_OP_RECURRENT_BWD = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gla_op.GLA_OP_RECURRENT_BWD = 3
     * }
     */
    public static int GLA_OP_RECURRENT_BWD() {
        return GLA_OP_RECURRENT_BWD;
    }

    private static final int GLA_OP_DECODE_STEP = (int)4L;

    /**
     * {@snippet lang=c :
     * enum gla_op.GLA_OP_DECODE_STEP = 4
     * }
     */
    public static int GLA_OP_DECODE_STEP() {
        return GLA_OP_DECODE_STEP;
    }

    private static final int GLA_COPY_HOST_TO_DEVICE = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_copy.GLA_COPY_HOST_TO_DEVICE = 0
     * }
     */
    public static int GLA_COPY_HOST_TO_DEVICE() {
        return GLA_COPY_HOST_TO_DEVICE;
    }

    private static final int GLA_COPY_DEVICE_TO_HOST = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_copy.GLA_COPY_DEVICE_TO_HOST = 1
     * }
     */
    public static int GLA_COPY_DEVICE_TO_HOST() {
        return GLA_COPY_DEVICE_TO_HOST;
    }

    private static final int GLA_COPY_DEVICE_TO_DEVICE = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_copy.GLA_COPY_DEVICE_TO_DEVICE = 2
     * }
     */
    public static int GLA_COPY_DEVICE_TO_DEVICE() {
        return GLA_COPY_DEVICE_TO_DEVICE;
    }

    private static final int GLA_COPY_HOST_TO_HOST = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gla_copy.GLA_COPY_HOST_TO_HOST = 3
     * }
     */
    public static int GLA_COPY_HOST_TO_HOST() {
        return GLA_COPY_HOST_TO_HOST;
    }

    private static class gla_version {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_version");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_version(int32_t *major, int32_t *minor, int32_t *patch)
     * }
     */
    public static FunctionDescriptor gla_version$descriptor() {
        return gla_version.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_version(int32_t *major, int32_t *minor, int32_t *patch)
     * }
     */
    public static MethodHandle gla_version$handle() {
        return gla_version.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_version(int32_t *major, int32_t *minor, int32_t *patch)
     * }
     */
    public static MemorySegment gla_version$address() {
        return gla_version.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_version(int32_t *major, int32_t *minor, int32_t *patch)
     * }
     */
    public static int gla_version(MemorySegment major, MemorySegment minor, MemorySegment patch) {
        var mh$ = gla_version.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_version", major, minor, patch);
            }
            return (int) mh$.invokeExact(major, minor, patch);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_get_last_error {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_get_last_error");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_get_last_error(const char * *message)
     * }
     */
    public static FunctionDescriptor gla_get_last_error$descriptor() {
        return gla_get_last_error.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_get_last_error(const char * *message)
     * }
     */
    public static MethodHandle gla_get_last_error$handle() {
        return gla_get_last_error.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_get_last_error(const char * *message)
     * }
     */
    public static MemorySegment gla_get_last_error$address() {
        return gla_get_last_error.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_get_last_error(const char * *message)
     * }
     */
    public static int gla_get_last_error(MemorySegment message) {
        var mh$ = gla_get_last_error.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_get_last_error", message);
            }
            return (int) mh$.invokeExact(message);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_status_name {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_status_name");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_status_name(int32_t status, const char * *name)
     * }
     */
    public static FunctionDescriptor gla_status_name$descriptor() {
        return gla_status_name.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_status_name(int32_t status, const char * *name)
     * }
     */
    public static MethodHandle gla_status_name$handle() {
        return gla_status_name.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_status_name(int32_t status, const char * *name)
     * }
     */
    public static MemorySegment gla_status_name$address() {
        return gla_status_name.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_status_name(int32_t status, const char * *name)
     * }
     */
    public static int gla_status_name(int status, MemorySegment name) {
        var mh$ = gla_status_name.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_status_name", status, name);
            }
            return (int) mh$.invokeExact(status, name);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_cpu_features {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_cpu_features");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_cpu_features(uint32_t *features)
     * }
     */
    public static FunctionDescriptor gla_cpu_features$descriptor() {
        return gla_cpu_features.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_cpu_features(uint32_t *features)
     * }
     */
    public static MethodHandle gla_cpu_features$handle() {
        return gla_cpu_features.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_cpu_features(uint32_t *features)
     * }
     */
    public static MemorySegment gla_cpu_features$address() {
        return gla_cpu_features.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_cpu_features(uint32_t *features)
     * }
     */
    public static int gla_cpu_features(MemorySegment features) {
        var mh$ = gla_cpu_features.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_cpu_features", features);
            }
            return (int) mh$.invokeExact(features);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_backend_available {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_backend_available");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_backend_available(int32_t backend, int32_t *available)
     * }
     */
    public static FunctionDescriptor gla_backend_available$descriptor() {
        return gla_backend_available.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_backend_available(int32_t backend, int32_t *available)
     * }
     */
    public static MethodHandle gla_backend_available$handle() {
        return gla_backend_available.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_backend_available(int32_t backend, int32_t *available)
     * }
     */
    public static MemorySegment gla_backend_available$address() {
        return gla_backend_available.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_backend_available(int32_t backend, int32_t *available)
     * }
     */
    public static int gla_backend_available(int backend, MemorySegment available) {
        var mh$ = gla_backend_available.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_backend_available", backend, available);
            }
            return (int) mh$.invokeExact(backend, available);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_device_count {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_device_count");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_device_count(int32_t backend, int32_t *count)
     * }
     */
    public static FunctionDescriptor gla_device_count$descriptor() {
        return gla_device_count.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_device_count(int32_t backend, int32_t *count)
     * }
     */
    public static MethodHandle gla_device_count$handle() {
        return gla_device_count.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_device_count(int32_t backend, int32_t *count)
     * }
     */
    public static MemorySegment gla_device_count$address() {
        return gla_device_count.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_device_count(int32_t backend, int32_t *count)
     * }
     */
    public static int gla_device_count(int backend, MemorySegment count) {
        var mh$ = gla_device_count.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_device_count", backend, count);
            }
            return (int) mh$.invokeExact(backend, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_device_info_get {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_device_info_get");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info *info)
     * }
     */
    public static FunctionDescriptor gla_device_info_get$descriptor() {
        return gla_device_info_get.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info *info)
     * }
     */
    public static MethodHandle gla_device_info_get$handle() {
        return gla_device_info_get.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info *info)
     * }
     */
    public static MemorySegment gla_device_info_get$address() {
        return gla_device_info_get.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info *info)
     * }
     */
    public static int gla_device_info_get(int backend, int device, MemorySegment info) {
        var mh$ = gla_device_info_get.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_device_info_get", backend, device, info);
            }
            return (int) mh$.invokeExact(backend, device, info);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_context_create {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_context_create");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_context_create(int32_t backend, int32_t device, gla_context * *context)
     * }
     */
    public static FunctionDescriptor gla_context_create$descriptor() {
        return gla_context_create.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_context_create(int32_t backend, int32_t device, gla_context * *context)
     * }
     */
    public static MethodHandle gla_context_create$handle() {
        return gla_context_create.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_context_create(int32_t backend, int32_t device, gla_context * *context)
     * }
     */
    public static MemorySegment gla_context_create$address() {
        return gla_context_create.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_context_create(int32_t backend, int32_t device, gla_context * *context)
     * }
     */
    public static int gla_context_create(int backend, int device, MemorySegment context) {
        var mh$ = gla_context_create.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_context_create", backend, device, context);
            }
            return (int) mh$.invokeExact(backend, device, context);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_context_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_context_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_context_destroy(gla_context *context)
     * }
     */
    public static FunctionDescriptor gla_context_destroy$descriptor() {
        return gla_context_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_context_destroy(gla_context *context)
     * }
     */
    public static MethodHandle gla_context_destroy$handle() {
        return gla_context_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_context_destroy(gla_context *context)
     * }
     */
    public static MemorySegment gla_context_destroy$address() {
        return gla_context_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_context_destroy(gla_context *context)
     * }
     */
    public static int gla_context_destroy(MemorySegment context) {
        var mh$ = gla_context_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_context_destroy", context);
            }
            return (int) mh$.invokeExact(context);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_context_backend {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_context_backend");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_context_backend(const gla_context *context, int32_t *backend)
     * }
     */
    public static FunctionDescriptor gla_context_backend$descriptor() {
        return gla_context_backend.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_context_backend(const gla_context *context, int32_t *backend)
     * }
     */
    public static MethodHandle gla_context_backend$handle() {
        return gla_context_backend.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_context_backend(const gla_context *context, int32_t *backend)
     * }
     */
    public static MemorySegment gla_context_backend$address() {
        return gla_context_backend.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_context_backend(const gla_context *context, int32_t *backend)
     * }
     */
    public static int gla_context_backend(MemorySegment context, MemorySegment backend) {
        var mh$ = gla_context_backend.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_context_backend", context, backend);
            }
            return (int) mh$.invokeExact(context, backend);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_context_set_stream {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_context_set_stream");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_context_set_stream(gla_context *context, void *stream)
     * }
     */
    public static FunctionDescriptor gla_context_set_stream$descriptor() {
        return gla_context_set_stream.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_context_set_stream(gla_context *context, void *stream)
     * }
     */
    public static MethodHandle gla_context_set_stream$handle() {
        return gla_context_set_stream.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_context_set_stream(gla_context *context, void *stream)
     * }
     */
    public static MemorySegment gla_context_set_stream$address() {
        return gla_context_set_stream.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_context_set_stream(gla_context *context, void *stream)
     * }
     */
    public static int gla_context_set_stream(MemorySegment context, MemorySegment stream) {
        var mh$ = gla_context_set_stream.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_context_set_stream", context, stream);
            }
            return (int) mh$.invokeExact(context, stream);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_context_set_threads {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_context_set_threads");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_context_set_threads(gla_context *context, int32_t threads)
     * }
     */
    public static FunctionDescriptor gla_context_set_threads$descriptor() {
        return gla_context_set_threads.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_context_set_threads(gla_context *context, int32_t threads)
     * }
     */
    public static MethodHandle gla_context_set_threads$handle() {
        return gla_context_set_threads.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_context_set_threads(gla_context *context, int32_t threads)
     * }
     */
    public static MemorySegment gla_context_set_threads$address() {
        return gla_context_set_threads.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_context_set_threads(gla_context *context, int32_t threads)
     * }
     */
    public static int gla_context_set_threads(MemorySegment context, int threads) {
        var mh$ = gla_context_set_threads.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_context_set_threads", context, threads);
            }
            return (int) mh$.invokeExact(context, threads);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_synchronize {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_synchronize");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_synchronize(gla_context *context)
     * }
     */
    public static FunctionDescriptor gla_synchronize$descriptor() {
        return gla_synchronize.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_synchronize(gla_context *context)
     * }
     */
    public static MethodHandle gla_synchronize$handle() {
        return gla_synchronize.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_synchronize(gla_context *context)
     * }
     */
    public static MemorySegment gla_synchronize$address() {
        return gla_synchronize.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_synchronize(gla_context *context)
     * }
     */
    public static int gla_synchronize(MemorySegment context) {
        var mh$ = gla_synchronize.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_synchronize", context);
            }
            return (int) mh$.invokeExact(context);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_malloc {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_malloc");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_malloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static FunctionDescriptor gla_malloc$descriptor() {
        return gla_malloc.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_malloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static MethodHandle gla_malloc$handle() {
        return gla_malloc.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_malloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static MemorySegment gla_malloc$address() {
        return gla_malloc.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_malloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static int gla_malloc(MemorySegment context, long bytes, MemorySegment ptr) {
        var mh$ = gla_malloc.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_malloc", context, bytes, ptr);
            }
            return (int) mh$.invokeExact(context, bytes, ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_free(gla_context *context, void *ptr)
     * }
     */
    public static FunctionDescriptor gla_free$descriptor() {
        return gla_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_free(gla_context *context, void *ptr)
     * }
     */
    public static MethodHandle gla_free$handle() {
        return gla_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_free(gla_context *context, void *ptr)
     * }
     */
    public static MemorySegment gla_free$address() {
        return gla_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_free(gla_context *context, void *ptr)
     * }
     */
    public static int gla_free(MemorySegment context, MemorySegment ptr) {
        var mh$ = gla_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_free", context, ptr);
            }
            return (int) mh$.invokeExact(context, ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_memset {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_LONG
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_memset");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_memset(gla_context *context, void *ptr, int32_t value, int64_t bytes)
     * }
     */
    public static FunctionDescriptor gla_memset$descriptor() {
        return gla_memset.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_memset(gla_context *context, void *ptr, int32_t value, int64_t bytes)
     * }
     */
    public static MethodHandle gla_memset$handle() {
        return gla_memset.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_memset(gla_context *context, void *ptr, int32_t value, int64_t bytes)
     * }
     */
    public static MemorySegment gla_memset$address() {
        return gla_memset.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_memset(gla_context *context, void *ptr, int32_t value, int64_t bytes)
     * }
     */
    public static int gla_memset(MemorySegment context, MemorySegment ptr, int value, long bytes) {
        var mh$ = gla_memset.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_memset", context, ptr, value, bytes);
            }
            return (int) mh$.invokeExact(context, ptr, value, bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_memcpy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_memcpy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_memcpy(gla_context *context, void *dst, const void *src, int64_t bytes, int32_t kind)
     * }
     */
    public static FunctionDescriptor gla_memcpy$descriptor() {
        return gla_memcpy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_memcpy(gla_context *context, void *dst, const void *src, int64_t bytes, int32_t kind)
     * }
     */
    public static MethodHandle gla_memcpy$handle() {
        return gla_memcpy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_memcpy(gla_context *context, void *dst, const void *src, int64_t bytes, int32_t kind)
     * }
     */
    public static MemorySegment gla_memcpy$address() {
        return gla_memcpy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_memcpy(gla_context *context, void *dst, const void *src, int64_t bytes, int32_t kind)
     * }
     */
    public static int gla_memcpy(MemorySegment context, MemorySegment dst, MemorySegment src, long bytes, int kind) {
        var mh$ = gla_memcpy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_memcpy", context, dst, src, bytes, kind);
            }
            return (int) mh$.invokeExact(context, dst, src, bytes, kind);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_host_alloc {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_host_alloc");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_host_alloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static FunctionDescriptor gla_host_alloc$descriptor() {
        return gla_host_alloc.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_host_alloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static MethodHandle gla_host_alloc$handle() {
        return gla_host_alloc.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_host_alloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static MemorySegment gla_host_alloc$address() {
        return gla_host_alloc.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_host_alloc(gla_context *context, int64_t bytes, void * *ptr)
     * }
     */
    public static int gla_host_alloc(MemorySegment context, long bytes, MemorySegment ptr) {
        var mh$ = gla_host_alloc.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_host_alloc", context, bytes, ptr);
            }
            return (int) mh$.invokeExact(context, bytes, ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_host_free {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_host_free");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_host_free(gla_context *context, void *ptr)
     * }
     */
    public static FunctionDescriptor gla_host_free$descriptor() {
        return gla_host_free.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_host_free(gla_context *context, void *ptr)
     * }
     */
    public static MethodHandle gla_host_free$handle() {
        return gla_host_free.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_host_free(gla_context *context, void *ptr)
     * }
     */
    public static MemorySegment gla_host_free$address() {
        return gla_host_free.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_host_free(gla_context *context, void *ptr)
     * }
     */
    public static int gla_host_free(MemorySegment context, MemorySegment ptr) {
        var mh$ = gla_host_free.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_host_free", context, ptr);
            }
            return (int) mh$.invokeExact(context, ptr);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_workspace_size {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_workspace_size");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_workspace_size(const gla_context *context, int32_t op, const gla_dims *dims, int64_t *bytes)
     * }
     */
    public static FunctionDescriptor gla_workspace_size$descriptor() {
        return gla_workspace_size.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_workspace_size(const gla_context *context, int32_t op, const gla_dims *dims, int64_t *bytes)
     * }
     */
    public static MethodHandle gla_workspace_size$handle() {
        return gla_workspace_size.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_workspace_size(const gla_context *context, int32_t op, const gla_dims *dims, int64_t *bytes)
     * }
     */
    public static MemorySegment gla_workspace_size$address() {
        return gla_workspace_size.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_workspace_size(const gla_context *context, int32_t op, const gla_dims *dims, int64_t *bytes)
     * }
     */
    public static int gla_workspace_size(MemorySegment context, int op, MemorySegment dims, MemorySegment bytes) {
        var mh$ = gla_workspace_size.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_workspace_size", context, op, dims, bytes);
            }
            return (int) mh$.invokeExact(context, op, dims, bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_chunk_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_LONG
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_chunk_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_chunk_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static FunctionDescriptor gla_chunk_fwd$descriptor() {
        return gla_chunk_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_chunk_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MethodHandle gla_chunk_fwd$handle() {
        return gla_chunk_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_chunk_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MemorySegment gla_chunk_fwd$address() {
        return gla_chunk_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_chunk_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static int gla_chunk_fwd(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment h0, MemorySegment cu_seqlens, MemorySegment o, MemorySegment ht, MemorySegment workspace, long workspace_bytes) {
        var mh$ = gla_chunk_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_chunk_fwd", context, dims, q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_chunk_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_LONG
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_chunk_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_chunk_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static FunctionDescriptor gla_chunk_bwd$descriptor() {
        return gla_chunk_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_chunk_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MethodHandle gla_chunk_bwd$handle() {
        return gla_chunk_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_chunk_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MemorySegment gla_chunk_bwd$address() {
        return gla_chunk_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_chunk_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static int gla_chunk_bwd(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment h0, MemorySegment cu_seqlens, MemorySegment dout, MemorySegment dht, MemorySegment dq, MemorySegment dk, MemorySegment dv, MemorySegment dg, MemorySegment dh0, MemorySegment workspace, long workspace_bytes) {
        var mh$ = gla_chunk_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_chunk_bwd", context, dims, q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_recurrent_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_LONG
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_recurrent_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static FunctionDescriptor gla_recurrent_fwd$descriptor() {
        return gla_recurrent_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MethodHandle gla_recurrent_fwd$handle() {
        return gla_recurrent_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MemorySegment gla_recurrent_fwd$address() {
        return gla_recurrent_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_recurrent_fwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, void *o, float *ht, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static int gla_recurrent_fwd(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment h0, MemorySegment cu_seqlens, MemorySegment o, MemorySegment ht, MemorySegment workspace, long workspace_bytes) {
        var mh$ = gla_recurrent_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_recurrent_fwd", context, dims, q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_recurrent_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_LONG
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_recurrent_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static FunctionDescriptor gla_recurrent_bwd$descriptor() {
        return gla_recurrent_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MethodHandle gla_recurrent_bwd$handle() {
        return gla_recurrent_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_recurrent_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static MemorySegment gla_recurrent_bwd$address() {
        return gla_recurrent_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_recurrent_bwd(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, const float *h0, const int64_t *cu_seqlens, const void *dout, const float *dht, void *dq, void *dk, void *dv, float *dg, float *dh0, void *workspace, int64_t workspace_bytes)
     * }
     */
    public static int gla_recurrent_bwd(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment h0, MemorySegment cu_seqlens, MemorySegment dout, MemorySegment dht, MemorySegment dq, MemorySegment dk, MemorySegment dv, MemorySegment dg, MemorySegment dh0, MemorySegment workspace, long workspace_bytes) {
        var mh$ = gla_recurrent_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_recurrent_bwd", context, dims, q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_decode_step {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_decode_step");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_decode_step(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, float *state, void *o)
     * }
     */
    public static FunctionDescriptor gla_decode_step$descriptor() {
        return gla_decode_step.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_decode_step(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, float *state, void *o)
     * }
     */
    public static MethodHandle gla_decode_step$handle() {
        return gla_decode_step.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_decode_step(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, float *state, void *o)
     * }
     */
    public static MemorySegment gla_decode_step$address() {
        return gla_decode_step.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_decode_step(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const float *g, float *state, void *o)
     * }
     */
    public static int gla_decode_step(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment g, MemorySegment state, MemorySegment o) {
        var mh$ = gla_decode_step.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_decode_step", context, dims, q, k, v, g, state, o);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, g, state, o);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_decode_step_gate_proj {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_decode_step_gate_proj");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_decode_step_gate_proj(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const gla_gate_proj *gate, float *state, void *o)
     * }
     */
    public static FunctionDescriptor gla_decode_step_gate_proj$descriptor() {
        return gla_decode_step_gate_proj.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_decode_step_gate_proj(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const gla_gate_proj *gate, float *state, void *o)
     * }
     */
    public static MethodHandle gla_decode_step_gate_proj$handle() {
        return gla_decode_step_gate_proj.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_decode_step_gate_proj(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const gla_gate_proj *gate, float *state, void *o)
     * }
     */
    public static MemorySegment gla_decode_step_gate_proj$address() {
        return gla_decode_step_gate_proj.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_decode_step_gate_proj(gla_context *context, const gla_dims *dims, const void *q, const void *k, const void *v, const gla_gate_proj *gate, float *state, void *o)
     * }
     */
    public static int gla_decode_step_gate_proj(MemorySegment context, MemorySegment dims, MemorySegment q, MemorySegment k, MemorySegment v, MemorySegment gate, MemorySegment state, MemorySegment o) {
        var mh$ = gla_decode_step_gate_proj.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_decode_step_gate_proj", context, dims, q, k, v, gate, state, o);
            }
            return (int) mh$.invokeExact(context, dims, q, k, v, gate, state, o);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final int GLA_TRANSPOSE_NONE = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_transpose.GLA_TRANSPOSE_NONE = 0
     * }
     */
    public static int GLA_TRANSPOSE_NONE() {
        return GLA_TRANSPOSE_NONE;
    }

    private static final int GLA_TRANSPOSE = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_transpose.GLA_TRANSPOSE = 1
     * }
     */
    public static int GLA_TRANSPOSE() {
        return GLA_TRANSPOSE;
    }

    private static class gla_gemm {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_INT,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_INT,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_gemm");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_gemm(gla_context *context, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha, const void *a, int64_t lda, const void *b, int64_t ldb, int32_t ab_dtype, float beta, void *c, int64_t ldc, int32_t c_dtype)
     * }
     */
    public static FunctionDescriptor gla_gemm$descriptor() {
        return gla_gemm.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_gemm(gla_context *context, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha, const void *a, int64_t lda, const void *b, int64_t ldb, int32_t ab_dtype, float beta, void *c, int64_t ldc, int32_t c_dtype)
     * }
     */
    public static MethodHandle gla_gemm$handle() {
        return gla_gemm.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_gemm(gla_context *context, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha, const void *a, int64_t lda, const void *b, int64_t ldb, int32_t ab_dtype, float beta, void *c, int64_t ldc, int32_t c_dtype)
     * }
     */
    public static MemorySegment gla_gemm$address() {
        return gla_gemm.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_gemm(gla_context *context, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k, float alpha, const void *a, int64_t lda, const void *b, int64_t ldb, int32_t ab_dtype, float beta, void *c, int64_t ldc, int32_t c_dtype)
     * }
     */
    public static int gla_gemm(MemorySegment context, int trans_a, int trans_b, long m, long n, long k, float alpha, MemorySegment a, long lda, MemorySegment b, long ldb, int ab_dtype, float beta, MemorySegment c, long ldc, int c_dtype) {
        var mh$ = gla_gemm.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_gemm", context, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, ab_dtype, beta, c, ldc, c_dtype);
            }
            return (int) mh$.invokeExact(context, trans_a, trans_b, m, n, k, alpha, a, lda, b, ldb, ab_dtype, beta, c, ldc, c_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_rms_norm_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_rms_norm_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const float *x, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static FunctionDescriptor gla_rms_norm_fwd$descriptor() {
        return gla_rms_norm_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const float *x, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static MethodHandle gla_rms_norm_fwd$handle() {
        return gla_rms_norm_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const float *x, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static MemorySegment gla_rms_norm_fwd$address() {
        return gla_rms_norm_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const float *x, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static int gla_rms_norm_fwd(MemorySegment context, long rows, long width, MemorySegment x, MemorySegment weight, float eps, MemorySegment y, int y_dtype, MemorySegment rstd) {
        var mh$ = gla_rms_norm_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_rms_norm_fwd", context, rows, width, x, weight, eps, y, y_dtype, rstd);
            }
            return (int) mh$.invokeExact(context, rows, width, x, weight, eps, y, y_dtype, rstd);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_rms_norm_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_rms_norm_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const float *x, const float *weight, const float *rstd, float *dx, int32_t accumulate_dx, float *dweight)
     * }
     */
    public static FunctionDescriptor gla_rms_norm_bwd$descriptor() {
        return gla_rms_norm_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const float *x, const float *weight, const float *rstd, float *dx, int32_t accumulate_dx, float *dweight)
     * }
     */
    public static MethodHandle gla_rms_norm_bwd$handle() {
        return gla_rms_norm_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const float *x, const float *weight, const float *rstd, float *dx, int32_t accumulate_dx, float *dweight)
     * }
     */
    public static MemorySegment gla_rms_norm_bwd$address() {
        return gla_rms_norm_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const float *x, const float *weight, const float *rstd, float *dx, int32_t accumulate_dx, float *dweight)
     * }
     */
    public static int gla_rms_norm_bwd(MemorySegment context, long rows, long width, MemorySegment dy, MemorySegment x, MemorySegment weight, MemorySegment rstd, MemorySegment dx, int accumulate_dx, MemorySegment dweight) {
        var mh$ = gla_rms_norm_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_rms_norm_bwd", context, rows, width, dy, x, weight, rstd, dx, accumulate_dx, dweight);
            }
            return (int) mh$.invokeExact(context, rows, width, dy, x, weight, rstd, dx, accumulate_dx, dweight);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_gated_rms_norm_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_gated_rms_norm_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const void *x, const void *z, int32_t xz_dtype, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static FunctionDescriptor gla_gated_rms_norm_fwd$descriptor() {
        return gla_gated_rms_norm_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const void *x, const void *z, int32_t xz_dtype, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static MethodHandle gla_gated_rms_norm_fwd$handle() {
        return gla_gated_rms_norm_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const void *x, const void *z, int32_t xz_dtype, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static MemorySegment gla_gated_rms_norm_fwd$address() {
        return gla_gated_rms_norm_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_fwd(gla_context *context, int64_t rows, int64_t width, const void *x, const void *z, int32_t xz_dtype, const float *weight, float eps, void *y, int32_t y_dtype, float *rstd)
     * }
     */
    public static int gla_gated_rms_norm_fwd(MemorySegment context, long rows, long width, MemorySegment x, MemorySegment z, int xz_dtype, MemorySegment weight, float eps, MemorySegment y, int y_dtype, MemorySegment rstd) {
        var mh$ = gla_gated_rms_norm_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_gated_rms_norm_fwd", context, rows, width, x, z, xz_dtype, weight, eps, y, y_dtype, rstd);
            }
            return (int) mh$.invokeExact(context, rows, width, x, z, xz_dtype, weight, eps, y, y_dtype, rstd);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_gated_rms_norm_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_gated_rms_norm_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const void *x, const void *z, int32_t xz_dtype, const float *weight, const float *rstd, void *dx, void *dz, int32_t dxz_dtype, float *dweight)
     * }
     */
    public static FunctionDescriptor gla_gated_rms_norm_bwd$descriptor() {
        return gla_gated_rms_norm_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const void *x, const void *z, int32_t xz_dtype, const float *weight, const float *rstd, void *dx, void *dz, int32_t dxz_dtype, float *dweight)
     * }
     */
    public static MethodHandle gla_gated_rms_norm_bwd$handle() {
        return gla_gated_rms_norm_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const void *x, const void *z, int32_t xz_dtype, const float *weight, const float *rstd, void *dx, void *dz, int32_t dxz_dtype, float *dweight)
     * }
     */
    public static MemorySegment gla_gated_rms_norm_bwd$address() {
        return gla_gated_rms_norm_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_gated_rms_norm_bwd(gla_context *context, int64_t rows, int64_t width, const float *dy, const void *x, const void *z, int32_t xz_dtype, const float *weight, const float *rstd, void *dx, void *dz, int32_t dxz_dtype, float *dweight)
     * }
     */
    public static int gla_gated_rms_norm_bwd(MemorySegment context, long rows, long width, MemorySegment dy, MemorySegment x, MemorySegment z, int xz_dtype, MemorySegment weight, MemorySegment rstd, MemorySegment dx, MemorySegment dz, int dxz_dtype, MemorySegment dweight) {
        var mh$ = gla_gated_rms_norm_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_gated_rms_norm_bwd", context, rows, width, dy, x, z, xz_dtype, weight, rstd, dx, dz, dxz_dtype, dweight);
            }
            return (int) mh$.invokeExact(context, rows, width, dy, x, z, xz_dtype, weight, rstd, dx, dz, dxz_dtype, dweight);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_swiglu_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_swiglu_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_fwd(gla_context *context, int64_t count, const void *a, const void *b, int32_t ab_dtype, void *y, int32_t y_dtype)
     * }
     */
    public static FunctionDescriptor gla_swiglu_fwd$descriptor() {
        return gla_swiglu_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_fwd(gla_context *context, int64_t count, const void *a, const void *b, int32_t ab_dtype, void *y, int32_t y_dtype)
     * }
     */
    public static MethodHandle gla_swiglu_fwd$handle() {
        return gla_swiglu_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_fwd(gla_context *context, int64_t count, const void *a, const void *b, int32_t ab_dtype, void *y, int32_t y_dtype)
     * }
     */
    public static MemorySegment gla_swiglu_fwd$address() {
        return gla_swiglu_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_swiglu_fwd(gla_context *context, int64_t count, const void *a, const void *b, int32_t ab_dtype, void *y, int32_t y_dtype)
     * }
     */
    public static int gla_swiglu_fwd(MemorySegment context, long count, MemorySegment a, MemorySegment b, int ab_dtype, MemorySegment y, int y_dtype) {
        var mh$ = gla_swiglu_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_swiglu_fwd", context, count, a, b, ab_dtype, y, y_dtype);
            }
            return (int) mh$.invokeExact(context, count, a, b, ab_dtype, y, y_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_swiglu_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_swiglu_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_bwd(gla_context *context, int64_t count, const float *dy, const void *a, const void *b, int32_t ab_dtype, void *da, void *db, int32_t dab_dtype)
     * }
     */
    public static FunctionDescriptor gla_swiglu_bwd$descriptor() {
        return gla_swiglu_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_bwd(gla_context *context, int64_t count, const float *dy, const void *a, const void *b, int32_t ab_dtype, void *da, void *db, int32_t dab_dtype)
     * }
     */
    public static MethodHandle gla_swiglu_bwd$handle() {
        return gla_swiglu_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_swiglu_bwd(gla_context *context, int64_t count, const float *dy, const void *a, const void *b, int32_t ab_dtype, void *da, void *db, int32_t dab_dtype)
     * }
     */
    public static MemorySegment gla_swiglu_bwd$address() {
        return gla_swiglu_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_swiglu_bwd(gla_context *context, int64_t count, const float *dy, const void *a, const void *b, int32_t ab_dtype, void *da, void *db, int32_t dab_dtype)
     * }
     */
    public static int gla_swiglu_bwd(MemorySegment context, long count, MemorySegment dy, MemorySegment a, MemorySegment b, int ab_dtype, MemorySegment da, MemorySegment db, int dab_dtype) {
        var mh$ = gla_swiglu_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_swiglu_bwd", context, count, dy, a, b, ab_dtype, da, db, dab_dtype);
            }
            return (int) mh$.invokeExact(context, count, dy, a, b, ab_dtype, da, db, dab_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_log_sigmoid_gate_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_log_sigmoid_gate_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_fwd(gla_context *context, int64_t count, const void *z, int32_t z_dtype, float normalizer, float clamp_min, float *g)
     * }
     */
    public static FunctionDescriptor gla_log_sigmoid_gate_fwd$descriptor() {
        return gla_log_sigmoid_gate_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_fwd(gla_context *context, int64_t count, const void *z, int32_t z_dtype, float normalizer, float clamp_min, float *g)
     * }
     */
    public static MethodHandle gla_log_sigmoid_gate_fwd$handle() {
        return gla_log_sigmoid_gate_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_fwd(gla_context *context, int64_t count, const void *z, int32_t z_dtype, float normalizer, float clamp_min, float *g)
     * }
     */
    public static MemorySegment gla_log_sigmoid_gate_fwd$address() {
        return gla_log_sigmoid_gate_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_fwd(gla_context *context, int64_t count, const void *z, int32_t z_dtype, float normalizer, float clamp_min, float *g)
     * }
     */
    public static int gla_log_sigmoid_gate_fwd(MemorySegment context, long count, MemorySegment z, int z_dtype, float normalizer, float clamp_min, MemorySegment g) {
        var mh$ = gla_log_sigmoid_gate_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_log_sigmoid_gate_fwd", context, count, z, z_dtype, normalizer, clamp_min, g);
            }
            return (int) mh$.invokeExact(context, count, z, z_dtype, normalizer, clamp_min, g);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_log_sigmoid_gate_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_log_sigmoid_gate_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_bwd(gla_context *context, int64_t count, const float *dg, const void *z, int32_t z_dtype, float normalizer, float clamp_min, void *dz, int32_t dz_dtype)
     * }
     */
    public static FunctionDescriptor gla_log_sigmoid_gate_bwd$descriptor() {
        return gla_log_sigmoid_gate_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_bwd(gla_context *context, int64_t count, const float *dg, const void *z, int32_t z_dtype, float normalizer, float clamp_min, void *dz, int32_t dz_dtype)
     * }
     */
    public static MethodHandle gla_log_sigmoid_gate_bwd$handle() {
        return gla_log_sigmoid_gate_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_bwd(gla_context *context, int64_t count, const float *dg, const void *z, int32_t z_dtype, float normalizer, float clamp_min, void *dz, int32_t dz_dtype)
     * }
     */
    public static MemorySegment gla_log_sigmoid_gate_bwd$address() {
        return gla_log_sigmoid_gate_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_log_sigmoid_gate_bwd(gla_context *context, int64_t count, const float *dg, const void *z, int32_t z_dtype, float normalizer, float clamp_min, void *dz, int32_t dz_dtype)
     * }
     */
    public static int gla_log_sigmoid_gate_bwd(MemorySegment context, long count, MemorySegment dg, MemorySegment z, int z_dtype, float normalizer, float clamp_min, MemorySegment dz, int dz_dtype) {
        var mh$ = gla_log_sigmoid_gate_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_log_sigmoid_gate_bwd", context, count, dg, z, z_dtype, normalizer, clamp_min, dz, dz_dtype);
            }
            return (int) mh$.invokeExact(context, count, dg, z, z_dtype, normalizer, clamp_min, dz, dz_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_repeat_heads_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_repeat_heads_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_fwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const void *in, void *out, int32_t dtype)
     * }
     */
    public static FunctionDescriptor gla_repeat_heads_fwd$descriptor() {
        return gla_repeat_heads_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_fwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const void *in, void *out, int32_t dtype)
     * }
     */
    public static MethodHandle gla_repeat_heads_fwd$handle() {
        return gla_repeat_heads_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_fwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const void *in, void *out, int32_t dtype)
     * }
     */
    public static MemorySegment gla_repeat_heads_fwd$address() {
        return gla_repeat_heads_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_fwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const void *in, void *out, int32_t dtype)
     * }
     */
    public static int gla_repeat_heads_fwd(MemorySegment context, long rows, long kv_heads, long groups, long head_dim, MemorySegment in, MemorySegment out, int dtype) {
        var mh$ = gla_repeat_heads_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_repeat_heads_fwd", context, rows, kv_heads, groups, head_dim, in, out, dtype);
            }
            return (int) mh$.invokeExact(context, rows, kv_heads, groups, head_dim, in, out, dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_repeat_heads_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_repeat_heads_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_bwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const float *dout, float *din)
     * }
     */
    public static FunctionDescriptor gla_repeat_heads_bwd$descriptor() {
        return gla_repeat_heads_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_bwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const float *dout, float *din)
     * }
     */
    public static MethodHandle gla_repeat_heads_bwd$handle() {
        return gla_repeat_heads_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_bwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const float *dout, float *din)
     * }
     */
    public static MemorySegment gla_repeat_heads_bwd$address() {
        return gla_repeat_heads_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_repeat_heads_bwd(gla_context *context, int64_t rows, int64_t kv_heads, int64_t groups, int64_t head_dim, const float *dout, float *din)
     * }
     */
    public static int gla_repeat_heads_bwd(MemorySegment context, long rows, long kv_heads, long groups, long head_dim, MemorySegment dout, MemorySegment din) {
        var mh$ = gla_repeat_heads_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_repeat_heads_bwd", context, rows, kv_heads, groups, head_dim, dout, din);
            }
            return (int) mh$.invokeExact(context, rows, kv_heads, groups, head_dim, dout, din);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_embedding_fwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_embedding_fwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_embedding_fwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *table, float *out)
     * }
     */
    public static FunctionDescriptor gla_embedding_fwd$descriptor() {
        return gla_embedding_fwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_embedding_fwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *table, float *out)
     * }
     */
    public static MethodHandle gla_embedding_fwd$handle() {
        return gla_embedding_fwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_embedding_fwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *table, float *out)
     * }
     */
    public static MemorySegment gla_embedding_fwd$address() {
        return gla_embedding_fwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_embedding_fwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *table, float *out)
     * }
     */
    public static int gla_embedding_fwd(MemorySegment context, long rows, long width, long vocab, MemorySegment ids, MemorySegment table, MemorySegment out) {
        var mh$ = gla_embedding_fwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_embedding_fwd", context, rows, width, vocab, ids, table, out);
            }
            return (int) mh$.invokeExact(context, rows, width, vocab, ids, table, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_embedding_bwd {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_embedding_bwd");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_embedding_bwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *dout, int32_t padding_idx, float *dtable)
     * }
     */
    public static FunctionDescriptor gla_embedding_bwd$descriptor() {
        return gla_embedding_bwd.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_embedding_bwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *dout, int32_t padding_idx, float *dtable)
     * }
     */
    public static MethodHandle gla_embedding_bwd$handle() {
        return gla_embedding_bwd.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_embedding_bwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *dout, int32_t padding_idx, float *dtable)
     * }
     */
    public static MemorySegment gla_embedding_bwd$address() {
        return gla_embedding_bwd.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_embedding_bwd(gla_context *context, int64_t rows, int64_t width, int64_t vocab, const int32_t *ids, const float *dout, int32_t padding_idx, float *dtable)
     * }
     */
    public static int gla_embedding_bwd(MemorySegment context, long rows, long width, long vocab, MemorySegment ids, MemorySegment dout, int padding_idx, MemorySegment dtable) {
        var mh$ = gla_embedding_bwd.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_embedding_bwd", context, rows, width, vocab, ids, dout, padding_idx, dtable);
            }
            return (int) mh$.invokeExact(context, rows, width, vocab, ids, dout, padding_idx, dtable);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_cross_entropy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_FLOAT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_cross_entropy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_cross_entropy(gla_context *context, int64_t rows, int64_t vocab, const void *logits, const int32_t *targets, float grad_scale, float *losses, void *dlogits, int32_t logits_dtype)
     * }
     */
    public static FunctionDescriptor gla_cross_entropy$descriptor() {
        return gla_cross_entropy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_cross_entropy(gla_context *context, int64_t rows, int64_t vocab, const void *logits, const int32_t *targets, float grad_scale, float *losses, void *dlogits, int32_t logits_dtype)
     * }
     */
    public static MethodHandle gla_cross_entropy$handle() {
        return gla_cross_entropy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_cross_entropy(gla_context *context, int64_t rows, int64_t vocab, const void *logits, const int32_t *targets, float grad_scale, float *losses, void *dlogits, int32_t logits_dtype)
     * }
     */
    public static MemorySegment gla_cross_entropy$address() {
        return gla_cross_entropy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_cross_entropy(gla_context *context, int64_t rows, int64_t vocab, const void *logits, const int32_t *targets, float grad_scale, float *losses, void *dlogits, int32_t logits_dtype)
     * }
     */
    public static int gla_cross_entropy(MemorySegment context, long rows, long vocab, MemorySegment logits, MemorySegment targets, float grad_scale, MemorySegment losses, MemorySegment dlogits, int logits_dtype) {
        var mh$ = gla_cross_entropy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_cross_entropy", context, rows, vocab, logits, targets, grad_scale, losses, dlogits, logits_dtype);
            }
            return (int) mh$.invokeExact(context, rows, vocab, logits, targets, grad_scale, losses, dlogits, logits_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_add {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_add");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_add(gla_context *context, int64_t count, const float *a, const float *b, float *out)
     * }
     */
    public static FunctionDescriptor gla_add$descriptor() {
        return gla_add.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_add(gla_context *context, int64_t count, const float *a, const float *b, float *out)
     * }
     */
    public static MethodHandle gla_add$handle() {
        return gla_add.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_add(gla_context *context, int64_t count, const float *a, const float *b, float *out)
     * }
     */
    public static MemorySegment gla_add$address() {
        return gla_add.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_add(gla_context *context, int64_t count, const float *a, const float *b, float *out)
     * }
     */
    public static int gla_add(MemorySegment context, long count, MemorySegment a, MemorySegment b, MemorySegment out) {
        var mh$ = gla_add.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_add", context, count, a, b, out);
            }
            return (int) mh$.invokeExact(context, count, a, b, out);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_bias_add {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_bias_add");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_bias_add(gla_context *context, int64_t rows, int64_t width, const float *bias, void *y, int32_t y_dtype)
     * }
     */
    public static FunctionDescriptor gla_bias_add$descriptor() {
        return gla_bias_add.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_bias_add(gla_context *context, int64_t rows, int64_t width, const float *bias, void *y, int32_t y_dtype)
     * }
     */
    public static MethodHandle gla_bias_add$handle() {
        return gla_bias_add.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_bias_add(gla_context *context, int64_t rows, int64_t width, const float *bias, void *y, int32_t y_dtype)
     * }
     */
    public static MemorySegment gla_bias_add$address() {
        return gla_bias_add.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_bias_add(gla_context *context, int64_t rows, int64_t width, const float *bias, void *y, int32_t y_dtype)
     * }
     */
    public static int gla_bias_add(MemorySegment context, long rows, long width, MemorySegment bias, MemorySegment y, int y_dtype) {
        var mh$ = gla_bias_add.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_bias_add", context, rows, width, bias, y, y_dtype);
            }
            return (int) mh$.invokeExact(context, rows, width, bias, y, y_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_bias_grad {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_bias_grad");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_bias_grad(gla_context *context, int64_t rows, int64_t width, const float *dy, float *dbias)
     * }
     */
    public static FunctionDescriptor gla_bias_grad$descriptor() {
        return gla_bias_grad.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_bias_grad(gla_context *context, int64_t rows, int64_t width, const float *dy, float *dbias)
     * }
     */
    public static MethodHandle gla_bias_grad$handle() {
        return gla_bias_grad.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_bias_grad(gla_context *context, int64_t rows, int64_t width, const float *dy, float *dbias)
     * }
     */
    public static MemorySegment gla_bias_grad$address() {
        return gla_bias_grad.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_bias_grad(gla_context *context, int64_t rows, int64_t width, const float *dy, float *dbias)
     * }
     */
    public static int gla_bias_grad(MemorySegment context, long rows, long width, MemorySegment dy, MemorySegment dbias) {
        var mh$ = gla_bias_grad.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_bias_grad", context, rows, width, dy, dbias);
            }
            return (int) mh$.invokeExact(context, rows, width, dy, dbias);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_scale {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_FLOAT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_scale");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_scale(gla_context *context, int64_t count, float factor, float *x)
     * }
     */
    public static FunctionDescriptor gla_scale$descriptor() {
        return gla_scale.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_scale(gla_context *context, int64_t count, float factor, float *x)
     * }
     */
    public static MethodHandle gla_scale$handle() {
        return gla_scale.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_scale(gla_context *context, int64_t count, float factor, float *x)
     * }
     */
    public static MemorySegment gla_scale$address() {
        return gla_scale.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_scale(gla_context *context, int64_t count, float factor, float *x)
     * }
     */
    public static int gla_scale(MemorySegment context, long count, float factor, MemorySegment x) {
        var mh$ = gla_scale.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_scale", context, count, factor, x);
            }
            return (int) mh$.invokeExact(context, count, factor, x);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_sum_squares {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_sum_squares");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_sum_squares(gla_context *context, int64_t count, const float *x, double *sum)
     * }
     */
    public static FunctionDescriptor gla_sum_squares$descriptor() {
        return gla_sum_squares.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_sum_squares(gla_context *context, int64_t count, const float *x, double *sum)
     * }
     */
    public static MethodHandle gla_sum_squares$handle() {
        return gla_sum_squares.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_sum_squares(gla_context *context, int64_t count, const float *x, double *sum)
     * }
     */
    public static MemorySegment gla_sum_squares$address() {
        return gla_sum_squares.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_sum_squares(gla_context *context, int64_t count, const float *x, double *sum)
     * }
     */
    public static int gla_sum_squares(MemorySegment context, long count, MemorySegment x, MemorySegment sum) {
        var mh$ = gla_sum_squares.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_sum_squares", context, count, x, sum);
            }
            return (int) mh$.invokeExact(context, count, x, sum);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_cast {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_cast");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_cast(gla_context *context, int64_t count, const void *src, int32_t src_dtype, void *dst, int32_t dst_dtype)
     * }
     */
    public static FunctionDescriptor gla_cast$descriptor() {
        return gla_cast.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_cast(gla_context *context, int64_t count, const void *src, int32_t src_dtype, void *dst, int32_t dst_dtype)
     * }
     */
    public static MethodHandle gla_cast$handle() {
        return gla_cast.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_cast(gla_context *context, int64_t count, const void *src, int32_t src_dtype, void *dst, int32_t dst_dtype)
     * }
     */
    public static MemorySegment gla_cast$address() {
        return gla_cast.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_cast(gla_context *context, int64_t count, const void *src, int32_t src_dtype, void *dst, int32_t dst_dtype)
     * }
     */
    public static int gla_cast(MemorySegment context, long count, MemorySegment src, int src_dtype, MemorySegment dst, int dst_dtype) {
        var mh$ = gla_cast.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_cast", context, count, src, src_dtype, dst, dst_dtype);
            }
            return (int) mh$.invokeExact(context, count, src, src_dtype, dst, dst_dtype);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_adamw {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_LONG,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT,
            GlaH.C_FLOAT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_adamw");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_adamw(gla_context *context, int64_t count, float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float decay)
     * }
     */
    public static FunctionDescriptor gla_adamw$descriptor() {
        return gla_adamw.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_adamw(gla_context *context, int64_t count, float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float decay)
     * }
     */
    public static MethodHandle gla_adamw$handle() {
        return gla_adamw.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_adamw(gla_context *context, int64_t count, float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float decay)
     * }
     */
    public static MemorySegment gla_adamw$address() {
        return gla_adamw.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_adamw(gla_context *context, int64_t count, float *param, const float *grad, float *exp_avg, float *exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float decay)
     * }
     */
    public static int gla_adamw(MemorySegment context, long count, MemorySegment param, MemorySegment grad, MemorySegment exp_avg, MemorySegment exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2, float one_minus_beta2, float eps, float decay) {
        var mh$ = gla_adamw.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_adamw", context, count, param, grad, exp_avg, exp_avg_sq, step_size, bias2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps, decay);
            }
            return (int) mh$.invokeExact(context, count, param, grad, exp_avg, exp_avg_sq, step_size, bias2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps, decay);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static final int GLA_PROLOGUE_NONE = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_prologue.GLA_PROLOGUE_NONE = 0
     * }
     */
    public static int GLA_PROLOGUE_NONE() {
        return GLA_PROLOGUE_NONE;
    }

    private static final int GLA_PROLOGUE_RMS_NORM = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_prologue.GLA_PROLOGUE_RMS_NORM = 1
     * }
     */
    public static int GLA_PROLOGUE_RMS_NORM() {
        return GLA_PROLOGUE_RMS_NORM;
    }

    private static final int GLA_PROLOGUE_GATED_RMS_NORM = (int)2L;

    /**
     * {@snippet lang=c :
     * enum gla_prologue.GLA_PROLOGUE_GATED_RMS_NORM = 2
     * }
     */
    public static int GLA_PROLOGUE_GATED_RMS_NORM() {
        return GLA_PROLOGUE_GATED_RMS_NORM;
    }

    private static final int GLA_PROLOGUE_SWIGLU = (int)3L;

    /**
     * {@snippet lang=c :
     * enum gla_prologue.GLA_PROLOGUE_SWIGLU = 3
     * }
     */
    public static int GLA_PROLOGUE_SWIGLU() {
        return GLA_PROLOGUE_SWIGLU;
    }

    private static final int GLA_EPILOGUE_NONE = (int)0L;

    /**
     * {@snippet lang=c :
     * enum gla_epilogue.GLA_EPILOGUE_NONE = 0
     * }
     */
    public static int GLA_EPILOGUE_NONE() {
        return GLA_EPILOGUE_NONE;
    }

    private static final int GLA_EPILOGUE_LOG_SIGMOID_GATE = (int)1L;

    /**
     * {@snippet lang=c :
     * enum gla_epilogue.GLA_EPILOGUE_LOG_SIGMOID_GATE = 1
     * }
     */
    public static int GLA_EPILOGUE_LOG_SIGMOID_GATE() {
        return GLA_EPILOGUE_LOG_SIGMOID_GATE;
    }

    private static class gla_decode_linear {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_POINTER,
            GlaH.C_INT
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_decode_linear");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_decode_linear(gla_context *context, const gla_linear_dims *dims, const float *x, const float *z, const float *norm_weight, const gla_linear_output *outputs, int32_t count)
     * }
     */
    public static FunctionDescriptor gla_decode_linear$descriptor() {
        return gla_decode_linear.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_decode_linear(gla_context *context, const gla_linear_dims *dims, const float *x, const float *z, const float *norm_weight, const gla_linear_output *outputs, int32_t count)
     * }
     */
    public static MethodHandle gla_decode_linear$handle() {
        return gla_decode_linear.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_decode_linear(gla_context *context, const gla_linear_dims *dims, const float *x, const float *z, const float *norm_weight, const gla_linear_output *outputs, int32_t count)
     * }
     */
    public static MemorySegment gla_decode_linear$address() {
        return gla_decode_linear.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_decode_linear(gla_context *context, const gla_linear_dims *dims, const float *x, const float *z, const float *norm_weight, const gla_linear_output *outputs, int32_t count)
     * }
     */
    public static int gla_decode_linear(MemorySegment context, MemorySegment dims, MemorySegment x, MemorySegment z, MemorySegment norm_weight, MemorySegment outputs, int count) {
        var mh$ = gla_decode_linear.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_decode_linear", context, dims, x, z, norm_weight, outputs, count);
            }
            return (int) mh$.invokeExact(context, dims, x, z, norm_weight, outputs, count);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_graph_begin {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_graph_begin");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_graph_begin(gla_context *context)
     * }
     */
    public static FunctionDescriptor gla_graph_begin$descriptor() {
        return gla_graph_begin.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_graph_begin(gla_context *context)
     * }
     */
    public static MethodHandle gla_graph_begin$handle() {
        return gla_graph_begin.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_graph_begin(gla_context *context)
     * }
     */
    public static MemorySegment gla_graph_begin$address() {
        return gla_graph_begin.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_graph_begin(gla_context *context)
     * }
     */
    public static int gla_graph_begin(MemorySegment context) {
        var mh$ = gla_graph_begin.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_graph_begin", context);
            }
            return (int) mh$.invokeExact(context);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_graph_end {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_graph_end");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_graph_end(gla_context *context, gla_graph **graph)
     * }
     */
    public static FunctionDescriptor gla_graph_end$descriptor() {
        return gla_graph_end.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_graph_end(gla_context *context, gla_graph **graph)
     * }
     */
    public static MethodHandle gla_graph_end$handle() {
        return gla_graph_end.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_graph_end(gla_context *context, gla_graph **graph)
     * }
     */
    public static MemorySegment gla_graph_end$address() {
        return gla_graph_end.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_graph_end(gla_context *context, gla_graph **graph)
     * }
     */
    public static int gla_graph_end(MemorySegment context, MemorySegment graph) {
        var mh$ = gla_graph_end.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_graph_end", context, graph);
            }
            return (int) mh$.invokeExact(context, graph);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_graph_launch {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_graph_launch");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_graph_launch(gla_context *context, const gla_graph *graph)
     * }
     */
    public static FunctionDescriptor gla_graph_launch$descriptor() {
        return gla_graph_launch.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_graph_launch(gla_context *context, const gla_graph *graph)
     * }
     */
    public static MethodHandle gla_graph_launch$handle() {
        return gla_graph_launch.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_graph_launch(gla_context *context, const gla_graph *graph)
     * }
     */
    public static MemorySegment gla_graph_launch$address() {
        return gla_graph_launch.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_graph_launch(gla_context *context, const gla_graph *graph)
     * }
     */
    public static int gla_graph_launch(MemorySegment context, MemorySegment graph) {
        var mh$ = gla_graph_launch.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_graph_launch", context, graph);
            }
            return (int) mh$.invokeExact(context, graph);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }

    private static class gla_graph_destroy {
        public static final FunctionDescriptor DESC = FunctionDescriptor.of(
            GlaH.C_INT,
            GlaH.C_POINTER
        );

        public static final MemorySegment ADDR = GlaH.findOrThrow("gla_graph_destroy");

        public static final MethodHandle HANDLE = Linker.nativeLinker().downcallHandle(ADDR, DESC);
    }

    /**
     * Function descriptor for:
     * {@snippet lang=c :
     * gla_status gla_graph_destroy(gla_graph *graph)
     * }
     */
    public static FunctionDescriptor gla_graph_destroy$descriptor() {
        return gla_graph_destroy.DESC;
    }

    /**
     * Downcall method handle for:
     * {@snippet lang=c :
     * gla_status gla_graph_destroy(gla_graph *graph)
     * }
     */
    public static MethodHandle gla_graph_destroy$handle() {
        return gla_graph_destroy.HANDLE;
    }

    /**
     * Address for:
     * {@snippet lang=c :
     * gla_status gla_graph_destroy(gla_graph *graph)
     * }
     */
    public static MemorySegment gla_graph_destroy$address() {
        return gla_graph_destroy.ADDR;
    }

    /**
     * {@snippet lang=c :
     * gla_status gla_graph_destroy(gla_graph *graph)
     * }
     */
    public static int gla_graph_destroy(MemorySegment graph) {
        var mh$ = gla_graph_destroy.HANDLE;
        try {
            if (TRACE_DOWNCALLS) {
                traceDowncall("gla_graph_destroy", graph);
            }
            return (int) mh$.invokeExact(graph);
        } catch (Error | RuntimeException ex) {
            throw ex;
        } catch (Throwable ex$) {
            throw new AssertionError("should not reach here", ex$);
        }
    }
}

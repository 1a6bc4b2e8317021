/*
 * Conversions between little-endian F32/BF16/F16 (and I64/I32) tensor bytes and Java arrays.
 * float -> bf16 rounds to nearest even and keeps NaN a quiet NaN with its sign (as the native library does);
 * float <-> f16 use the JDK's IEEE conversions (round to nearest even). Tested by FloatCodecTest.
 */
package io.github.gla4j.model.safetensors;

import io.github.gla4j.memory.BFloat16;

import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.nio.ByteOrder;

/** Element conversions for safetensors data (always little-endian). */
public final class FloatCodec {
    static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfShort U16 = ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfInt I32 = ValueLayout.JAVA_INT_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);
    static final ValueLayout.OfLong I64 = ValueLayout.JAVA_LONG_UNALIGNED.withOrder(ByteOrder.LITTLE_ENDIAN);

    private FloatCodec() {
    }

    /** bf16 bits → float (exact: bf16 is the top half of an fp32). */
    public static float bf16ToFloat(short bits) {
        return BFloat16.toFloat(bits);
    }

    /** float → bf16 bits, round to nearest, ties to even; overflow rounds to ±inf; NaN stays a quiet NaN. */
    public static short floatToBf16(float value) {
        return BFloat16.fromFloat(value);
    }

    /** f16 bits → float (exact). */
    public static float f16ToFloat(short bits) {
        return Float.float16ToFloat(bits);
    }

    /** float → f16 bits, round to nearest, ties to even; overflow → ±inf. */
    public static short floatToF16(float value) {
        return Float.floatToFloat16(value);
    }

    /** Decodes {@code data} (F32, BF16 or F16 elements) into a new float array. */
    public static float[] toFloats(MemorySegment data, SafeTensorsDType dtype) {
        int n = elementCount(data, dtype);
        float[] out = new float[n];
        switch (dtype) {
            case F32 -> MemorySegment.copy(data, F32, 0, out, 0, n);
            case BF16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(data, U16, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = bf16ToFloat(raw[i]);
                }
            }
            case F16 -> {
                short[] raw = new short[n];
                MemorySegment.copy(data, U16, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = f16ToFloat(raw[i]);
                }
            }
            default -> throw new IllegalArgumentException("toFloats: dtype " + dtype + " is not floating point");
        }
        return out;
    }

    /** Encodes {@code values} as F32, BF16 or F16 elements into a new little-endian heap segment. */
    public static MemorySegment fromFloats(float[] values, SafeTensorsDType dtype) {
        MemorySegment out = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, dtype.byteSize())]);
        switch (dtype) {
            case F32 -> MemorySegment.copy(values, 0, out, F32, 0, values.length);
            case BF16 -> {
                short[] raw = new short[values.length];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = floatToBf16(values[i]);
                }
                MemorySegment.copy(raw, 0, out, U16, 0, raw.length);
            }
            case F16 -> {
                short[] raw = new short[values.length];
                for (int i = 0; i < raw.length; i++) {
                    raw[i] = floatToF16(values[i]);
                }
                MemorySegment.copy(raw, 0, out, U16, 0, raw.length);
            }
            default -> throw new IllegalArgumentException("fromFloats: dtype " + dtype + " is not floating point");
        }
        return out;
    }

    /** Decodes {@code data} (I64 or I32 elements) into a new long array. */
    public static long[] toLongs(MemorySegment data, SafeTensorsDType dtype) {
        int n = elementCount(data, dtype);
        long[] out = new long[n];
        switch (dtype) {
            case I64 -> MemorySegment.copy(data, I64, 0, out, 0, n);
            case I32 -> {
                int[] raw = new int[n];
                MemorySegment.copy(data, I32, 0, raw, 0, n);
                for (int i = 0; i < n; i++) {
                    out[i] = raw[i];
                }
            }
            default -> throw new IllegalArgumentException("toLongs: dtype " + dtype + " is not an integer type");
        }
        return out;
    }

    /** Encodes {@code values} as I64 or I32 elements (I32 only if every value fits) into a new heap segment. */
    public static MemorySegment fromLongs(long[] values, SafeTensorsDType dtype) {
        MemorySegment out = MemorySegment.ofArray(new byte[Math.multiplyExact(values.length, dtype.byteSize())]);
        switch (dtype) {
            case I64 -> MemorySegment.copy(values, 0, out, I64, 0, values.length);
            case I32 -> {
                for (int i = 0; i < values.length; i++) {
                    if (values[i] != (int) values[i]) {
                        throw new IllegalArgumentException("fromLongs: value " + values[i] + " at index " + i
                                + " does not fit in I32");
                    }
                    out.setAtIndex(I32, i, (int) values[i]);
                }
            }
            default -> throw new IllegalArgumentException("fromLongs: dtype " + dtype + " is not an integer type");
        }
        return out;
    }

    private static int elementCount(MemorySegment data, SafeTensorsDType dtype) {
        long n = data.byteSize() / dtype.byteSize();
        if (n * dtype.byteSize() != data.byteSize()) {
            throw new IllegalArgumentException(data.byteSize() + " bytes is not a whole number of " + dtype + " elements");
        }
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException(n + " elements do not fit in a Java array; read the MemorySegment directly");
        }
        return (int) n;
    }
}

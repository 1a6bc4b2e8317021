/*
 * One named tensor of a safetensors file: dtype, shape and its bytes as a MemorySegment (a zero-copy slice of
 * the mapped file when read, any segment when written). Tested by SafeTensorsRoundTripTest.
 */
package io.github.gla4j.model.safetensors;

import java.lang.foreign.MemorySegment;
import java.util.Arrays;
import java.util.Objects;

/**
 * A named tensor: little-endian row-major elements of {@code dtype} with the given shape.
 * Two tensors are equal when name, dtype, shape and bytes are equal.
 *
 * @param name  the tensor's name (non-empty, not {@code __metadata__})
 * @param dtype element type
 * @param shape dimensions, each ≥ 0 (empty = scalar); {@link #shape()} returns a copy
 * @param data  exactly {@code numel · dtype.byteSize()} bytes
 */
public record SafeTensor(String name, SafeTensorsDType dtype, long[] shape, MemorySegment data) {

    public SafeTensor {
        Objects.requireNonNull(name, "name");
        Objects.requireNonNull(dtype, "dtype");
        Objects.requireNonNull(shape, "shape");
        Objects.requireNonNull(data, "data");
        if (name.isEmpty() || name.equals(SafeTensors.METADATA_KEY)) {
            throw new IllegalArgumentException("invalid tensor name '" + name + "'");
        }
        shape = shape.clone();
        long bytes = byteCount(dtype, shape);
        if (bytes < 0) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape)
                    + " has a negative dimension or overflows 64-bit byte counts");
        }
        if (data.byteSize() != bytes) {
            throw new IllegalArgumentException("tensor '" + name + "': shape " + Arrays.toString(shape) + " of "
                    + dtype + " needs " + bytes + " bytes, data has " + data.byteSize());
        }
    }

    /** A tensor holding {@code values} encoded as {@code dtype} (F32, BF16 or F16) in a new heap segment. */
    public static SafeTensor ofFloats(String name, SafeTensorsDType dtype, long[] shape, float[] values) {
        return new SafeTensor(name, dtype, shape, FloatCodec.fromFloats(values, dtype));
    }

    /** A tensor holding {@code values} encoded as {@code dtype} (I64 or I32) in a new heap segment. */
    public static SafeTensor ofLongs(String name, SafeTensorsDType dtype, long[] shape, long[] values) {
        return new SafeTensor(name, dtype, shape, FloatCodec.fromLongs(values, dtype));
    }

    /** Bytes needed for {@code shape} elements of {@code dtype}, or -1 for a negative dim or overflow. */
    static long byteCount(SafeTensorsDType dtype, long[] shape) {
        long n = dtype.byteSize();
        for (long d : shape) {
            if (d < 0) {
                return -1;
            }
            try {
                n = Math.multiplyExact(n, d);
            } catch (ArithmeticException overflow) {
                return -1;
            }
        }
        return n;
    }

    @Override
    public long[] shape() {
        return shape.clone();
    }

    public int rank() {
        return shape.length;
    }

    public long dim(int i) {
        return shape[i];
    }

    /** Number of elements (1 for a scalar). */
    public long numel() {
        return data.byteSize() / dtype.byteSize();
    }

    /** The elements as floats (F32, BF16, F16). */
    public float[] toFloats() {
        return FloatCodec.toFloats(data, dtype);
    }

    /** The elements as longs (I64, I32). */
    public long[] toLongs() {
        return FloatCodec.toLongs(data, dtype);
    }

    /** The same data and dtype under another name. */
    public SafeTensor withName(String newName) {
        return new SafeTensor(newName, dtype, shape, data);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof SafeTensor t && name.equals(t.name) && dtype == t.dtype
                && Arrays.equals(shape, t.shape) && data.mismatch(t.data) == -1;
    }

    @Override
    public int hashCode() {
        return Objects.hash(name, dtype, Arrays.hashCode(shape));
    }

    @Override
    public String toString() {
        return "SafeTensor[" + name + ", " + dtype + ", " + Arrays.toString(shape) + "]";
    }
}

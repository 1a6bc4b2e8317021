/*
 * HostTensor.java — a tensor in host memory: a native MemorySegment (from an Arena the caller owns, or wrapped),
 * readable and writable from Java, passed to native code by address. Heap segments are rejected: native code
 * cannot see them without a copy, and copies must be explicit. Tested by TensorTest.
 */
package io.github.gla4j.memory;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;

public final class HostTensor implements Tensor {

    /** Host allocations are aligned like the library's own (gla_malloc on cpu), so vector loads never straddle. */
    public static final long ALIGNMENT = 64;

    private static final ValueLayout.OfFloat F32 = ValueLayout.JAVA_FLOAT_UNALIGNED;
    private static final ValueLayout.OfShort BF16 = ValueLayout.JAVA_SHORT_UNALIGNED;

    private final DType dtype;
    private final Shape shape;
    private final MemorySegment segment;

    private HostTensor(DType dtype, Shape shape, MemorySegment segment) {
        this.dtype = dtype;
        this.shape = shape;
        this.segment = segment;
    }

    /** A zero-filled tensor in memory of the given arena, 64-byte aligned. */
    public static HostTensor allocate(Arena arena, DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.elementCount(), (long) dtype.byteSize());
        return new HostTensor(dtype, shape, arena.allocate(Math.max(bytes, 1), ALIGNMENT).asSlice(0, bytes));
    }

    public static HostTensor allocate(Arena arena, DType dtype, long... dims) {
        return allocate(arena, dtype, Shape.of(dims));
    }

    /** A tensor of the given dtype holding values (rounded to nearest even for BF16). */
    public static HostTensor of(Arena arena, DType dtype, Shape shape, float[] values) {
        HostTensor t = allocate(arena, dtype, shape);
        t.copyFrom(values);
        return t;
    }

    /**
     * Views existing memory as a tensor, without copying. The segment must be native (not heap), aligned to the
     * element size, and exactly as large as the shape says.
     */
    public static HostTensor wrap(MemorySegment segment, DType dtype, Shape shape) {
        if (!segment.isNative()) {
            throw new IllegalArgumentException("HostTensor.wrap: the segment is on the Java heap; native code needs "
                    + "native memory (allocate from an Arena and copy into it explicitly)");
        }
        if (segment.address() % dtype.byteSize() != 0) {
            throw new IllegalArgumentException("HostTensor.wrap: address 0x" + Long.toHexString(segment.address())
                    + " is not aligned to the " + dtype.byteSize() + "-byte elements of " + dtype);
        }
        long bytes = Math.multiplyExact(shape.elementCount(), (long) dtype.byteSize());
        if (segment.byteSize() != bytes) {
            throw new IllegalArgumentException("HostTensor.wrap: the segment has " + segment.byteSize()
                    + " bytes, shape " + shape + " of " + dtype + " needs " + bytes);
        }
        return new HostTensor(dtype, shape, segment);
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public MemorySegment pointer() {
        return segment;
    }

    public MemorySegment segment() {
        return segment;
    }

    /** The same memory under another shape of equal element count. */
    public HostTensor reshape(Shape newShape) {
        if (newShape.elementCount() != shape.elementCount()) {
            throw new IllegalArgumentException("HostTensor.reshape: " + shape + " has " + shape.elementCount()
                    + " elements, " + newShape + " has " + newShape.elementCount());
        }
        return new HostTensor(dtype, newShape, segment);
    }

    /** Rows [start, start + length) along dim 0, sharing memory. */
    public HostTensor slice(long start, long length) {
        if (shape.rank() == 0 || start < 0 || length < 0 || start > shape.dim(0) - length) {
            throw new IllegalArgumentException("HostTensor.slice: rows [" + start + ", " + start + " + " + length
                    + ") outside dim 0 of " + shape);
        }
        long rowBytes = shape.dim(0) == 0 ? 0 : byteSize() / shape.dim(0);
        return new HostTensor(dtype, shape.withDim0(length), segment.asSlice(start * rowBytes, length * rowBytes));
    }

    /** Element i (flat, row-major) as a float. */
    public float get(long i) {
        return dtype == DType.F32 ? segment.getAtIndex(F32, i) : BFloat16.toFloat(segment.getAtIndex(BF16, i));
    }

    /** Sets element i, rounding to nearest even for BF16. */
    public void set(long i, float value) {
        if (dtype == DType.F32) {
            segment.setAtIndex(F32, i, value);
        } else {
            segment.setAtIndex(BF16, i, BFloat16.fromFloat(value));
        }
    }

    public void fill(float value) {
        long n = elementCount();
        for (long i = 0; i < n; i++) {
            set(i, value);
        }
    }

    public void copyFrom(float[] values) {
        if (values.length != elementCount()) {
            throw new IllegalArgumentException("HostTensor.copyFrom: " + values.length + " values for shape " + shape);
        }
        if (dtype == DType.F32) {
            MemorySegment.copy(values, 0, segment, F32, 0, values.length);
        } else {
            for (int i = 0; i < values.length; i++) {
                segment.setAtIndex(BF16, i, BFloat16.fromFloat(values[i]));
            }
        }
    }

    public float[] toFloatArray() {
        long n = elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalStateException("HostTensor.toFloatArray: " + n + " elements do not fit a Java array");
        }
        float[] out = new float[(int) n];
        if (dtype == DType.F32) {
            MemorySegment.copy(segment, F32, 0, out, 0, out.length);
        } else {
            for (int i = 0; i < out.length; i++) {
                out[i] = BFloat16.toFloat(segment.getAtIndex(BF16, i));
            }
        }
        return out;
    }

    /** Copies another host tensor of the same dtype and shape into this one. */
    public void copyFrom(HostTensor src) {
        if (src.dtype != dtype || !src.shape.equals(shape)) {
            throw new IllegalArgumentException("HostTensor.copyFrom: source is " + src.dtype + " " + src.shape
                    + ", this is " + dtype + " " + shape);
        }
        MemorySegment.copy(src.segment, 0, segment, 0, byteSize());
    }

    @Override
    public String toString() {
        return "HostTensor[" + dtype + " " + shape + "]";
    }
}

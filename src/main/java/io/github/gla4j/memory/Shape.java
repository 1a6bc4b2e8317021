/*
 * Shape.java — an immutable tensor shape (row-major, contiguous), printed like [2, 100, 4, 64].
 * Element counts are overflow-checked. Tested by ShapeTest.
 */
package io.github.gla4j.memory;

import java.util.Arrays;

public final class Shape {

    private final long[] dims;

    private Shape(long[] dims) {
        this.dims = dims;
    }

    /** A shape of non-negative dims; an overflowing element count is rejected here, not later. */
    public static Shape of(long... dims) {
        long[] copy = dims.clone();
        long count = 1;
        for (int i = 0; i < copy.length; i++) {
            if (copy[i] < 0) {
                throw new IllegalArgumentException("Shape: dim " + i + " is negative in " + Arrays.toString(copy));
            }
            try {
                count = Math.multiplyExact(count, copy[i]);
            } catch (ArithmeticException e) {
                throw new IllegalArgumentException("Shape: element count of " + Arrays.toString(copy) + " overflows 64 bits");
            }
        }
        return new Shape(copy);
    }

    public int rank() {
        return dims.length;
    }

    public long dim(int i) {
        return dims[i];
    }

    public long[] dims() {
        return dims.clone();
    }

    public long elementCount() {
        long count = 1;
        for (long d : dims) {
            count *= d;
        }
        return count;
    }

    /** This shape with dim 0 replaced (used by slices). */
    public Shape withDim0(long d0) {
        long[] copy = dims.clone();
        copy[0] = d0;
        return Shape.of(copy);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Shape s && Arrays.equals(dims, s.dims);
    }

    @Override
    public int hashCode() {
        return Arrays.hashCode(dims);
    }

    @Override
    public String toString() {
        return Arrays.toString(dims);
    }
}

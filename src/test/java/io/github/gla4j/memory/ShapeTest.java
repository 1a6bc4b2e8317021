/*
 * ShapeTest.java — Shape: element counts, equality, printing, and rejection of negative or overflowing dims.
 * Run: ./mvnw -o test -Dtest=ShapeTest -Dnative.asan.skip=true
 */
package io.github.gla4j.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShapeTest {

    @Test
    void countsPrintsAndCompares() {
        Shape s = Shape.of(2, 100, 4, 64);
        assertEquals(4, s.rank());
        assertEquals(2L * 100 * 4 * 64, s.elementCount());
        assertEquals("[2, 100, 4, 64]", s.toString());
        assertEquals(Shape.of(2, 100, 4, 64), s);
        assertEquals(Shape.of(2, 100, 4, 64).hashCode(), s.hashCode());
        assertNotEquals(Shape.of(2, 100, 4, 60), s);
        assertEquals(Shape.of(7, 100, 4, 64), s.withDim0(7));
        assertEquals(1, Shape.of().elementCount());
        assertEquals(0, Shape.of(3, 0).elementCount());
    }

    @Test
    void isImmutable() {
        long[] dims = {1, 2};
        Shape s = Shape.of(dims);
        dims[0] = 9;
        s.dims()[1] = 9;
        assertEquals(Shape.of(1, 2), s);
    }

    @Test
    void rejectsNegativeAndOverflowingDims() {
        IllegalArgumentException negative = assertThrows(IllegalArgumentException.class, () -> Shape.of(2, -1));
        assertTrue(negative.getMessage().contains("negative"), negative.getMessage());
        IllegalArgumentException overflow = assertThrows(IllegalArgumentException.class,
                () -> Shape.of(1L << 40, 1L << 30));
        assertTrue(overflow.getMessage().contains("overflows"), overflow.getMessage());
    }
}

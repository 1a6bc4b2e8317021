/*
 * BFloat16Test.java — float <-> bfloat16: round to nearest even (ties to even, both signs), exact round trips of
 * every bf16 value, infinities, overflow to infinity, NaN stays NaN (never turns into infinity), subnormals.
 * Run: ./mvnw -o test -Dtest=BFloat16Test -Dnative.asan.skip=true
 */
package io.github.gla4j.memory;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BFloat16Test {

    private static short bits(float f) {
        return BFloat16.fromFloat(f);
    }

    @Test
    void everyBf16ValueRoundTrips() {
        for (int b = 0; b < 65536; b++) {
            float f = BFloat16.toFloat((short) b);
            if (Float.isNaN(f)) {
                assertTrue(Float.isNaN(BFloat16.round(f)));
            } else {
                assertEquals((short) b, bits(f), "bf16 0x" + Integer.toHexString(b));
            }
        }
    }

    @Test
    void roundsToNearestEven() {
        // 1 + 2^-8 is halfway between bf16 1.0 (0x3F80, even) and 1 + 2^-7 (0x3F81): ties go to even.
        assertEquals((short) 0x3F80, bits(1f + 0x1p-8f));
        // 1 + 3 * 2^-8 is halfway between 0x3F81 (odd) and 0x3F82 (even).
        assertEquals((short) 0x3F82, bits(1f + 3 * 0x1p-8f));
        // Just above halfway rounds up; just below rounds down.
        assertEquals((short) 0x3F81, bits(Math.nextUp(1f + 0x1p-8f)));
        assertEquals((short) 0x3F80, bits(Math.nextDown(1f + 0x1p-8f)));
        assertEquals((short) 0xBF80, bits(-(1f + 0x1p-8f)));
        assertEquals((short) 0xBF82, bits(-(1f + 3 * 0x1p-8f)));
    }

    @Test
    void specialValues() {
        assertEquals((short) 0x7F80, bits(Float.POSITIVE_INFINITY));
        assertEquals((short) 0xFF80, bits(Float.NEGATIVE_INFINITY));
        assertEquals((short) 0x7F80, bits(Float.MAX_VALUE), "overflow rounds to infinity");
        assertEquals((short) 0x8000, bits(-0f));
        assertTrue(Float.isNaN(BFloat16.round(Float.NaN)));
        // A NaN whose payload sits only in the low 16 bits must not truncate to infinity.
        float lowPayloadNaN = Float.intBitsToFloat(0x7F800001);
        assertTrue(Float.isNaN(BFloat16.round(lowPayloadNaN)));
        assertTrue(Float.isNaN(BFloat16.round(-lowPayloadNaN)));
        assertEquals(Float.MIN_VALUE * 0, BFloat16.round(Float.MIN_VALUE), "the smallest subnormal rounds to 0");
        assertEquals(0x1p-133f, BFloat16.round(0x1p-133f), "a bf16 subnormal is exact");
    }
}

/*
 * BFloat16.java — float <-> bfloat16 conversion: round to nearest even, NaN kept quiet with its sign, overflow to
 * infinity. The same rounding as the native library, so host-side conversion never adds its own error.
 * Tested by BFloat16Test.
 */
package io.github.gla4j.memory;

public final class BFloat16 {

    private BFloat16() {
    }

    public static short fromFloat(float f) {
        int bits = Float.floatToRawIntBits(f);
        if ((bits & 0x7fffffff) > 0x7f800000) {
            // Truncating could clear every payload bit left (NaN → inf); setting the quiet bit prevents that.
            return (short) ((bits >>> 16) | 0x0040);
        }
        int roundingBias = 0x7fff + ((bits >>> 16) & 1);
        return (short) ((bits + roundingBias) >>> 16);
    }

    public static float toFloat(short bf16) {
        return Float.intBitsToFloat((bf16 & 0xffff) << 16);
    }

    /** f rounded to the nearest bfloat16, as a float. */
    public static float round(float f) {
        return toFloat(fromFloat(f));
    }
}

/*
 * FloatCodecTest: F32/BF16/F16 conversions against independent references (exhaustive over 16-bit patterns,
 * rounding ties, overflow, NaN). Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model.safetensors;

import org.junit.jupiter.api.Test;

import java.lang.foreign.MemorySegment;
import java.math.BigDecimal;
import java.util.SplittableRandom;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class FloatCodecTest {

    /** Nearest bf16 by exact decimal distance, ties to the even mantissa: independent of the bit trick. */
    private static short referenceBf16(float f) {
        int bits = Float.floatToRawIntBits(f);
        short down = (short) (bits >>> 16);
        short up = (short) ((bits >>> 16) + 1);
        if ((bits & 0xffff) == 0) {
            return down;
        }
        BigDecimal x = new BigDecimal(f);
        BigDecimal dDown = x.subtract(new BigDecimal(FloatCodec.bf16ToFloat(down))).abs();
        float upValue = FloatCodec.bf16ToFloat(up);
        if (Float.isInfinite(upValue)) {
            // Past the largest bf16 the rounding boundary is max + half an ulp (2^127 · (2 − 2^-8)).
            BigDecimal boundary = new BigDecimal(FloatCodec.bf16ToFloat(down)).abs()
                    .add(new BigDecimal(Math.scalb(1.0, 127 - 8)));
            int c = x.abs().compareTo(boundary);
            return c < 0 || (c == 0 && (down & 1) == 0) ? down : up;
        }
        BigDecimal dUp = x.subtract(new BigDecimal(upValue)).abs();
        int c = dDown.compareTo(dUp);
        return c < 0 || (c == 0 && (down & 1) == 0) ? down : up;
    }

    @Test
    void bf16RoundsToNearestEvenOnRandomFloats() {
        SplittableRandom r = new SplittableRandom(7);
        for (int i = 0; i < 200_000; i++) {
            float f = Float.intBitsToFloat(r.nextInt());
            if (Float.isNaN(f)) {
                continue;
            }
            assertEquals(referenceBf16(f), FloatCodec.floatToBf16(f), () -> "bits " + Integer.toHexString(Float.floatToRawIntBits(f)));
        }
    }

    @Test
    void bf16TiesOverflowAndNaN() {
        assertEquals(1.0f, FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(1 + 0x1p-8f)));               // tie → even (down)
        assertEquals(1 + 0x1p-6f, FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(1 + 3 * 0x1p-8f)));     // tie → even (up)
        assertEquals(Float.POSITIVE_INFINITY, FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(Float.MAX_VALUE)));
        assertEquals(Float.NEGATIVE_INFINITY, FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(-Float.MAX_VALUE)));
        assertEquals((short) 0x8000, FloatCodec.floatToBf16(-0.0f));
        // A NaN whose payload sits only in the low half must not become infinity.
        float lowPayloadNaN = Float.intBitsToFloat(0x7f800001);
        assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(lowPayloadNaN))));
        assertTrue(Float.isNaN(FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(Float.NaN))));
    }

    @Test
    void every16BitPatternSurvivesDecodeEncode() {
        for (int b = 0; b < 1 << 16; b++) {
            short bits = (short) b;
            float bf = FloatCodec.bf16ToFloat(bits);
            if (!Float.isNaN(bf)) {
                assertEquals(bits, FloatCodec.floatToBf16(bf), "bf16 " + Integer.toHexString(b));
            }
            float h = FloatCodec.f16ToFloat(bits);
            if (!Float.isNaN(h)) {
                assertEquals(bits, FloatCodec.floatToF16(h), "f16 " + Integer.toHexString(b));
            }
        }
    }

    @Test
    void f16KnownValues() {
        assertEquals(65504f, FloatCodec.f16ToFloat((short) 0x7bff));
        assertEquals(0x1p-24f, FloatCodec.f16ToFloat((short) 0x0001));
        assertEquals(Float.POSITIVE_INFINITY, FloatCodec.f16ToFloat(FloatCodec.floatToF16(65520f)));   // rounds up past max
        assertEquals(65504f, FloatCodec.f16ToFloat(FloatCodec.floatToF16(65519f)));
        assertEquals((short) 0x3c00, FloatCodec.floatToF16(1.0f));
        assertEquals((short) 0x3c00, FloatCodec.floatToF16(1 + 0x1p-11f));                             // tie → even
    }

    @Test
    void arraysRoundTripBitExactlyAndLittleEndian() {
        float[] values = {0f, -0f, 1f, -2.5f, Float.MIN_VALUE, Float.MAX_VALUE, Float.POSITIVE_INFINITY, 3.1415927f};
        MemorySegment f32 = FloatCodec.fromFloats(values, SafeTensorsDType.F32);
        assertEquals((byte) 0x3f, f32.get(java.lang.foreign.ValueLayout.JAVA_BYTE, 2 * 4 + 3));   // 1.0f = 00 00 80 3f
        float[] back = FloatCodec.toFloats(f32, SafeTensorsDType.F32);
        for (int i = 0; i < values.length; i++) {
            assertEquals(Float.floatToRawIntBits(values[i]), Float.floatToRawIntBits(back[i]));
        }
        float[] bf = FloatCodec.toFloats(FloatCodec.fromFloats(values, SafeTensorsDType.BF16), SafeTensorsDType.BF16);
        for (int i = 0; i < values.length; i++) {
            assertEquals(FloatCodec.bf16ToFloat(FloatCodec.floatToBf16(values[i])), bf[i]);
        }
        long[] longs = {0, -1, Long.MAX_VALUE, Long.MIN_VALUE, 42};
        assertArrayEquals(longs, FloatCodec.toLongs(FloatCodec.fromLongs(longs, SafeTensorsDType.I64), SafeTensorsDType.I64));
        long[] ints = {0, -1, Integer.MAX_VALUE, Integer.MIN_VALUE};
        assertArrayEquals(ints, FloatCodec.toLongs(FloatCodec.fromLongs(ints, SafeTensorsDType.I32), SafeTensorsDType.I32));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.fromLongs(new long[]{1L << 40}, SafeTensorsDType.I32));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.toFloats(MemorySegment.ofArray(new byte[8]), SafeTensorsDType.I64));
        assertThrows(IllegalArgumentException.class, () -> FloatCodec.toFloats(MemorySegment.ofArray(new byte[7]), SafeTensorsDType.F32));
    }
}

/*
 * The element types gla4j reads and writes in safetensors files, spelled as in the header ("F32", ...).
 * Tested by SafeTensorsReadTest (unknown dtypes are rejected) and FloatCodecTest.
 */
package io.github.gla4j.model.safetensors;

import java.util.Arrays;
import java.util.Optional;

/** A safetensors dtype: its header spelling and its size in bytes. */
public enum SafeTensorsDType {
    F32(4, true),
    BF16(2, true),
    F16(2, true),
    I64(8, false),
    I32(4, false);

    private final int byteSize;
    private final boolean floatingPoint;

    SafeTensorsDType(int byteSize, boolean floatingPoint) {
        this.byteSize = byteSize;
        this.floatingPoint = floatingPoint;
    }

    /** Bytes per element. */
    public int byteSize() {
        return byteSize;
    }

    /** True for F32, BF16 and F16: the types that convert to and from {@code float[]}. */
    public boolean isFloatingPoint() {
        return floatingPoint;
    }

    /** The header spelling, e.g. {@code "BF16"}. */
    public String headerName() {
        return name();
    }

    /** The dtype with this header spelling, if gla4j supports it (case-sensitive, as the format is). */
    public static Optional<SafeTensorsDType> fromHeaderName(String name) {
        for (SafeTensorsDType t : values()) {
            if (t.name().equals(name)) {
                return Optional.of(t);
            }
        }
        return Optional.empty();
    }

    /** The supported spellings, for error messages. */
    static String supportedNames() {
        return Arrays.toString(values());
    }
}

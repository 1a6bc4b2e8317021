/*
 * DType.java — element types of q, k, v, o and their gradients (gla_dtype). Gates, gate gradients and states are
 * always F32. Tested by TensorTest.
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.GlaH;

public enum DType {
    F32(GlaH.GLA_DTYPE_F32(), 4),
    /** bfloat16: the upper 16 bits of an IEEE float, stored as raw bits in a uint16_t. */
    BF16(GlaH.GLA_DTYPE_BF16(), 2);

    private final int code;
    private final int byteSize;

    DType(int code, int byteSize) {
        this.code = code;
        this.byteSize = byteSize;
    }

    /** The gla_dtype value. */
    public int code() {
        return code;
    }

    public int byteSize() {
        return byteSize;
    }
}

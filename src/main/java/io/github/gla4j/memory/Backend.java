/*
 * Backend.java — the backends of libgla4j (gla_backend): cpu (always built) and cuda (built when nvcc is found).
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.GlaH;

public enum Backend {
    CPU(GlaH.GLA_BACKEND_CPU()),
    CUDA(GlaH.GLA_BACKEND_CUDA());

    private final int code;

    Backend(int code) {
        this.code = code;
    }

    /** The gla_backend value. */
    public int code() {
        return code;
    }
}

/*
 * Algorithm.java — the forward algorithm of the chunk op on backends that have several (gla_algorithm; cpu and the
 * reference ignore it).
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.GlaH;

public enum Algorithm {
    AUTO(GlaH.GLA_ALGORITHM_AUTO()),
    /** chunk states written to memory, chunks in parallel */
    MATERIALIZE(GlaH.GLA_ALGORITHM_MATERIALIZE()),
    /** states kept on chip, sequential over chunks */
    NON_MATERIALIZE(GlaH.GLA_ALGORITHM_NON_MATERIALIZE());

    private final int code;

    Algorithm(int code) {
        this.code = code;
    }

    /** The gla_algorithm value. */
    public int code() {
        return code;
    }
}

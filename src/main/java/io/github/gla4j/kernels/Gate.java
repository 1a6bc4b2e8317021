/*
 * Gate.java — the three gate kinds (gla_gate): per key channel (GLA), none (ungated linear attention, the paper's
 * FlashLinearAttention) and one scalar per head and step. Gates are natural-log forget gates (<= 0), fp32.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.GlaH;

public enum Gate {
    /** g [B, T, H, K]. */
    CHANNEL(GlaH.GLA_GATE_CHANNEL()),
    /** no g (null). */
    NONE(GlaH.GLA_GATE_NONE()),
    /** g [B, T, H]. */
    HEAD(GlaH.GLA_GATE_HEAD());

    private final int code;

    Gate(int code) {
        this.code = code;
    }

    /** The gla_gate value. */
    public int code() {
        return code;
    }
}

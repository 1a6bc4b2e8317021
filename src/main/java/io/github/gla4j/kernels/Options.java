/*
 * Options.java — the non-tensor arguments of a GLA op: gate kind, scale (default K^-0.5), variable-length batch
 * boundaries (cu_seqlens, FlashAttention convention) and the chunk algorithm. Immutable; with* methods return copies.
 *   Options.of(Gate.CHANNEL).withCuSeqlens(0, 5, 5, 12)
 */
package io.github.gla4j.kernels;

import java.util.Arrays;

public final class Options {

    private static final Options DEFAULTS = new Options(Gate.CHANNEL, Float.NaN, null, Algorithm.AUTO);

    private final Gate gate;
    private final float scale;
    private final long[] cuSeqlens;
    private final Algorithm algorithm;

    private Options(Gate gate, float scale, long[] cuSeqlens, Algorithm algorithm) {
        this.gate = gate;
        this.scale = scale;
        this.cuSeqlens = cuSeqlens;
        this.algorithm = algorithm;
    }

    /** Per-channel gate, scale K^-0.5, no varlen, automatic algorithm. */
    public static Options defaults() {
        return DEFAULTS;
    }

    public static Options of(Gate gate) {
        return DEFAULTS.withGate(gate);
    }

    public Options withGate(Gate gate) {
        if (gate == null) {
            throw new IllegalArgumentException("Options.withGate: gate must not be null");
        }
        return new Options(gate, scale, cuSeqlens, algorithm);
    }

    /** A fixed scale; must be finite (checked here and again by the library). */
    public Options withScale(float scale) {
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException("Options.withScale: scale must be finite, got " + scale);
        }
        return new Options(gate, scale, cuSeqlens, algorithm);
    }

    /** The default scale, K^-0.5. */
    public Options withDefaultScale() {
        return new Options(gate, Float.NaN, cuSeqlens, algorithm);
    }

    /**
     * Variable-length batch: batch must be 1, cuSeqlens[0] = 0, non-decreasing, last = seq_len (total tokens);
     * initial and final states are then per sequence. null turns varlen off. Validated when an op runs.
     */
    public Options withCuSeqlens(long... cuSeqlens) {
        return new Options(gate, scale, cuSeqlens == null ? null : cuSeqlens.clone(), algorithm);
    }

    public Options withAlgorithm(Algorithm algorithm) {
        if (algorithm == null) {
            throw new IllegalArgumentException("Options.withAlgorithm: algorithm must not be null");
        }
        return new Options(gate, scale, cuSeqlens, algorithm);
    }

    public Gate gate() {
        return gate;
    }

    /** The scale for keys of dimension keyDim: the fixed one, or keyDim^-0.5. */
    public float scale(long keyDim) {
        return Float.isNaN(scale) ? (float) (1.0 / Math.sqrt(keyDim)) : scale;
    }

    public boolean hasDefaultScale() {
        return Float.isNaN(scale);
    }

    /** A copy of the sequence boundaries, or null without varlen. */
    public long[] cuSeqlens() {
        return cuSeqlens == null ? null : cuSeqlens.clone();
    }

    public boolean isVarlen() {
        return cuSeqlens != null;
    }

    public Algorithm algorithm() {
        return algorithm;
    }

    @Override
    public String toString() {
        return "Options[gate=" + gate + ", scale=" + (Float.isNaN(scale) ? "K^-0.5" : scale)
                + (cuSeqlens == null ? "" : ", cuSeqlens=" + Arrays.toString(cuSeqlens)) + ", algorithm=" + algorithm + "]";
    }
}

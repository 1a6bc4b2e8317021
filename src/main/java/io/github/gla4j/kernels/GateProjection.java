/*
 * GateProjection.java — the GLA layer's gate for one token per sequence, made inside the decoding step
 * (gla_decode_step_gate_proj): g[b, h·K + c] = max(clampMin, logsigmoid(in[b] · weight[h·K + c] + bias[h·K + c]) /
 * normalizer), the second, low-rank product of gk_proj and its log-sigmoid (GUIDE §3).
 * Used by NativeKernels.decodeStep; tested by NativeDecoderTest (decoding equals the full forward) and, natively,
 * test_layers / test_layers_cuda.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Tensor;

/**
 * @param in     [B, rank] fp32, 1 ≤ rank ≤ GLA_GATE_PROJ_MAX_RANK
 * @param weight [H·K, rank], fp32 or bf16
 * @param bias   [H·K] fp32, or null
 */
public record GateProjection(Tensor in, Tensor weight, Tensor bias, float normalizer, float clampMin) {

    /** Checks the shapes against a decoding step of batch sequences with heads·keyDim gate channels. */
    void check(String op, long batch, long channels) {
        if (in == null || weight == null) {
            throw new IllegalArgumentException(op + ": the gate projection needs in and weight");
        }
        long rank = in.shape().rank() == 2 ? in.shape().dim(1) : -1;
        if (in.dtype() != DType.F32 || rank < 1 || in.shape().dim(0) != batch) {
            throw new IllegalArgumentException(op + ": gate in must be fp32 [" + batch + ", rank], got " + in.dtype()
                    + " " + in.shape());
        }
        if (weight.shape().rank() != 2 || weight.shape().dim(0) != channels || weight.shape().dim(1) != rank) {
            throw new IllegalArgumentException(op + ": gate weight must be [" + channels + ", " + rank + "], got "
                    + weight.shape());
        }
        if (bias != null && (bias.dtype() != DType.F32 || bias.elementCount() != channels)) {
            throw new IllegalArgumentException(op + ": gate bias must be fp32 with " + channels + " elements, got "
                    + bias.dtype() + " " + bias.shape());
        }
    }
}

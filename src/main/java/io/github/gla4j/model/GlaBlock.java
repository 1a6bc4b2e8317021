/*
 * GlaBlock.java — one GLA Transformer layer, forward and its explicit backward (GUIDE §3):
 *   h = RMSNorm(x);  q, k, v = h·Wqᵀ, h·Wkᵀ, h·Wvᵀ;  gk = logσ((h·W0ᵀ)·W1ᵀ + b1) / 16, clamp_min
 *   k, v, gk repeated from Hkv to H heads;  o = GLA(q, k, v, gk) (scale head_k^-0.5, zero initial state)
 *   mid = x + (RMSNorm_head(o) · swish(h·Wgᵀ))·Woᵀ
 *   out = mid + ((silu(m·Wgateᵀ) · m·Wupᵀ)·Wdownᵀ),  m = RMSNorm(mid)
 * The backward walks the same steps in reverse; weight gradients accumulate (+=) into the gradient Parameters.
 * Backend-neutral: everything goes through Ops and GlaKernels; step, the same layer for one token per sequence, runs
 * on NativeOps' fused decoding products. Tested by GlaModelTest, the layer gradient checks and DecodeLinearTest.
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.GateProjection;
import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ops.DecodeLinear.Epilogue;
import io.github.gla4j.model.ops.DecodeLinear.Input;
import io.github.gla4j.model.ops.DecodeLinear.Output;
import io.github.gla4j.model.ops.NativeOps;
import io.github.gla4j.model.ops.Ops;

final class GlaBlock {

    private final GlaConfig config;
    private final Ops ops;
    private final int layer;
    private final String prefix;
    private final float eps, clampMin;
    private final int heads, kvHeads, groups, headK, headV;

    GlaBlock(GlaConfig config, Ops ops, int layer) {
        this.config = config;
        this.ops = ops;
        this.layer = layer;
        this.prefix = "model.layers." + layer + ".";
        this.eps = (float) config.normEps();
        this.clampMin = config.clampMin().isPresent() ? (float) config.clampMin().getAsDouble()
                : Float.NEGATIVE_INFINITY;
        this.heads = config.numHeads();
        this.kvHeads = config.numKvHeads();
        this.groups = config.groups();
        this.headK = config.headK();
        this.headV = config.headV();
    }

    private Tensor w(ParameterSet p, String name) {
        return p.get(prefix + name);
    }

    private String outputNorm() {
        return "attn." + config.outputNormName() + ".weight";
    }

    /** out = this layer applied to x, its GLA op run by glaOp; a keeps what backward needs. */
    void forward(ParameterSet p, Activations acts, Activations.Layer a, Tensor x, Tensor out, GlaModel.GlaOp glaOp) {
        Activations.Recomputed r = acts.recomputed;
        ops.rmsNorm(x, w(p, "attn_norm.weight"), eps, r.h, r.attnRstd);
        ops.linear(r.h, w(p, "attn.q_proj.weight"), null, a.q);
        ops.linear(r.h, w(p, "attn.k_proj.weight"), null, a.k);
        ops.linear(r.h, w(p, "attn.v_proj.weight"), null, a.v);
        ops.linear(r.h, w(p, "attn.gk_proj.0.weight"), null, a.gkLow);
        ops.linear(r.h, w(p, "attn.g_proj.weight"), null, a.gate);
        gate(p, a, r);
        if (groups > 1) {
            ops.repeatHeads(a.k, kvHeads, groups, headK, a.kHeads);
            ops.repeatHeads(a.v, kvHeads, groups, headV, a.vHeads);
        }
        int b = acts.batch, t = acts.seqLen;
        glaOp.run(layer, keys(a.q, b, t), keys(a.kHeads, b, t), values(a.vHeads, b, t), keys(r.gHeads, b, t),
                values(a.o, b, t));
        outputNorm(p, a, r);
        attentionResidual(p, acts, a, x);
        mlpNorm(p, acts, a);
        mlpProducts(p, acts, a);
        ops.swiGlu(mlpGate(acts, a), mlpUp(acts, a), r.act);
        ops.linear(r.act, w(p, "mlp.down_proj.weight"), null, acts.scratch);
        ops.add(mid(acts, a), acts.scratch, out);
    }

    // The residual after attention and the MLP's two input products: the layer's own (Recompute.ELEMENTWISE) or
    // the shared Recomputed ones.
    private static Tensor mid(Activations acts, Activations.Layer a) {
        return a.mid != null ? a.mid : acts.recomputed.mid;
    }

    private static Tensor mlpGate(Activations acts, Activations.Layer a) {
        return a.mlpGate != null ? a.mlpGate : acts.recomputed.mlpGate;
    }

    private static Tensor mlpUp(Activations acts, Activations.Layer a) {
        return a.mlpUp != null ? a.mlpUp : acts.recomputed.mlpUp;
    }

    /** r.y = the gated per-head norm of o. */
    private void outputNorm(ParameterSet p, Activations.Layer a, Activations.Recomputed r) {
        ops.gatedRmsNorm(a.o, a.gate, w(p, outputNorm()), eps, r.y, r.outRstd);
    }

    /** mid = x + o_proj(r.y). */
    private void attentionResidual(ParameterSet p, Activations acts, Activations.Layer a, Tensor x) {
        ops.linear(acts.recomputed.y, w(p, "attn.o_proj.weight"), null, acts.scratch);
        ops.add(x, acts.scratch, mid(acts, a));
    }

    /** r.m = mlp_norm(mid). */
    private void mlpNorm(ParameterSet p, Activations acts, Activations.Layer a) {
        Activations.Recomputed r = acts.recomputed;
        ops.rmsNorm(mid(acts, a), w(p, "mlp_norm.weight"), eps, r.m, r.mlpRstd);
    }

    /** mlpGate = gate_proj(r.m), mlpUp = up_proj(r.m). */
    private void mlpProducts(ParameterSet p, Activations acts, Activations.Layer a) {
        Tensor m = acts.recomputed.m;
        ops.linear(m, w(p, "mlp.gate_proj.weight"), null, mlpGate(acts, a));
        ops.linear(m, w(p, "mlp.up_proj.weight"), null, mlpUp(acts, a));
    }

    /** The forget gate from gk_proj.0's output: r.gkLogit, r.g, and r.gHeads repeated to H heads. */
    private void gate(ParameterSet p, Activations.Layer a, Activations.Recomputed r) {
        ops.linear(a.gkLow, w(p, "attn.gk_proj.1.weight"), w(p, "attn.gk_proj.1.bias"), r.gkLogit);
        ops.logSigmoidGate(r.gkLogit, GlaConfig.GATE_LOGIT_NORMALIZER, clampMin, r.g);
        if (groups > 1) {
            ops.repeatHeads(r.g, kvHeads, groups, headK, r.gHeads);
        }
    }

    /**
     * forward for one token per sequence, in five native calls besides the GLA op (and the head repeats of grouped
     * queries): each norm, SwiGLU, bias, gate and residual add fused into the matrix product it feeds or follows
     * (NativeOps.decodeLinear), every product of one input in one call; with a GlaModel.StepOp and no grouped heads
     * the gate's second product goes into the GLA step itself (the gates are then not written). Writes the tensors
     * forward writes, except the norms' rstd and outputs, the gate logits and the SwiGLU product; not for training.
     * acts must be fp32 (the fused products' activations).
     */
    void step(ParameterSet p, Activations acts, Activations.Layer a, Tensor x, Tensor out, GlaModel.GlaOp glaOp,
              NativeOps fused) {
        Activations.Recomputed r = acts.recomputed;
        fused.decodeLinear(Input.rmsNorm(x, w(p, "attn_norm.weight"), eps), Epilogue.NONE,
                new Output(w(p, "attn.q_proj.weight"), a.q), new Output(w(p, "attn.k_proj.weight"), a.k),
                new Output(w(p, "attn.v_proj.weight"), a.v), new Output(w(p, "attn.gk_proj.0.weight"), a.gkLow),
                new Output(w(p, "attn.g_proj.weight"), a.gate));
        int b = acts.batch;
        if (groups == 1 && glaOp instanceof GlaModel.StepOp step) {   // the step kernel makes the gates
            step.runGated(layer, keys(a.q, b, 1), keys(a.k, b, 1), values(a.v, b, 1), new GateProjection(a.gkLow,
                    w(p, "attn.gk_proj.1.weight"), w(p, "attn.gk_proj.1.bias"), GlaConfig.GATE_LOGIT_NORMALIZER,
                    clampMin), values(a.o, b, 1));
        } else {
            fused.decodeLinear(Input.plain(a.gkLow), Epilogue.logSigmoidGate(GlaConfig.GATE_LOGIT_NORMALIZER,
                    clampMin), new Output(w(p, "attn.gk_proj.1.weight"), w(p, "attn.gk_proj.1.bias"), null, r.g));
            if (groups > 1) {
                ops.repeatHeads(a.k, kvHeads, groups, headK, a.kHeads);
                ops.repeatHeads(a.v, kvHeads, groups, headV, a.vHeads);
                ops.repeatHeads(r.g, kvHeads, groups, headK, r.gHeads);
            }
            glaOp.run(layer, keys(a.q, b, 1), keys(a.kHeads, b, 1), values(a.vHeads, b, 1), keys(r.gHeads, b, 1),
                    values(a.o, b, 1));
        }
        fused.decodeLinear(Input.gatedRmsNorm(a.o, a.gate, w(p, outputNorm()), eps), Epilogue.NONE,
                new Output(w(p, "attn.o_proj.weight"), null, x, r.mid));
        fused.decodeLinear(Input.rmsNorm(r.mid, w(p, "mlp_norm.weight"), eps), Epilogue.NONE,
                new Output(w(p, "mlp.gate_proj.weight"), r.mlpGate), new Output(w(p, "mlp.up_proj.weight"), r.mlpUp));
        fused.decodeLinear(Input.swiGlu(r.mlpGate, r.mlpUp), Epilogue.NONE,
                new Output(w(p, "mlp.down_proj.weight"), null, r.mid, out));
    }

    /**
     * Recomputes what the forward of this layer wrote into acts.recomputed, bit for bit; the products into mid and
     * the MLP's inputs only when the layer did not keep their outputs (Recompute.PRODUCTS).
     */
    private void recompute(ParameterSet p, Activations acts, Activations.Layer a, Tensor x) {
        Activations.Recomputed r = acts.recomputed;
        boolean kept = a.mid != null;
        ops.rmsNorm(x, w(p, "attn_norm.weight"), eps, r.h, r.attnRstd);
        gate(p, a, r);
        outputNorm(p, a, r);
        if (!kept) {
            attentionResidual(p, acts, a, x);
        }
        mlpNorm(p, acts, a);
        if (!kept) {
            mlpProducts(p, acts, a);
        }
        ops.swiGlu(mlpGate(acts, a), mlpUp(acts, a), r.act);
    }

    /**
     * On entry s.residual holds d loss / d out; on return d loss / d x. Weight gradients are added to grads.
     * x is the layer's input as given to forward.
     */
    void backward(ParameterSet p, ParameterSet grads, Activations acts, Activations.Layer a, Tensor x,
                  Activations.Gradients s, boolean recurrent) {
        recompute(p, acts, a, x);
        Activations.Recomputed r = acts.recomputed;
        // MLP: out = mid + down(silu(gate(m)) · up(m)), m = mlp_norm(mid)
        ops.linearBackwardWeight(s.residual, r.act, w(grads, "mlp.down_proj.weight"), null);
        ops.linearBackwardInput(s.residual, w(p, "mlp.down_proj.weight"), s.dAct, false);
        ops.swiGluBackward(s.dAct, mlpGate(acts, a), mlpUp(acts, a), s.dMlpGate, s.dMlpUp);
        ops.linearBackwardWeight(s.dMlpGate, r.m, w(grads, "mlp.gate_proj.weight"), null);
        ops.linearBackwardWeight(s.dMlpUp, r.m, w(grads, "mlp.up_proj.weight"), null);
        ops.linearBackwardInput(s.dMlpGate, w(p, "mlp.gate_proj.weight"), s.dm, false);
        ops.linearBackwardInput(s.dMlpUp, w(p, "mlp.up_proj.weight"), s.dm, true);
        ops.rmsNormBackward(s.dm, mid(acts, a), w(p, "mlp_norm.weight"), r.mlpRstd, s.residual, true,
                w(grads, "mlp_norm.weight"));

        // attention output: mid = x + o_proj(y), y = g_norm(o) · swish(gate)
        ops.linearBackwardWeight(s.residual, r.y, w(grads, "attn.o_proj.weight"), null);
        ops.linearBackwardInput(s.residual, w(p, "attn.o_proj.weight"), s.dy, false);
        ops.gatedRmsNormBackward(s.dy, a.o, a.gate, w(p, outputNorm()), r.outRstd, s.dO, s.dGate,
                w(grads, outputNorm()));
        ops.linearBackwardWeight(s.dGate, r.h, w(grads, "attn.g_proj.weight"), null);
        ops.linearBackwardInput(s.dGate, w(p, "attn.g_proj.weight"), s.dh, false);

        // the GLA op
        int b = acts.batch, t = acts.seqLen;
        GlaKernels kernels = ops.kernels();
        Tensor q = keys(a.q, b, t), k = keys(a.kHeads, b, t), v = values(a.vHeads, b, t), g = keys(r.gHeads, b, t);
        Tensor dO = values(s.dO, b, t), dq = keys(s.dq, b, t), dk = keys(s.dkHeads, b, t);
        Tensor dv = values(s.dvHeads, b, t), dg = keys(s.dgHeads, b, t);
        if (recurrent) {
            kernels.recurrentBackward(Options.defaults(), q, k, v, g, null, dO, null, dq, dk, dv, dg, null);
        } else {
            kernels.chunkBackward(Options.defaults(), q, k, v, g, null, dO, null, dq, dk, dv, dg, null);
        }
        if (groups > 1) {
            ops.repeatHeadsBackward(s.dkHeads, kvHeads, groups, headK, s.dk);
            ops.repeatHeadsBackward(s.dvHeads, kvHeads, groups, headV, s.dv);
            ops.repeatHeadsBackward(s.dgHeads, kvHeads, groups, headK, s.dg);
        }

        // the gate: g = logσ(gk_proj.1(gk_proj.0(h))) / 16
        ops.logSigmoidGateBackward(s.dg, r.gkLogit, GlaConfig.GATE_LOGIT_NORMALIZER, clampMin, s.dgkLogit);
        ops.linearBackwardWeight(s.dgkLogit, a.gkLow, w(grads, "attn.gk_proj.1.weight"),
                w(grads, "attn.gk_proj.1.bias"));
        ops.linearBackwardInput(s.dgkLogit, w(p, "attn.gk_proj.1.weight"), s.dgkLow, false);
        ops.linearBackwardWeight(s.dgkLow, r.h, w(grads, "attn.gk_proj.0.weight"), null);
        ops.linearBackwardInput(s.dgkLow, w(p, "attn.gk_proj.0.weight"), s.dh, true);

        // q, k, v projections, then attn_norm back into the residual stream
        ops.linearBackwardWeight(s.dq, r.h, w(grads, "attn.q_proj.weight"), null);
        ops.linearBackwardInput(s.dq, w(p, "attn.q_proj.weight"), s.dh, true);
        ops.linearBackwardWeight(s.dk, r.h, w(grads, "attn.k_proj.weight"), null);
        ops.linearBackwardInput(s.dk, w(p, "attn.k_proj.weight"), s.dh, true);
        ops.linearBackwardWeight(s.dv, r.h, w(grads, "attn.v_proj.weight"), null);
        ops.linearBackwardInput(s.dv, w(p, "attn.v_proj.weight"), s.dh, true);
        ops.rmsNormBackward(s.dh, x, w(p, "attn_norm.weight"), r.attnRstd, s.residual, true,
                w(grads, "attn_norm.weight"));
    }

    /** [N, H·K] as the kernels' [B, T, H, K]. */
    private Tensor keys(Tensor t, int b, int seqLen) {
        return Ops.reshape(t, b, seqLen, heads, headK);
    }

    /** [N, H·V] as the kernels' [B, T, H, V]. */
    private Tensor values(Tensor t, int b, int seqLen) {
        return Ops.reshape(t, b, seqLen, heads, headV);
    }
}

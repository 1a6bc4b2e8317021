/*
 * Activations.java — the tensors one forward pass of a batch [B, T] keeps for its backward, and the scratch of the
 * backward (allocated on the first backward, so inference does not pay for it). Shapes in rows of N = B·T tokens,
 * d = hidden_size, H heads of K = head_k / V = head_v, Hkv key/value heads, I = intermediate_size, R = 16.
 * Everything lives in one scope of the backend's memory, freed by close; what a layer keeps is in the backend's
 * activation type (bf16 under mixed precision: half the memory). Created by GlaModel.newActivations.
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ops.Ops;

public final class Activations implements AutoCloseable {

    /**
     * What the backward recomputes of a layer. PRODUCTS: everything Recomputed holds, the matrix products into
     * o_proj's residual and the MLP's two inputs included (the least memory). ELEMENTWISE: each layer also keeps
     * the residual mid and gate_proj's and up_proj's outputs, so the backward recomputes only the norms, the gate
     * and SwiGLU: three matrix products fewer per layer, for about 2.9x the memory a layer keeps (8 × 2048 tokens in
     * bf16: 6 GB more for 340M, 12 GB for 1.3B). Both give the same bits.
     */
    public enum Recompute {
        PRODUCTS, ELEMENTWISE;

        /** "products" or "elementwise" (any case). */
        public static Recompute parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "products" -> PRODUCTS;
                case "elementwise" -> ELEMENTWISE;
                default -> throw new IllegalArgumentException("unknown recompute '" + name
                        + "' (products or elementwise)");
            };
        }
    }

    /**
     * What one layer keeps for its backward, in the activation type: the outputs of the products that read h and of
     * the GLA op, which cost a product or the GLA op to recompute. The rest is recomputed in the backward
     * (Recomputed) from these and the layer's input.
     */
    static final class Layer {
        final Tensor q;                     // [N, H·K]
        final Tensor k, v;                  // [N, Hkv·K], [N, Hkv·V]
        final Tensor gkLow;                 // gk_proj.0(h) [N, R]
        final Tensor kHeads, vHeads;        // k, v repeated to H heads (the same tensors when groups = 1)
        final Tensor o;                     // GLA output [N, H·V]
        final Tensor gate;                  // g_proj(h) [N, H·V]
        final Tensor mid;                   // Recompute.ELEMENTWISE: the residual after attention [N, d], fp32
        final Tensor mlpGate, mlpUp;        // Recompute.ELEMENTWISE: gate_proj(m), up_proj(m) [N, I]; else null

        Layer(Ops.Scope s, GlaConfig c, long n, DType act, Recompute recompute) {
            int hk = c.keyDim(), hv = c.valueDim();
            q = s.allocate(act, n, hk);
            k = s.allocate(act, n, c.keyDimPerGroup());
            v = s.allocate(act, n, c.valueDimPerGroup());
            gkLow = s.allocate(act, n, GlaConfig.GATE_LOW_RANK_DIM);
            boolean repeat = c.groups() > 1;
            kHeads = repeat ? s.allocate(act, n, hk) : k;
            vHeads = repeat ? s.allocate(act, n, hv) : v;
            o = s.allocate(act, n, hv);
            gate = s.allocate(act, n, hv);
            boolean keep = recompute == Recompute.ELEMENTWISE;
            mid = keep ? s.allocate(n, c.hiddenSize()) : null;
            mlpGate = keep ? s.allocate(act, n, c.intermediateSize()) : null;
            mlpUp = keep ? s.allocate(act, n, c.intermediateSize()) : null;
        }
    }

    /**
     * The layer tensors that are recomputed rather than kept, one set shared by all layers: the forward writes a
     * layer's into them, the backward recomputes them (the same ops on the same inputs: the same bits). The norms,
     * the gate and the SwiGLU product cost an elementwise pass each, the gate logits a rank-16 product, the residual
     * mid o_proj's product, and the MLP's two input products about 6% of a training step. Kept, they would be most
     * of the activation memory: at the 340M model's 16K tokens in bf16, gate_proj's and up_proj's outputs alone take
     * 4.4 GB, the fp32 mid 1.6 GB, what the layers keep 3.2 GB.
     */
    static final class Recomputed {
        final Tensor h, attnRstd;       // attn_norm(x) [N, d], its rstd [N]
        final Tensor gkLogit, g;        // gk_proj.1(gkLow) [N, Hkv·K], max(logsigmoid/16, clamp): fp32, the kernels'
        final Tensor gHeads;            // g repeated to H heads (g itself when groups = 1)
        final Tensor y, outRstd;        // the per-head norm's output, gated [N, H·V], its rstd [N·H]
        final Tensor mid;               // x after the attention residual [N, d], fp32 (the residual stream)
        final Tensor m, mlpRstd;        // mlp_norm(mid) [N, d], its rstd [N]
        final Tensor mlpGate, mlpUp;    // gate_proj(m), up_proj(m), each [N, I]
        final Tensor act;               // silu(gate)·up [N, I]

        Recomputed(Ops.Scope s, GlaConfig c, long n, DType type) {
            int kvk = c.keyDimPerGroup(), inter = c.intermediateSize();
            h = s.allocate(type, n, c.hiddenSize());
            attnRstd = s.allocate(n);
            outRstd = s.allocate(n * c.numHeads());
            mid = s.allocate(n, c.hiddenSize());
            mlpRstd = s.allocate(n);
            gkLogit = s.allocate(type, n, kvk);
            g = s.allocate(n, kvk);
            gHeads = c.groups() > 1 ? s.allocate(n, c.keyDim()) : g;
            y = s.allocate(type, n, c.valueDim());
            m = s.allocate(type, n, c.hiddenSize());
            mlpGate = s.allocate(type, n, inter);
            mlpUp = s.allocate(type, n, inter);
            act = s.allocate(type, n, inter);
        }
    }

    /**
     * The backward's scratch, shared by all layers. The gradients that only feed matrix products or the GLA kernels'
     * dout are in the activation type (act); those summed or read by fp32-only ops stay fp32.
     */
    static final class Gradients {
        final Tensor residual, dh, dm;             // [N, d]: d loss/d residual stream, d/d h, d/d m
        final Tensor dAct, dMlpGate, dMlpUp;       // [N, I]
        final Tensor dy, dO, dGate;                // [N, H·V]
        final Tensor dq, dkHeads, dvHeads, dgHeads; // [N, H·K], [N, H·K], [N, H·V], [N, H·K]
        final Tensor dk, dv, dg, dgkLogit, dgkLow; // [N, Hkv·K], [N, Hkv·V], [N, Hkv·K], [N, Hkv·K], [N, R]

        Gradients(Ops.Scope s, GlaConfig c, long n, DType act) {
            int d = c.hiddenSize(), hk = c.keyDim(), hv = c.valueDim(), kvk = c.keyDimPerGroup(),
                    kvv = c.valueDimPerGroup(), inter = c.intermediateSize();
            residual = s.allocate(n, d);
            dh = s.allocate(n, d);
            dm = s.allocate(n, d);
            dAct = s.allocate(n, inter);
            dMlpGate = s.allocate(act, n, inter);
            dMlpUp = s.allocate(act, n, inter);
            dy = s.allocate(n, hv);
            dO = s.allocate(act, n, hv);
            dGate = s.allocate(act, n, hv);
            boolean repeat = c.groups() > 1;
            dq = s.allocate(act, n, hk);
            dkHeads = s.allocate(repeat ? DType.F32 : act, n, hk);   // repeated heads are summed in fp32
            dvHeads = s.allocate(repeat ? DType.F32 : act, n, hv);
            dgHeads = s.allocate(n, hk);
            dk = repeat ? s.allocate(n, kvk) : dkHeads;
            dv = repeat ? s.allocate(n, kvv) : dvHeads;
            dg = repeat ? s.allocate(n, kvk) : dgHeads;
            dgkLogit = s.allocate(n, kvk);
            dgkLow = s.allocate(n, GlaConfig.GATE_LOW_RANK_DIM);
        }
    }

    final int batch, seqLen;
    final GlaConfig config;
    final Ops.Scope scope;
    /** hidden[i] is the input of layer i; hidden[L] the output of the last layer. */
    final Tensor[] hidden;
    final Layer[] layers;
    final Recomputed recomputed;
    final Tensor scratch;         // [N, d]: a sublayer's output before its residual add
    final Tensor normed, normRstd; // model.norm(hidden[L]) [N, d] (activation type), its rstd [N]
    final Tensor logits;          // [N, vocab] (activation type); replaced by its gradient during backward
    Gradients gradients;
    private final DType activationType;
    /** State of the last forward: its ids, targets (labels shifted) and loss; logitsValid until backward. */
    int[] inputIds, targets;
    double loss = Double.NaN;
    boolean logitsValid;

    /** act: the type of the activations (Ops.activationType(), or F32 for the fused decoding products). */
    Activations(GlaConfig config, Ops ops, int batch, int seqLen, DType act, Recompute recompute) {
        if (batch < 1 || seqLen < 1) {
            throw new IllegalArgumentException("Activations: batch and sequence length must be ≥ 1, got " + batch
                    + " × " + seqLen);
        }
        this.config = config;
        this.batch = batch;
        this.seqLen = seqLen;
        this.scope = ops.newScope();
        long n = Math.multiplyExact((long) batch, seqLen);
        int layerCount = config.numHiddenLayers();
        hidden = new Tensor[layerCount + 1];
        layers = new Layer[layerCount];
        for (int i = 0; i <= layerCount; i++) {
            hidden[i] = scope.allocate(n, config.hiddenSize());
        }
        activationType = act;
        for (int i = 0; i < layerCount; i++) {
            layers[i] = new Layer(scope, config, n, act, recompute);
        }
        recomputed = new Recomputed(scope, config, n, act);
        scratch = scope.allocate(n, config.hiddenSize());
        normed = scope.allocate(act, n, config.hiddenSize());
        normRstd = scope.allocate(n);
        logits = scope.allocate(act, batch, seqLen, config.vocabSize());
    }

    public int batch() {
        return batch;
    }

    public int seqLen() {
        return seqLen;
    }

    /** Logits [B, T, vocab] of the last forward. Backward overwrites them with their gradient. */
    public Tensor logits() {
        if (!logitsValid) {
            throw new IllegalStateException("the logits were replaced by their gradient in backward (or no forward "
                    + "ran yet); read them after forward and before backward");
        }
        return logits;
    }

    /** Mean cross-entropy of the last forward (NaN without labels or without any target). */
    public double loss() {
        return loss;
    }

    Gradients gradients() {
        if (gradients == null) {
            gradients = new Gradients(scope, config, (long) batch * seqLen, activationType);
        }
        return gradients;
    }

    @Override
    public void close() {
        scope.close();
    }
}

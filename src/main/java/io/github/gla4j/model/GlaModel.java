/*
 * GlaModel.java — the GLA Transformer language model (the reference's GLAForCausalLM), forward and backward:
 *   x = embeddings[ids];  x = GlaBlock_i(x) for each layer;  logits = RMSNorm(x; model.norm)·lm_headᵀ
 *   loss = mean over targets ≠ −100 of cross-entropy(logits[b, t], labels[b, t + 1])   (the shift happens here)
 * lm_head is model.embeddings.weight when tie_word_embeddings. The embedding's pad_token_id row, if any, receives
 * no gradient from the lookup (the reference's padding_idx). Layer code runs on Ops + GlaKernels, so the same code
 * serves any backend; parameters and gradients are ParameterSets (host Parameters or DeviceParameters).
 * forwardWith(acts, ids, GlaOp) is the inference forward whose GLA op the caller supplies (prefill and decoding with
 * recurrent state: generate/); stepEmbedded the same for one token per sequence, fused on NativeOps (decoding).
 *
 *   try (Parameters params = Parameters.load(checkpoint); Parameters grads = Parameters.zeros(params.config());
 *        NativeKernels kernels = Kernels.cpu(); Activations acts = model.newActivations(B, T)) {
 *       GlaModel model = new GlaModel(params, new CpuOps(kernels));
 *       double loss = model.forward(acts, ids, ids);   // labels = ids: next-token prediction
 *       model.backward(acts, grads);                   // grads += d loss / d params
 *   }
 *
 * Tested by GlaModelTest (the reference's golden logits, loss and gradients; chunk vs recurrent; tied, GQA, clamp,
 * padding) and ModelGradientTest (finite differences in double).
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.GateProjection;
import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Graph;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ops.CrossEntropy;
import io.github.gla4j.model.ops.DecodeLinear;
import io.github.gla4j.model.ops.Embedding;
import io.github.gla4j.model.ops.NativeOps;
import io.github.gla4j.model.ops.Ops;

import java.lang.foreign.MemorySegment;

public final class GlaModel {

    private static final String EMBEDDINGS = "model.embeddings.weight";
    private static final String FINAL_NORM = "model.norm.weight";

    private final GlaConfig config;
    private final ParameterSet params;
    private final Ops ops;
    private final GlaBlock[] blocks;
    private final AttentionMode mode;

    public GlaModel(ParameterSet params, Ops ops) {
        this(params, ops, AttentionMode.AUTO);
    }

    public GlaModel(ParameterSet params, Ops ops, AttentionMode mode) {
        this.config = params.config();
        this.params = params;
        this.ops = ops;
        this.mode = mode;
        this.blocks = new GlaBlock[config.numHiddenLayers()];
        for (int i = 0; i < blocks.length; i++) {
            blocks[i] = new GlaBlock(config, ops, i);
        }
    }

    public GlaConfig config() {
        return config;
    }

    public ParameterSet parameters() {
        return params;
    }

    /** The backend the model runs on (its ops and GLA kernels). */
    public Ops ops() {
        return ops;
    }

    /** Buffers for batches of batch × seqLen tokens, in the backend's memory (close them when done). */
    public Activations newActivations(int batch, int seqLen) {
        return newActivations(batch, seqLen, Activations.Recompute.PRODUCTS);
    }

    /** newActivations, with what the backward recomputes (training: memory against speed). */
    public Activations newActivations(int batch, int seqLen, Activations.Recompute recompute) {
        // single-token steps keep fp32 activations: the fused decoding products take them, and a step's logits are
        // read back on the host every step, where bf16 would cost a conversion and save no memory worth having
        DType type = seqLen == 1 ? DType.F32 : ops.activationType();
        return new Activations(config, ops, batch, seqLen, type, recompute);
    }

    /**
     * The GLA op of one layer as a forward pass runs it: q, k, g [B,T,H,K] and v, o [B,T,H,V] of the activations'
     * batch (key/value heads already repeated to H); o is to be written. The training forward runs the kernels from
     * a zero state; inference passes its own op to carry recurrent state across calls (io.github.gla4j.generate).
     */
    @FunctionalInterface
    public interface GlaOp {
        void run(int layer, Tensor q, Tensor k, Tensor v, Tensor g, Tensor o);
    }

    /**
     * A GlaOp for decoding steps that can also make the gates itself from the layer's gate projection (its input
     * [B, rank] and the second gk_proj product): GlaBlock.step then skips the gate product (one launch less).
     */
    public interface StepOp extends GlaOp {
        void runGated(int layer, Tensor q, Tensor k, Tensor v, GateProjection gate, Tensor o);
    }

    /**
     * Runs the model on inputIds [B·T] (row-major [B, T]). Logits land in acts.logits(). With labels [B·T] (unshifted,
     * as the reference takes them; −100 = ignore), returns the mean next-token loss, else NaN.
     */
    public double forward(Activations acts, int[] inputIds, int[] labels) {
        checkBatch(acts, inputIds, "inputIds");
        if (labels != null) {
            checkBatch(acts, labels, "labels");
        }
        boolean recurrent = mode.recurrentFor(acts.seqLen);
        GlaKernels kernels = ops.kernels();
        forwardWith(acts, inputIds, (layer, q, k, v, g, o) -> {
            if (recurrent) {
                kernels.recurrentForward(Options.defaults(), q, k, v, g, null, o, null);
            } else {
                kernels.chunkForward(Options.defaults(), q, k, v, g, null, o, null);
            }
        });
        acts.targets = labels == null ? null : shift(labels, acts.batch, acts.seqLen);
        if (acts.targets != null) {
            int count = CrossEntropy.validTargets(acts.targets);
            acts.loss = ops.crossEntropy(acts.logits, acts.targets, 0f, null) / count;
        }
        return acts.loss;
    }

    /**
     * The forward for inference: logits of inputIds [B·T] in acts.logits(), every layer's GLA op run by glaOp (which
     * may read and write recurrent state). No loss; backward is not available after it.
     */
    public void forwardWith(Activations acts, int[] inputIds, GlaOp glaOp) {
        embed(acts, inputIds);
        forwardEmbedded(acts, glaOp);
    }

    /** The first part of forwardWith: the embeddings of inputIds [B·T] into acts (the only step that reads ids). */
    public void embed(Activations acts, int[] inputIds) {
        checkBatch(acts, inputIds, "inputIds");
        acts.logitsValid = false;
        ops.embedding(inputIds, params.get(EMBEDDINGS), acts.hidden[0]);
        acts.inputIds = inputIds.clone();
    }

    /**
     * The rest of forwardWith after embed: every layer, the final norm and the head, reading only device memory, so
     * that it can be recorded once as a graph and replayed (decoding).
     */
    public void forwardEmbedded(Activations acts, GlaOp glaOp) {
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].forward(params, acts, acts.layers[i], acts.hidden[i], acts.hidden[i + 1], glaOp);
        }
        ops.rmsNorm(acts.hidden[blocks.length], params.get(FINAL_NORM), (float) config.normEps(), acts.normed,
                acts.normRstd);
        ops.linear(acts.normed, head(params), null, acts.logits);
        acts.targets = null;
        acts.logitsValid = true;
        acts.loss = Double.NaN;
    }

    /**
     * forwardEmbedded for one token per sequence (activations of sequence length 1: a decoding step). On NativeOps and
     * at most DecodeLinear.MAX_ROWS sequences every layer runs as GlaBlock.step (the norms, gates and residual adds
     * fused into the matrix products, a few launches per layer) and so does the head; otherwise as forwardEmbedded.
     */
    public void stepEmbedded(Activations acts, GlaOp glaOp) {
        if (acts.seqLen != 1) {
            throw new IllegalArgumentException("GlaModel.stepEmbedded: one token per sequence, got activations of "
                    + acts.batch + " × " + acts.seqLen);
        }
        if (!fusedSteps(acts.batch)) {
            forwardEmbedded(acts, glaOp);
            return;
        }
        NativeOps fused = (NativeOps) ops;
        for (int i = 0; i < blocks.length; i++) {
            blocks[i].step(params, acts, acts.layers[i], acts.hidden[i], acts.hidden[i + 1], glaOp, fused);
        }
        fused.decodeLinear(DecodeLinear.Input.rmsNorm(acts.hidden[blocks.length], params.get(FINAL_NORM),
                (float) config.normEps()), DecodeLinear.Epilogue.NONE, new DecodeLinear.Output(head(params),
                acts.logits));
        acts.targets = null;
        acts.logitsValid = true;
        acts.loss = Double.NaN;
    }

    /** Whether stepEmbedded runs a batch of this many sequences on the fused decoding products. */
    public boolean fusedSteps(int batch) {
        return ops instanceof NativeOps && batch <= DecodeLinear.MAX_ROWS;
    }

    /**
     * embed for ids [B·T] int32 in page-locked memory, read when the op runs (NativeOps.embedding): recorded in a
     * graph, each replay embeds the ids the host wrote before it. Unchecked: an id outside the vocabulary gives NaN.
     */
    public void embed(Activations acts, MemorySegment ids) {
        if (!(ops instanceof NativeOps nativeOps)) {
            throw new IllegalStateException("GlaModel.embed: ids in page-locked memory need the native layer ops");
        }
        acts.logitsValid = false;
        nativeOps.embedding(ids, acts.batch * acts.seqLen, params.get(EMBEDDINGS), acts.hidden[0]);
        acts.inputIds = null;
    }

    /** Runs a graph recorded (Context.record) from embed and stepEmbedded on acts: the logits are then valid. */
    public void replay(Graph graph, Activations acts) {
        graph.launch();
        acts.targets = null;
        acts.logitsValid = true;
        acts.loss = Double.NaN;
    }

    /**
     * Adds d loss / d parameter of the last forward (which must have had labels) to grads. The logits in acts are
     * overwritten by their gradient. Without any target (all −100) the loss is NaN and the gradients are zero.
     */
    public void backward(Activations acts, ParameterSet grads) {
        if (acts.targets == null) {
            throw new IllegalStateException("backward needs a forward with labels first");
        }
        if (!acts.logitsValid) {
            throw new IllegalStateException("backward already ran for this forward (the logits hold their gradient)");
        }
        if (!grads.config().parameters().equals(config.parameters())) {
            throw new IllegalArgumentException("backward: the gradients were made for another parameter layout");
        }
        Activations.Gradients s = acts.gradients();
        int count = CrossEntropy.validTargets(acts.targets);
        float scale = count == 0 ? 0f : 1f / count;
        acts.logitsValid = false;
        ops.crossEntropy(acts.logits, acts.targets, scale, acts.logits);

        Tensor hiddenGrad = s.dh;
        ops.linearBackwardWeight(acts.logits, acts.normed, head(grads), null);
        ops.linearBackwardInput(acts.logits, head(params), hiddenGrad, false);
        ops.rmsNormBackward(hiddenGrad, acts.hidden[blocks.length], params.get(FINAL_NORM), acts.normRstd,
                s.residual, false, grads.get(FINAL_NORM));
        boolean recurrent = mode.recurrentFor(acts.seqLen);
        for (int i = blocks.length - 1; i >= 0; i--) {
            blocks[i].backward(params, grads, acts, acts.layers[i], acts.hidden[i], s, recurrent);
        }
        int padding = config.padTokenId().orElse(Embedding.NO_PADDING);
        ops.embeddingBackward(acts.inputIds, s.residual, padding, grads.get(EMBEDDINGS));
    }

    /** lm_head.weight, or the embeddings when tied. */
    private Tensor head(ParameterSet p) {
        return p.get(config.tieWordEmbeddings() ? EMBEDDINGS : "lm_head.weight");
    }

    /** targets[b, t] = labels[b, t + 1]; the last position of each row has none (−100). */
    static int[] shift(int[] labels, int batch, int seqLen) {
        int[] targets = new int[labels.length];
        for (int b = 0; b < batch; b++) {
            for (int t = 0; t < seqLen; t++) {
                targets[b * seqLen + t] = t + 1 < seqLen ? labels[b * seqLen + t + 1] : CrossEntropy.IGNORE_INDEX;
            }
        }
        return targets;
    }

    private static void checkBatch(Activations acts, int[] ids, String name) {
        if (ids == null || ids.length != (long) acts.batch * acts.seqLen) {
            throw new IllegalArgumentException("GlaModel: " + name + " must hold B·T = " + acts.batch + "·"
                    + acts.seqLen + " ids, got " + (ids == null ? "null" : ids.length));
        }
    }
}

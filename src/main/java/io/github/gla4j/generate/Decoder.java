/*
 * Decoder.java — a batch of sequences running through a GLA model with recurrent state instead of a growing context:
 *   prefill(prompts)  reset to prompts.length fresh sequences and feed them; logits after each prompt's last token
 *   feed(tokens)      more tokens per sequence (any lengths, 0 included), through the chunk kernel, varlen
 *   step(tokens)      exactly one token per sequence, through the recurrent decode step (gla_decode_step)
 *   retain(rows)      keep only some sequences (finished ones leave the batch)
 * Memory does not grow with the context: one fp32 state [B, H, K, V] per layer (RecurrentState), plus activations
 * for at most prefillChunk tokens per sequence at a time (longer inputs are fed in windows, carrying the state).
 * A window packs the sequences of the batch back to back (batch 1, cu_seqlens: the FlashAttention convention), so
 * prompts of different lengths need no padding; a sequence with no tokens left passes its state through.
 * The layer math is GlaModel's: this class only supplies the GLA op of each layer (GlaModel.GlaOp). A step is
 * GlaModel.stepEmbedded (on the native layer ops and up to DecodeLinear.MAX_ROWS sequences: the fused decoding
 * products); on a CUDA device each step after the first is one replayed graph (Context.record) of the whole step:
 * the ids copied from page-locked memory and embedded, the layers and head, the logits copied back to page-locked
 * memory — the host writes the ids, launches, waits and reads the logits, with nothing else in between.
 * Not thread-safe.
 *
 *   try (Decoder d = new Decoder(model)) {
 *       float[][] logits = d.prefill(new int[][]{{1, 2, 3}, {4, 5}});   // [2][vocab]
 *       logits = d.step(new int[]{7, 8});
 *   }
 * Tested by DecoderTest: logits equal full forward passes at every position, prefill state = token-by-token state,
 * batched = one by one, windows = one pass.
 */
package io.github.gla4j.generate;

import io.github.gla4j.kernels.GateProjection;
import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.Graph;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ops.NativeOps;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Arrays;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

public final class Decoder implements AutoCloseable {

    /** Tokens per sequence per prefill window unless set: large enough for the chunk kernel (64 per chunk). */
    public static final int DEFAULT_PREFILL_CHUNK = 512;

    private static final BooleanSupplier NEVER = () -> false;

    private final GlaModel model;
    private final GlaConfig config;
    private final GlaKernels kernels;
    private final int prefillChunk;
    /** The sequences' states, and a second set the chunk kernel writes its final states into (swapped after). */
    private RecurrentState state, next;
    /** Activations of the last shape used, kept for the next call of that shape (decoding reuses one). */
    private Activations acts;
    /** Decoding on the native layer ops: page-locked memory and graph for the activations and states of the last step. */
    private NativeStep nativeStep;

    public Decoder(GlaModel model) {
        this(model, DEFAULT_PREFILL_CHUNK);
    }

    /** prefillChunk: the most tokens per sequence one forward pass takes (bounds the activation memory). */
    public Decoder(GlaModel model, int prefillChunk) {
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("Decoder: prefillChunk must be ≥ 1, got " + prefillChunk);
        }
        this.model = model;
        this.config = model.config();
        this.kernels = model.ops().kernels();
        this.prefillChunk = prefillChunk;
    }

    /** Sequences in the batch (0 before the first prefill). */
    public int batch() {
        return state == null ? 0 : state.batch();
    }

    /** The current states (row b = sequence b); replaced by prefill and retain. */
    public RecurrentState state() {
        requireStarted("state");
        return state;
    }

    /** Starts prompts.length fresh sequences and feeds each its prompt (≥ 1 token); see feed. */
    public float[][] prefill(int[][] prompts) {
        return prefill(prompts, NEVER);
    }

    /** prefill, checking cancelled between windows (CancellationException when it says so). */
    public float[][] prefill(int[][] prompts, BooleanSupplier cancelled) {
        if (prompts == null || prompts.length == 0) {
            throw new IllegalArgumentException("Decoder.prefill: need at least one prompt");
        }
        for (int b = 0; b < prompts.length; b++) {
            if (prompts[b] == null || prompts[b].length == 0) {
                throw new IllegalArgumentException("Decoder.prefill: prompt " + b + " is empty; every sequence "
                        + "needs at least one token to predict from");
            }
        }
        reset(prompts.length);
        return feed(prompts, cancelled);
    }

    /**
     * Feeds tokens[b] to sequence b (lengths may differ, 0 included) and returns, per sequence, the logits [vocab]
     * after its last token, or null for a sequence given no tokens.
     */
    public float[][] feed(int[][] tokens) {
        return feed(tokens, NEVER);
    }

    /** feed, checking cancelled between windows (CancellationException when it says so). */
    public float[][] feed(int[][] tokens, BooleanSupplier cancelled) {
        requireStarted("feed");
        if (tokens == null || tokens.length != batch()) {
            throw new IllegalArgumentException("Decoder.feed: need one token array per sequence (" + batch() + "), got "
                    + (tokens == null ? "null" : tokens.length));
        }
        for (int[] row : tokens) {
            checkIds("Decoder.feed", row);
        }
        int batch = batch();
        float[][] logits = new float[batch][];
        for (int offset = 0; ; offset += prefillChunk) {
            long[] cu = new long[batch + 1];
            for (int b = 0; b < batch; b++) {
                cu[b + 1] = cu[b] + Math.clamp(tokens[b].length - (long) offset, 0, prefillChunk);
            }
            int total = Math.toIntExact(cu[batch]);
            if (total == 0) {
                return logits;
            }
            if (cancelled.getAsBoolean()) {
                throw new CancellationException("Decoder.feed: cancelled");
            }
            int[] ids = new int[total];
            for (int b = 0; b < batch; b++) {
                if (cu[b + 1] > cu[b]) {
                    System.arraycopy(tokens[b], offset, ids, (int) cu[b], (int) (cu[b + 1] - cu[b]));
                }
            }
            Activations a = activations(1, total);
            Options options = Options.defaults().withCuSeqlens(cu);
            model.forwardWith(a, ids, (layer, q, k, v, g, o) ->
                    kernels.chunkForward(options, q, k, v, g, state.layer(layer), o, next.layer(layer)));
            RecurrentState swap = state;
            state = next;
            next = swap;
            for (int b = 0; b < batch; b++) {
                if (cu[b + 1] > cu[b] && offset + (cu[b + 1] - cu[b]) == tokens[b].length) {
                    logits[b] = logitsRow(a, cu[b + 1] - 1);
                }
            }
        }
    }

    /** Feeds one token to every sequence (tokens.length = batch) and returns the logits [batch][vocab] after it. */
    public float[][] step(int[] tokens) {
        requireStarted("step");
        if (tokens == null || tokens.length != batch()) {
            throw new IllegalArgumentException("Decoder.step: need one token per sequence (" + batch() + "), got "
                    + (tokens == null ? "null" : tokens.length));
        }
        checkIds("Decoder.step", tokens);
        Activations a = activations(tokens.length, 1);
        if (model.ops() instanceof NativeOps) {
            if (nativeStep == null || nativeStep.acts != a || nativeStep.state != state) {
                closeNativeStep();
                nativeStep = new NativeStep(a, state);
            }
            return nativeStep.run(tokens);
        }
        model.embed(a, tokens);
        model.stepEmbedded(a, decodeOp(state));
        return logitsRows((HostTensor) a.logits(), tokens.length);
    }

    /** Whether step runs the fused decoding products for the current batch (GlaModel.fusedSteps). */
    public boolean fusedSteps() {
        requireStarted("fusedSteps");
        return model.fusedSteps(batch());
    }

    /** Every layer's GLA op as one recurrent step on the states s; on the native ops, with the gates made inside. */
    private GlaModel.GlaOp decodeOp(RecurrentState s) {
        Options options = Options.defaults();
        if (!(model.ops() instanceof NativeOps nativeOps)) {
            return (layer, q, k, v, g, o) -> kernels.decodeStep(options, q, k, v, g, s.layer(layer), o);
        }
        return new GlaModel.StepOp() {
            @Override
            public void run(int layer, Tensor q, Tensor k, Tensor v, Tensor g, Tensor o) {
                kernels.decodeStep(options, q, k, v, g, s.layer(layer), o);
            }

            @Override
            public void runGated(int layer, Tensor q, Tensor k, Tensor v, GateProjection gate, Tensor o) {
                nativeOps.decodeStep(q, k, v, gate, s.layer(layer), o);
            }
        };
    }

    /**
     * Decoding steps on the native layer ops for one set of activations and states: the ids and the logits live in
     * page-locked memory, so on a CUDA device the whole step (id upload, embedding, layers, head, logits download)
     * records as one graph. The first step runs directly (it sizes the scratch buffers), the second records and
     * every later one replays; on the cpu backend every step runs directly.
     */
    private final class NativeStep implements AutoCloseable {
        final Activations acts;
        final RecurrentState state;
        private final Arena arena = Arena.ofShared();
        private final MemorySegment ids;
        /** Made by the first step, which runs directly (the logits' shape and type are known once they exist). */
        private HostTensor logits;
        private Graph graph;

        NativeStep(Activations acts, RecurrentState state) {
            this.acts = acts;
            this.state = state;
            ids = context().allocatePinned(arena, (long) acts.batch() * Integer.BYTES);
        }

        float[][] run(int[] tokens) {
            MemorySegment.copy(tokens, 0, ids, ValueLayout.JAVA_INT, 0, tokens.length);
            if (graph != null) {
                model.replay(graph, acts);
            } else if (logits != null && !kernels.device().isHost()) {
                graph = context().record(this::ops);
                model.replay(graph, acts);
            } else {
                ops();
            }
            context().synchronize();
            return logitsRows(logits, tokens.length);
        }

        private void ops() {
            model.embed(acts, ids);
            model.stepEmbedded(acts, decodeOp(state));
            DeviceTensor d = (DeviceTensor) acts.logits();
            if (logits == null) {
                logits = HostTensor.wrap(context().allocatePinned(arena, d.byteSize()), d.dtype(), d.shape());
            }
            d.copyToAsync(logits);
        }

        @Override
        public void close() {
            if (graph != null) {
                graph.close();
            }
            arena.close();
        }
    }

    private Context context() {
        return ((NativeOps) model.ops()).context();
    }

    private void closeNativeStep() {
        if (nativeStep != null) {
            nativeStep.close();
            nativeStep = null;
        }
    }

    /** Keeps sequences rows[0], rows[1], ... (distinct, in that order) as the new batch 0, 1, ... */
    public void retain(int... rows) {
        requireStarted("retain");
        if (rows.length == 0 || rows.length > batch() || Arrays.stream(rows).distinct().count() != rows.length) {
            throw new IllegalArgumentException("Decoder.retain: need 1 to " + batch() + " distinct rows, got "
                    + Arrays.toString(rows));
        }
        RecurrentState kept = new RecurrentState(model.ops(), config, rows.length);
        try {
            kept.copyRows(state, rows);
        } catch (RuntimeException e) {
            kept.close();
            throw e;
        }
        replaceStates(kept);
    }

    private void reset(int batch) {
        replaceStates(new RecurrentState(model.ops(), config, batch));
    }

    /** state := fresh (taking ownership); next is reallocated for the new batch. */
    private void replaceStates(RecurrentState fresh) {
        closeStates();
        state = fresh;
        next = new RecurrentState(model.ops(), config, fresh.batch());
    }

    private Activations activations(int batch, int seqLen) {
        if (acts == null || acts.batch() != batch || acts.seqLen() != seqLen) {
            if (acts != null) {
                acts.close();
                acts = null;
            }
            acts = model.newActivations(batch, seqLen);
        }
        return acts;
    }

    /** Row r of the logits [N, vocab] as a Java array (one row copied from the device when they live there). */
    private float[] logitsRow(Activations a, long r) {
        int vocab = config.vocabSize();
        float[] row = new float[vocab];
        switch (a.logits()) {
            case HostTensor h -> MemorySegment.copy(h.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED,
                    r * vocab * Float.BYTES, row, 0, vocab);
            case DeviceTensor d -> {
                try (Arena arena = Arena.ofConfined()) {
                    HostTensor host = HostTensor.allocate(arena, d.dtype(), 1, vocab);
                    d.reshape(Shape.of(d.elementCount() / vocab, vocab)).slice(r, 1).copyTo(host);
                    row = host.toFloatArray();
                }
            }
        }
        return row;
    }

    /** Every row of the logits [N, vocab] in host memory: fp32 ones copied straight into the rows, others converted. */
    private float[][] logitsRows(HostTensor host, int rows) {
        int vocab = config.vocabSize();
        float[][] out = new float[rows][];
        if (host.dtype() != DType.F32) {
            float[] all = host.toFloatArray();
            for (int b = 0; b < rows; b++) {
                out[b] = Arrays.copyOfRange(all, b * vocab, (b + 1) * vocab);
            }
            return out;
        }
        for (int b = 0; b < rows; b++) {
            out[b] = new float[vocab];
            MemorySegment.copy(host.segment(), ValueLayout.JAVA_FLOAT_UNALIGNED, (long) b * vocab * Float.BYTES,
                    out[b], 0, vocab);
        }
        return out;
    }

    private void checkIds(String op, int[] ids) {
        if (ids == null) {
            throw new IllegalArgumentException(op + ": a token array is null");
        }
        for (int id : ids) {
            if (id < 0 || id >= config.vocabSize()) {
                throw new IllegalArgumentException(op + ": token id " + id + " is outside the vocabulary [0, "
                        + config.vocabSize() + ")");
            }
        }
    }

    private void requireStarted(String op) {
        if (state == null) {
            throw new IllegalStateException("Decoder." + op + ": no sequences yet; call prefill first");
        }
    }

    private void closeStates() {
        if (state != null) {
            state.close();
            next.close();
            state = null;
            next = null;
        }
    }

    @Override
    public void close() {
        closeNativeStep();
        closeStates();
        if (acts != null) {
            acts.close();
            acts = null;
        }
    }
}

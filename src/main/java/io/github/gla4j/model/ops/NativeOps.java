/*
 * NativeOps.java — Ops on libgla4j's layer ops (gla.h: gla_gemm, gla_rms_norm_fwd, ...) in the memory of one
 * NativeKernels context: device memory on cuda, host memory on the cpu backend. The same layer code then trains and
 * decodes on the GPU. Precision.FP32 runs everything in fp32. Precision.BF16 is mixed precision: the activations
 * are bf16 (activationType(): the ops write them in bf16 and read them from there, computing in fp32), the matrix
 * products and GLA kernels take bf16 inputs with fp32 accumulation, and master weights, the residual stream and
 * gradients stay fp32 (fp32 operands of a product are converted through reused scratch buffers; the bf16 copy of
 * each weight is kept until parametersChanged(), so decoding reads bf16 weights and a training step converts each
 * weight once). Every op checks its tensors' dtypes and sizes before the native call. Besides Ops, decodeLinear: the
 * fused products of a decoding step (gla_decode_linear, fp32 activations), which read those same weights. Not
 * thread-safe (one context, one stream).
 * Tested by NativeModelTest, NativeTrainingTest, NativeDecoderTest and DecodeLinearTest (the cpu backend everywhere,
 * cuda on a GPU).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.ffi.gla_linear_dims;
import io.github.gla4j.ffi.gla_linear_output;
import io.github.gla4j.kernels.GateProjection;
import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.ValueLayout;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Map;
import java.util.Set;

public final class NativeOps implements Ops, AutoCloseable {

    /** How the matrix products and GLA kernels see their inputs. */
    public enum Precision {
        FP32, BF16;

        /** "fp32" or "bf16" (case-insensitive). */
        public static Precision parse(String name) {
            return switch (name.toLowerCase(java.util.Locale.ROOT)) {
                case "fp32", "f32", "float32" -> FP32;
                case "bf16", "bfloat16" -> BF16;
                default -> throw new IllegalArgumentException("unknown precision '" + name + "' (fp32 or bf16)");
            };
        }
    }

    /** The first cast slot of weights in host memory. */
    private static final int HOST_WEIGHT = 2;

    private final Context context;
    private final Precision precision;
    private final GlaKernels glaKernels;
    /** Slots 0 and 1: the bf16 operands of gemm; HOST_WEIGHT + i: copies of weights in host memory (not cached). */
    private final CastBuffers casts;
    /** Precision.BF16: bf16 copies of the weights seen by linear, by weight tensor (identity), and those current. */
    private final Map<Tensor, Tensor> bf16Weights = new IdentityHashMap<>();
    private final Set<Tensor> freshWeights = Collections.newSetFromMap(new IdentityHashMap<>());
    /**
     * Precision.BF16: the tensors whose bf16 copies gemm's operand slots 0 and 1 hold, or null. Consecutive matrix
     * products that read the same activation (q, k, v and the gates all read the normed input) convert it once; any
     * other op forgets them (it may write the source), and so does a product whose output is a source.
     */
    private final Tensor[] castSources = new Tensor[2], castCopies = new Tensor[2];
    private final NativeKernels nativeKernels;
    /** gla_cross_entropy's per-row losses in device memory (cuda only), grown on demand. */
    private DeviceTensor losses;

    /** Ops on the context of kernels (the caller keeps ownership of kernels; close this before them). */
    public NativeOps(NativeKernels kernels, Precision precision) {
        this.context = kernels.context();
        this.precision = precision;
        this.casts = new CastBuffers(context, HOST_WEIGHT + DecodeLinear.MAX_OUTPUTS);
        this.nativeKernels = kernels;
        this.glaKernels = precision == Precision.BF16 ? new Bf16Kernels(kernels, this::forgetCasts) : kernels;
    }

    public Precision precision() {
        return precision;
    }

    /** BF16 under Precision.BF16, else F32. */
    @Override
    public DType activationType() {
        return precision == Precision.BF16 ? DType.BF16 : DType.F32;
    }

    public Context context() {
        return context;
    }

    @Override
    public GlaKernels kernels() {
        return glaKernels;
    }

    /**
     * Tensors from the context (gla_malloc: device memory on cuda, host memory on the cpu backend), zeroed. The
     * cpu backend thus runs the same device-memory code paths as cuda (copies, downloads), which the tests rely on.
     */
    @Override
    public Scope newScope() {
        var arena = context.arena();
        return new Scope() {
            @Override
            public Tensor allocate(DType dtype, long... dims) {
                DeviceTensor t = arena.allocate(dtype, dims);
                context.memset(t, 0);
                return t;
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    // ---- matrix products: row-major, y [M, out] = x [M, in] · w [out, in]ᵀ ----

    @Override
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        long in = width(w), out = rows(w), m = rows(x);
        check(width(x) == in && width(y) == out && rows(y) == m, "linear", x, w, y);
        gemm(GlaH.GLA_TRANSPOSE_NONE(), GlaH.GLA_TRANSPOSE(), m, out, in, x, in, weight(w, 0), in, 0f, y, out);
        if (bias != null) {
            f32("linear", "bias", bias, out);
            Gla.check("gla_bias_add", GlaH.gla_bias_add(ctx(), m, out, ptr(bias), ptr(y), y.dtype().code()));
        }
    }

    @Override
    public void linearBackwardInput(Tensor dy, Tensor w, Tensor dx, boolean accumulate) {
        long in = width(w), out = rows(w), m = rows(dy);
        check(width(dy) == out && width(dx) == in && rows(dx) == m, "linearBackwardInput", dy, w, dx);
        gemm(GlaH.GLA_TRANSPOSE_NONE(), GlaH.GLA_TRANSPOSE_NONE(), m, in, out, dy, out, weight(w, 0), in,
                accumulate ? 1f : 0f, dx, in);
    }

    @Override
    public void linearBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor dbias) {
        long in = width(dw), out = rows(dw), m = rows(dy);
        check(width(dy) == out && width(x) == in && rows(x) == m, "linearBackwardWeight", dy, x, dw);
        gemm(GlaH.GLA_TRANSPOSE(), GlaH.GLA_TRANSPOSE_NONE(), out, in, m, dy, out, x, in, 1f, dw, in);
        if (dbias != null) {
            f32("linearBackwardWeight", "dy", dy, dy.elementCount());
            f32("linearBackwardWeight", "dbias", dbias, out);
            Gla.check("gla_bias_grad", GlaH.gla_bias_grad(ctx(), m, out, ptr(dy), ptr(dbias)));
        }
    }

    /**
     * w as the products take it: under Precision.BF16 its cached bf16 copy (made on first use), else w itself. A
     * weight in host memory is converted on every call, into cast slot HOST_WEIGHT + i (i: its place among one call's
     * weights).
     */
    private Tensor weight(Tensor w, int i) {
        if (precision != Precision.BF16 || w.dtype() == DType.BF16) {
            return w;
        }
        if (!(w instanceof DeviceTensor)) {
            return casts.bf16Copy(HOST_WEIGHT + i, w);
        }
        Tensor copy = bf16Weights.get(w);
        if (copy == null) {
            dropClosedWeights();
            copy = context.allocate(DType.BF16, w.shape());
            bf16Weights.put(w, copy);
        }
        if (freshWeights.add(w)) {
            casts.cast(w, copy);
        }
        return copy;
    }

    /** Forgets the copies of weights that were freed (their tensors closed), so the cache does not outlive them. */
    private void dropClosedWeights() {
        bf16Weights.entrySet().removeIf(e -> {
            if (e.getKey() instanceof DeviceTensor d && !d.isOpen()) {
                ((DeviceTensor) e.getValue()).close();
                freshWeights.remove(e.getKey());
                return true;
            }
            return false;
        });
    }

    /** The weights changed: their copies are refreshed on next use (the buffers stay allocated). */
    @Override
    public void parametersChanged() {
        freshWeights.clear();
        forgetCasts();
    }

    private void freeWeightCopies() {
        for (Tensor copy : bf16Weights.values()) {
            ((DeviceTensor) copy).close();
        }
        bf16Weights.clear();
        freshWeights.clear();
    }

    /**
     * C = op(A)·op(B) + beta·C with A and B as bf16 (copies of fp32 operands) under Precision.BF16, fp32 otherwise;
     * C of its own dtype.
     */
    private void gemm(int transA, int transB, long m, long n, long k, Tensor a, long lda, Tensor b, long ldb,
                      float beta, Tensor c, long ldc) {
        MemorySegment pa = ptr(a), pb = ptr(b);
        int abType = DType.F32.code();
        if (precision == Precision.BF16) {
            pa = operand(0, a);
            pb = operand(1, b);
            abType = DType.BF16.code();
        } else if (a.dtype() != DType.F32 || b.dtype() != DType.F32) {
            throw new IllegalArgumentException("NativeOps: fp32 precision multiplies fp32 tensors, got " + a + " and "
                    + b);
        }
        Gla.check("gla_gemm", GlaH.gla_gemm(ctx(), transA, transB, m, n, k, 1f, pa, lda, pb, ldb, abType, beta,
                ptr(c), ldc, c.dtype().code()));
        for (int i = 0; i < castSources.length; i++) {
            if (castSources[i] == c) {
                castSources[i] = null;
            }
        }
    }

    /** The bf16 form of gemm operand t in slot: t itself when bf16, its copy (converted unless still current). */
    private MemorySegment operand(int slot, Tensor t) {
        if (t.dtype() == DType.BF16) {
            return t.pointer();
        }
        if (castSources[slot] != t) {
            castCopies[slot] = casts.bf16Copy(slot, t);
            castSources[slot] = t;
        }
        return castCopies[slot].pointer();
    }

    /** Every op but a matrix product may write a tensor whose bf16 copy a gemm slot holds: forget them. */
    void forgetCasts() {
        castSources[0] = castSources[1] = null;
    }

    // ---- the fused products of a decoding step ----

    /**
     * One decoding step (NativeKernels.decodeStep, channel gates) whose gates the kernel makes from the layer's gate
     * projection: one launch instead of the gate product's and the step's. Under Precision.BF16 the projection's
     * weight is read as its bf16 copy, as decodeLinear reads it.
     */
    public void decodeStep(Tensor q, Tensor k, Tensor v, GateProjection gate, Tensor state, Tensor o) {
        forgetCasts();
        GateProjection g = new GateProjection(gate.in(), weight(gate.weight(), 0), gate.bias(), gate.normalizer(),
                gate.clampMin());
        nativeKernels.decodeStep(Options.defaults(), q, k, v, g, state, o);
    }

    /**
     * Every product of outputs in one native call (gla_decode_linear; see DecodeLinear): f(input) in fp32, the weights
     * as linear reads them (bf16 copies under Precision.BF16), fp32 sums. At most DecodeLinear.MAX_ROWS rows.
     */
    public void decodeLinear(DecodeLinear.Input input, DecodeLinear.Epilogue epilogue, DecodeLinear.Output... outputs) {
        forgetCasts();
        int rows = DecodeLinear.check(input, outputs);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment table = gla_linear_output.allocateArray(outputs.length, arena);
            int weightType = -1;
            for (int i = 0; i < outputs.length; i++) {
                DecodeLinear.Output o = outputs[i];
                Tensor w = weight(o.weight(), i);
                if (weightType >= 0 && w.dtype().code() != weightType) {
                    throw new IllegalArgumentException("NativeOps.decodeLinear: the weights of one call must share a "
                            + "dtype, output " + i + " is " + w.dtype());
                }
                weightType = w.dtype().code();
                MemorySegment entry = gla_linear_output.asSlice(table, i);
                gla_linear_output.weight(entry, ptr(w));
                gla_linear_output.bias(entry, orNull(o.bias()));
                gla_linear_output.residual(entry, orNull(o.residual()));
                gla_linear_output.y(entry, ptr(o.y()));
                gla_linear_output.out(entry, rows(o.weight()));
            }
            MemorySegment dims = gla_linear_dims.allocate(arena);
            gla_linear_dims.rows(dims, rows);
            gla_linear_dims.in(dims, width(input.x()));
            gla_linear_dims.norm_width(dims, input.normWidth());
            gla_linear_dims.prologue(dims, input.prologue());
            gla_linear_dims.epilogue(dims, epilogue.kind());
            gla_linear_dims.weight_dtype(dims, weightType);
            gla_linear_dims.eps(dims, input.eps());
            gla_linear_dims.gate_normalizer(dims, epilogue.normalizer());
            gla_linear_dims.gate_clamp_min(dims, epilogue.clampMin());
            Gla.check("gla_decode_linear", GlaH.gla_decode_linear(ctx(), dims, ptr(input.x()), orNull(input.z()),
                    orNull(input.normWeight()), table, outputs.length));
        }
    }

    // ---- the rest, one native call each: activations (act) F32 or BF16, everything else F32 ----

    @Override
    public void rmsNorm(Tensor x, Tensor w, float eps, Tensor y, Tensor rstd) {
        forgetCasts();
        String op = "rmsNorm";
        long width = w.elementCount(), rows = rows(x, width, op);
        f32(op, "weight", w, width);
        f32(op, "x", x, rows * width);
        f32(op, "rstd", rstd, rows);
        Gla.check("gla_rms_norm_fwd", GlaH.gla_rms_norm_fwd(ctx(), rows, width, ptr(x), ptr(w), eps, ptr(y),
                act(op, "y", y, rows * width), ptr(rstd)));
    }

    @Override
    public void rmsNormBackward(Tensor dy, Tensor x, Tensor w, Tensor rstd, Tensor dx, boolean accumulate,
                                Tensor dw) {
        forgetCasts();
        String op = "rmsNormBackward";
        long width = w.elementCount(), rows = rows(x, width, op);
        f32(op, "weight", w, width);
        for (Tensor t : new Tensor[]{dy, x, dx}) {
            f32(op, "dy, x, dx", t, rows * width);
        }
        f32(op, "rstd", rstd, rows);
        f32(op, "dw", dw, width);
        Gla.check("gla_rms_norm_bwd", GlaH.gla_rms_norm_bwd(ctx(), rows, width, ptr(dy), ptr(x), ptr(w), ptr(rstd),
                ptr(dx), accumulate ? 1 : 0, ptr(dw)));
    }

    @Override
    public void gatedRmsNorm(Tensor x, Tensor z, Tensor w, float eps, Tensor y, Tensor rstd) {
        forgetCasts();
        String op = "gatedRmsNorm";
        long width = w.elementCount(), rows = rows(x, width, op);
        f32(op, "weight", w, width);
        f32(op, "rstd", rstd, rows);
        Gla.check("gla_gated_rms_norm_fwd", GlaH.gla_gated_rms_norm_fwd(ctx(), rows, width, ptr(x), ptr(z),
                pair(op, "x", x, rows * width, "z", z, rows * width), ptr(w), eps, ptr(y), act(op, "y", y, rows * width),
                ptr(rstd)));
    }

    @Override
    public void gatedRmsNormBackward(Tensor dy, Tensor x, Tensor z, Tensor w, Tensor rstd, Tensor dx, Tensor dz,
                                     Tensor dw) {
        forgetCasts();
        String op = "gatedRmsNormBackward";
        long width = w.elementCount(), rows = rows(x, width, op), n = rows * width;
        f32(op, "weight", w, width);
        f32(op, "dy", dy, n);
        f32(op, "rstd", rstd, rows);
        f32(op, "dw", dw, width);
        Gla.check("gla_gated_rms_norm_bwd", GlaH.gla_gated_rms_norm_bwd(ctx(), rows, width, ptr(dy), ptr(x), ptr(z),
                pair(op, "x", x, n, "z", z, n), ptr(w), ptr(rstd), ptr(dx), ptr(dz), pair(op, "dx", dx, n, "dz", dz, n),
                ptr(dw)));
    }

    @Override
    public void swiGlu(Tensor a, Tensor b, Tensor y) {
        forgetCasts();
        long n = a.elementCount();
        Gla.check("gla_swiglu_fwd", GlaH.gla_swiglu_fwd(ctx(), n, ptr(a), ptr(b), pair("swiGlu", "a", a, n, "b", b, n),
                ptr(y), act("swiGlu", "y", y, n)));
    }

    @Override
    public void swiGluBackward(Tensor dy, Tensor a, Tensor b, Tensor da, Tensor db) {
        forgetCasts();
        String op = "swiGluBackward";
        long n = a.elementCount();
        f32(op, "dy", dy, n);
        Gla.check("gla_swiglu_bwd", GlaH.gla_swiglu_bwd(ctx(), n, ptr(dy), ptr(a), ptr(b), pair(op, "a", a, n, "b", b, n),
                ptr(da), ptr(db), pair(op, "da", da, n, "db", db, n)));
    }

    @Override
    public void logSigmoidGate(Tensor z, float normalizer, float clampMin, Tensor g) {
        forgetCasts();
        long n = z.elementCount();
        f32("logSigmoidGate", "g", g, n);
        Gla.check("gla_log_sigmoid_gate_fwd", GlaH.gla_log_sigmoid_gate_fwd(ctx(), n, ptr(z),
                act("logSigmoidGate", "z", z, n), normalizer, clampMin, ptr(g)));
    }

    @Override
    public void logSigmoidGateBackward(Tensor dg, Tensor z, float normalizer, float clampMin, Tensor dz) {
        forgetCasts();
        String op = "logSigmoidGateBackward";
        long n = z.elementCount();
        f32(op, "dg", dg, n);
        Gla.check("gla_log_sigmoid_gate_bwd", GlaH.gla_log_sigmoid_gate_bwd(ctx(), n, ptr(dg), ptr(z),
                act(op, "z", z, n), normalizer, clampMin, ptr(dz), act(op, "dz", dz, n)));
    }

    @Override
    public void repeatHeads(Tensor in, int kvHeads, int groups, int headDim, Tensor out) {
        forgetCasts();
        String op = "repeatHeads";
        long rows = in.elementCount() / ((long) kvHeads * headDim), n = rows * kvHeads * headDim;
        Gla.check("gla_repeat_heads_fwd", GlaH.gla_repeat_heads_fwd(ctx(), rows, kvHeads, groups, headDim, ptr(in),
                ptr(out), pair(op, "in", in, n, "out", out, n * groups)));
    }

    @Override
    public void repeatHeadsBackward(Tensor dout, int kvHeads, int groups, int headDim, Tensor din) {
        forgetCasts();
        String op = "repeatHeadsBackward";
        long rows = din.elementCount() / ((long) kvHeads * headDim), n = rows * kvHeads * headDim;
        f32(op, "din", din, n);
        f32(op, "dout", dout, n * groups);
        Gla.check("gla_repeat_heads_bwd", GlaH.gla_repeat_heads_bwd(ctx(), rows, kvHeads, groups, headDim,
                ptr(dout), ptr(din)));
    }

    @Override
    public void embedding(int[] ids, Tensor table, Tensor out) {
        forgetCasts();
        Embedding.checkIds("Embedding.forward", ids, rows(table));
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_embedding_fwd", GlaH.gla_embedding_fwd(ctx(), ids.length, width(table), rows(table),
                    arena.allocateFrom(ValueLayout.JAVA_INT, ids), ptr(table), ptr(out)));
        }
    }

    /**
     * out = table rows of the first `rows` int32 ids in page-locked memory (Context.allocatePinned), read when the op
     * runs: inside Context.record, at each replay, so a recorded decoding step embeds whatever ids the host wrote
     * before launching it. The ids are not checked: one outside the table gives a row of NaN.
     */
    public void embedding(MemorySegment ids, int rows, Tensor table, Tensor out) {
        forgetCasts();
        if (rows < 0 || ids.byteSize() < (long) rows * Integer.BYTES) {
            throw new IllegalArgumentException("Embedding.forward: " + rows + " ids, but the id memory holds "
                    + ids.byteSize() / Integer.BYTES);
        }
        if (out.elementCount() != rows * width(table)) {
            throw new IllegalArgumentException("Embedding.forward: out has " + out.elementCount() + " elements, "
                    + rows + " rows of " + width(table) + " need " + rows * width(table));
        }
        Gla.check("gla_embedding_fwd", GlaH.gla_embedding_fwd(ctx(), rows, width(table), rows(table), ids,
                ptr(table), ptr(out)));
    }

    @Override
    public void embeddingBackward(int[] ids, Tensor dout, int paddingIdx, Tensor dtable) {
        forgetCasts();
        Embedding.checkIds("Embedding.backward", ids, rows(dtable));
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_embedding_bwd", GlaH.gla_embedding_bwd(ctx(), ids.length, width(dtable), rows(dtable),
                    arena.allocateFrom(ValueLayout.JAVA_INT, ids), ptr(dout), paddingIdx, ptr(dtable)));
        }
    }

    @Override
    public double crossEntropy(Tensor logits, int[] targets, float gradScale, Tensor dlogits) {
        forgetCasts();
        long vocab = width(logits), rows = rows(logits);
        CrossEntropy.checkTargets("CrossEntropy.forward", targets, rows, vocab);
        int dtype = dlogits == null ? act("crossEntropy", "logits", logits, rows * vocab)
                : pair("crossEntropy", "logits", logits, rows * vocab, "dlogits", dlogits, rows * vocab);
        try (Arena arena = Arena.ofConfined()) {
            HostTensor hostLosses = HostTensor.allocate(arena, DType.F32, rows);
            MemorySegment lossPtr = hostLosses.segment();
            DeviceTensor deviceLosses = null;
            if (!context.device().isHost()) {
                if (losses == null || losses.elementCount() < rows) {
                    closeLosses();
                    losses = context.allocate(DType.F32, Math.max(1, rows));
                }
                deviceLosses = losses.slice(0, rows);
                lossPtr = deviceLosses.pointer();
            }
            Gla.check("gla_cross_entropy", GlaH.gla_cross_entropy(ctx(), rows, vocab, ptr(logits),
                    arena.allocateFrom(ValueLayout.JAVA_INT, targets), gradScale, lossPtr,
                    dlogits == null ? MemorySegment.NULL : ptr(dlogits), dtype));
            if (deviceLosses != null) {
                deviceLosses.copyTo(hostLosses);
            }
            double sum = 0;
            for (long r = 0; r < rows; r++) {
                sum += hostLosses.get(r);
            }
            return sum;
        }
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        forgetCasts();
        long n = a.elementCount();
        for (Tensor t : new Tensor[]{a, b, out}) {
            f32("add", "a, b, out", t, n);
        }
        Gla.check("gla_add", GlaH.gla_add(ctx(), n, ptr(a), ptr(b), ptr(out)));
    }

    /** dst = src converted to dst's dtype (F32 ↔ BF16). */
    public void cast(Tensor src, Tensor dst) {
        forgetCasts();
        if (src.elementCount() != dst.elementCount()) {
            throw new IllegalArgumentException("NativeOps.cast: " + src + " and " + dst + " differ in size");
        }
        Gla.check("gla_cast", GlaH.gla_cast(ctx(), src.elementCount(), ptr(src), src.dtype().code(), ptr(dst),
                dst.dtype().code()));
    }

    MemorySegment ctx() {
        return context.handle();
    }

    /** Rows of x given the width (x's element count must be a multiple of it). */
    private static long rows(Tensor x, long width, String op) {
        if (width == 0 || x.elementCount() % width != 0) {
            throw new IllegalArgumentException("NativeOps." + op + ": " + x + " is not rows of the weight's width "
                    + width);
        }
        return x.elementCount() / width;
    }

    /** Checks that t is fp32 with n elements. */
    private static void f32(String op, String name, Tensor t, long n) {
        if (t.dtype() != DType.F32 || t.elementCount() != n) {
            throw new IllegalArgumentException("NativeOps." + op + ": " + name + " must be fp32 with " + n
                    + " elements, got " + t);
        }
    }

    /** The dtype code of activation t (F32 or BF16) after checking that it has n elements. */
    private static int act(String op, String name, Tensor t, long n) {
        if ((t.dtype() != DType.F32 && t.dtype() != DType.BF16) || t.elementCount() != n) {
            throw new IllegalArgumentException("NativeOps." + op + ": " + name + " must be fp32 or bf16 with " + n
                    + " elements, got " + t);
        }
        return t.dtype().code();
    }

    /** The dtype code of two activations the native op takes in one type (x and z, a and b, in and out). */
    private static int pair(String op, String nameA, Tensor a, long na, String nameB, Tensor b, long nb) {
        int code = act(op, nameA, a, na);
        if (act(op, nameB, b, nb) != code) {
            throw new IllegalArgumentException("NativeOps." + op + ": " + nameA + " and " + nameB
                    + " must have one dtype, got " + a + " and " + b);
        }
        return code;
    }

    static MemorySegment ptr(Tensor t) {
        return t.pointer();
    }

    private static MemorySegment orNull(Tensor t) {
        return t == null ? MemorySegment.NULL : t.pointer();
    }

    /** The last dim of t (1 for a scalar). */
    private static long width(Tensor t) {
        return t.shape().rank() == 0 ? 1 : t.shape().dim(t.shape().rank() - 1);
    }

    private static long rows(Tensor t) {
        long w = width(t);
        return w == 0 ? 0 : t.elementCount() / w;
    }

    private static void check(boolean ok, String op, Tensor a, Tensor b, Tensor c) {
        if (!ok) {
            throw new IllegalArgumentException("NativeOps." + op + ": shapes do not fit: " + a.shape() + ", "
                    + b.shape() + ", " + c.shape());
        }
    }

    private void closeLosses() {
        if (losses != null) {
            losses.close();
            losses = null;
        }
    }

    @Override
    public void close() {
        freeWeightCopies();
        casts.close();
        closeLosses();
        if (glaKernels instanceof Bf16Kernels b) {
            b.close();
        }
    }
}

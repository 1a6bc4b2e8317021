/*
 * Ops.java — the operations the GLA Transformer's layer code runs, on Tensors of one backend: what a backend must
 * provide besides the GLA kernels themselves. The layer code (GlaBlock, GlaModel) is written once against this
 * interface; CpuOps implements it on host tensors with the Java kernels of this package. Shapes are rows × width:
 * a tensor of any rank is read as rows of its last-named width.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;

public interface Ops {

    /** The GLA kernels on this backend's device. */
    GlaKernels kernels();

    /** A new lifetime for this backend's tensors. */
    Scope newScope();

    /**
     * The type the layer code keeps its activations in (the outputs of projections, norms, gates and the GLA op, the
     * logits) and the gradients that only feed a matrix product or the GLA kernels: F32, or BF16 for a mixed-precision
     * backend. The residual stream and its gradient, norm statistics, the gates fed to the GLA kernels and gradients
     * that are accumulated stay F32; the ops take those arguments in either type.
     */
    default DType activationType() {
        return DType.F32;
    }

    /** Tensors of one lifetime: zero-filled, all freed by close. */
    interface Scope extends AutoCloseable {
        Tensor allocate(DType dtype, long... dims);

        /** An fp32 tensor. */
        default Tensor allocate(long... dims) {
            return allocate(DType.F32, dims);
        }

        @Override
        void close();
    }

    /** The same memory under another shape of equal element count (host or device alike). */
    static Tensor reshape(Tensor t, long... dims) {
        return switch (t) {
            case HostTensor h -> h.reshape(Shape.of(dims));
            case DeviceTensor d -> d.reshape(Shape.of(dims));
        };
    }

    /** y = x·wᵀ (+ bias): x [M, in], w [out, in], y [M, out] (Gemm.forward). */
    void linear(Tensor x, Tensor w, Tensor bias, Tensor y);

    /** dx (+)= dy·w (Gemm.backwardInput). */
    void linearBackwardInput(Tensor dy, Tensor w, Tensor dx, boolean accumulate);

    /** dw += dyᵀ·x, dbias += Σ_rows dy when dbias is not null (Gemm.backwardWeight). */
    void linearBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor dbias);

    /** RmsNorm.forward. */
    void rmsNorm(Tensor x, Tensor w, float eps, Tensor y, Tensor rstd);

    /** RmsNorm.backward: dx (+)= , dw +=. */
    void rmsNormBackward(Tensor dy, Tensor x, Tensor w, Tensor rstd, Tensor dx, boolean accumulate, Tensor dw);

    /** GatedRmsNorm.forward. */
    void gatedRmsNorm(Tensor x, Tensor z, Tensor w, float eps, Tensor y, Tensor rstd);

    /** GatedRmsNorm.backward: dx, dz written, dw +=. */
    void gatedRmsNormBackward(Tensor dy, Tensor x, Tensor z, Tensor w, Tensor rstd, Tensor dx, Tensor dz, Tensor dw);

    /** SwiGlu.forward. */
    void swiGlu(Tensor a, Tensor b, Tensor y);

    /** SwiGlu.backward. */
    void swiGluBackward(Tensor dy, Tensor a, Tensor b, Tensor da, Tensor db);

    /** LogSigmoidGate.forward (clampMin −∞ for none). */
    void logSigmoidGate(Tensor z, float normalizer, float clampMin, Tensor g);

    /** LogSigmoidGate.backward. */
    void logSigmoidGateBackward(Tensor dg, Tensor z, float normalizer, float clampMin, Tensor dz);

    /** RepeatHeads.forward. */
    void repeatHeads(Tensor in, int kvHeads, int groups, int headDim, Tensor out);

    /** RepeatHeads.backward. */
    void repeatHeadsBackward(Tensor dout, int kvHeads, int groups, int headDim, Tensor din);

    /** Embedding.forward. */
    void embedding(int[] ids, Tensor table, Tensor out);

    /** Embedding.backward (paddingIdx Embedding.NO_PADDING for none). */
    void embeddingBackward(int[] ids, Tensor dout, int paddingIdx, Tensor dtable);

    /**
     * Σ of the per-row cross-entropy losses; with dlogits not null also the gradient of gradScale times that sum
     * (CrossEntropy.forwardBackward; dlogits may be logits).
     */
    double crossEntropy(Tensor logits, int[] targets, float gradScale, Tensor dlogits);

    /** out = a + b. */
    void add(Tensor a, Tensor b, Tensor out);

    /**
     * Says that weights passed to linear before have changed in place (an optimizer step): a backend that keeps
     * converted copies of weights (NativeOps in bf16) drops them. A no-op by default.
     */
    default void parametersChanged() {
    }
}

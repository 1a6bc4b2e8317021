/*
 * CpuOps.java — Ops on host memory with the Java kernels of this package (Gemm, RmsNorm, ...) and GLA kernels on
 * the cpu (native by default; any host GlaKernels, e.g. the reference, for tests). Tensors from newScope live in a
 * shared arena, so the fork/join threads of the kernels may touch them. Tested through GlaModelTest and the op tests.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;

import java.lang.foreign.Arena;

public final class CpuOps implements Ops {

    private final GlaKernels kernels;

    /** Ops with the given GLA kernels, which must run on host memory. The caller keeps ownership of kernels. */
    public CpuOps(GlaKernels kernels) {
        if (!kernels.device().isHost()) {
            throw new IllegalArgumentException("CpuOps: the GLA kernels run on " + kernels.device()
                    + "; the cpu ops need kernels on host memory");
        }
        this.kernels = kernels;
    }

    @Override
    public GlaKernels kernels() {
        return kernels;
    }

    @Override
    public Scope newScope() {
        Arena arena = Arena.ofShared();
        return new Scope() {
            @Override
            public Tensor allocate(DType dtype, long... dims) {
                return HostTensor.allocate(arena, dtype, dims);
            }

            @Override
            public void close() {
                arena.close();
            }
        };
    }

    @Override
    public void linear(Tensor x, Tensor w, Tensor bias, Tensor y) {
        Gemm.forward(host(x), host(w), hostOrNull(bias), host(y));
    }

    @Override
    public void linearBackwardInput(Tensor dy, Tensor w, Tensor dx, boolean accumulate) {
        Gemm.backwardInput(host(dy), host(w), host(dx), accumulate);
    }

    @Override
    public void linearBackwardWeight(Tensor dy, Tensor x, Tensor dw, Tensor dbias) {
        Gemm.backwardWeight(host(dy), host(x), host(dw), hostOrNull(dbias));
    }

    @Override
    public void rmsNorm(Tensor x, Tensor w, float eps, Tensor y, Tensor rstd) {
        RmsNorm.forward(host(x), host(w), eps, host(y), host(rstd));
    }

    @Override
    public void rmsNormBackward(Tensor dy, Tensor x, Tensor w, Tensor rstd, Tensor dx, boolean accumulate,
                                Tensor dw) {
        RmsNorm.backward(host(dy), host(x), host(w), host(rstd), host(dx), accumulate, host(dw));
    }

    @Override
    public void gatedRmsNorm(Tensor x, Tensor z, Tensor w, float eps, Tensor y, Tensor rstd) {
        GatedRmsNorm.forward(host(x), host(z), host(w), eps, host(y), host(rstd));
    }

    @Override
    public void gatedRmsNormBackward(Tensor dy, Tensor x, Tensor z, Tensor w, Tensor rstd, Tensor dx, Tensor dz,
                                     Tensor dw) {
        GatedRmsNorm.backward(host(dy), host(x), host(z), host(w), host(rstd), host(dx), host(dz), host(dw));
    }

    @Override
    public void swiGlu(Tensor a, Tensor b, Tensor y) {
        SwiGlu.forward(host(a), host(b), host(y));
    }

    @Override
    public void swiGluBackward(Tensor dy, Tensor a, Tensor b, Tensor da, Tensor db) {
        SwiGlu.backward(host(dy), host(a), host(b), host(da), host(db));
    }

    @Override
    public void logSigmoidGate(Tensor z, float normalizer, float clampMin, Tensor g) {
        LogSigmoidGate.forward(host(z), normalizer, clampMin, host(g));
    }

    @Override
    public void logSigmoidGateBackward(Tensor dg, Tensor z, float normalizer, float clampMin, Tensor dz) {
        LogSigmoidGate.backward(host(dg), host(z), normalizer, clampMin, host(dz));
    }

    @Override
    public void repeatHeads(Tensor in, int kvHeads, int groups, int headDim, Tensor out) {
        RepeatHeads.forward(host(in), kvHeads, groups, headDim, host(out));
    }

    @Override
    public void repeatHeadsBackward(Tensor dout, int kvHeads, int groups, int headDim, Tensor din) {
        RepeatHeads.backward(host(dout), kvHeads, groups, headDim, host(din));
    }

    @Override
    public void embedding(int[] ids, Tensor table, Tensor out) {
        Embedding.forward(ids, host(table), host(out));
    }

    @Override
    public void embeddingBackward(int[] ids, Tensor dout, int paddingIdx, Tensor dtable) {
        Embedding.backward(ids, host(dout), paddingIdx, host(dtable));
    }

    @Override
    public double crossEntropy(Tensor logits, int[] targets, float gradScale, Tensor dlogits) {
        return dlogits == null ? CrossEntropy.forward(host(logits), targets)
                : CrossEntropy.forwardBackward(host(logits), targets, gradScale, host(dlogits));
    }

    @Override
    public void add(Tensor a, Tensor b, Tensor out) {
        Elementwise.add(host(a), host(b), host(out));
    }

    private static HostTensor host(Tensor t) {
        if (t instanceof HostTensor h) {
            return h;
        }
        throw new IllegalArgumentException("CpuOps: " + t + " is not in host memory");
    }

    private static HostTensor hostOrNull(Tensor t) {
        return t == null ? null : host(t);
    }
}

/*
 * Bf16Kernels.java — GlaKernels that run the GLA ops of another NativeKernels in bf16: the mixed-precision path of
 * NativeOps (Precision.BF16). bf16 q, k, v, dout and outputs (the layer code's activations) pass straight through;
 * an fp32 input is converted into a scratch buffer and an fp32 output computed in one, then widened. Gates, states
 * and their gradients are fp32 in the kernels already and pass through untouched. The decoding step runs on its
 * inputs as they are (see decodeStep).
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.Tensor;

final class Bf16Kernels implements GlaKernels {

    private static final int Q = 0, K = 1, V = 2, DOUT = 3, OUT = 4, DQ = 4, DK = 5, DV = 6;

    private final NativeKernels inner;
    private final CastBuffers casts;
    /** Called before each op: the ops' gemm must forget its converted operands (this op writes tensors). */
    private final Runnable beforeWrite;

    Bf16Kernels(NativeKernels inner, Runnable beforeWrite) {
        this.inner = inner;
        this.casts = new CastBuffers(inner.context(), 7);
        this.beforeWrite = beforeWrite;
    }

    @Override
    public String name() {
        return inner.name() + " (bf16)";
    }

    @Override
    public Device device() {
        return inner.device();
    }

    @Override
    public void chunkForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o, Tensor ht) {
        beforeWrite.run();
        Tensor ob = out(o);
        inner.chunkForward(options, in(Q, q), in(K, k), in(V, v), g, h0, ob, ht);
        widen(ob, o);
    }

    @Override
    public void recurrentForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o,
                                 Tensor ht) {
        beforeWrite.run();
        Tensor ob = out(o);
        inner.recurrentForward(options, in(Q, q), in(K, k), in(V, v), g, h0, ob, ht);
        widen(ob, o);
    }

    @Override
    public void chunkBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                              Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        beforeWrite.run();
        Tensor dqb = grad(DQ, dq), dkb = grad(DK, dk), dvb = grad(DV, dv);
        inner.chunkBackward(options, in(Q, q), in(K, k), in(V, v), g, h0, in(DOUT, dout), dht, dqb, dkb, dvb, dg,
                dh0);
        widen(dqb, dq);
        widen(dkb, dk);
        widen(dvb, dv);
    }

    @Override
    public void recurrentBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                                  Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        beforeWrite.run();
        Tensor dqb = grad(DQ, dq), dkb = grad(DK, dk), dvb = grad(DV, dv);
        inner.recurrentBackward(options, in(Q, q), in(K, k), in(V, v), g, h0, in(DOUT, dout), dht, dqb, dkb, dvb,
                dg, dh0);
        widen(dqb, dq);
        widen(dkb, dk);
        widen(dvb, dv);
    }

    /**
     * The decoding step reads one token per sequence against an fp32 state: it runs on the fp32 inputs as they are
     * (converting them would cost more launches than the step itself).
     */
    @Override
    public void decodeStep(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor state, Tensor o) {
        beforeWrite.run();
        inner.decodeStep(options, q, k, v, g, state, o);
    }

    private Tensor in(int slot, Tensor t) {
        return casts.bf16Copy(slot, t);
    }

    /** Where a result goes before widening: a bf16 buffer, or t itself when the caller passed bf16. */
    private Tensor out(Tensor t) {
        return t.dtype() == DType.BF16 ? t : casts.bf16(OUT, t.shape());
    }

    private Tensor grad(int slot, Tensor t) {
        return t.dtype() == DType.BF16 ? t : casts.bf16(slot, t.shape());
    }

    private void widen(Tensor bf16, Tensor t) {
        if (bf16 != t) {
            casts.cast(bf16, t);
        }
    }

    @Override
    public void close() {
        casts.close();
    }
}

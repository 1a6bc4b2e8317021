/*
 * GlaKernels.java — the typed GLA op API, one method per op of gla.h with its arguments in the same order:
 *   chunkForward      gla_chunk_fwd      recurrentForward  gla_recurrent_fwd
 *   chunkBackward     gla_chunk_bwd      recurrentBackward gla_recurrent_bwd
 *   decodeStep        gla_decode_step
 * Layouts: q, k [B,T,H,K]; v, o [B,T,H,V]; g [B,T,H,K] (Gate.CHANNEL), [B,T,H] (Gate.HEAD) or null (Gate.NONE);
 * states h0, ht, dht, dh0 [B,H,K,V] fp32 ([N,H,K,V] with cu_seqlens). null marks an optional tensor as absent.
 * Every implementation validates shapes, dtypes and devices in Java (IllegalArgumentException naming the op and the
 * argument) before touching memory; outputs are written, never allocated, and inputs are never copied.
 * Implementations: NativeKernels (cpu, cuda) and ReferenceKernels (pure Java, the oracle); see Kernels.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.Tensor;

public interface GlaKernels extends AutoCloseable {

    /** "cpu", "cuda:0" or "reference". */
    String name();

    /** Where every tensor passed to these kernels must live. */
    Device device();

    /** o = GLA(q, k, v, g) chunkwise; h0 optional initial state, ht optional final state (written). */
    void chunkForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o, Tensor ht);

    /**
     * Gradients of chunkForward: dout required, dht optional; dq, dk, dv required; dg required when gated (null with
     * Gate.NONE); dh0 optional and only with h0.
     */
    void chunkBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout, Tensor dht,
                       Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0);

    /** The token-by-token form: same arguments and results as chunkForward. */
    void recurrentForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o, Tensor ht);

    /** Gradients of recurrentForward: same arguments as chunkBackward. */
    void recurrentBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                           Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0);

    /**
     * One decoding step in place: q, k, g [B,1,H,K] (g [B,1,H] for Gate.HEAD), v, o [B,1,H,V]; state [B,H,K,V] fp32
     * is read and overwritten with the new state. Options.cuSeqlens must be null.
     */
    void decodeStep(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor state, Tensor o);

    /** Releases native resources (a context); a no-op for the reference. */
    @Override
    void close();
}

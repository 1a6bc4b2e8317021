/*
 * NativeKernels.java — GlaKernels on libgla4j: a Context on one device (cpu or cuda:N), tensors passed by address,
 * validated in Java first (Validation), statuses turned into GlaException. Not thread-safe (one context): open one
 * NativeKernels per thread. The library allocates its own workspace per call.
 * Tested by the parity tests (ChunkForwardTest, ChunkBackwardTest, RecurrentForwardTest, ...).
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.ffi.gla_gate_proj;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.Tensor;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;

public final class NativeKernels implements GlaKernels {

    private final Context context;

    /** Opens a context on the device; GlaException (BACKEND_UNAVAILABLE) when it cannot run here. */
    public NativeKernels(Device device) {
        this.context = Context.open(device);
    }

    /** The context, e.g. to allocate device tensors for these kernels. */
    public Context context() {
        return context;
    }

    /** cpu: OpenMP threads per op (0 = the OpenMP default); results are deterministic for a given count. */
    public NativeKernels setThreads(int threads) {
        context.setThreads(threads);
        return this;
    }

    @Override
    public String name() {
        return context.device().toString();
    }

    @Override
    public Device device() {
        return context.device();
    }

    @Override
    public void chunkForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o, Tensor ht) {
        Problem p = Validation.forward("chunkForward", device(), options, q, k, v, g, h0, o, ht);
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_chunk_fwd", GlaH.gla_chunk_fwd(context.handle(), p.toDims(arena), ptr(q), ptr(k), ptr(v),
                    ptr(g), ptr(h0), p.cuSeqlens(arena), ptr(o), ptr(ht), MemorySegment.NULL, 0));
        }
    }

    @Override
    public void chunkBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                              Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        Problem p = Validation.backward("chunkBackward", device(), options, q, k, v, g, h0, dout, dht, dq, dk, dv, dg,
                dh0);
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_chunk_bwd", GlaH.gla_chunk_bwd(context.handle(), p.toDims(arena), ptr(q), ptr(k), ptr(v),
                    ptr(g), ptr(h0), p.cuSeqlens(arena), ptr(dout), ptr(dht), ptr(dq), ptr(dk), ptr(dv), ptr(dg),
                    ptr(dh0), MemorySegment.NULL, 0));
        }
    }

    @Override
    public void recurrentForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o,
                                 Tensor ht) {
        Problem p = Validation.forward("recurrentForward", device(), options, q, k, v, g, h0, o, ht);
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_recurrent_fwd", GlaH.gla_recurrent_fwd(context.handle(), p.toDims(arena), ptr(q), ptr(k),
                    ptr(v), ptr(g), ptr(h0), p.cuSeqlens(arena), ptr(o), ptr(ht), MemorySegment.NULL, 0));
        }
    }

    @Override
    public void recurrentBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                                  Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        Problem p = Validation.backward("recurrentBackward", device(), options, q, k, v, g, h0, dout, dht, dq, dk, dv,
                dg, dh0);
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_recurrent_bwd", GlaH.gla_recurrent_bwd(context.handle(), p.toDims(arena), ptr(q), ptr(k),
                    ptr(v), ptr(g), ptr(h0), p.cuSeqlens(arena), ptr(dout), ptr(dht), ptr(dq), ptr(dk), ptr(dv),
                    ptr(dg), ptr(dh0), MemorySegment.NULL, 0));
        }
    }

    @Override
    public void decodeStep(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor state, Tensor o) {
        Problem p = Validation.decode("decodeStep", device(), options, q, k, v, g, state, o);
        try (Arena arena = Arena.ofConfined()) {
            Gla.check("gla_decode_step", GlaH.gla_decode_step(context.handle(), p.toDims(arena), ptr(q), ptr(k),
                    ptr(v), ptr(g), ptr(state), ptr(o)));
        }
    }

    /**
     * decodeStep with channel gates made in the same launch from the layer's gate projection instead of read from g
     * (gla_decode_step_gate_proj; options must say Gate.CHANNEL).
     */
    public void decodeStep(Options options, Tensor q, Tensor k, Tensor v, GateProjection gate, Tensor state,
                           Tensor o) {
        String op = "decodeStep";
        if (options == null || options.gate() != Gate.CHANNEL) {
            throw new IllegalArgumentException(op + ": a gate projection makes channel gates; options must say "
                    + "Gate.CHANNEL");
        }
        // the step's tensors as an ungated step's (there is no g), then the call with the gates it makes
        Problem ungated = Validation.decode(op, device(), options.withGate(Gate.NONE), q, k, v, null, state, o);
        gate.check(op, ungated.batch(), ungated.heads() * ungated.keyDim());
        Problem p = ungated.withGate(Gate.CHANNEL);
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment g = gla_gate_proj.allocate(arena);
            gla_gate_proj.in(g, ptr(gate.in()));
            gla_gate_proj.weight(g, ptr(gate.weight()));
            gla_gate_proj.bias(g, ptr(gate.bias()));
            gla_gate_proj.rank(g, Math.toIntExact(gate.in().shape().dim(1)));
            gla_gate_proj.weight_dtype(g, gate.weight().dtype().code());
            gla_gate_proj.normalizer(g, gate.normalizer());
            gla_gate_proj.clamp_min(g, gate.clampMin());
            Gla.check("gla_decode_step_gate_proj", GlaH.gla_decode_step_gate_proj(context.handle(), p.toDims(arena),
                    ptr(q), ptr(k), ptr(v), g, ptr(state), ptr(o)));
        }
    }

    /** Waits for queued work (cuda); results in host memory are complete after this. */
    public void synchronize() {
        context.synchronize();
    }

    @Override
    public void close() {
        context.close();
    }

    private static MemorySegment ptr(Tensor t) {
        return t == null ? MemorySegment.NULL : t.pointer();
    }

    @Override
    public String toString() {
        return "NativeKernels[" + name() + "]";
    }
}

/*
 * Validation.java — checks every tensor of an op call against q before any native call, and derives the Problem.
 * Messages name the op and the argument and give expected vs actual, e.g.
 *   chunkForward: k must have shape [2, 100, 4, 64] like q, got [2, 100, 4, 60]
 * Tested by ValidationTest.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;

import java.util.Arrays;

final class Validation {

    private Validation() {
    }

    /** chunkForward / recurrentForward. */
    static Problem forward(String op, Device device, Options options, Tensor q, Tensor k, Tensor v, Tensor g,
                           Tensor h0, Tensor o, Tensor ht) {
        Problem p = inputs(op, device, options, q, k, v, g, h0, true);
        Shape vShape = v.shape();
        required(op, "o", o);
        like(op, "o", o, vShape, p.dtype(), "v", device);
        optional(op, "ht", ht, stateShape(p), DType.F32, "the state [" + (p.cuSeqlens() != null ? "N" : "B")
                + ", H, K, V]", device);
        return p;
    }

    /** chunkBackward / recurrentBackward. */
    static Problem backward(String op, Device device, Options options, Tensor q, Tensor k, Tensor v, Tensor g,
                            Tensor h0, Tensor dout, Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        Problem p = inputs(op, device, options, q, k, v, g, h0, true);
        String state = "the state [" + (p.cuSeqlens() != null ? "N" : "B") + ", H, K, V]";
        required(op, "dout", dout);
        like(op, "dout", dout, v.shape(), p.dtype(), "v", device);
        optional(op, "dht", dht, stateShape(p), DType.F32, state, device);
        required(op, "dq", dq);
        like(op, "dq", dq, q.shape(), p.dtype(), "q", device);
        required(op, "dk", dk);
        like(op, "dk", dk, q.shape(), p.dtype(), "k", device);
        required(op, "dv", dv);
        like(op, "dv", dv, v.shape(), p.dtype(), "v", device);
        if (p.gate() == Gate.NONE) {
            if (dg != null) {
                throw new IllegalArgumentException(op + ": dg must be null with Gate.NONE (there is no gate)");
            }
        } else {
            if (dg == null) {
                throw new IllegalArgumentException(op + ": dg is required with Gate." + p.gate());
            }
            like(op, "dg", dg, g.shape(), DType.F32, "g", device);
        }
        if (dh0 != null && h0 == null) {
            throw new IllegalArgumentException(op + ": dh0 requires h0 (the gradient of an absent initial state)");
        }
        optional(op, "dh0", dh0, stateShape(p), DType.F32, state, device);
        return p;
    }

    /** decodeStep: T = 1, no varlen, state required (read and written). */
    static Problem decode(String op, Device device, Options options, Tensor q, Tensor k, Tensor v, Tensor g,
                          Tensor state, Tensor o) {
        if (options.isVarlen()) {
            throw new IllegalArgumentException(op + ": cuSeqlens is not used by a decoding step; pass options without it");
        }
        required(op, "q", q);
        if (q.shape().rank() == 4 && q.shape().dim(1) != 1) {
            throw new IllegalArgumentException(op + ": q must have shape [B, 1, H, K] (one step), got " + q.shape());
        }
        Problem p = inputs(op, device, options, q, k, v, g, null, false);
        required(op, "state", state);
        like(op, "state", state, stateShape(p), DType.F32, "the state [B, H, K, V]", device);
        required(op, "o", o);
        like(op, "o", o, v.shape(), p.dtype(), "v", device);
        return p;
    }

    /** q, k, v, g, h0 and the options: the part every op shares. */
    private static Problem inputs(String op, Device device, Options options, Tensor q, Tensor k, Tensor v, Tensor g,
                                  Tensor h0, boolean allowVarlen) {
        if (options == null) {
            throw new IllegalArgumentException(op + ": options must not be null (use Options.defaults())");
        }
        required(op, "q", q);
        Shape qs = q.shape();
        if (qs.rank() != 4) {
            throw new IllegalArgumentException(op + ": q must have rank 4 [B, T, H, K], got " + qs);
        }
        for (int i = 0; i < 4; i++) {
            if (qs.dim(i) < 1) {
                throw new IllegalArgumentException(op + ": every dim of q [B, T, H, K] must be >= 1, got " + qs);
            }
        }
        onDevice(op, "q", q, device);
        DType dtype = q.dtype();
        long b = qs.dim(0), t = qs.dim(1), h = qs.dim(2), kd = qs.dim(3);
        required(op, "k", k);
        like(op, "k", k, qs, dtype, "q", device);
        required(op, "v", v);
        Shape vs = v.shape();
        if (vs.rank() != 4 || vs.dim(0) != b || vs.dim(1) != t || vs.dim(2) != h || vs.dim(3) < 1) {
            throw new IllegalArgumentException(op + ": v must have shape [" + b + ", " + t + ", " + h
                    + ", V] like q with V >= 1, got " + vs);
        }
        like(op, "v", v, vs, dtype, "q", device);
        long vd = vs.dim(3);
        Gate gate = options.gate();
        switch (gate) {
            case NONE -> {
                if (g != null) {
                    throw new IllegalArgumentException(op + ": g must be null with Gate.NONE, got " + g.shape());
                }
            }
            case CHANNEL -> {
                required(op, "g", g);
                like(op, "g", g, qs, DType.F32, "q (one log gate per key channel, Gate.CHANNEL)", device);
            }
            case HEAD -> {
                required(op, "g", g);
                like(op, "g", g, Shape.of(b, t, h), DType.F32, "[B, T, H] (one log gate per head, Gate.HEAD)", device);
            }
        }
        float scale = options.scale(kd);
        if (!Float.isFinite(scale)) {
            throw new IllegalArgumentException(op + ": scale must be finite, got " + scale);
        }
        long[] cu = options.cuSeqlens();
        long numSeqs = 0;
        if (cu != null) {
            if (!allowVarlen) {
                throw new IllegalArgumentException(op + ": cuSeqlens is not supported here");
            }
            checkCuSeqlens(op, cu, b, t);
            numSeqs = cu.length - 1;
        }
        Problem p = new Problem(b, t, h, kd, vd, numSeqs, scale, dtype, gate, options.algorithm(), cu);
        optional(op, "h0", h0, stateShape(p), DType.F32, "the state [" + (cu != null ? "N" : "B") + ", H, K, V]",
                device);
        return p;
    }

    private static void checkCuSeqlens(String op, long[] cu, long batch, long seqLen) {
        if (batch != 1) {
            throw new IllegalArgumentException(op + ": with cuSeqlens the batch must be 1 (sequences packed along T), got B = "
                    + batch);
        }
        if (cu.length < 2) {
            throw new IllegalArgumentException(op + ": cuSeqlens must hold N + 1 >= 2 offsets, got "
                    + Arrays.toString(cu));
        }
        if (cu[0] != 0) {
            throw new IllegalArgumentException(op + ": cuSeqlens[0] must be 0, got " + cu[0]);
        }
        for (int i = 1; i < cu.length; i++) {
            if (cu[i] < cu[i - 1]) {
                throw new IllegalArgumentException(op + ": cuSeqlens must be non-decreasing, but cuSeqlens[" + i + "] = "
                        + cu[i] + " < cuSeqlens[" + (i - 1) + "] = " + cu[i - 1]);
            }
        }
        if (cu[cu.length - 1] != seqLen) {
            throw new IllegalArgumentException(op + ": cuSeqlens[" + (cu.length - 1) + "] must equal T = " + seqLen
                    + " (total tokens), got " + cu[cu.length - 1]);
        }
    }

    static Shape stateShape(Problem p) {
        return Shape.of(p.sequences(), p.heads(), p.keyDim(), p.valueDim());
    }

    private static void required(String op, String name, Tensor t) {
        if (t == null) {
            throw new IllegalArgumentException(op + ": " + name + " is required");
        }
    }

    private static void optional(String op, String name, Tensor t, Shape shape, DType dtype, String what,
                                 Device device) {
        if (t != null) {
            like(op, name, t, shape, dtype, what, device);
        }
    }

    private static void like(String op, String name, Tensor t, Shape shape, DType dtype, String what, Device device) {
        if (!t.shape().equals(shape)) {
            throw new IllegalArgumentException(op + ": " + name + " must have shape " + shape + " like " + what
                    + ", got " + t.shape());
        }
        if (t.dtype() != dtype) {
            throw new IllegalArgumentException(op + ": " + name + " must be " + dtype + ", got " + t.dtype());
        }
        onDevice(op, name, t, device);
    }

    private static void onDevice(String op, String name, Tensor t, Device device) {
        if (!t.device().equals(device)) {
            throw new IllegalArgumentException(op + ": " + name + " is on " + t.device() + ", these kernels run on "
                    + device + (device.isHost() ? "" : " (copy host tensors with Context.upload)"));
        }
    }
}

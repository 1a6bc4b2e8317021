/*
 * Harness.java — runs one kernel implementation on Inputs wherever its memory is: host tensors as they are, device
 * tensors uploaded (inputs) or uploaded NaN-poisoned (outputs) and copied back after the op. Every output is
 * poisoned with NaN before every run, so an element the kernel forgets to write fails the comparison.
 * The reference also runs on the absolute values of the inputs: that result bounds every partial sum, so it is the
 * scale a rounding error must be measured against where the true result cancels to nearly nothing (see Compare).
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceArena;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;

import java.lang.foreign.Arena;

final class Harness {

    record Forward(float[] o, float[] ht) {
    }

    record Backward(float[] dq, float[] dk, float[] dv, float[] dg, float[] dh0) {
    }

    /** The reference result and its magnitude (the reference on |inputs|), elementwise >= |value|. */
    record ExpectedForward(Forward value, Forward magnitude) {
        /** Another result (e.g. the native recurrent op's) measured on this magnitude. */
        ExpectedForward withValue(Forward other) {
            return new ExpectedForward(other, magnitude);
        }
    }

    record ExpectedBackward(Backward value, Backward magnitude) {
        ExpectedBackward withValue(Backward other) {
            return new ExpectedBackward(other, magnitude);
        }
    }

    private Harness() {
    }

    /** The reference on the fp32 copies of the inputs, and on their absolute values. */
    static ExpectedForward referenceForward(Inputs in) {
        try (Arena arena = Arena.ofConfined()) {
            return new ExpectedForward(referenceForward(in, arena, false), referenceForward(in, arena, true));
        }
    }

    static ExpectedBackward referenceBackward(Inputs in) {
        try (Arena arena = Arena.ofConfined()) {
            return new ExpectedBackward(referenceBackward(in, arena, false), referenceBackward(in, arena, true));
        }
    }

    private static Forward referenceForward(Inputs in, Arena arena, boolean abs) {
        HostTensor o = poisoned(arena, DType.F32, in.values);
        HostTensor ht = in.c.ht() ? poisoned(arena, DType.F32, in.state) : null;
        Kernels.reference().recurrentForward(options(in, abs), abs(arena, in.q32, abs), abs(arena, in.k32, abs),
                abs(arena, in.v32, abs), in.g, abs(arena, in.h0, abs), o, ht);
        return new Forward(o.toFloatArray(), array(ht));
    }

    private static Backward referenceBackward(Inputs in, Arena arena, boolean abs) {
        HostTensor dq = poisoned(arena, DType.F32, in.keys), dk = poisoned(arena, DType.F32, in.keys);
        HostTensor dv = poisoned(arena, DType.F32, in.values);
        HostTensor dg = in.g == null ? null : poisoned(arena, DType.F32, in.gateShape);
        HostTensor dh0 = in.h0 == null ? null : poisoned(arena, DType.F32, in.state);
        Kernels.reference().recurrentBackward(options(in, abs), abs(arena, in.q32, abs), abs(arena, in.k32, abs),
                abs(arena, in.v32, abs), in.g, abs(arena, in.h0, abs), abs(arena, in.dout32, abs),
                abs(arena, in.dht, abs), dq, dk, dv, dg, dh0);
        return new Backward(dq.toFloatArray(), dk.toFloatArray(), dv.toFloatArray(), array(dg), array(dh0));
    }

    /** Gates need no absolute value: every decay exp(g) is already positive. The scale does. */
    private static Options options(Inputs in, boolean abs) {
        float scale = in.options.scale(in.c.keyDim());
        return abs ? in.options.withScale(Math.abs(scale)) : in.options;
    }

    private static HostTensor abs(Arena arena, HostTensor t, boolean abs) {
        if (!abs || t == null) {
            return t;
        }
        float[] a = t.toFloatArray();
        for (int i = 0; i < a.length; i++) {
            a[i] = Math.abs(a[i]);
        }
        return HostTensor.of(arena, DType.F32, t.shape(), a);
    }

    /** chunk = true: chunkForward, else recurrentForward, on the inputs in the case's dtype. */
    static Forward forward(NativeKernels kernels, boolean chunk, Inputs in) {
        try (Arena arena = Arena.ofConfined(); DeviceArena device = kernels.context().arena()) {
            Mover m = new Mover(kernels, device);
            HostTensor o = poisoned(arena, in.c.dtype(), in.values);
            HostTensor ht = in.c.ht() ? poisoned(arena, DType.F32, in.state) : null;
            Tensor od = m.out(o), htd = m.out(ht);
            if (chunk) {
                kernels.chunkForward(in.options, m.in(in.q), m.in(in.k), m.in(in.v), m.in(in.g), m.in(in.h0), od, htd);
            } else {
                kernels.recurrentForward(in.options, m.in(in.q), m.in(in.k), m.in(in.v), m.in(in.g), m.in(in.h0), od,
                        htd);
            }
            m.fetch(od, o);
            m.fetch(htd, ht);
            return new Forward(o.toFloatArray(), array(ht));
        }
    }

    static Backward backward(NativeKernels kernels, boolean chunk, Inputs in) {
        try (Arena arena = Arena.ofConfined(); DeviceArena device = kernels.context().arena()) {
            Mover m = new Mover(kernels, device);
            DType dt = in.c.dtype();
            HostTensor dq = poisoned(arena, dt, in.keys), dk = poisoned(arena, dt, in.keys);
            HostTensor dv = poisoned(arena, dt, in.values);
            HostTensor dg = in.g == null ? null : poisoned(arena, DType.F32, in.gateShape);
            HostTensor dh0 = in.h0 == null ? null : poisoned(arena, DType.F32, in.state);
            Tensor dqd = m.out(dq), dkd = m.out(dk), dvd = m.out(dv), dgd = m.out(dg), dh0d = m.out(dh0);
            if (chunk) {
                kernels.chunkBackward(in.options, m.in(in.q), m.in(in.k), m.in(in.v), m.in(in.g), m.in(in.h0),
                        m.in(in.dout), m.in(in.dht), dqd, dkd, dvd, dgd, dh0d);
            } else {
                kernels.recurrentBackward(in.options, m.in(in.q), m.in(in.k), m.in(in.v), m.in(in.g), m.in(in.h0),
                        m.in(in.dout), m.in(in.dht), dqd, dkd, dvd, dgd, dh0d);
            }
            m.fetch(dqd, dq);
            m.fetch(dkd, dk);
            m.fetch(dvd, dv);
            m.fetch(dgd, dg);
            m.fetch(dh0d, dh0);
            return new Backward(dq.toFloatArray(), dk.toFloatArray(), dv.toFloatArray(), array(dg), array(dh0));
        }
    }

    static HostTensor poisoned(Arena arena, DType dtype, Shape shape) {
        HostTensor t = HostTensor.allocate(arena, dtype, shape);
        TestData.poison(t);
        return t;
    }

    static float[] array(HostTensor t) {
        return t == null ? null : t.toFloatArray();
    }

    /** Moves host tensors to the kernels' device and back (identity on the host). */
    record Mover(NativeKernels kernels, DeviceArena device) {
        Tensor in(HostTensor t) {
            if (t == null || kernels.device().isHost()) {
                return t;
            }
            return device.upload(t);
        }

        Tensor out(HostTensor poisoned) {
            return in(poisoned);
        }

        void fetch(Tensor result, HostTensor host) {
            if (result != null && result != host) {
                ((io.github.gla4j.memory.DeviceTensor) result).copyTo(host);
            }
        }
    }
}

/*
 * ReferenceKernels.java — GlaKernels in pure Java, double accumulation (ReferenceMath): the oracle every native
 * kernel is tested against. Works on HostTensors (fp32 or bf16; values are read exactly and results rounded once to
 * the output dtype). The chunk and recurrent ops compute the same recurrent form: chunking is an optimisation of the
 * same function, so the oracle needs only one algorithm. Validates exactly like the native kernels.
 * Slow (O(T K V) per head, no SIMD): meant for tests and small problems.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;

public final class ReferenceKernels implements GlaKernels {

    @Override
    public String name() {
        return "reference";
    }

    @Override
    public Device device() {
        return Device.CPU;
    }

    @Override
    public void chunkForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o, Tensor ht) {
        forward(Validation.forward("chunkForward", device(), options, q, k, v, g, h0, o, ht), "chunkForward",
                q, k, v, g, h0, o, ht);
    }

    @Override
    public void recurrentForward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o,
                                 Tensor ht) {
        forward(Validation.forward("recurrentForward", device(), options, q, k, v, g, h0, o, ht), "recurrentForward",
                q, k, v, g, h0, o, ht);
    }

    @Override
    public void chunkBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                              Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        backward(Validation.backward("chunkBackward", device(), options, q, k, v, g, h0, dout, dht, dq, dk, dv, dg,
                dh0), "chunkBackward", q, k, v, g, h0, dout, dht, dq, dk, dv, dg, dh0);
    }

    @Override
    public void recurrentBackward(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                                  Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        backward(Validation.backward("recurrentBackward", device(), options, q, k, v, g, h0, dout, dht, dq, dk, dv,
                dg, dh0), "recurrentBackward", q, k, v, g, h0, dout, dht, dq, dk, dv, dg, dh0);
    }

    @Override
    public void decodeStep(Options options, Tensor q, Tensor k, Tensor v, Tensor g, Tensor state, Tensor o) {
        String op = "decodeStep";
        Problem p = Validation.decode(op, device(), options, q, k, v, g, state, o);
        double[] s = read(op, "state", state);
        double[] out = new double[(int) o.elementCount()];
        double[] next = new double[s.length];
        ReferenceMath.forward(p, read(op, "q", q), read(op, "k", k), read(op, "v", v), read(op, "g", g), s, out, next);
        write(op, "o", o, out);
        write(op, "state", state, next);
    }

    @Override
    public void close() {
    }

    private static void forward(Problem p, String op, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor o,
                                Tensor ht) {
        double[] out = new double[size(o)];
        double[] state = ht == null ? null : new double[size(ht)];
        ReferenceMath.forward(p, read(op, "q", q), read(op, "k", k), read(op, "v", v), read(op, "g", g),
                read(op, "h0", h0), out, state);
        write(op, "o", o, out);
        write(op, "ht", ht, state);
    }

    private static void backward(Problem p, String op, Tensor q, Tensor k, Tensor v, Tensor g, Tensor h0, Tensor dout,
                                 Tensor dht, Tensor dq, Tensor dk, Tensor dv, Tensor dg, Tensor dh0) {
        double[] dqa = new double[size(dq)], dka = new double[size(dk)], dva = new double[size(dv)];
        double[] dga = dg == null ? null : new double[size(dg)];
        double[] dh0a = dh0 == null ? null : new double[size(dh0)];
        ReferenceMath.backward(p, read(op, "q", q), read(op, "k", k), read(op, "v", v), read(op, "g", g),
                read(op, "h0", h0), read(op, "dout", dout), read(op, "dht", dht), dqa, dka, dva, dga, dh0a);
        write(op, "dq", dq, dqa);
        write(op, "dk", dk, dka);
        write(op, "dv", dv, dva);
        write(op, "dg", dg, dga);
        write(op, "dh0", dh0, dh0a);
    }

    private static int size(Tensor t) {
        long n = t.elementCount();
        if (n > Integer.MAX_VALUE - 8) {
            throw new IllegalArgumentException("reference: " + t.shape() + " is too large for the Java reference");
        }
        return (int) n;
    }

    private static HostTensor host(String op, String name, Tensor t) {
        if (!(t instanceof HostTensor h)) {
            throw new IllegalArgumentException(op + ": " + name + " must be a HostTensor for the reference kernels "
                    + "(Java reads its memory), got " + t);
        }
        return h;
    }

    /** The tensor's values as doubles (exact for fp32 and bf16), or null for an absent tensor. */
    private static double[] read(String op, String name, Tensor t) {
        if (t == null) {
            return null;
        }
        HostTensor h = host(op, name, t);
        double[] a = new double[size(t)];
        for (int i = 0; i < a.length; i++) {
            a[i] = h.get(i);
        }
        return a;
    }

    private static void write(String op, String name, Tensor t, double[] values) {
        if (t == null) {
            return;
        }
        HostTensor h = host(op, name, t);
        for (int i = 0; i < values.length; i++) {
            h.set(i, (float) values[i]);
        }
    }
}

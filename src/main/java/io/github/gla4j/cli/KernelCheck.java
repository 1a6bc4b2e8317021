/*
 * KernelCheck.java — the kernel self-test behind `gla check`: on a grid of awkward shapes (T off the chunk size,
 * K and V not powers of two, all gate kinds and strengths, fp32 and bf16, with and without states, varlen with an
 * empty sequence), the native recurrent and chunk ops of one backend against the pure-Java double reference,
 * forward and every gradient. Native outputs are NaN-poisoned before each call. Error metric: relative RMS,
 * sqrt(Σ(got − ref)² / Σ ref²); a NaN or an unwritten element is an infinite error.
 * Tested by CheckCommandTest.
 */
package io.github.gla4j.cli;

import io.github.gla4j.kernels.Gate;
import io.github.gla4j.kernels.GlaKernels;
import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceArena;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;

import java.lang.foreign.Arena;
import java.math.BigDecimal;
import java.util.Arrays;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;

final class KernelCheck {

    /** Relative RMS tolerances against the double reference: fp32 accumulation error, bf16 output rounding. */
    static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 1e-5 : 5e-3;
    }

    /** One problem. gateRange: per-step log gates uniform in [gateRange, 0]. cuSeqlens null unless varlen. */
    record Case(int batch, int seqLen, int heads, int keyDim, int valueDim, DType dtype, Gate gate, double gateRange,
                boolean states, long[] cuSeqlens) {

        int sequences() {
            return cuSeqlens == null ? batch : cuSeqlens.length - 1;
        }

        Options options() {
            Options o = Options.of(gate);
            return cuSeqlens == null ? o : o.withCuSeqlens(cuSeqlens);
        }

        String label() {
            String s = String.format("B%d T%-4d H%d K%-3d V%-3d %-4s %-7s g≥%-5s %s", batch, seqLen, heads, keyDim,
                    valueDim, dtype.name().toLowerCase(), gate.name().toLowerCase(),
                    gate == Gate.NONE ? "-" : BigDecimal.valueOf(gateRange).stripTrailingZeros().toPlainString(),
                    states ? "h0/ht" : "");
            return cuSeqlens == null ? s : s + " cu" + Arrays.toString(cuSeqlens).replace(" ", "");
        }
    }

    /** Errors of one case: output name ("chunk o", "recurrent dg", ...) to relative RMS error. */
    record Result(Case c, Map<String, Double> errors) {
        double worst() {
            return errors.values().stream().mapToDouble(Double::doubleValue).max().orElse(0);
        }

        boolean passed() {
            return worst() <= tolerance(c.dtype());
        }
    }

    /** The grid: every T of {1, 15, 63, 64, 65, 100, 1000}, K and V of {16, 60, 64, 100, 128}, each gate kind. */
    static List<Case> grid() {
        int[] seqLens = {1, 15, 63, 64, 65, 100, 1000};
        int[] dims = {16, 60, 64, 100, 128};
        double[] gateRanges = {-0.05, -1, -5, -50};
        Gate[] gates = Gate.values();
        List<Case> cases = new ArrayList<>();
        for (int i = 0; i < 14; i++) {
            int t = seqLens[i % seqLens.length];
            int k = t == 1000 ? 16 : dims[i % dims.length], v = t == 1000 ? 32 : dims[(i + 3) % dims.length];
            cases.add(new Case(t == 1000 ? 1 : 2, t, 1 + i % 2, k, v, i % 2 == 0 ? DType.F32 : DType.BF16,
                    gates[i % 3], gateRanges[i % 4], i % 3 != 1, null));
        }
        cases.add(new Case(1, 81, 2, 60, 64, DType.F32, Gate.CHANNEL, -5, true, new long[] {0, 15, 15, 80, 81}));
        cases.add(new Case(1, 200, 1, 64, 100, DType.BF16, Gate.HEAD, -1, true, new long[] {0, 0, 64, 64, 200}));
        return cases;
    }

    private final NativeKernels kernels;
    private final GlaKernels reference = Kernels.reference();

    KernelCheck(NativeKernels kernels) {
        this.kernels = kernels;
    }

    Result run(Case c, long seed) {
        try (Arena arena = Arena.ofConfined(); DeviceArena device = kernels.context().arena()) {
            Problem p = new Problem(arena, c, seed);
            Map<String, float[]> ref = p.reference();
            Map<String, Double> errors = new LinkedHashMap<>();
            for (boolean chunk : new boolean[] {false, true}) {
                Map<String, float[]> got = p.run(device, chunk);
                for (var e : ref.entrySet()) {
                    errors.put((chunk ? "chunk " : "recurrent ") + e.getKey(), relRms(e.getValue(), got.get(e.getKey())));
                }
            }
            return new Result(c, errors);
        }
    }

    static double relRms(float[] ref, float[] got) {
        double num = 0, den = 0;
        for (int i = 0; i < ref.length; i++) {
            if (!Float.isFinite(got[i])) {
                return Double.POSITIVE_INFINITY;
            }
            double d = (double) got[i] - ref[i];
            num += d * d;
            den += (double) ref[i] * ref[i];
        }
        return den == 0 ? Math.sqrt(num / Math.max(1, ref.length)) : Math.sqrt(num / den);
    }

    /** Random inputs of a case: in the case's dtype for the kernels, as exact fp32 copies for the reference. */
    private final class Problem {
        final Arena arena;
        final Case c;
        final Options options;
        final Shape keys, values, gateShape, state;
        final HostTensor q, k, v, g, h0, dout, dht, q32, k32, v32, dout32;

        Problem(Arena arena, Case c, long seed) {
            this.arena = arena;
            this.c = c;
            options = c.options();
            SplittableRandom r = new SplittableRandom(seed);
            keys = Shape.of(c.batch(), c.seqLen(), c.heads(), c.keyDim());
            values = Shape.of(c.batch(), c.seqLen(), c.heads(), c.valueDim());
            gateShape = switch (c.gate()) {
                case CHANNEL -> keys;
                case HEAD -> Shape.of(c.batch(), c.seqLen(), c.heads());
                case NONE -> null;
            };
            state = Shape.of(c.sequences(), c.heads(), c.keyDim(), c.valueDim());
            q = random(c.dtype(), keys, r, 1);
            k = random(c.dtype(), keys, r, 1);
            v = random(c.dtype(), values, r, 1);
            dout = random(c.dtype(), values, r, 1);
            g = gateShape == null ? null : gates(gateShape, r, c.gateRange());
            h0 = c.states() ? random(DType.F32, state, r, 0.5) : null;
            dht = c.states() ? random(DType.F32, state, r, 1) : null;
            q32 = fp32(q);
            k32 = fp32(k);
            v32 = fp32(v);
            dout32 = fp32(dout);
        }

        Map<String, float[]> reference() {
            Outputs out = new Outputs(DType.F32);
            reference.recurrentForward(options, q32, k32, v32, g, h0, out.o, out.ht);
            reference.recurrentBackward(options, q32, k32, v32, g, h0, dout32, dht, out.dq, out.dk, out.dv, out.dg,
                    out.dh0);
            return out.arrays();
        }

        Map<String, float[]> run(DeviceArena device, boolean chunk) {
            Outputs out = new Outputs(c.dtype());
            Mover m = new Mover(device);
            Tensor o = m.put(out.o), ht = m.put(out.ht), dq = m.put(out.dq), dk = m.put(out.dk), dv = m.put(out.dv),
                    dg = m.put(out.dg), dh0 = m.put(out.dh0);
            Tensor qd = m.put(q), kd = m.put(k), vd = m.put(v), gd = m.put(g), h0d = m.put(h0), doutd = m.put(dout),
                    dhtd = m.put(dht);
            if (chunk) {
                kernels.chunkForward(options, qd, kd, vd, gd, h0d, o, ht);
                kernels.chunkBackward(options, qd, kd, vd, gd, h0d, doutd, dhtd, dq, dk, dv, dg, dh0);
            } else {
                kernels.recurrentForward(options, qd, kd, vd, gd, h0d, o, ht);
                kernels.recurrentBackward(options, qd, kd, vd, gd, h0d, doutd, dhtd, dq, dk, dv, dg, dh0);
            }
            m.get(o, out.o);
            m.get(ht, out.ht);
            m.get(dq, out.dq);
            m.get(dk, out.dk);
            m.get(dv, out.dv);
            m.get(dg, out.dg);
            m.get(dh0, out.dh0);
            return out.arrays();
        }

        /** NaN-poisoned outputs in host memory. */
        final class Outputs {
            final HostTensor o, ht, dq, dk, dv, dg, dh0;

            Outputs(DType dtype) {
                o = poisoned(dtype, values);
                ht = c.states() ? poisoned(DType.F32, state) : null;
                dq = poisoned(dtype, keys);
                dk = poisoned(dtype, keys);
                dv = poisoned(dtype, values);
                dg = gateShape == null ? null : poisoned(DType.F32, gateShape);
                dh0 = c.states() ? poisoned(DType.F32, state) : null;
            }

            Map<String, float[]> arrays() {
                Map<String, float[]> m = new LinkedHashMap<>();
                String[] names = {"o", "ht", "dq", "dk", "dv", "dg", "dh0"};
                HostTensor[] tensors = {o, ht, dq, dk, dv, dg, dh0};
                for (int i = 0; i < names.length; i++) {
                    if (tensors[i] != null) {
                        m.put(names[i], tensors[i].toFloatArray());
                    }
                }
                return m;
            }
        }

        HostTensor random(DType dtype, Shape shape, SplittableRandom r, double sd) {
            float[] a = new float[(int) shape.elementCount()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (sd * r.nextGaussian());
            }
            return HostTensor.of(arena, dtype, shape, a);
        }

        HostTensor gates(Shape shape, SplittableRandom r, double lowest) {
            float[] a = new float[(int) shape.elementCount()];
            for (int i = 0; i < a.length; i++) {
                a[i] = (float) (lowest * r.nextDouble());
            }
            return HostTensor.of(arena, DType.F32, shape, a);
        }

        HostTensor poisoned(DType dtype, Shape shape) {
            HostTensor t = HostTensor.allocate(arena, dtype, shape);
            t.fill(Float.NaN);
            return t;
        }

        HostTensor fp32(HostTensor t) {
            return t.dtype() == DType.F32 ? t : HostTensor.of(arena, DType.F32, t.shape(), t.toFloatArray());
        }
    }

    /** Host tensors on the backend's device: themselves on cpu, uploaded copies on cuda (poison included). */
    private final class Mover {
        final DeviceArena device;

        Mover(DeviceArena device) {
            this.device = device;
        }

        Tensor put(HostTensor t) {
            return t == null || kernels.device().isHost() ? t : device.upload(t);
        }

        void get(Tensor t, HostTensor host) {
            if (t instanceof DeviceTensor d) {
                d.copyTo(host);
            }
        }
    }
}

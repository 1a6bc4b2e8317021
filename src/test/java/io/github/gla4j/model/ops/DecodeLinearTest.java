/*
 * DecodeLinearTest — NativeOps.decodeLinear (gla_decode_linear) against the unfused layer ops it replaces, on every
 * native runtime (the cpu backend everywhere, cuda where a device is present): each prologue, the gate epilogue,
 * biases, residuals (in place too), several outputs, 1 to 16 rows. The reference runs the unfused ops in fp32 on the
 * same weights rounded to bf16, so the fused bf16 path (fp32 activations, bf16 weights, fp32 sums) is held to fp32
 * tolerances too. Then the shape checks, each an IllegalArgumentException naming the argument.
 * Run: ./mvnw -o -q test -Dtest=DecodeLinearTest -Dnative.asan.skip=true
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.memory.BFloat16;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.NativeRuntimes;
import io.github.gla4j.model.ops.DecodeLinear.Epilogue;
import io.github.gla4j.model.ops.DecodeLinear.Input;
import io.github.gla4j.model.ops.DecodeLinear.Output;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.lang.foreign.Arena;
import java.util.Arrays;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class DecodeLinearTest {

    private static final int IN = 48, HEAD = 16, OUT_A = 40, OUT_B = 7;

    /** Tensors in the context's memory; closed with it. */
    private record Maker(Context context, Random random) {
        DeviceTensor of(float[] values, long... dims) {
            try (Arena arena = Arena.ofConfined()) {
                HostTensor host = HostTensor.allocate(arena, DType.F32, dims);
                host.copyFrom(values);
                return context.upload(host);
            }
        }

        DeviceTensor random(double scale, long... dims) {
            float[] v = new float[count(dims)];
            for (int i = 0; i < v.length; i++) {
                v[i] = (float) (scale * random.nextGaussian());
            }
            return of(v, dims);
        }

        /** NaN everywhere: an element an op forgets to write fails the comparison. */
        DeviceTensor poisoned(long... dims) {
            float[] v = new float[count(dims)];
            Arrays.fill(v, Float.NaN);
            return of(v, dims);
        }

        private static int count(long... dims) {
            long n = 1;
            for (long d : dims) {
                n *= d;
            }
            return Math.toIntExact(n);
        }

        /** Weights whose values bf16 holds exactly, so that fp32 and bf16 products read the same numbers. */
        DeviceTensor weight(long out, long in) {
            float[] v = new float[Math.toIntExact(out * in)];
            for (int i = 0; i < v.length; i++) {
                v[i] = BFloat16.round((float) (0.3 * random.nextGaussian()));
            }
            return of(v, out, in);
        }

        DeviceTensor copy(Tensor t) {
            return of(ModelRuntime.toFloats(t), t.shape().dims());
        }
    }

    private static void assertClose(String what, Tensor actual, Tensor expected, double tolerance) {
        float[] a = ModelRuntime.toFloats(actual), e = ModelRuntime.toFloats(expected);
        double[] ad = new double[a.length], ed = new double[e.length];
        for (int i = 0; i < a.length; i++) {
            ad[i] = a[i];
            ed[i] = e[i];
        }
        OpTesting.assertClose(what, ad, ed, tolerance);
    }

    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void equalsTheUnfusedOps(NativeRuntimes runtime) {
        try (NativeRuntimes.Open rt = runtime.open();
             NativeOps reference = new NativeOps(rt.kernels(), NativeOps.Precision.FP32)) {
            Maker make = new Maker(rt.kernels().context(), new Random(5));
            NativeOps fused = rt.ops();
            double tolerance = runtime == NativeRuntimes.CPU || runtime == NativeRuntimes.CPU_BF16 ? 1e-5 : 1e-4;
            for (int rows : new int[]{1, 3, DecodeLinear.MAX_ROWS}) {
                DeviceTensor x = make.random(1, rows, IN), z = make.random(2, rows, IN);
                DeviceTensor norm = make.random(1, IN), headNorm = make.random(1, HEAD);
                DeviceTensor wa = make.weight(OUT_A, IN), wb = make.weight(OUT_B, IN), bias = make.random(1, OUT_B);
                DeviceTensor residual = make.random(1, rows, OUT_B);
                DeviceTensor f = make.random(0, rows, IN), ya = make.random(0, rows, OUT_A);
                DeviceTensor yb = make.random(0, rows, OUT_B), rstd = make.random(0, rows * (IN / HEAD));
                String at = runtime + ", " + rows + " rows: ";

                // RMSNorm in front of two products, the second with a bias and a residual
                reference.rmsNorm(x, norm, 1e-6f, f, rstd.slice(0, rows));
                reference.linear(f, wa, null, ya);
                reference.linear(f, wb, bias, yb);
                reference.add(yb, residual, yb);
                DeviceTensor ga = make.poisoned(rows, OUT_A), gb = make.poisoned(rows, OUT_B);
                fused.decodeLinear(Input.rmsNorm(x, norm, 1e-6f), Epilogue.NONE, new Output(wa, ga),
                        new Output(wb, bias, residual, gb));
                assertClose(at + "rms norm, output 0", ga, ya, tolerance);
                assertClose(at + "rms norm, output 1", gb, yb, tolerance);

                // the per-head gated norm, the residual in place
                reference.gatedRmsNorm(x, z, headNorm, 1e-6f, f, rstd);
                reference.linear(f, wb, null, yb);
                reference.add(yb, residual, yb);
                DeviceTensor inPlace = make.copy(residual);
                fused.decodeLinear(Input.gatedRmsNorm(x, z, headNorm, 1e-6f), Epilogue.NONE,
                        new Output(wb, null, inPlace, inPlace));
                assertClose(at + "gated rms norm, in place", inPlace, yb, tolerance);

                // SwiGLU in front
                reference.swiGlu(x, z, f);
                reference.linear(f, wa, null, ya);
                ga = make.poisoned(rows, OUT_A);
                fused.decodeLinear(Input.swiGlu(x, z), Epilogue.NONE, new Output(wa, ga));
                assertClose(at + "swiglu", ga, ya, tolerance);

                // the forget gate behind a product with a bias, with and without a clamp
                DeviceTensor gate = make.random(0, rows, OUT_B);
                for (float clamp : new float[]{Float.NEGATIVE_INFINITY, -0.2f}) {
                    reference.linear(x, wb, bias, yb);
                    reference.logSigmoidGate(yb, 16f, clamp, gate);
                    gb = make.poisoned(rows, OUT_B);
                    fused.decodeLinear(Input.plain(x), Epilogue.logSigmoidGate(16f, clamp),
                            new Output(wb, bias, null, gb));
                    assertClose(at + "gate, clamp " + clamp, gb, gate, tolerance);
                }
            }
        }
    }

    @Test
    void rejectsShapesThatDoNotFit() {
        try (NativeRuntimes.Open rt = NativeRuntimes.CPU.open()) {
            Maker make = new Maker(rt.kernels().context(), new Random(6));
            NativeOps ops = rt.ops();
            DeviceTensor x = make.random(1, 2, IN), w = make.weight(OUT_B, IN), y = make.random(0, 2, OUT_B);
            Input plain = Input.plain(x);
            assertRejected("at most 16 rows", () -> ops.decodeLinear(Input.plain(make.random(1, 17, IN)),
                    Epilogue.NONE, new Output(w, make.random(0, 17, OUT_B))));
            assertRejected("z [2, 47] must match x", () -> ops.decodeLinear(Input.swiGlu(x, make.random(1, 2, 47)),
                    Epilogue.NONE, new Output(w, y)));
            assertRejected("norm weight [5] must divide", () -> ops.decodeLinear(Input.rmsNorm(x,
                    make.random(1, 5), 1e-6f), Epilogue.NONE, new Output(w, y)));
            assertRejected("1 to 8 outputs, got 0", () -> ops.decodeLinear(plain, Epilogue.NONE));
            Output[] nine = new Output[9];
            Arrays.fill(nine, new Output(w, y));
            assertRejected("1 to 8 outputs, got 9", () -> ops.decodeLinear(plain, Epilogue.NONE, nine));
            assertRejected("output 1: weight [7, 47] must be [out, 48]", () -> ops.decodeLinear(plain,
                    Epilogue.NONE, new Output(w, y), new Output(make.weight(OUT_B, 47), y)));
            assertRejected("output 0: y [2, 8] must be [2, 7]", () -> ops.decodeLinear(plain, Epilogue.NONE,
                    new Output(w, make.random(0, 2, 8))));
            assertRejected("output 0: bias [6] must hold 7", () -> ops.decodeLinear(plain, Epilogue.NONE,
                    new Output(w, make.random(0, 6), null, y)));
            assertRejected("output 0: residual [1, 7] must match y [2, 7]", () -> ops.decodeLinear(plain,
                    Epilogue.NONE, new Output(w, null, make.random(0, 1, OUT_B), y)));
        }
    }

    private static void assertRejected(String message, Runnable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call::run);
        assertTrue(e.getMessage().startsWith("NativeOps.decodeLinear: ") && e.getMessage().contains(message),
                e.getMessage());
    }
}

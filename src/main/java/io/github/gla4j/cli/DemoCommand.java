/*
 * DemoCommand.java — `gla demo`: GLA's two faces on one random problem with model-like gates.
 *  1. Training form: the whole sequence at once, chunkwise (parallel) vs token by token (recurrent) — same output,
 *     and how much faster the chunk form is.
 *  2. Inference form: prefill the first T − n tokens with the chunk op, keep only the final state (K×V floats per
 *     head, whatever T is), then decode the last n tokens one step at a time — the outputs equal the full pass.
 */
package io.github.gla4j.cli;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;

@Command(name = "demo", description = "Chunkwise vs recurrent GLA, then prefill + constant-memory decoding (cpu).")
final class DemoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--seq-len", defaultValue = "4096", description = "tokens T (default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = "--heads", defaultValue = "4", description = "heads H (default: ${DEFAULT-VALUE})")
    int heads;

    @Option(names = "--dim", defaultValue = "128", description = "head dims K = V (default: ${DEFAULT-VALUE})")
    int dim;

    @Option(names = "--decode", defaultValue = "64", description = "tokens decoded one by one (default: ${DEFAULT-VALUE})")
    int decode;

    @Override
    public Integer call() {
        if (seqLen < 2 || decode < 1 || decode >= seqLen || heads < 1 || dim < 1) {
            throw new IllegalArgumentException("need --seq-len ≥ 2, 1 ≤ --decode < --seq-len, --heads ≥ 1, --dim ≥ 1");
        }
        PrintWriter out = spec.commandLine().getOut();
        Options options = Options.defaults();
        try (Arena arena = Arena.ofConfined(); NativeKernels cpu = Kernels.open(Device.CPU)) {
            Shape shape = Shape.of(1, seqLen, heads, dim), state = Shape.of(1, heads, dim, dim);
            SplittableRandom r = new SplittableRandom(7);
            HostTensor q = normal(arena, shape, r), k = normal(arena, shape, r), v = normal(arena, shape, r);
            float[] gates = new float[(int) shape.elementCount()];
            for (int i = 0; i < gates.length; i++) {
                gates[i] = (float) (-Math.log1p(Math.exp(-r.nextGaussian())) / 16); // logsigmoid(x)/16, as GLA layers
            }
            HostTensor g = HostTensor.of(arena, DType.F32, shape, gates);
            out.printf("GLA on cpu: T=%d, H=%d, K=V=%d, fp32, per-channel gates%n%n", seqLen, heads, dim);

            HostTensor chunkOut = HostTensor.allocate(arena, DType.F32, shape);
            HostTensor recurrentOut = HostTensor.allocate(arena, DType.F32, shape);
            double chunkMs = time(() -> cpu.chunkForward(options, q, k, v, g, null, chunkOut, null));
            double recurrentMs = time(() -> cpu.recurrentForward(options, q, k, v, g, null, recurrentOut, null));
            out.printf("1. whole sequence   chunkwise %8.2f ms   recurrent %8.2f ms   (%.1fx)   relative difference %.1e%n",
                    chunkMs, recurrentMs, recurrentMs / chunkMs,
                    KernelCheck.relRms(recurrentOut.toFloatArray(), chunkOut.toFloatArray()));

            int prefill = seqLen - decode;
            HostTensor h = HostTensor.allocate(arena, DType.F32, state);
            HostTensor prefillOut = HostTensor.allocate(arena, DType.F32, Shape.of(1, prefill, heads, dim));
            double prefillMs = time(() -> cpu.chunkForward(options, rows(q, 0, prefill), rows(k, 0, prefill),
                    rows(v, 0, prefill), rows(g, 0, prefill), null, prefillOut, h));
            HostTensor step = HostTensor.allocate(arena, DType.F32, Shape.of(1, 1, heads, dim));
            float[] decoded = new float[decode * heads * dim];
            long start = System.nanoTime();
            for (int t = prefill; t < seqLen; t++) {
                cpu.decodeStep(options, rows(q, t, 1), rows(k, t, 1), rows(v, t, 1), rows(g, t, 1), h, step);
                System.arraycopy(step.toFloatArray(), 0, decoded, (t - prefill) * heads * dim, heads * dim);
            }
            double decodeMs = (System.nanoTime() - start) / 1e6;
            out.printf("2. prefill %d tokens %8.2f ms, then %d decode steps %.3f ms/token on a %d KiB state;%n",
                    prefill, prefillMs, decode, decodeMs / decode, h.byteSize() / 1024);
            out.printf("   decoded outputs vs the whole-sequence pass: relative difference %.1e%n",
                    KernelCheck.relRms(rows(chunkOut, prefill, decode).toFloatArray(), decoded));
        }
        out.flush();
        return 0;
    }

    /** Tokens [start, start + length) of a [1, T, ...] tensor, as a [1, length, ...] view. */
    private static HostTensor rows(HostTensor t, int start, int length) {
        long[] dims = t.shape().dims();
        HostTensor tokens = t.reshape(Shape.of(dims[1], t.elementCount() / dims[1])).slice(start, length);
        dims[1] = length;
        return tokens.reshape(Shape.of(dims));
    }

    private static HostTensor normal(Arena arena, Shape shape, SplittableRandom r) {
        float[] a = new float[(int) shape.elementCount()];
        for (int i = 0; i < a.length; i++) {
            a[i] = (float) r.nextGaussian();
        }
        return HostTensor.of(arena, DType.F32, shape, a);
    }

    /** Best of three runs after one warm-up, in ms. */
    private static double time(Runnable op) {
        op.run();
        double best = Double.MAX_VALUE;
        for (int i = 0; i < 3; i++) {
            long t0 = System.nanoTime();
            op.run();
            best = Math.min(best, (System.nanoTime() - t0) / 1e6);
        }
        return best;
    }
}

/*
 * BenchCommand.java — `gla bench kernels|train|generate`: throughput of the kernels and of the whole model.
 *   gla bench kernels --device cuda [--shapes B,T,H,K,V ...]
 *       the chunk op through the Java API (FFM) in bf16: forward and forward+backward, gated (GLA, per-channel
 *       gates logsigmoid(z)/16) and ungated; mean of --reps calls after warm-up, timed around a synchronize
 *   gla bench train --model 340M --batch-size 8 --seq-len 2048 --device cuda --dtype bf16
 *       tokens/s of full training steps (forward, backward, clipping, AdamW) on random tokens, the step time,
 *       the peak memory and the model FLOP utilisation (6·N FLOPs per token against the device's bf16 peak)
 *   gla bench generate --model 340M --batch 1 --prompt-len 512 --new-tokens 256 --device cuda --dtype bf16
 *       prefill time, decoding tokens/s (greedy, every step through the recurrent state; the fused decoding products
 *       up to 16 sequences, the layer ops beyond) and the device memory in use as the context grows (it stays flat:
 *       one state per layer, whatever the length)
 * --model takes a preset (tiny, 340M, 1.3B; random weights, the paper's vocabulary of 32000) or a model directory.
 * Results print as a table and, with --json FILE, as one JSON object (docs/BENCHMARKS.md records them).
 */
package io.github.gla4j.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.generate.Decoder;
import io.github.gla4j.generate.Sampling;
import io.github.gla4j.kernels.Gate;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.kernels.Options;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceArena;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.NativeOps;
import io.github.gla4j.model.ops.ProfiledOps;
import io.github.gla4j.train.AdamW;
import io.github.gla4j.train.Batch;
import io.github.gla4j.train.BatchSource;
import io.github.gla4j.train.LearningRateSchedule;
import io.github.gla4j.train.Trainer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.SplittableRandom;
import java.util.concurrent.Callable;
import java.util.stream.IntStream;

@Command(name = "bench", description = "Throughput: the GLA kernels, training steps and generation.",
        subcommands = {BenchCommand.Kernels.class, BenchCommand.Train.class, BenchCommand.Generate.class})
final class BenchCommand {

    /** Dense bf16 tensor-core peak of the H100/H200 SXM (989 TFLOP/s), the denominator of MFU. */
    static final double HOPPER_BF16_PEAK = 989e12;

    /** Options both benchmarks take. */
    static class Common {
        @Spec
        CommandSpec spec;

        @Option(names = "--model", defaultValue = "340M", paramLabel = "PRESET|DIR",
                description = "tiny, 340M, 1.3B (random weights) or a model directory (default: ${DEFAULT-VALUE})")
        String model;

        @Option(names = "--device", defaultValue = "cuda", description = "cpu, cuda or cuda:N (default: "
                + "${DEFAULT-VALUE})")
        String device;

        @Option(names = "--dtype", defaultValue = "bf16", description = "fp32 or bf16 (default: ${DEFAULT-VALUE})")
        String dtype;

        @Option(names = "--json", paramLabel = "FILE", description = "also write the results as JSON")
        Path json;

        Parameters load(PrintWriter out) throws IOException {
            long start = System.nanoTime();
            Parameters params;
            if (Files.isDirectory(Path.of(model))) {
                try (Arena arena = Arena.ofConfined()) {
                    params = Parameters.load(Checkpoint.open(Path.of(model), arena));
                }
            } else {
                params = randomWeights(GlaConfig.preset(model));
            }
            out.printf(Locale.ROOT, "model %s: %,d parameters (%.1f s to make)%n", params.config(),
                    params.config().parameterCount(), (System.nanoTime() - start) / 1e9);
            return params;
        }

        /**
         * Weights distributed as the reference initialises them (N(0, initializer_range), biases 0, norms 1), one
         * random stream per parameter filled in parallel: a 1.3B model in seconds (the speed does not depend on them).
         */
        static Parameters randomWeights(GlaConfig config) {
            Parameters p = Parameters.zeros(config);
            List<String> names = List.copyOf(p.names());
            IntStream.range(0, names.size()).parallel().forEach(i -> {
                HostTensor view = p.get(names.get(i));
                if (names.get(i).endsWith(".bias")) {
                    return;
                }
                boolean norm = view.shape().rank() == 1;
                SplittableRandom random = new SplittableRandom(BatchSource.mix(1, i));
                float[] values = new float[Math.toIntExact(view.elementCount())];
                for (int j = 0; j < values.length; j++) {
                    values[j] = norm ? 1f : (float) (random.nextGaussian() * config.initializerRange());
                }
                view.copyFrom(values);
            });
            return p;
        }

        void write(ObjectNode result) throws IOException {
            if (json != null) {
                new ObjectMapper().writerWithDefaultPrettyPrinter().writeValue(json.toFile(), result);
            }
        }

        /** Bytes in use on the device now (everything: this process's tensors, pools, the CUDA context). */
        static long deviceBytesInUse(ModelRuntime runtime) {
            if (runtime.device().isHost()) {
                return 0;
            }
            Gla.DeviceInfo info = Gla.deviceInfo(GlaH.GLA_BACKEND_CUDA(), runtime.device().index());
            return info.totalMemory() - info.freeMemory();
        }

        static double gib(long bytes) {
            return bytes / 1073741824.0;
        }
    }

    @Command(name = "kernels", mixinStandardHelpOptions = true,
            description = "Chunk forward and forward+backward, gated and ungated, bf16, through the Java API.")
    static final class Kernels extends Common implements Callable<Integer> {
        /** The grid: H16 K=V=128 at 32K tokens per batch, and the paper's 340M and 1.3B layer shapes. */
        static final String[] GRID = {"32,1024,16,128,128", "16,2048,16,128,128", "8,4096,16,128,128",
            "4,8192,16,128,128", "2,16384,16,128,128", "16,2048,4,128,256", "8,2048,4,256,512"};

        @Option(names = "--shapes", arity = "1..*", paramLabel = "B,T,H,K,V", description = "default: the H16 "
                + "K=V=128 32K-token grid and the paper's layer shapes")
        String[] shapes = GRID;

        @Option(names = "--reps", defaultValue = "20", description = "timed calls per case (default: "
                + "${DEFAULT-VALUE})")
        int reps;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            ObjectMapper mapper = new ObjectMapper();
            ObjectNode result = mapper.createObjectNode().put("bench", "kernels");
            var rows = result.putArray("rows");
            try (ModelRuntime runtime = ModelRuntime.open(device, "fp32")) {
                if (runtime.device().isHost()) {
                    throw new IllegalArgumentException("gla bench kernels times the cuda backend; for the cpu use "
                            + "scripts/bench-cpu.sh");
                }
                NativeOps ops = (NativeOps) runtime.ops();
                NativeKernels kernels = runtime.kernels();
                Context context = kernels.context();
                out.printf("%-22s %12s %12s %14s %14s%n", "B,T,H,K,V", "gated fwd", "gated f+b", "ungated fwd",
                        "ungated f+b");
                for (String shape : shapes) {
                    long[] d = Arrays.stream(shape.split(",")).mapToLong(Long::parseLong).toArray();
                    if (d.length != 5) {
                        throw new IllegalArgumentException("--shapes: " + shape + " is not B,T,H,K,V");
                    }
                    try (DeviceArena arena = context.arena()) {
                        long[] qk = {d[0], d[1], d[2], d[3]}, vo = {d[0], d[1], d[2], d[4]};
                        Tensor q = random(ops, arena, qk, 1), k = random(ops, arena, qk, 2), v = random(ops, arena,
                                vo, 3), dout = random(ops, arena, vo, 4);
                        DeviceTensor z = arena.allocate(DType.F32, qk), g = arena.allocate(DType.F32, qk);
                        fill(ops, arena, z, 5);
                        ops.logSigmoidGate(z, 16f, Float.NEGATIVE_INFINITY, g);
                        Tensor o = arena.allocate(DType.BF16, vo), dq = arena.allocate(DType.BF16, qk),
                                dk = arena.allocate(DType.BF16, qk), dv = arena.allocate(DType.BF16, vo);
                        DeviceTensor dg = arena.allocate(DType.F32, qk);
                        Options gated = Options.defaults(), ungated = Options.of(Gate.NONE);
                        double gf = time(context, () -> kernels.chunkForward(gated, q, k, v, g, null, o, null));
                        double gb = time(context, () -> {
                            kernels.chunkForward(gated, q, k, v, g, null, o, null);
                            kernels.chunkBackward(gated, q, k, v, g, null, dout, null, dq, dk, dv, dg, null);
                        });
                        double uf = time(context, () -> kernels.chunkForward(ungated, q, k, v, null, null, o, null));
                        double ub = time(context, () -> {
                            kernels.chunkForward(ungated, q, k, v, null, null, o, null);
                            kernels.chunkBackward(ungated, q, k, v, null, null, dout, null, dq, dk, dv, null, null);
                        });
                        out.printf(Locale.ROOT, "%-22s %12.3f %12.3f %14.3f %14.3f%n", shape, gf, gb, uf, ub);
                        out.flush();
                        rows.addObject().put("shape", shape).put("gated_fwd_ms", gf).put("gated_fwd_bwd_ms", gb)
                                .put("ungated_fwd_ms", uf).put("ungated_fwd_bwd_ms", ub);
                    }
                }
                out.println("times in ms (bf16 inputs, fp32 gates; mean of " + reps + " calls after 3 warm-ups)");
            }
            write(result);
            return 0;
        }

        /** Mean milliseconds of one run of body: reps runs between two synchronizes, after 3 warm-ups. */
        private double time(Context context, Runnable body) {
            for (int i = 0; i < 3; i++) {
                body.run();
            }
            context.synchronize();
            long t0 = System.nanoTime();
            for (int i = 0; i < reps; i++) {
                body.run();
            }
            context.synchronize();
            return (System.nanoTime() - t0) / 1e6 / reps;
        }

        /** A bf16 device tensor of N(0, 1)-like values (made in fp32 on the host once per row, then cast). */
        private static Tensor random(NativeOps ops, DeviceArena arena, long[] dims, long seed) {
            DeviceTensor f32 = arena.allocate(DType.F32, dims);
            fill(ops, arena, f32, seed);
            DeviceTensor bf16 = arena.allocate(DType.BF16, dims);
            ops.cast(f32, bf16);
            return bf16;
        }

        /** t = standard normal values: one host row of 1M values, copied over t with varying offsets. */
        private static void fill(NativeOps ops, DeviceArena arena, DeviceTensor t, long seed) {
            int rowLen = 1 << 20;
            Random random = new Random(seed);
            float[] values = new float[rowLen + 4096];
            for (int i = 0; i < values.length; i++) {
                values[i] = (float) random.nextGaussian();
            }
            DeviceTensor flat = t.reshape(Shape.of(t.elementCount()));
            try (Arena host = Arena.ofConfined()) {
                for (long at = 0; at < flat.elementCount(); at += rowLen) {
                    int n = (int) Math.min(rowLen, flat.elementCount() - at);
                    int shift = random.nextInt(4096);
                    HostTensor chunk = HostTensor.of(host, DType.F32, Shape.of(n),
                            Arrays.copyOfRange(values, shift, shift + n));
                    flat.slice(at, n).copyFrom(chunk);
                }
                ops.context().synchronize();
            }
        }
    }

    @Command(name = "train", mixinStandardHelpOptions = true,
            description = "Tokens/s, step time, peak memory and MFU of training steps on random tokens.")
    static final class Train extends Common implements Callable<Integer> {
        @Option(names = {"--batch-size", "-b"}, defaultValue = "8", description = "default: ${DEFAULT-VALUE}")
        int batch;

        @Option(names = "--seq-len", defaultValue = "2048", description = "default: ${DEFAULT-VALUE}")
        int seqLen;

        @Option(names = "--steps", defaultValue = "10", description = "timed steps (default: ${DEFAULT-VALUE})")
        int steps;

        @Option(names = "--warmup-steps", defaultValue = "2", description = "untimed steps first (default: "
                + "${DEFAULT-VALUE})")
        int warmupSteps;

        @Option(names = "--profile", description = "also time every op (waiting for the device after each, which "
                + "slows the steps) and print where the time goes")
        boolean profile;

        @Option(names = "--recompute", defaultValue = "products", description = "what the backward recomputes: "
                + "products or elementwise (gla train --help; default: ${DEFAULT-VALUE})")
        String recompute;

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (Parameters params = load(out);
                 ModelRuntime runtime = ModelRuntime.open(device, dtype);
                 ParameterSet placed = runtime.place(params);
                 AdamW adamw = new AdamW(new AdamW.Settings(0.9, 0.95, 1e-8, 0.1, true), params.config())) {
                GlaConfig config = params.config();
                BatchSource source = randomTokens(batch, seqLen, config.vocabSize());
                int total = warmupSteps + steps;
                LearningRateSchedule schedule = new LearningRateSchedule(LearningRateSchedule.Kind.CONSTANT, 1e-4,
                        1e-4, 0, total);
                ProfiledOps profiled = profile ? new ProfiledOps(runtime.ops(), runtime.kernels().context()) : null;
                try (Trainer trainer = new Trainer(placed, profiled != null ? profiled.ops() : runtime.ops(), adamw,
                        schedule, 1.0, 1, source, Activations.Recompute.parse(recompute))) {
                    double[] seconds = new double[steps];
                    double loss = Double.NaN;
                    for (int s = 0; s < total; s++) {
                        Trainer.Step step = trainer.step(s);
                        loss = step.loss();
                        if (s >= warmupSteps) {
                            seconds[s - warmupSteps] = step.seconds();
                        } else if (profiled != null) {
                            profiled.reset();
                        }
                        out.printf(Locale.ROOT, "step %d%s: %.1f ms, loss %.4f%n", s + 1,
                                s < warmupSteps ? " (warm-up)" : "", step.seconds() * 1e3, step.loss());
                        out.flush();
                    }
                    Arrays.sort(seconds);
                    double median = seconds[steps / 2];
                    long tokens = (long) batch * seqLen;
                    double tokensPerSecond = tokens / median;
                    double flopsPerToken = 6.0 * config.parameterCount();
                    double mfu = tokensPerSecond * flopsPerToken / HOPPER_BF16_PEAK;
                    long peak = runtime.kernels().context().peakAllocatedBytes(), inUse = deviceBytesInUse(runtime);
                    out.printf(Locale.ROOT, "%s on %s %s, %d × %d tokens: median step %.1f ms, %.0f tokens/s, "
                                    + "MFU %.1f%% (6·N FLOPs/token vs %.0f TFLOP/s), peak %.2f GiB in gla4j tensors, "
                                    + "%.2f GiB in use on the device; final loss %.4f%n", model, runtime.device(),
                            runtime.precision().name().toLowerCase(Locale.ROOT), batch, seqLen, median * 1e3,
                            tokensPerSecond, 100 * mfu, HOPPER_BF16_PEAK / 1e12, gib(peak), gib(inUse), loss);
                    ObjectNode r = new ObjectMapper().createObjectNode();
                    r.put("bench", "train").put("model", model).put("parameters", config.parameterCount())
                            .put("device", runtime.device().toString()).put("dtype", dtype).put("batch", batch)
                            .put("seq_len", seqLen).put("recompute", recompute.toLowerCase(Locale.ROOT))
                            .put("steps", steps).put("median_step_ms", median * 1e3)
                            .put("tokens_per_s", tokensPerSecond).put("mfu", mfu)
                            .put("peak_tensor_gib", gib(peak)).put("device_in_use_gib", gib(inUse))
                            .put("final_loss", loss);
                    if (profiled != null) {
                        out.println("where the " + steps + " timed steps went (op by op, waiting after each):");
                        profiled.report().forEach(out::println);
                    }
                    write(r);
                }
            }
            return 0;
        }

        /** Uniformly random tokens, a fresh batch per index (the throughput does not depend on the data). */
        static BatchSource randomTokens(int batch, int seqLen, int vocab) {
            return new BatchSource() {
                @Override
                public int batchSize() {
                    return batch;
                }

                @Override
                public int seqLen() {
                    return seqLen;
                }

                @Override
                public int vocabSize() {
                    return vocab;
                }

                @Override
                public Batch batch(long index) {
                    Random random = new Random(BatchSource.mix(7, index));
                    int[] ids = new int[batch * seqLen];
                    for (int i = 0; i < ids.length; i++) {
                        ids[i] = random.nextInt(vocab);
                    }
                    return Batch.ofTokens(batch, seqLen, ids);
                }
            };
        }
    }

    @Command(name = "generate", mixinStandardHelpOptions = true,
            description = "Prefill time, decoding tokens/s and memory against context length.")
    static final class Generate extends Common implements Callable<Integer> {
        @Option(names = "--batch", defaultValue = "1", description = "sequences decoded together (default: "
                + "${DEFAULT-VALUE})")
        int batch;

        @Option(names = "--prompt-len", defaultValue = "512", description = "default: ${DEFAULT-VALUE}")
        int promptLen;

        @Option(names = "--new-tokens", defaultValue = "256", description = "timed decoding steps (default: "
                + "${DEFAULT-VALUE})")
        int newTokens;

        @Option(names = "--warmup-seconds", defaultValue = "10", description = "untimed decoding steps first, at "
                + "least 3 and for at least this long: the first ones size buffers and record the graph, the later "
                + "ones let the JIT compile the host's part of a step (on the H200 a batch-1 step was still ~6% "
                + "slower after 3 s; default: ${DEFAULT-VALUE})")
        double warmupSeconds;

        @Option(names = "--context", arity = "0..*", paramLabel = "T", description = "also decode on to these "
                + "context lengths and report the device memory in use at each (e.g. 1024 4096 16384)")
        int[] contexts = new int[0];

        @Override
        public Integer call() throws IOException {
            PrintWriter out = spec.commandLine().getOut();
            try (Parameters params = load(out);
                 ModelRuntime runtime = ModelRuntime.open(device, dtype);
                 ParameterSet placed = runtime.place(params);
                 Decoder decoder = new Decoder(new GlaModel(placed, runtime.ops()))) {
                int vocab = params.config().vocabSize();
                Random random = new Random(3);
                int[][] prompts = new int[batch][promptLen];
                for (int[] p : prompts) {
                    Arrays.setAll(p, i -> random.nextInt(vocab));
                }
                long t0 = System.nanoTime();
                float[][] logits = decoder.prefill(prompts);
                double prefill = (System.nanoTime() - t0) / 1e9;
                int[] next = argmax(logits);
                int warmupSteps = 0;
                for (long w0 = System.nanoTime(); warmupSteps < 3 || System.nanoTime() - w0 < warmupSeconds * 1e9;
                     warmupSteps++) {
                    next = argmax(decoder.step(next));
                }
                long t1 = System.nanoTime();
                for (int i = 0; i < newTokens; i++) {
                    next = argmax(decoder.step(next));
                }
                double perStep = (System.nanoTime() - t1) / 1e9 / newTokens;
                String steps = decoder.fusedSteps() ? "fused products" : "layer ops";
                out.printf(Locale.ROOT, "%s on %s %s, batch %d: prefill of %d tokens %.1f ms; decoding (%s) %.3f ms "
                                + "per step = %.0f tokens/s (after %d warm-up steps)%n", model, runtime.device(),
                        runtime.precision().name().toLowerCase(Locale.ROOT), batch, promptLen, prefill * 1e3, steps,
                        perStep * 1e3, batch / perStep, warmupSteps);
                ObjectNode r = new ObjectMapper().createObjectNode();
                r.put("bench", "generate").put("model", model).put("parameters", params.config().parameterCount())
                        .put("device", runtime.device().toString()).put("dtype", dtype).put("batch", batch)
                        .put("prompt_len", promptLen).put("prefill_ms", prefill * 1e3).put("warmup_steps", warmupSteps)
                        .put("decode_steps", steps)
                        .put("decode_ms_per_step", perStep * 1e3).put("tokens_per_s", batch / perStep);
                var memory = r.putArray("memory");
                long position = promptLen + (long) warmupSteps + newTokens;
                for (int context : contexts) {
                    while (position < context) {
                        next = argmax(decoder.step(next));
                        position++;
                    }
                    long inUse = deviceBytesInUse(runtime);
                    out.printf(Locale.ROOT, "context %,d tokens: %.3f GiB in use on the device%n", position,
                            gib(inUse));
                    memory.addObject().put("context", position).put("device_in_use_gib", gib(inUse));
                }
                write(r);
            }
            return 0;
        }

        private static int[] argmax(float[][] logits) {
            int[] ids = new int[logits.length];
            for (int b = 0; b < logits.length; b++) {
                ids[b] = Sampling.argmax(logits[b]);
            }
            return ids;
        }
    }
}

/*
 * NativeModelTest — the GLA Transformer on the native layer ops (NativeOps): the reference's golden logits, loss and
 * gradients of tiny-public, and random models that cover every feature (GQA, tied embeddings, clamp_min, padding,
 * uneven sizes) against the Java cpu ops (CpuOps) in both kernel forms. On the cpu backend everywhere; on cuda in
 * fp32 and bf16 where a device is present (the GPU suite). Tolerances: NativeRuntimes. Also: bf16 keeps the
 * activations in bf16, keeping the products' outputs (Activations.Recompute) changes no bit, and NativeOps rejects
 * tensors of the wrong dtype or size.
 * Run: ./mvnw -o -q test -Dtest=NativeModelTest -Dnative.asan.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.ops.CpuOps;
import io.github.gla4j.model.ops.Ops;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.Tensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.util.Random;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class NativeModelTest {

    /** Logits, loss and all gradients (in the reference's order) of one forward + backward. */
    private record Run(float[] logits, double loss, float[] grads) {
    }

    private static Run run(Ops ops, ParameterSet params, ParameterSet grads, AttentionMode mode, int batch,
                           int seqLen, int[] ids) {
        return run(ops, params, grads, mode, batch, seqLen, ids, Activations.Recompute.PRODUCTS);
    }

    private static Run run(Ops ops, ParameterSet params, ParameterSet grads, AttentionMode mode, int batch,
                           int seqLen, int[] ids, Activations.Recompute recompute) {
        GlaModel model = new GlaModel(params, ops, mode);
        grads.zero();
        try (Activations acts = model.newActivations(batch, seqLen, recompute)) {
            double loss = model.forward(acts, ids, ids);
            float[] logits = ModelRuntime.toFloats(acts.logits());
            model.backward(acts, grads);
            return new Run(logits, loss, ModelRuntime.toFloats(grads.flat()));
        }
    }

    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void reproducesTheGoldenModel(NativeRuntimes runtime) throws IOException {
        try (Arena arena = Arena.ofConfined();
             NativeRuntimes.Open rt = runtime.open();
             Parameters params = Parameters.load(Checkpoint.open(GoldenModelTest.golden(), arena));
             ParameterSet placed = rt.place(params);
             ParameterSet grads = rt.zeros(params.config());
             Parameters hostGrads = Parameters.zeros(params.config())) {
            SafeTensorsFile expected = SafeTensors.open(GoldenModelTest.golden().resolve("golden.safetensors"), arena);
            SafeTensor inputIds = expected.tensor("input_ids");
            int[] ids = GoldenModelTest.ids(inputIds);
            Run r = run(rt.ops(), placed, grads, AttentionMode.CHUNK, (int) inputIds.dim(0), (int) inputIds.dim(1),
                    ids);
            double logitsError = Errors.relRms(r.logits, expected.tensor("logits").toFloats());
            float expectedLoss = expected.tensor("loss").toFloats()[0];
            double lossError = Math.abs(r.loss - expectedLoss) / expectedLoss;
            System.out.printf("golden on %s: logits %.2e, loss %.2e%n", runtime, logitsError, lossError);
            assertTrue(logitsError < runtime.logitsTolerance, "logits relative RMS error " + logitsError);
            assertTrue(lossError < runtime.logitsTolerance, "loss relative error " + lossError);
            ModelRuntime.copyToHost(grads, hostGrads);
            double worst = 0;
            int checked = 0;
            for (String name : expected.names()) {
                if (name.startsWith("grad.")) {
                    double error = Errors.relRms(hostGrads.get(name.substring(5)).toFloatArray(),
                            expected.tensor(name).toFloats());
                    worst = Math.max(worst, error);
                    assertTrue(error < runtime.gradientTolerance, name + " relative RMS error " + error);
                    checked++;
                }
            }
            System.out.printf("golden on %s: worst of %d gradients %.2e%n", runtime, checked, worst);
            assertEquals(17, checked);
        }
    }

    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void matchesTheJavaOpsOnEveryFeature(NativeRuntimes runtime) {
        GlaConfig[] configs = {
            GlaConfig.builder().hiddenSize(48).numHiddenLayers(2).numHeads(4).numKvHeads(2).vocabSize(50)
                    .intermediateSize(40).build(),
            GlaConfig.builder().hiddenSize(40).numHiddenLayers(1).numHeads(2).vocabSize(37).intermediateSize(24)
                    .tieWordEmbeddings(true).clampMin(-0.3).padTokenId(3).build(),
        };
        // Random weights of std 0.2 (ten times the initializer range) and tiny heads (head_k 6) round worse in bf16
        // than a trained or freshly initialised model, and by chance: over 8 weight seeds on the cpu the GQA model's
        // gradients are 3.9e-2 to 1.0e-1 off in relative RMS (logits 1.5e-2 to 3.1e-2). bf16 is held to three
        // times its golden-model tolerance here; a wrong op is off by order 1.
        double scale = runtime.bf16() ? 3 : 1;
        try (NativeRuntimes.Open rt = runtime.open(); NativeKernels cpu = Kernels.cpu()) {
            for (GlaConfig config : configs) {
                for (AttentionMode mode : new AttentionMode[]{AttentionMode.CHUNK, AttentionMode.RECURRENT}) {
                    int batch = 2, seqLen = 70;
                    int[] ids = TestModels.randomIds(new Random(5), batch * seqLen, config.vocabSize());
                    ids[7] = 3;   // the padding id, where there is one
                    try (Parameters params = TestModels.randomParameters(config, 11);
                         Parameters cpuGrads = Parameters.zeros(config);
                         ParameterSet placed = rt.place(params);
                         ParameterSet grads = rt.zeros(config)) {
                        Run expected = run(new CpuOps(cpu), params, cpuGrads, mode, batch, seqLen, ids);
                        Run actual = run(rt.ops(), placed, grads, mode, batch, seqLen, ids);
                        double logits = Errors.relRms(actual.logits, expected.logits);
                        double gradients = Errors.relRms(actual.grads, expected.grads);
                        System.out.printf("%s %s %s: logits %.2e, loss %.2e, gradients %.2e%n", runtime, config,
                                mode, logits, Math.abs(actual.loss - expected.loss) / expected.loss, gradients);
                        assertTrue(logits < scale * runtime.logitsTolerance, "logits " + logits);
                        assertEquals(expected.loss, actual.loss, scale * runtime.logitsTolerance * expected.loss);
                        assertTrue(gradients < scale * runtime.gradientTolerance, "gradients " + gradients);
                    }
                }
            }
        }
    }

    /** Keeping the products' outputs (Recompute.ELEMENTWISE) changes no bit of the logits, loss or gradients. */
    @ParameterizedTest
    @EnumSource(NativeRuntimes.class)
    void recomputingLessGivesTheSameBits(NativeRuntimes runtime) {
        GlaConfig config = GlaConfig.builder().hiddenSize(48).numHiddenLayers(2).numHeads(4).numKvHeads(2)
                .vocabSize(50).intermediateSize(40).build();
        int batch = 2, seqLen = 70;
        int[] ids = TestModels.randomIds(new Random(6), batch * seqLen, config.vocabSize());
        try (NativeRuntimes.Open rt = runtime.open();
             Parameters params = TestModels.randomParameters(config, 12);
             ParameterSet placed = rt.place(params);
             ParameterSet grads = rt.zeros(config)) {
            Run products = run(rt.ops(), placed, grads, AttentionMode.CHUNK, batch, seqLen, ids,
                    Activations.Recompute.PRODUCTS);
            Run elementwise = run(rt.ops(), placed, grads, AttentionMode.CHUNK, batch, seqLen, ids,
                    Activations.Recompute.ELEMENTWISE);
            assertArrayEquals(products.logits, elementwise.logits);
            assertEquals(products.loss, elementwise.loss);
            assertArrayEquals(products.grads, elementwise.grads);
        }
    }

    /**
     * Mixed precision keeps the activations in bf16 (the logits too): every tensor the backward reads but the norms'
     * rstd, the gates fed to the kernels and the residual stream.
     */
    @Test
    void bf16KeepsTheActivationsInBf16() {
        GlaConfig config = GlaConfig.builder().hiddenSize(48).numHiddenLayers(2).numHeads(4).numKvHeads(2)
                .vocabSize(50).intermediateSize(40).build();
        long[] bytes = new long[2];
        for (NativeRuntimes runtime : new NativeRuntimes[]{NativeRuntimes.CPU, NativeRuntimes.CPU_BF16}) {
            try (NativeRuntimes.Open rt = runtime.open(); Parameters params = TestModels.randomParameters(config, 3);
                 ParameterSet placed = rt.place(params)) {
                GlaModel model = new GlaModel(placed, rt.ops(), AttentionMode.CHUNK);
                long before = rt.kernels().context().allocatedBytes();
                try (Activations acts = model.newActivations(2, 70)) {
                    bytes[runtime.bf16() ? 1 : 0] = rt.kernels().context().allocatedBytes() - before;
                    model.forward(acts, TestModels.randomIds(new Random(1), 140, 50), null);
                    DType act = runtime.bf16() ? DType.BF16 : DType.F32;
                    for (Activations.Layer a : acts.layers) {
                        for (Tensor t : new Tensor[]{a.q, a.k, a.v, a.gkLow, a.kHeads, a.vHeads, a.o, a.gate}) {
                            assertEquals(act, t.dtype(), t.toString());
                        }
                    }
                    Activations.Recomputed r = acts.recomputed;
                    for (Tensor t : new Tensor[]{r.h, r.gkLogit, r.y, r.m, r.mlpGate, r.mlpUp, r.act, acts.normed,
                            acts.logits}) {
                        assertEquals(act, t.dtype(), t.toString());
                    }
                    for (Tensor t : new Tensor[]{r.attnRstd, r.g, r.gHeads, r.outRstd, r.mid, r.mlpRstd}) {
                        assertEquals(DType.F32, t.dtype(), t.toString());
                    }
                }
            }
        }
        double ratio = (double) bytes[1] / bytes[0];
        System.out.printf("activations: fp32 %d bytes, bf16 %d bytes (%.2f)%n", bytes[0], bytes[1], ratio);
        assertTrue(ratio < 0.75, "bf16 activations take " + ratio + " of the fp32 ones");
    }

    /** NativeOps checks dtypes and sizes before calling the library, naming the op and the argument. */
    @Test
    void nativeOpsRejectTensorsOfTheWrongTypeOrSize() {
        try (NativeRuntimes.Open bf16 = NativeRuntimes.CPU_BF16.open(); NativeRuntimes.Open fp32 =
                NativeRuntimes.CPU.open(); Ops.Scope s = bf16.ops().newScope(); Ops.Scope s32 = fp32.ops().newScope()) {
            Ops ops = bf16.ops();
            Tensor x16 = s.allocate(DType.BF16, 3, 8), x32 = s.allocate(3, 8), w = s.allocate(8), rstd = s.allocate(3);
            assertThrowsWith("rmsNorm: x must be fp32", () -> ops.rmsNorm(x16, w, 1e-6f, x32, rstd));
            assertThrowsWith("rmsNorm: y must be fp32 or bf16 with 24 elements",
                    () -> ops.rmsNorm(x32, w, 1e-6f, s.allocate(DType.BF16, 3, 7), rstd));
            assertThrowsWith("swiGlu: a and b must have one dtype", () -> ops.swiGlu(x16, x32, x16));
            assertThrowsWith("add: a, b, out must be fp32 with 24 elements",
                    () -> ops.add(x32, s.allocate(3, 7), x32));
            assertThrowsWith("logSigmoidGate: g must be fp32", () -> ops.logSigmoidGate(x32, 16f, -1f, x16));
            Tensor y32 = s32.allocate(3, 8), w32 = s32.allocate(8, 8);
            assertThrowsWith("fp32 precision multiplies fp32 tensors",
                    () -> fp32.ops().linear(s32.allocate(DType.BF16, 3, 8), w32, null, y32));
        }
    }

    private static void assertThrowsWith(String message, Executable call) {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, call);
        assertTrue(e.getMessage().contains(message), e.getMessage());
    }
}

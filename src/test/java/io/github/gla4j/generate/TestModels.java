/*
 * TestModels.java — models for the generation tests: the reference's tiny-public checkpoint (test resources
 * golden/tiny-public) with its golden prompt and greedy continuation, and a small random GQA model whose weights
 * are spread wide enough (N(0, 0.2), norms 1 ± 0.3, biases N(0, 0.5)) that logits differ clearly between positions.
 * A Loaded owns the parameters and kernels; close it.
 */
package io.github.gla4j.generate;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.CpuOps;
import io.github.gla4j.model.safetensors.SafeTensors;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.Random;

final class TestModels {

    private TestModels() {
    }

    record Loaded(GlaModel model, Parameters params, NativeKernels kernels) implements AutoCloseable {
        @Override
        public void close() {
            params.close();
            kernels.close();
        }
    }

    static Path golden() {
        try {
            return Path.of(TestModels.class.getResource("/golden/tiny-public").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static Loaded tinyPublic() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            return loaded(Parameters.load(Checkpoint.open(golden(), arena)));
        }
    }

    /** d 32, 2 layers, 4 heads over 2 key/value heads (head_k 4, head_v 8), MLP 48, vocab 37. */
    static Loaded randomGqa(long seed) {
        GlaConfig config = GlaConfig.builder().hiddenSize(32).numHiddenLayers(2).numHeads(4).numKvHeads(2)
                .intermediateSize(48).vocabSize(37).build();
        Parameters p = Parameters.zeros(config);
        Random random = new Random(seed);
        for (String name : p.names()) {
            HostTensor view = p.get(name);
            float[] values = new float[Math.toIntExact(view.elementCount())];
            boolean bias = name.endsWith(".bias"), norm = !bias && view.shape().rank() == 1;
            for (int i = 0; i < values.length; i++) {
                double z = random.nextGaussian();
                values[i] = (float) (norm ? 1 + 0.3 * z : bias ? 0.5 * z : 0.2 * z);
            }
            view.copyFrom(values);
        }
        return loaded(p);
    }

    private static Loaded loaded(Parameters params) {
        NativeKernels kernels = Kernels.cpu();
        return new Loaded(new GlaModel(params, new CpuOps(kernels)), params, kernels);
    }

    /** The golden file's int64 tensor as ints. */
    static int[] goldenIds(String name) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            long[] longs = SafeTensors.open(golden().resolve("golden.safetensors"), arena).tensor(name).toLongs();
            int[] ids = new int[longs.length];
            for (int i = 0; i < ids.length; i++) {
                ids[i] = Math.toIntExact(longs[i]);
            }
            return ids;
        }
    }

    /** Logits [T][vocab] of one full forward pass over ids (the training forward, batch 1). */
    static float[][] fullForward(GlaModel model, int[] ids) {
        int vocab = model.config().vocabSize();
        try (Activations acts = model.newActivations(1, ids.length)) {
            model.forward(acts, ids, null);
            float[] all = ((HostTensor) acts.logits()).toFloatArray();
            float[][] rows = new float[ids.length][];
            for (int t = 0; t < ids.length; t++) {
                rows[t] = java.util.Arrays.copyOfRange(all, t * vocab, (t + 1) * vocab);
            }
            return rows;
        }
    }

    static int[] randomIds(Random random, int n, int vocab) {
        int[] ids = new int[n];
        for (int i = 0; i < n; i++) {
            ids[i] = random.nextInt(vocab);
        }
        return ids;
    }

    /** ‖a − b‖ / ‖b‖; infinite when a holds a NaN or an infinity. */
    static double relRms(float[] a, float[] b) {
        double num = 0, den = 0;
        for (int i = 0; i < a.length; i++) {
            if (!Float.isFinite(a[i])) {
                return Double.POSITIVE_INFINITY;
            }
            num += (a[i] - (double) b[i]) * (a[i] - (double) b[i]);
            den += b[i] * (double) b[i];
        }
        return Math.sqrt(num / den);
    }
}

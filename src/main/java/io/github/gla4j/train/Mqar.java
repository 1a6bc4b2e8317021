/*
 * Mqar.java — multi-query associative recall (MQAR; Arora et al., "Zoology", 2023), the synthetic task the GLA paper
 * uses to probe recall, generated on the fly. Each sequence of seqLen tokens over a vocabulary of V:
 *
 *   k1 v1 k2 v2 … kN vN | 0 … kσ(1) 0 … kσ(2) 0 … kσ(N) 0 …
 *
 * N distinct keys from [1, V/2) each followed by its value from [V/2, V) (values distinct too), then the N keys again
 * in a random order at random even offsets of the rest, everything else 0. The only targets are the queries: at the
 * position of a repeated key the model must predict that key's value. Accuracy is the fraction of queries whose
 * arg-max prediction is the value. Batch i is a pure function of (seed, stream, i). Tested by MqarTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.ops.CrossEntropy;

import java.util.Arrays;
import java.util.Random;

public final class Mqar implements BatchSource {

    /** Training batches come from stream 0; validation uses another stream of the same seed. */
    public static final int TRAIN_STREAM = 0;
    public static final int VALIDATION_STREAM = 1;

    /** The task's shape: vocabulary V, N key-value pairs, sequence length, rows per batch. */
    public record Settings(int vocabSize, int pairs, int seqLen, int batch) {
        public Settings {
            if (pairs < 1) {
                throw new IllegalArgumentException("MQAR: pairs " + pairs + " must be ≥ 1");
            }
            if (vocabSize / 2 - 1 < pairs) {
                throw new IllegalArgumentException("MQAR: vocabulary " + vocabSize + " has " + (vocabSize / 2 - 1)
                        + " keys, fewer than the " + pairs + " pairs; use a vocabulary ≥ " + 2 * (pairs + 1));
            }
            if (seqLen < 4 * pairs) {
                throw new IllegalArgumentException("MQAR: sequence length " + seqLen + " cannot hold " + pairs
                        + " pairs and their queries; it must be ≥ 4 · pairs = " + 4 * pairs);
            }
            if (batch < 1) {
                throw new IllegalArgumentException("MQAR: batch " + batch + " must be ≥ 1");
            }
        }
    }

    private final Settings settings;
    private final long seed;
    private final int stream;

    public Mqar(Settings settings, long seed, int stream) {
        this.settings = settings;
        this.seed = seed;
        this.stream = stream;
    }

    public Settings settings() {
        return settings;
    }

    @Override
    public int batchSize() {
        return settings.batch;
    }

    @Override
    public int seqLen() {
        return settings.seqLen;
    }

    @Override
    public int vocabSize() {
        return settings.vocabSize;
    }

    @Override
    public Batch batch(long index) {
        int t = settings.seqLen, n = settings.pairs, v = settings.vocabSize, half = v / 2;
        Random random = new Random(BatchSource.mix(seed ^ (0x5DEECE66DL * (stream + 1)), index));
        int[] ids = new int[settings.batch * t];
        int[] labels = new int[ids.length];
        Arrays.fill(labels, CrossEntropy.IGNORE_INDEX);
        int[] keyPool = new int[half - 1];
        int[] valuePool = new int[v - half];
        int[] slots = new int[(t - 2 * n) / 2];
        for (int row = 0; row < settings.batch; row++) {
            int base = row * t;
            for (int i = 0; i < keyPool.length; i++) {
                keyPool[i] = 1 + i;
            }
            for (int i = 0; i < valuePool.length; i++) {
                valuePool[i] = half + i;
            }
            for (int i = 0; i < slots.length; i++) {
                slots[i] = i;
            }
            shuffleFirst(keyPool, n, random);
            shuffleFirst(valuePool, n, random);
            shuffleFirst(slots, n, random);
            for (int p = 0; p < n; p++) {
                ids[base + 2 * p] = keyPool[p];
                ids[base + 2 * p + 1] = valuePool[p];
            }
            // Query p asks for the pair in query slot p (slots are random, so the order of the queries is too).
            for (int p = 0; p < n; p++) {
                int pos = 2 * n + 2 * slots[p];
                ids[base + pos] = keyPool[p];
                labels[base + pos + 1] = valuePool[p];
            }
        }
        return new Batch(settings.batch, t, ids, labels);
    }

    /** Moves a uniformly random choice of k distinct elements, in random order, to a[0..k) (partial Fisher–Yates). */
    private static void shuffleFirst(int[] a, int k, Random random) {
        for (int i = 0; i < k; i++) {
            int j = i + random.nextInt(a.length - i);
            int tmp = a[i];
            a[i] = a[j];
            a[j] = tmp;
        }
    }
}

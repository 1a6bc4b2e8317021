/*
 * BatchSource.java — where training batches come from. batch(i) is a pure function of the micro-batch index i (and
 * the source's seed), so the data position of a run is just a counter: a resumed run draws exactly the batches the
 * uninterrupted run would have drawn, without saving any generator state.
 */
package io.github.gla4j.train;

public interface BatchSource {

    int batchSize();

    int seqLen();

    /** The largest token id this source can produce, plus one (the model's vocab_size must be at least this). */
    int vocabSize();

    /** Micro-batch number index (≥ 0). */
    Batch batch(long index);

    /** A well-mixed 64-bit seed for item index of stream seed (SplitMix64's finalizer), for java.util.Random. */
    static long mix(long seed, long index) {
        long z = seed * 0x9E3779B97F4A7C15L + index + 0x632BE59BD9B4E019L;
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }
}

/*
 * GenerationConfig.java — what a Generator run does besides the prompts: how many new tokens at most, how each is
 * chosen (Sampling), the seed of the random draws, the tokens that end a sequence, and how many prompt tokens per
 * sequence one prefill pass takes (Decoder.prefillChunk). Immutable; with* methods return copies.
 *   GenerationConfig.greedy(64).withStopTokens(2)
 *   GenerationConfig.sampling(Sampling.temperature(0.8f).withTopP(0.95f), 128).withSeed(42)
 */
package io.github.gla4j.generate;

import java.util.Arrays;

public record GenerationConfig(int maxNewTokens, Sampling sampling, long seed, int[] stopTokens, int prefillChunk) {

    public GenerationConfig {
        if (maxNewTokens < 0) {
            throw new IllegalArgumentException("GenerationConfig: maxNewTokens must be ≥ 0, got " + maxNewTokens);
        }
        if (sampling == null) {
            throw new IllegalArgumentException("GenerationConfig: sampling must not be null (Sampling.greedy())");
        }
        if (prefillChunk < 1) {
            throw new IllegalArgumentException("GenerationConfig: prefillChunk must be ≥ 1, got " + prefillChunk);
        }
        stopTokens = stopTokens == null ? new int[0] : stopTokens.clone();
    }

    public static GenerationConfig greedy(int maxNewTokens) {
        return sampling(Sampling.greedy(), maxNewTokens);
    }

    public static GenerationConfig sampling(Sampling sampling, int maxNewTokens) {
        return new GenerationConfig(maxNewTokens, sampling, 0, null, Decoder.DEFAULT_PREFILL_CHUNK);
    }

    public GenerationConfig withMaxNewTokens(int n) {
        return new GenerationConfig(n, sampling, seed, stopTokens, prefillChunk);
    }

    public GenerationConfig withSampling(Sampling s) {
        return new GenerationConfig(maxNewTokens, s, seed, stopTokens, prefillChunk);
    }

    /** Sequence b of a batch draws from a stream seeded with seed + b (so a batch reproduces one-by-one runs). */
    public GenerationConfig withSeed(long s) {
        return new GenerationConfig(maxNewTokens, sampling, s, stopTokens, prefillChunk);
    }

    /** Tokens that end a sequence when chosen (they are not part of its generated tokens). */
    public GenerationConfig withStopTokens(int... tokens) {
        return new GenerationConfig(maxNewTokens, sampling, seed, tokens, prefillChunk);
    }

    public GenerationConfig withPrefillChunk(int tokens) {
        return new GenerationConfig(maxNewTokens, sampling, seed, stopTokens, tokens);
    }

    @Override
    public int[] stopTokens() {
        return stopTokens.clone();
    }

    boolean isStop(int token) {
        for (int s : stopTokens) {
            if (s == token) {
                return true;
            }
        }
        return false;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof GenerationConfig c && maxNewTokens == c.maxNewTokens && sampling.equals(c.sampling)
                && seed == c.seed && Arrays.equals(stopTokens, c.stopTokens) && prefillChunk == c.prefillChunk;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(stopTokens) + Long.hashCode(seed) + 17 * maxNewTokens + sampling.hashCode()
                + prefillChunk;
    }

    @Override
    public String toString() {
        return "GenerationConfig[maxNewTokens=" + maxNewTokens + ", sampling=" + sampling + ", seed=" + seed
                + ", stopTokens=" + Arrays.toString(stopTokens) + ", prefillChunk=" + prefillChunk + "]";
    }
}

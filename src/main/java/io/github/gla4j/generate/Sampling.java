/*
 * Sampling.java — how the next token is chosen from a row of logits, with the semantics of Hugging Face's
 * generate() and in its order:
 *   1. repetition penalty p (1 = off): every token already in the sequence (prompt and generated) has its logit
 *      divided by p when positive and multiplied by p when negative
 *   2. greedy (temperature 0): the first index of the largest logit — nothing below applies
 *   3. temperature T: logits / T
 *   4. top-k (0 = off): logits below the k-th largest become −∞ (ties with it are kept)
 *   5. top-p (1 = off): in order of decreasing probability, keep the smallest prefix whose probability reaches p
 *      (a token is kept when the probability before it is < p; the most probable token is always kept)
 *   6. a draw from the softmax of what is left, by inverting its cumulative distribution with one uniform number
 * Each step is a static method so that it can be tested alone. Tested by SamplingTest.
 */
package io.github.gla4j.generate;

import java.util.Arrays;
import java.util.random.RandomGenerator;

public record Sampling(float temperature, int topK, float topP, float repetitionPenalty) {

    private static final Sampling GREEDY = new Sampling(0f, 0, 1f, 1f);

    public Sampling {
        if (!(temperature >= 0) || Float.isInfinite(temperature)) {
            throw new IllegalArgumentException("Sampling: temperature must be finite and ≥ 0 (0 = greedy), got "
                    + temperature);
        }
        if (topK < 0) {
            throw new IllegalArgumentException("Sampling: top-k must be ≥ 0 (0 = off), got " + topK);
        }
        if (!(topP > 0 && topP <= 1)) {
            throw new IllegalArgumentException("Sampling: top-p must be in (0, 1] (1 = off), got " + topP);
        }
        if (!(repetitionPenalty > 0) || Float.isInfinite(repetitionPenalty)) {
            throw new IllegalArgumentException("Sampling: repetition penalty must be finite and > 0 (1 = off), got "
                    + repetitionPenalty);
        }
    }

    /** The largest logit every time. */
    public static Sampling greedy() {
        return GREEDY;
    }

    /** Sampling at this temperature, no top-k, no top-p, no repetition penalty. */
    public static Sampling temperature(float temperature) {
        return new Sampling(temperature, 0, 1f, 1f);
    }

    public Sampling withTopK(int k) {
        return new Sampling(temperature, k, topP, repetitionPenalty);
    }

    public Sampling withTopP(float p) {
        return new Sampling(temperature, topK, p, repetitionPenalty);
    }

    public Sampling withRepetitionPenalty(float penalty) {
        return new Sampling(temperature, topK, topP, penalty);
    }

    public boolean isGreedy() {
        return temperature == 0;
    }

    /**
     * The next token after logits (modified in place) for a sequence holding the tokens seen[0, seenCount); random
     * is drawn from once unless greedy.
     */
    public int next(float[] logits, int[] seen, int seenCount, RandomGenerator random) {
        if (repetitionPenalty != 1f) {
            repetitionPenalty(logits, seen, seenCount, repetitionPenalty);
        }
        if (isGreedy()) {
            return argmax(logits);
        }
        temperature(logits, temperature);
        if (topK > 0) {
            topK(logits, topK);
        }
        if (topP < 1f) {
            topP(logits, topP);
        }
        return draw(logits, random.nextDouble());
    }

    /** Penalizes each distinct token of seen[0, count) once: logit / p if positive, else logit · p. */
    public static void repetitionPenalty(float[] logits, int[] seen, int count, float penalty) {
        boolean[] done = new boolean[logits.length];
        for (int i = 0; i < count; i++) {
            int t = seen[i];
            if (!done[t]) {
                done[t] = true;
                logits[t] = logits[t] > 0 ? logits[t] / penalty : logits[t] * penalty;
            }
        }
    }

    /**
     * The first index of the largest value; NaN never wins (0 when every value is NaN). The running maximum stays in
     * a register and its branch is almost never taken: a decoding step's 32K logits in ~10 µs, not ~35.
     */
    public static int argmax(float[] logits) {
        int best = -1;
        float max = Float.NEGATIVE_INFINITY;
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] > max) {
                max = logits[i];
                best = i;
            }
        }
        if (best < 0) {   // no value above −∞: the first −∞ if any
            for (int i = 0; i < logits.length; i++) {
                if (logits[i] == Float.NEGATIVE_INFINITY) {
                    return i;
                }
            }
            return 0;
        }
        return best;
    }

    public static void temperature(float[] logits, float temperature) {
        for (int i = 0; i < logits.length; i++) {
            logits[i] /= temperature;
        }
    }

    /** Logits below the k-th largest become −∞ (every logit equal to it stays). */
    public static void topK(float[] logits, int k) {
        if (k >= logits.length) {
            return;
        }
        float[] sorted = logits.clone();
        Arrays.sort(sorted);
        float kth = sorted[sorted.length - k];
        for (int i = 0; i < logits.length; i++) {
            if (logits[i] < kth) {
                logits[i] = Float.NEGATIVE_INFINITY;
            }
        }
    }

    /**
     * Nucleus filtering: with tokens in order of decreasing probability (ties by index), a token stays when the
     * probability of the tokens before it is < p; the others become −∞.
     */
    public static void topP(float[] logits, float p) {
        double[] probs = softmax(logits);
        Integer[] order = new Integer[logits.length];
        for (int i = 0; i < order.length; i++) {
            order[i] = i;
        }
        Arrays.sort(order, (a, b) -> probs[a] != probs[b] ? Double.compare(probs[b], probs[a]) : Integer.compare(a, b));
        double before = 0;
        for (int i = 0; i < order.length; i++) {
            if (i > 0 && before >= p) {
                logits[order[i]] = Float.NEGATIVE_INFINITY;
            }
            before += probs[order[i]];
        }
    }

    /** softmax in double; −∞ logits get probability 0. */
    public static double[] softmax(float[] logits) {
        float max = Float.NEGATIVE_INFINITY;
        for (float l : logits) {
            max = Math.max(max, l);
        }
        if (max == Float.NEGATIVE_INFINITY || Float.isNaN(max)) {
            throw new IllegalArgumentException("Sampling: no token left to choose from (logits all −∞ or NaN)");
        }
        double[] p = new double[logits.length];
        double sum = 0;
        for (int i = 0; i < logits.length; i++) {
            p[i] = Math.exp((double) logits[i] - max);
            sum += p[i];
        }
        for (int i = 0; i < p.length; i++) {
            p[i] /= sum;
        }
        return p;
    }

    /** The token whose cumulative-probability interval of softmax(logits) holds u ∈ [0, 1). */
    public static int draw(float[] logits, double u) {
        double[] p = softmax(logits);
        double cumulative = 0;
        int last = -1;
        for (int i = 0; i < p.length; i++) {
            if (p[i] > 0) {
                cumulative += p[i];
                last = i;
                if (u < cumulative) {
                    return i;
                }
            }
        }
        return last; // u within rounding of 1
    }
}

/*
 * SamplingTest: the semantics of each step of Sampling on hand-made logits (repetition penalty, greedy, temperature,
 * top-k, top-p, the draw), their order, the observed frequencies of many draws, and argument checks.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.generate.SamplingTest' -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import org.junit.jupiter.api.Test;

import java.util.SplittableRandom;
import java.util.random.RandomGenerator;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class SamplingTest {

    static final float NEG_INF = Float.NEGATIVE_INFINITY;

    /** Logits whose softmax is exactly probs (log of each). */
    static float[] logitsOf(double... probs) {
        float[] l = new float[probs.length];
        for (int i = 0; i < l.length; i++) {
            l[i] = probs[i] == 0 ? NEG_INF : (float) Math.log(probs[i]);
        }
        return l;
    }

    @Test
    void repetitionPenaltyDividesPositiveAndMultipliesNegativeLogitsOfSeenTokensOnce() {
        float[] l = {2f, -2f, 3f, -1f, 0f};
        Sampling.repetitionPenalty(l, new int[]{0, 1, 0, 4, 99}, 4, 2f);  // token 0 twice, 99 beyond the count
        assertArrayEquals(new float[]{1f, -4f, 3f, -1f, 0f}, l);
    }

    @Test
    void greedyTakesTheFirstLargestAfterThePenaltyAndNeverDraws() {
        assertEquals(1, Sampling.argmax(new float[]{1f, 5f, 5f, -3f}));
        assertEquals(2, Sampling.argmax(new float[]{Float.NaN, 1f, 2f}));
        assertEquals(1, Sampling.argmax(new float[]{Float.NaN, Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        assertEquals(0, Sampling.argmax(new float[]{Float.NEGATIVE_INFINITY, Float.NEGATIVE_INFINITY}));
        assertEquals(0, Sampling.argmax(new float[]{Float.NaN, Float.NaN}));
        assertEquals(3, Sampling.argmax(new float[]{-2f, Float.NaN, -1f, 4f, 4f}));
        RandomGenerator mustNotBeUsed = () -> {
            throw new AssertionError("greedy drew a random number");
        };
        float[] l = {4f, 3f, 1f};
        // token 0 seen: 4 / 2 = 2 < 3, so the penalty moves greedy to token 1
        assertEquals(1, Sampling.greedy().withRepetitionPenalty(2f).next(l, new int[]{0}, 1, mustNotBeUsed));
        assertEquals(0, Sampling.greedy().next(new float[]{4f, 3f, 1f}, new int[0], 0, mustNotBeUsed));
        assertEquals(0, Sampling.temperature(0f).next(new float[]{4f, 3f, 1f}, new int[0], 0, mustNotBeUsed));
    }

    @Test
    void temperatureDividesTheLogits() {
        float[] l = {1f, -2f, 4f};
        Sampling.temperature(l, 0.5f);
        assertArrayEquals(new float[]{2f, -4f, 8f}, l);
    }

    @Test
    void topKKeepsTheKLargestAndTiesWithTheKth() {
        float[] l = {1f, 5f, 3f, 3f, 0f};
        Sampling.topK(l, 2);
        assertArrayEquals(new float[]{NEG_INF, 5f, 3f, 3f, NEG_INF}, l, "3 is the 2nd largest: both 3s stay");
        float[] all = {1f, 2f};
        Sampling.topK(all, 5);
        assertArrayEquals(new float[]{1f, 2f}, all);
    }

    @Test
    void topPKeepsTheSmallestPrefixThatReachesP() {
        double[] probs = {0.15, 0.5, 0.05, 0.3};
        float[] l = logitsOf(probs);
        Sampling.topP(l, 0.75f);  // 0.5 + 0.3 reaches p: 0.15 and 0.05 go
        assertEquals(NEG_INF, l[0]);
        assertEquals(NEG_INF, l[2]);
        assertTrue(l[1] > NEG_INF && l[3] > NEG_INF);

        float[] l2 = logitsOf(probs);
        Sampling.topP(l2, 0.85f);  // needs 0.5 + 0.3 + 0.15; 0.05 goes
        assertTrue(l2[0] > NEG_INF && l2[1] > NEG_INF && l2[3] > NEG_INF);
        assertEquals(NEG_INF, l2[2]);

        float[] l3 = logitsOf(probs);
        Sampling.topP(l3, 0.01f);  // the most probable token always stays
        assertEquals(1, countFinite(l3));
        assertTrue(l3[1] > NEG_INF);
    }

    @Test
    void drawInvertsTheCumulativeDistribution() {
        float[] l = logitsOf(0.25, 0, 0.5, 0.25);
        assertEquals(0, Sampling.draw(l, 0.0));
        assertEquals(0, Sampling.draw(l, 0.2499));
        assertEquals(2, Sampling.draw(l, 0.2501));
        assertEquals(2, Sampling.draw(l, 0.7499));
        assertEquals(3, Sampling.draw(l, 0.7501));
        assertEquals(3, Sampling.draw(l, Math.nextDown(1.0)));
        assertThrows(IllegalArgumentException.class, () -> Sampling.draw(new float[]{NEG_INF, NEG_INF}, 0.5));
    }

    @Test
    void drawsFollowTheFilteredDistribution() {
        // logits ln(0.4, 0.3, 0.2, 0.1) at temperature 1, top-k 3 → 4/9, 3/9, 2/9; with top-p 0.6 → 4/7, 3/7
        Sampling topK = Sampling.temperature(1f).withTopK(3);
        assertFrequencies(topK, new double[]{4 / 9.0, 3 / 9.0, 2 / 9.0, 0});
        assertFrequencies(topK.withTopP(0.6f), new double[]{4 / 7.0, 3 / 7.0, 0, 0});
        // temperature 0.5 squares the probabilities: 16, 9, 4, 1 over 30
        assertFrequencies(Sampling.temperature(0.5f), new double[]{16 / 30.0, 9 / 30.0, 4 / 30.0, 1 / 30.0});
    }

    private static void assertFrequencies(Sampling s, double[] expected) {
        int draws = 40_000;
        int[] counts = new int[expected.length];
        SplittableRandom random = new SplittableRandom(1);
        for (int i = 0; i < draws; i++) {
            counts[s.next(logitsOf(0.4, 0.3, 0.2, 0.1), new int[0], 0, random)]++;
        }
        for (int i = 0; i < expected.length; i++) {
            double sd = Math.sqrt(expected[i] * (1 - expected[i]) / draws);
            double f = counts[i] / (double) draws;
            assertTrue(Math.abs(f - expected[i]) <= 5 * sd + 1e-12, s + ": token " + i + " drawn " + f + ", expected "
                    + expected[i]);
        }
    }

    @Test
    void theSameRandomStreamGivesTheSameTokens() {
        Sampling s = new Sampling(0.9f, 5, 0.9f, 1.3f);
        int[] seen = {3, 4, 5};
        int[] a = new int[50], b = new int[50];
        SplittableRandom ra = new SplittableRandom(42), rb = new SplittableRandom(42);
        for (int i = 0; i < 50; i++) {
            a[i] = s.next(logitsOf(0.1, 0.2, 0.1, 0.15, 0.05, 0.2, 0.2), seen, 3, ra);
            b[i] = s.next(logitsOf(0.1, 0.2, 0.1, 0.15, 0.05, 0.2, 0.2), seen, 3, rb);
        }
        assertArrayEquals(a, b);
    }

    @Test
    void badParametersAreRejected() {
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(-1f));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(Float.NaN));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(1f).withTopK(-1));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(1f).withTopP(0f));
        assertThrows(IllegalArgumentException.class, () -> Sampling.temperature(1f).withTopP(1.5f));
        assertThrows(IllegalArgumentException.class, () -> Sampling.greedy().withRepetitionPenalty(0f));
    }

    private static int countFinite(float[] l) {
        int n = 0;
        for (float x : l) {
            n += x > NEG_INF ? 1 : 0;
        }
        return n;
    }
}

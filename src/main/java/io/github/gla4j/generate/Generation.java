/*
 * Generation.java — what one sequence of a Generator run produced: its new tokens (the stop token excluded) and why
 * it ended (the stop token that ended it, if one did).
 */
package io.github.gla4j.generate;

import java.util.Arrays;

public record Generation(int[] tokens, FinishReason finishReason, int stopToken) {

    public enum FinishReason {
        /** maxNewTokens were generated. */
        LENGTH,
        /** a stop token was chosen (stopToken). */
        STOP,
        /** the run was cancelled before the sequence ended. */
        CANCELLED
    }

    /** stopToken when the reason is not STOP. */
    public static final int NO_STOP_TOKEN = -1;

    public Generation {
        tokens = tokens.clone();
    }

    @Override
    public int[] tokens() {
        return tokens.clone();
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Generation g && Arrays.equals(tokens, g.tokens) && finishReason == g.finishReason
                && stopToken == g.stopToken;
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(tokens) + 7 * finishReason.hashCode() + stopToken;
    }

    @Override
    public String toString() {
        return "Generation[tokens=" + Arrays.toString(tokens) + ", finishReason=" + finishReason
                + (finishReason == FinishReason.STOP ? ", stopToken=" + stopToken : "") + "]";
    }
}

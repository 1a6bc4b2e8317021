/*
 * TokenListener.java — the streaming callback of a Generator run: called once per generated token, in order, on
 * the generating thread, as soon as the token is chosen (before the next forward pass). Stop tokens are not
 * reported. To stop early, have the run's cancellation check return true (it is consulted after each step).
 */
package io.github.gla4j.generate;

@FunctionalInterface
public interface TokenListener {

    TokenListener NONE = (sequence, token) -> {
    };

    /** sequence: the index of its prompt in the run; token: the new token id. */
    void onToken(int sequence, int token);
}

/*
 * Generator.java — text generation with a GLA model: prefill a batch of prompts (any lengths) through the chunk
 * kernel, then decode with the recurrent step, one token per sequence per step, until each sequence has
 * maxNewTokens, chooses a stop token, or the run is cancelled. Memory stays constant while decoding (Decoder):
 * one fp32 state [B, H, K, V] per layer. Finished sequences leave the batch, so each step costs only the live ones.
 *
 *   Generator generator = new Generator(model);
 *   List<Generation> out = generator.generate(List.of(prompt0, prompt1),
 *           GenerationConfig.sampling(Sampling.temperature(0.8f).withTopK(40), 100).withSeed(7).withStopTokens(2),
 *           (sequence, token) -> System.out.println(sequence + ": " + token),   // streaming
 *           cancelled::get);                                                   // e.g. an AtomicBoolean
 *
 * Sequence b draws its random numbers from its own stream (SplittableRandom(seed + b)), so a batch produces what
 * one-by-one runs with seeds seed, seed + 1, ... produce. Tested by GeneratorTest (the reference's greedy tokens,
 * batched = one by one, seeds, stop tokens, cancellation).
 */
package io.github.gla4j.generate;

import io.github.gla4j.model.GlaModel;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;
import java.util.concurrent.CancellationException;
import java.util.function.BooleanSupplier;

public final class Generator {

    private final GlaModel model;

    public Generator(GlaModel model) {
        this.model = model;
    }

    /** One prompt, no streaming, no cancellation. */
    public Generation generate(int[] prompt, GenerationConfig config) {
        return generate(List.of(prompt), config, TokenListener.NONE, () -> false).getFirst();
    }

    /**
     * Generates a continuation of every prompt (each ≥ 1 token); results in the order of the prompts. listener sees
     * each new token as it is chosen; cancelled is consulted before each prefill window and after each decoding
     * step, and when it returns true the unfinished sequences end as CANCELLED with the tokens they have.
     */
    public List<Generation> generate(List<int[]> prompts, GenerationConfig config, TokenListener listener,
                                     BooleanSupplier cancelled) {
        int batch = prompts.size();
        int vocab = model.config().vocabSize();
        if (batch == 0) {
            throw new IllegalArgumentException("Generator: need at least one prompt");
        }
        for (int b = 0; b < batch; b++) {
            int[] p = prompts.get(b);
            if (p == null || p.length == 0) {
                throw new IllegalArgumentException("Generator: prompt " + b + " is empty; a continuation needs at "
                        + "least one token to start from");
            }
            for (int t : p) {
                if (t < 0 || t >= vocab) {
                    throw new IllegalArgumentException("Generator: prompt " + b + " has token " + t
                            + ", outside the vocabulary [0, " + vocab + ")");
                }
            }
        }
        for (int t : config.stopTokens()) {
            if (t < 0 || t >= vocab) {
                throw new IllegalArgumentException("Generator: stop token " + t + " is outside the vocabulary [0, "
                        + vocab + ")");
            }
        }
        Sequence[] seqs = new Sequence[batch];
        for (int b = 0; b < batch; b++) {
            seqs[b] = new Sequence(prompts.get(b), config, config.seed() + b);
        }
        if (config.maxNewTokens() == 0) {
            return results(seqs, Generation.FinishReason.LENGTH);
        }
        try (Decoder decoder = new Decoder(model, config.prefillChunk())) {
            float[][] logits;
            try {
                logits = decoder.prefill(prompts.toArray(int[][]::new), cancelled);
            } catch (CancellationException e) {
                return results(seqs, Generation.FinishReason.CANCELLED);
            }
            int[] live = new int[batch];    // live[row]: the sequence in decoder row `row`
            for (int b = 0; b < batch; b++) {
                live[b] = b;
            }
            while (true) {
                int[] nextTokens = new int[live.length], keptRows = new int[live.length];
                int kept = 0;
                for (int row = 0; row < live.length; row++) {
                    Sequence s = seqs[live[row]];
                    int token = s.choose(logits[row]);
                    if (config.isStop(token)) {
                        s.finish(Generation.FinishReason.STOP, token);
                        continue;
                    }
                    s.append(token);
                    listener.onToken(live[row], token);
                    if (s.generated == config.maxNewTokens()) {
                        s.finish(Generation.FinishReason.LENGTH, Generation.NO_STOP_TOKEN);
                        continue;
                    }
                    nextTokens[kept] = token;
                    keptRows[kept] = row;
                    live[kept++] = live[row];
                }
                if (kept == 0 || cancelled.getAsBoolean()) {
                    return results(seqs, Generation.FinishReason.CANCELLED);
                }
                if (kept < live.length) {
                    decoder.retain(Arrays.copyOf(keptRows, kept));
                    live = Arrays.copyOf(live, kept);
                    nextTokens = Arrays.copyOf(nextTokens, kept);
                }
                logits = decoder.step(nextTokens);
            }
        }
    }

    /** The results; sequences still running end with reasonIfRunning. */
    private static List<Generation> results(Sequence[] seqs, Generation.FinishReason reasonIfRunning) {
        List<Generation> out = new ArrayList<>(seqs.length);
        for (Sequence s : seqs) {
            if (s.reason == null) {
                s.finish(reasonIfRunning, Generation.NO_STOP_TOKEN);
            }
            out.add(new Generation(Arrays.copyOfRange(s.tokens, s.promptLength, s.promptLength + s.generated),
                    s.reason, s.stopToken));
        }
        return out;
    }

    /** One sequence's bookkeeping: all its tokens so far (for the repetition penalty), and its random stream. */
    private static final class Sequence {
        final int[] tokens;
        final int promptLength;
        final Sampling sampling;
        final SplittableRandom random;
        int generated;
        Generation.FinishReason reason;
        int stopToken = Generation.NO_STOP_TOKEN;

        Sequence(int[] prompt, GenerationConfig config, long seed) {
            this.promptLength = prompt.length;
            this.tokens = Arrays.copyOf(prompt, prompt.length + config.maxNewTokens());
            this.sampling = config.sampling();
            this.random = new SplittableRandom(seed);
        }

        int choose(float[] logits) {
            return sampling.next(logits, tokens, promptLength + generated, random);
        }

        void append(int token) {
            tokens[promptLength + generated++] = token;
        }

        void finish(Generation.FinishReason r, int stop) {
            reason = r;
            stopToken = stop;
        }
    }
}

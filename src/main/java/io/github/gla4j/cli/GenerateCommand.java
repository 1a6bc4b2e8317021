/*
 * GenerateCommand.java — `gla generate --model DIR (--prompt TEXT | --prompt-ids 1,2,3) [--max-new-tokens N]
 * [--greedy | --temperature T --top-k K --top-p P --seed S] [--repetition-penalty R] [--stop-ids 2,3]
 * [--ignore-eos] [--print-ids] [--stats] [--device cpu|cuda[:N]] [--dtype fp32|bf16]`: continues a prompt with a
 * checkpoint and streams the new text to stdout as it is generated (with --print-ids the new token ids,
 * comma-separated). Text ↔ ids with the
 * model directory's tokenizer.json, else the byte-level tokenizer. Generation stops at max-new-tokens, at the
 * config's eos_token_id (unless --ignore-eos) or a --stop-ids token, or on Ctrl-C (the text so far is kept).
 * The prompt is prefilled with the chunk kernel, then tokens are decoded with the recurrent step in constant memory
 * (io.github.gla4j.generate); on cuda each decoding step is one replayed graph. Tested by GenerateCommandTest.
 */
package io.github.gla4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gla4j.generate.Generation;
import io.github.gla4j.generate.GenerationConfig;
import io.github.gla4j.generate.Generator;
import io.github.gla4j.generate.Sampling;
import io.github.gla4j.generate.TextStream;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.train.TextTokenizer;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.Callable;

@Command(name = "generate", mixinStandardHelpOptions = true, description = {
        "Continue a prompt with a model, streaming the new text to stdout.",
        "The prompt is prefilled with the chunk kernel, then each token is decoded with the recurrent step "
                + "(constant memory, whatever the length). Runs on the cpu or a CUDA device (--device)."})
final class GenerateCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR",
            description = "checkpoint directory (config.json + model.safetensors, optionally tokenizer.json)")
    Path model;

    @ArgGroup(exclusive = true, multiplicity = "1")
    Prompt prompt;

    static final class Prompt {
        @Option(names = "--prompt", paramLabel = "TEXT", description = "the prompt as text (encoded with the "
                + "model's tokenizer.json, or as UTF-8 bytes when the model has none)")
        String text;

        @Option(names = "--prompt-ids", paramLabel = "IDS", split = ",", description = "the prompt as token ids, "
                + "comma-separated")
        int[] ids;
    }

    @Option(names = "--max-new-tokens", defaultValue = "64", paramLabel = "N",
            description = "the most tokens to generate (default: ${DEFAULT-VALUE})")
    int maxNewTokens;

    @Option(names = "--greedy", description = "always take the most likely token (no sampling)")
    boolean greedy;

    @Option(names = "--temperature", paramLabel = "T", description = "sampling temperature; 0 = greedy (default: 1)")
    Float temperature;

    @Option(names = "--top-k", paramLabel = "K", description = "sample among the K most likely tokens (default: 0 = "
            + "all)")
    Integer topK;

    @Option(names = "--top-p", paramLabel = "P", description = "sample among the most likely tokens whose "
            + "probabilities reach P (default: 1 = all)")
    Float topP;

    @Option(names = "--seed", paramLabel = "S", description = "seed of the sampling (default: a random one, printed "
            + "to stderr)")
    Long seed;

    @Option(names = "--repetition-penalty", defaultValue = "1", paramLabel = "R", description = "divide positive "
            + "(multiply negative) logits of tokens already seen by R (default: ${DEFAULT-VALUE} = off)")
    float repetitionPenalty;

    @Option(names = "--stop-ids", paramLabel = "IDS", split = ",", description = "more token ids that end the "
            + "generation (besides the config's eos_token_id)")
    int[] stopIds;

    @Option(names = "--ignore-eos", description = "do not stop at the config's eos_token_id")
    boolean ignoreEos;

    @Option(names = "--print-ids", description = "print the generated token ids, comma-separated, instead of text")
    boolean printIds;

    @Option(names = "--stats", description = "print token counts, prefill and decoding speed to stderr")
    boolean stats;

    @Option(names = "--prefill-chunk", defaultValue = "512", paramLabel = "N", description = "prompt tokens per "
            + "forward pass of the prefill: bounds its memory (default: ${DEFAULT-VALUE})")
    int prefillChunk;

    @Mixin
    DeviceOptions placement;

    @Override
    public Integer call() throws IOException {
        placement.validate();
        Sampling sampling = sampling();
        PrintWriter out = spec.commandLine().getOut(), err = spec.commandLine().getErr();
        try (Arena arena = Arena.ofConfined();
             TextTokenizer tokenizer = TextTokenizer.forModel(model)) {
            Checkpoint checkpoint = Checkpoint.open(model, arena);
            GlaConfig config = checkpoint.config();
            int[] promptIds = prompt.ids != null ? prompt.ids : tokenizer.encode(prompt.text);
            if (promptIds.length == 0) {
                throw new IllegalArgumentException("the prompt is empty: give at least one token");
            }
            long sampleSeed = seed != null ? seed : ThreadLocalRandom.current().nextLong();
            if (seed == null && !sampling.isGreedy()) {
                err.println("seed " + sampleSeed);
            }
            GenerationConfig generation = GenerationConfig.sampling(sampling, maxNewTokens).withSeed(sampleSeed)
                    .withStopTokens(stopTokens(config)).withPrefillChunk(prefillChunk);
            try (Parameters params = Parameters.load(checkpoint);
                 ModelRuntime runtime = placement.open();
                 ParameterSet placed = runtime.place(params)) {
                Generator generator = new Generator(new GlaModel(placed, runtime.ops()));
                return run(generator, promptIds, generation, tokenizer, out, err);
            }
        }
    }

    /**
     * Generates with streaming output. Ctrl-C (or SIGTERM) cancels the run; the shutdown hook waits until the output
     * is complete (text, newline, stats) before the JVM exits.
     */
    private int run(Generator generator, int[] promptIds, GenerationConfig generation, TextTokenizer tokenizer,
                    PrintWriter out, PrintWriter err) {
        AtomicBoolean cancelled = new AtomicBoolean();
        CountDownLatch done = new CountDownLatch(1);
        Thread onInterrupt = new Thread(() -> {
            cancelled.set(true);
            try {
                done.await(5, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        });
        Runtime.getRuntime().addShutdownHook(onInterrupt);
        TextStream text = new TextStream(tokenizer);
        long start = System.nanoTime();
        long[] firstToken = {0};
        try {
            Generation result = generator.generate(List.of(promptIds), generation, (sequence, token) -> {
                if (firstToken[0] == 0) {
                    firstToken[0] = System.nanoTime();
                    out.print(printIds ? Integer.toString(token) : text.push(token));
                } else {
                    out.print(printIds ? "," + token : text.push(token));
                }
                out.flush();
            }, cancelled::get).getFirst();
            if (!printIds) {
                out.print(text.finish());
            }
            out.println();
            out.flush();
            if (stats) {
                printStats(err, promptIds.length, result, start, firstToken[0], System.nanoTime());
            }
        } finally {
            done.countDown();
            try {
                Runtime.getRuntime().removeShutdownHook(onInterrupt);
            } catch (IllegalStateException shuttingDown) {
                // the hook is running: the JVM is exiting after Ctrl-C
            }
        }
        return 0;
    }

    private static void printStats(PrintWriter err, int promptTokens, Generation result, long start, long first,
                                   long end) {
        int n = result.tokens().length;
        String finish = result.finishReason().name().toLowerCase(Locale.ROOT)
                + (result.finishReason() == Generation.FinishReason.STOP ? " (" + result.stopToken() + ")" : "");
        if (n == 0) {
            err.printf(Locale.ROOT, "prompt %d tokens, no token generated; finish: %s%n", promptTokens, finish);
        } else {
            double prefill = (first - start) / 1e9, decode = (end - first) / 1e9;
            err.printf(Locale.ROOT, "prompt %d tokens, first token after %.3f s (%.0f prompt tokens/s)%n",
                    promptTokens, prefill, promptTokens / prefill);
            err.printf(Locale.ROOT, "generated %d tokens, then %.1f tokens/s over the last %d; finish: %s%n", n,
                    n > 1 ? (n - 1) / decode : 0.0, n - 1, finish);
        }
        err.flush();
    }

    private Sampling sampling() {
        if (greedy) {
            if (temperature != null || topK != null || topP != null || seed != null) {
                throw new IllegalArgumentException("--greedy does not sample: drop --temperature, --top-k, --top-p "
                        + "and --seed, or drop --greedy");
            }
            return Sampling.greedy().withRepetitionPenalty(repetitionPenalty);
        }
        return new Sampling(temperature == null ? 1f : temperature, topK == null ? 0 : topK,
                topP == null ? 1f : topP, repetitionPenalty);
    }

    /** --stop-ids and, unless --ignore-eos, the config's eos_token_id (a number or a list of numbers). */
    private int[] stopTokens(GlaConfig config) {
        Set<Integer> stops = new LinkedHashSet<>();
        JsonNode eos = config.extras().get("eos_token_id");
        if (!ignoreEos && eos != null && !eos.isNull()) {
            List<JsonNode> ids = new ArrayList<>();
            if (eos.isArray()) {
                eos.forEach(ids::add);
            } else {
                ids.add(eos);
            }
            for (JsonNode id : ids) {
                if (!id.canConvertToInt()) {
                    throw new IllegalArgumentException(model + ": eos_token_id " + eos + " is not a token id "
                            + "(use --ignore-eos)");
                }
                stops.add(id.intValue());
            }
        }
        if (stopIds != null) {
            for (int id : stopIds) {
                stops.add(id);
            }
        }
        return stops.stream().mapToInt(Integer::intValue).toArray();
    }
}

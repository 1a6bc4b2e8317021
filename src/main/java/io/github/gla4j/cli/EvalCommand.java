/*
 * EvalCommand.java — `gla eval --model DIR --data FILE... [--seq-len N] [--device D] [--dtype T]`: a model's loss
 * and perplexity on a text, and the same by position in the sequence (buckets of positions), for length-generalization
 * studies: evaluate at a
 * --seq-len beyond the training length and see whether late positions get worse. The text is tokenized like the
 * model's training data: the model directory's tokenizer.json, else bytes (or --tokenizer). Tested by
 * TrainCommandTest.
 */
package io.github.gla4j.cli;

import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.train.PositionEvaluation;
import io.github.gla4j.train.TextData;
import io.github.gla4j.train.TextTokenizer;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "eval", sortOptions = false, mixinStandardHelpOptions = true,
        description = "A model's loss and perplexity on a text, overall and by position in the sequence.")
final class EvalCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, paramLabel = "DIR", description = "a model directory")
    Path model;

    @Option(names = "--data", required = true, arity = "1..*", paramLabel = "PATH",
            description = "text files or directories")
    List<Path> data;

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "a tokenizer.json (default: the model directory's, else bytes)")
    Path tokenizer;

    @Option(names = "--seq-len", defaultValue = "256", description = "tokens per window (default: ${DEFAULT-VALUE})")
    int seqLen;

    @Option(names = {"--batch-size", "-b"}, defaultValue = "8", description = "windows per forward pass (default: "
            + "${DEFAULT-VALUE})")
    int batchSize;

    @Option(names = "--buckets", defaultValue = "8", description = "position buckets (default: ${DEFAULT-VALUE})")
    int buckets;

    @Mixin
    DeviceOptions placement;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        if (buckets < 1) {
            throw new IllegalArgumentException("--buckets must be ≥ 1");
        }
        try (Arena arena = Arena.ofConfined();
             TextTokenizer tok = tokenizer != null ? TextTokenizer.open(tokenizer) : TextTokenizer.forModel(model);
             Parameters params = Parameters.load(Checkpoint.open(model, arena));
             ModelRuntime runtime = placement.open();
             ParameterSet placed = runtime.place(params)) {
            TextData text = TextData.read(data, tok, 0);
            int[] tokens = text.trainTokensCopy();
            GlaModel glaModel = new GlaModel(placed, runtime.ops());
            out.printf(Locale.ROOT, "model %s: %s, %,d parameters%n", model, params.config(),
                    params.config().parameterCount());
            out.printf(Locale.ROOT, "data: %s%n", text.describe());
            out.flush();
            long start = System.nanoTime();
            int bucketSize = Math.max(1, (seqLen - 1 + buckets - 1) / buckets);
            PositionEvaluation.Result r = PositionEvaluation.run(glaModel, tokens, seqLen, batchSize, bucketSize,
                    null);
            double seconds = (System.nanoTime() - start) / 1e9;
            out.printf(Locale.ROOT, "%d windows of %d tokens, %,d predictions in %.1f s%n", r.windows(), r.seqLen(),
                    r.targets(), seconds);
            out.printf(Locale.ROOT, "loss %.4f nats/token, perplexity %.3f, next-token accuracy %.1f%%%n", r.loss(),
                    r.perplexity(), 100 * r.accuracy());
            out.printf(Locale.ROOT, "%-17s %12s %9s %11s%n", "positions", "predictions", "loss", "perplexity");
            for (PositionEvaluation.Bucket b : r.buckets()) {
                out.printf(Locale.ROOT, "%-17s %12d %9.4f %11.3f%n", b.from() + "–" + (b.to() - 1), b.targets(),
                        b.loss(), b.perplexity());
            }
            out.flush();
        }
        return 0;
    }
}

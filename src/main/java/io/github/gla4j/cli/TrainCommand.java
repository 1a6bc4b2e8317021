/*
 * TrainCommand.java — `gla train`: trains a GLA language model on the cpu in fp32, or on a CUDA device in fp32 or
 * bf16 mixed precision (--device, --dtype; TrainingRun does the work).
 *
 *   gla train                                            a tiny GLA learns MQAR (needs no data) → runs/mqar
 *   gla train --data book.txt                            byte-level language model of a text → runs/book
 *   gla train --data corpus/ --tokenizer tokenizer.json --model 340M --steps 20000 --out runs/lm
 *   gla train --out runs/lm --resume ...same options...  continue after the newest good checkpoint, bit-exactly
 *   gla train --model runs/lm --data more.txt            continue training from a model directory's weights
 *
 * Prints a progress bar (loss, tokens/s, lr, ETA) on a terminal and plain lines otherwise, validation results,
 * checkpoints, and where the model and its loss curve (OUT/loss.png) are. Exit status 0 when the run completes, 1
 * when it stops on a NaN/Inf loss, 2 on bad usage or an error. Tested by TrainCommandTest.
 */
package io.github.gla4j.cli;

import io.github.gla4j.train.LearningRateSchedule;
import io.github.gla4j.train.LossPlot;
import io.github.gla4j.train.TextTokenizer;
import io.github.gla4j.train.Trainer;
import io.github.gla4j.train.TrainOptions;
import io.github.gla4j.train.TrainingRun;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import me.tongfei.progressbar.ConsoleProgressBarConsumer;
import me.tongfei.progressbar.ProgressBar;
import me.tongfei.progressbar.ProgressBarBuilder;
import me.tongfei.progressbar.ProgressBarStyle;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.Console;
import java.io.IOException;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "train", sortOptions = false, mixinStandardHelpOptions = true,
        description = {"Train a GLA language model on the cpu (fp32): MQAR by default, or your text.",
                "Writes checkpoints, loss.png and the final model (a Hugging Face model directory) to --out."})
final class TrainCommand implements Callable<Integer> {

    /**
     * Defaults of the MQAR run `gla train` makes without options: 8 key-value pairs in 32 tokens over a vocabulary
     * of 32, batches of 32. The tiny preset (seed 1) passes from guessing (≈ 13%) to 93% accuracy by step 1400 and
     * 100% at step 2000: a few minutes on 2 cores.
     */
    static final int MQAR_SEQ_LEN = 32, MQAR_PAIRS = 8, MQAR_VOCAB = 32, MQAR_BATCH = 32;
    /** Defaults for text. */
    static final int TEXT_SEQ_LEN = 256, TEXT_BATCH = 16;

    @Spec
    CommandSpec spec;

    @Option(names = "--model", defaultValue = "tiny", paramLabel = "PRESET|CONFIG|DIR",
            description = "a preset (tiny, 340M, 1.3B; vocab_size follows the data), a config.json, or a model "
                    + "directory to continue from (default: ${DEFAULT-VALUE})")
    String model;

    @Option(names = "--data", arity = "1..*", paramLabel = "PATH",
            description = "text files or directories to train on (default: MQAR, generated on the fly)")
    List<Path> data = new ArrayList<>();

    @Option(names = "--tokenizer", paramLabel = "FILE",
            description = "a Hugging Face tokenizer.json (default: bytes, vocab 256; or the --model directory's)")
    Path tokenizer;

    @Option(names = "--val-fraction", defaultValue = "0.1",
            description = "share of the text held out for validation (default: ${DEFAULT-VALUE})")
    double valFraction;

    @Option(names = "--input-ids", paramLabel = "FILE",
            description = "train on one fixed batch, the int64 input_ids [batch, seq_len] of a safetensors file")
    Path inputIds;

    @Option(names = "--mqar-pairs", defaultValue = "" + MQAR_PAIRS,
            description = "MQAR key-value pairs per sequence (default: ${DEFAULT-VALUE})")
    int mqarPairs;

    @Option(names = "--mqar-vocab", defaultValue = "" + MQAR_VOCAB,
            description = "MQAR vocabulary: keys in the lower half, values in the upper (default: ${DEFAULT-VALUE})")
    int mqarVocab;

    @Option(names = "--steps", defaultValue = "2000", description = "optimizer steps (default: ${DEFAULT-VALUE})")
    long steps;

    @Option(names = {"--batch-size", "-b"}, description = "sequences per micro-batch (default: " + MQAR_BATCH
            + " for MQAR, " + TEXT_BATCH + " for text)")
    Integer batchSize;

    @Option(names = "--seq-len", description = "tokens per sequence (default: " + MQAR_SEQ_LEN + " for MQAR, "
            + TEXT_SEQ_LEN + " for text)")
    Integer seqLen;

    @Option(names = "--grad-accum", defaultValue = "1", description = "micro-batches per step (default: "
            + "${DEFAULT-VALUE})")
    int gradAccum;

    @Option(names = "--lr", defaultValue = "1e-3", description = "peak learning rate (default: ${DEFAULT-VALUE})")
    double lr;

    @Option(names = "--min-lr", description = "final learning rate of the cosine schedule (default: lr / 10)")
    Double minLr;

    @Option(names = "--schedule", defaultValue = "cosine", description = "cosine or constant (default: "
            + "${DEFAULT-VALUE})")
    String schedule;

    @Option(names = "--warmup", description = "linear warm-up steps (default: 5%% of the steps)")
    Long warmup;

    @Option(names = "--beta1", defaultValue = "0.9", description = "AdamW β1 (default: ${DEFAULT-VALUE})")
    double beta1;

    @Option(names = "--beta2", defaultValue = "0.95", description = "AdamW β2 (default: ${DEFAULT-VALUE})")
    double beta2;

    @Option(names = "--eps", defaultValue = "1e-8", description = "AdamW ε (default: ${DEFAULT-VALUE})")
    double eps;

    @Option(names = "--weight-decay", defaultValue = "0.1", description = "decoupled weight decay, on every "
            + "parameter (default: ${DEFAULT-VALUE})")
    double weightDecay;

    @Option(names = "--no-decay-norms-biases", description = "exempt norm weights and biases from weight decay")
    boolean noDecayNormsBiases;

    @Option(names = "--clip", defaultValue = "1.0", description = "clip the global gradient norm to this, 0 = off "
            + "(default: ${DEFAULT-VALUE})")
    double clip;

    @Option(names = "--seed", defaultValue = "1", description = "seed of the initial weights and the data "
            + "(default: ${DEFAULT-VALUE})")
    long seed;

    @Option(names = "--out", paramLabel = "DIR", description = "checkpoints, loss.png and the final model (default: "
            + "runs/mqar, or runs/<name of the first text>)")
    Path out;

    @Option(names = "--resume", description = "continue the run in --out from its newest good checkpoint")
    boolean resume;

    @Option(names = "--checkpoint-every", defaultValue = "500", description = "steps between checkpoints, 0 = only "
            + "at the end (default: ${DEFAULT-VALUE})")
    long checkpointEvery;

    @Option(names = "--keep", defaultValue = "2", description = "checkpoints kept, newest first (default: "
            + "${DEFAULT-VALUE})")
    int keep;

    @Option(names = "--eval-every", defaultValue = "100", description = "steps between validations, 0 = only at the "
            + "end (default: ${DEFAULT-VALUE})")
    long evalEvery;

    @Option(names = "--eval-batches", defaultValue = "8", description = "batches per validation (default: "
            + "${DEFAULT-VALUE})")
    int evalBatches;

    @Option(names = "--metrics", paramLabel = "FILE", description = "write one JSON object per step to FILE")
    Path metrics;

    @Mixin
    DeviceOptions placement;

    @Option(names = "--recompute", defaultValue = "products", description = "what the backward recomputes: products "
            + "(the norms, the gate, SwiGLU and the matrix products into the residual and the MLP's inputs: the least "
            + "memory) or elementwise (each layer keeps those products' outputs: faster, about 2.9x the memory a layer "
            + "keeps); the same results either way (default: ${DEFAULT-VALUE})")
    String recompute;

    @Option(names = "--no-progress", description = "no progress bar; plain lines only")
    boolean noProgress;

    @Override
    public Integer call() throws IOException {
        PrintWriter out = spec.commandLine().getOut();
        TrainOptions options = options();
        Path dir = outDirectory();
        boolean bar = !noProgress && isTerminal();
        Progress progress = new Progress(out, bar ? System.err : null, options);
        TrainingRun.Outcome outcome;
        out.println("gla train → " + dir);
        out.flush();
        try {
            outcome = new TrainingRun(options, dir, resume, metrics, progress)
                    .on(placement.device, placement.dtype).recompute(Activations.Recompute.parse(recompute)).run();
        } finally {
            progress.close();
        }
        if (outcome.diverged()) {
            out.println("stopped: " + outcome.message());
            out.flush();
            return 1;
        }
        StringBuilder done = new StringBuilder("done: step " + outcome.step());
        if (outcome.lastStep() != null) {
            done.append(String.format(Locale.ROOT, ", loss %.4f", outcome.lastStep().loss()));
        }
        if (outcome.lastEvaluation() != null) {
            done.append(String.format(Locale.ROOT, ", validation loss %.4f (perplexity %.3f), accuracy %.1f%%",
                    outcome.lastEvaluation().loss(), Math.exp(outcome.lastEvaluation().loss()),
                    100 * outcome.lastEvaluation().accuracy()));
        }
        out.println(done);
        Path plot = dir.resolve(LossPlot.FILE);
        out.println("model: " + dir + " (a Hugging Face model directory)"
                + (Files.exists(plot) ? "; loss curve: " + plot : ""));
        out.flush();
        return 0;
    }

    /** The options of this command line, with the defaults that depend on the data filled in. */
    TrainOptions options() throws IOException {
        if (inputIds != null && !data.isEmpty()) {
            throw new IllegalArgumentException("give either --data or --input-ids, not both");
        }
        TrainOptions.Data kind = inputIds != null ? TrainOptions.Data.INPUT_IDS
                : data.isEmpty() ? TrainOptions.Data.MQAR : TrainOptions.Data.TEXT;
        if (tokenizer != null && kind != TrainOptions.Data.TEXT) {
            throw new IllegalArgumentException("--tokenizer applies to text (--data) only");
        }
        boolean mqar = kind == TrainOptions.Data.MQAR;
        int batch = batchSize != null ? batchSize : mqar ? MQAR_BATCH : TEXT_BATCH;
        int length = seqLen != null ? seqLen : mqar ? MQAR_SEQ_LEN : TEXT_SEQ_LEN;
        if (kind == TrainOptions.Data.INPUT_IDS) {
            int[] shape = inputIdsShape(inputIds);
            if ((seqLen != null && seqLen != shape[1]) || (batchSize != null && batchSize != shape[0])) {
                throw new IllegalArgumentException("--batch-size and --seq-len must match the " + shape[0] + " × "
                        + shape[1] + " batch of " + inputIds + " (or be left out)");
            }
            batch = shape[0];
            length = shape[1];
        }
        Path tokenizerFile = tokenizer;
        if (tokenizerFile == null && kind == TrainOptions.Data.TEXT) {
            Path fromModel = Path.of(model).resolve(TextTokenizer.TOKENIZER_FILE);
            if (Files.isDirectory(Path.of(model)) && Files.isRegularFile(fromModel)) {
                tokenizerFile = fromModel;
            }
        }
        String modelSpec = TrainingRun.PRESETS.contains(model) ? model : absolute(Path.of(model));
        return new TrainOptions(modelSpec, kind, data.stream().map(TrainCommand::absolute).toList(),
                tokenizerFile == null ? null : absolute(tokenizerFile), valFraction,
                inputIds == null ? null : absolute(inputIds), mqarVocab, mqarPairs, batch, length, gradAccum,
                steps, lr, minLr != null ? minLr : LearningRateSchedule.Kind.parse(schedule)
                == LearningRateSchedule.Kind.CONSTANT ? lr : lr / 10, schedule.toLowerCase(Locale.ROOT),
                warmup != null ? warmup : steps / 20, beta1, beta2, eps, weightDecay, !noDecayNormsBiases, clip,
                seed, evalEvery, evalBatches, checkpointEvery, keep);
    }

    private Path outDirectory() {
        if (out != null) {
            return out;
        }
        if (inputIds != null) {
            return Path.of("runs", "input-ids");
        }
        if (data.isEmpty()) {
            return Path.of("runs", "mqar");
        }
        Path first = data.getFirst().toAbsolutePath().normalize().getFileName();
        String name = first == null ? "text" : first.toString().replaceFirst("\\.[^.]*$", "");
        return Path.of("runs", name.isEmpty() ? "text" : name);
    }

    private static String absolute(Path p) {
        return p.toAbsolutePath().normalize().toString();
    }

    private static int[] inputIdsShape(Path file) throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(file, arena);
            if (!f.contains("input_ids") || f.tensor("input_ids").rank() != 2) {
                throw new IllegalArgumentException(file + ": needs a tensor input_ids [batch, seq_len]");
            }
            return new int[]{Math.toIntExact(f.tensor("input_ids").dim(0)),
                    Math.toIntExact(f.tensor("input_ids").dim(1))};
        }
    }

    private static boolean isTerminal() {
        Console console = System.console();
        return console != null && console.isTerminal();
    }

    /** Shows a run: a progress bar on a terminal (or a line every 5% otherwise), validations, checkpoints. */
    private static final class Progress implements TrainingRun.Listener {
        private final PrintWriter out;
        private final PrintStream barStream;
        private final TrainOptions options;
        private ProgressBar bar;
        private long every = 1;

        Progress(PrintWriter out, PrintStream barStream, TrainOptions options) {
            this.out = out;
            this.barStream = barStream;
            this.options = options;
        }

        @Override
        public void started(List<String> description, long startStep, long steps, double elapsedSeconds) {
            description.forEach(line -> out.println("  " + line));
            out.flush();
            every = Math.max(1, steps / 20);
            if (barStream != null && startStep < steps) {
                bar = new ProgressBarBuilder().setTaskName("train").setInitialMax(steps)
                        .setStyle(ProgressBarStyle.COLORFUL_UNICODE_BLOCK).setUnit(" steps", 1)
                        .setConsumer(new ConsoleProgressBarConsumer(barStream))
                        .setUpdateIntervalMillis(250)
                        .startsFrom(startStep, Duration.ofMillis((long) (elapsedSeconds * 1000))).build();
            }
        }

        @Override
        public void step(Trainer.Step step, Trainer.Evaluation evaluation) {
            String stats = String.format(Locale.ROOT, "loss %.4f | %s tok/s | lr %.2e", step.loss(),
                    human(step.tokensPerSecond()), step.lr());
            if (bar != null) {
                bar.stepTo(step.step());
                bar.setExtraMessage(stats);
            } else if (step.step() % every == 0 || step.step() == options.steps()) {
                line(String.format(Locale.ROOT, "step %d/%d: %s", step.step(), options.steps(), stats));
            }
            if (evaluation != null) {
                line(String.format(Locale.ROOT, "step %d: validation loss %.4f (perplexity %.3f), accuracy %.1f%%",
                        step.step(), evaluation.loss(), Math.exp(evaluation.loss()), 100 * evaluation.accuracy()));
            }
        }

        @Override
        public void checkpoint(long step, Path directory) {
            line("step " + step + ": checkpoint " + directory);
        }

        @Override
        public void message(String text) {
            line("note: " + text);
        }

        /** A line of its own; above the bar when there is one (the bar redraws itself below). */
        private void line(String text) {
            if (bar != null) {
                barStream.print("\r\033[K");
                barStream.flush();
            }
            out.println(text);
            out.flush();
            if (bar != null) {
                bar.refresh();
            }
        }

        void close() {
            if (bar != null) {
                bar.close();
                bar = null;
            }
        }

        private static String human(double perSecond) {
            if (!Double.isFinite(perSecond)) {
                return "-";
            }
            return perSecond >= 1e6 ? String.format(Locale.ROOT, "%.2fM", perSecond / 1e6)
                    : perSecond >= 1e3 ? String.format(Locale.ROOT, "%.1fk", perSecond / 1e3)
                    : String.format(Locale.ROOT, "%.0f", perSecond);
        }
    }
}

/*
 * TrainingRun.java — a whole training run as `gla train` runs it: data, model (new from a preset or config.json, or
 * continued from a model directory, or restored from the newest good checkpoint with resume), the step loop,
 * validation at intervals, checkpoints at intervals and at the end, the metrics file, the loss plot, and the final
 * model in the output directory itself (a Hugging Face model directory: config.json, model.safetensors, and
 * tokenizer.json when one was used). A step whose loss is NaN or infinite stops the run; the checkpoints written
 * before it stay as they are. Progress goes to a Listener (the command line draws it).
 *
 *   TrainingRun.Outcome o = new TrainingRun(options, Path.of("runs/mqar"), false, null, listener).run();
 *
 * Tested by CheckpointResumeTest and TrainCommandTest.
 */
package io.github.gla4j.train;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.model.Activations;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.ops.NativeOps;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

public final class TrainingRun {

    /** Presets a model can start from (GlaConfig.preset). */
    public static final Set<String> PRESETS = Set.of("tiny", "340M", "1.3B");

    /** What a run reports as it goes. */
    public interface Listener {
        /** The run begins at step startStep of steps (after elapsedSeconds of earlier sessions of it). */
        default void started(List<String> description, long startStep, long steps, double elapsedSeconds) {
        }

        /** A step finished; evaluation is not null when a validation ran after it. */
        default void step(Trainer.Step step, Trainer.Evaluation evaluation) {
        }

        default void checkpoint(long step, Path directory) {
        }

        /** Something the user should read (a skipped corrupt checkpoint, a note). */
        default void message(String text) {
        }
    }

    /** How a run ended: after step steps, diverged or not, its last good checkpoint (or null) and a summary. */
    public record Outcome(long step, boolean diverged, Path lastCheckpoint, Trainer.Step lastStep,
                          Trainer.Evaluation lastEvaluation, String message) {
    }

    private final TrainOptions options;
    private final Path out;
    private final boolean resume;
    private final Path metricsFile;
    private final Listener listener;
    private String device = "cpu";
    private String dtype = "fp32";
    private Activations.Recompute recompute = Activations.Recompute.PRODUCTS;

    /**
     * @param out         the output directory: checkpoints, loss.png and, at the end, the trained model
     * @param resume      continue from the newest good checkpoint in out (else out must hold none)
     * @param metricsFile a JSON-lines file for the per-step metrics, or null
     */
    public TrainingRun(TrainOptions options, Path out, boolean resume, Path metricsFile, Listener listener) {
        this.options = options;
        this.out = out;
        this.resume = resume;
        this.metricsFile = metricsFile;
        this.listener = listener;
    }

    /**
     * Runs on device ("cpu", "cuda", "cuda:N") in dtype ("fp32"; "bf16" on cuda: bf16 matrix-product and GLA inputs
     * with fp32 accumulation and fp32 master weights). Default: the cpu in fp32. Checkpoints are the same either way.
     */
    public TrainingRun on(String device, String dtype) {
        this.device = device;
        this.dtype = dtype;
        return this;
    }

    /** What the backward recomputes (Activations.Recompute; default PRODUCTS): memory against speed, the same bits. */
    public TrainingRun recompute(Activations.Recompute recompute) {
        this.recompute = Objects.requireNonNull(recompute, "recompute");
        return this;
    }

    public Outcome run() throws IOException {
        Optional<TrainingCheckpoints.State> state = checkpointToResume();
        List<String> description = new ArrayList<>();
        long startStep = state.map(TrainingCheckpoints.State::step).orElse(0L);
        History history = state.map(TrainingCheckpoints.State::history).orElseGet(History::new);
        double elapsedBefore = state.map(TrainingCheckpoints.State::elapsedSeconds).orElse(0.0);

        try (TextTokenizer tokenizer = options.data() == TrainOptions.Data.TEXT
                ? TextTokenizer.open(options.tokenizer() == null ? null : Path.of(options.tokenizer())) : null) {
            BatchSource source;
            List<Batch> validation;
            switch (options.data()) {
                case MQAR -> {
                    Mqar.Settings m = options.mqar();
                    source = new Mqar(m, options.seed(), Mqar.TRAIN_STREAM);
                    Mqar val = new Mqar(m, options.seed(), Mqar.VALIDATION_STREAM);
                    validation = new ArrayList<>();
                    for (int i = 0; i < options.evalBatches(); i++) {
                        validation.add(val.batch(i));
                    }
                    description.add(String.format(Locale.ROOT, "data: MQAR, %d key-value pairs per sequence of %d "
                            + "tokens, vocabulary %d (random accuracy %.1f%%)", m.pairs(), m.seqLen(), m.vocabSize(),
                            100.0 / (m.vocabSize() - m.vocabSize() / 2)));
                }
                case TEXT -> {
                    List<Path> paths = options.text().stream().map(Path::of).toList();
                    TextData text = TextData.read(paths, tokenizer, options.valFraction());
                    source = text.trainBatches(options.batchSize(), options.seqLen(), options.seed());
                    validation = text.validationBatches(options.batchSize(), options.seqLen(), options.evalBatches());
                    description.add("data: " + text.describe() + "; " + text.trainTokens() + " for training, "
                            + text.validationTokens() + " for validation");
                }
                case INPUT_IDS -> {
                    source = FixedBatch.read(Path.of(options.inputIds()));
                    if (source.batchSize() != options.batchSize() || source.seqLen() != options.seqLen()) {
                        throw new IllegalArgumentException(options.inputIds() + " holds a batch of "
                                + source.batchSize() + " × " + source.seqLen() + ", the options say "
                                + options.batchSize() + " × " + options.seqLen());
                    }
                    validation = List.of();
                    description.add("data: the fixed batch " + options.inputIds() + " (" + source.batchSize()
                            + " × " + source.seqLen() + ") at every step");
                }
                default -> throw new IllegalStateException();
            }

            AdamW.Settings adamSettings = options.adamW();
            GlaConfig config = state.isPresent()
                    ? GlaConfig.read(state.get().directory().resolve(Checkpoint.CONFIG_FILE))
                    : null;
            Parameters params = null;
            try (ModelRuntime runtime = ModelRuntime.open(device, dtype)) {
                if (config == null) {
                    params = initialModel(options.model(), source.vocabSize(), options.seed(), description);
                    config = params.config();
                }
                try (AdamW adamw = new AdamW(adamSettings, config)) {
                    if (state.isPresent()) {
                        params = TrainingCheckpoints.restore(state.get(), adamw);
                        description.add("resumed from " + state.get().directory() + " at step " + startStep);
                    }
                    description.add(String.format(Locale.ROOT, "model: %s, %,d parameters", config,
                            config.parameterCount()));
                    description.add(String.format(Locale.ROOT, "training: %d steps of %d × %d tokens%s, AdamW lr %.3g"
                                    + " (%s, warm-up %d, min %.3g), betas %s/%s, weight decay %s%s, clip %s, seed %d",
                            options.steps(), options.batchSize(), options.seqLen(),
                            options.gradAccum() > 1 ? " × " + options.gradAccum() + " accumulated" : "",
                            options.lr(), options.schedule(), options.warmup(), options.minLr(), options.beta1(),
                            options.beta2(), options.weightDecay(),
                            options.decayNormsAndBiases() ? "" : " (not on norms and biases)",
                            options.clip() == 0 ? "off" : options.clip(), options.seed()));
                    if (!runtime.device().isHost()) {
                        description.add("device: " + runtime.device() + ", " + runtime.precision().name()
                                .toLowerCase(Locale.ROOT) + (runtime.precision() == NativeOps.Precision.BF16
                                ? " (bf16 matrix products and GLA kernels, fp32 weights and accumulation)" : ""));
                    }
                    try (ParameterSet placed = runtime.place(params);
                         Trainer trainer = new Trainer(placed, runtime.ops(), adamw,
                                 options.learningRateSchedule(), options.clip(), options.gradAccum(), source,
                                 recompute)) {
                        Outcome outcome = loop(trainer, new Placement(params, placed, adamw), validation, history,
                                startStep, elapsedBefore, description, tokenizer == null ? null : tokenizer.file());
                        if (!runtime.device().isHost()) {
                            listener.message(memoryReport(runtime));
                        }
                        return outcome;
                    }
                }
            } finally {
                if (params != null) {
                    params.close();
                }
            }
        }
    }

    /** The host parameters (what checkpoints write), the ones training updates, and the optimizer. */
    private record Placement(Parameters params, ParameterSet placed, AdamW adamw) {
        /** Brings params and the optimizer's moments up to date with the training copies (device runs). */
        Parameters syncedParams() {
            ModelRuntime.copyToHost(placed, params);
            adamw.syncToHost();
            return params;
        }
    }

    private Outcome loop(Trainer trainer, Placement placement, List<Batch> validation, History history,
                         long startStep, double elapsedBefore, List<String> description, Path tokenizerFile)
            throws IOException {
        Parameters params = placement.params();
        AdamW adamw = placement.adamw();
        long steps = options.steps();
        listener.started(description, startStep, steps, elapsedBefore);
        String title = plotTitle(params.config());
        Path lastCheckpoint = startStep > 0 ? TrainingCheckpoints.directory(out, startStep) : null;
        Trainer.Step last = null;
        Trainer.Evaluation lastEvaluation = null;
        double elapsed = elapsedBefore;
        try (MetricsLog metrics = metricsFile == null ? null : MetricsLog.open(metricsFile, startStep)) {
            for (long s = startStep; s < steps; s++) {
                long t0 = System.nanoTime();
                Trainer.Step step = trainer.step(s);
                last = step;
                history.addStep(step.step(), step.loss());
                if (!step.finite()) {
                    if (metrics != null) {
                        metrics.write(step, null);
                    }
                    listener.step(step, null);
                    plot(history, title);
                    return new Outcome(s, true, lastCheckpoint, step, lastEvaluation, divergence(step, lastCheckpoint));
                }
                Trainer.Evaluation evaluation = null;
                boolean end = step.step() == steps;
                if (!validation.isEmpty() && (end || (options.evalEvery() > 0
                        && step.step() % options.evalEvery() == 0))) {
                    evaluation = trainer.evaluate(validation);
                    history.addValidation(step.step(), evaluation.loss(), evaluation.accuracy());
                    lastEvaluation = evaluation;
                }
                if (metrics != null) {
                    metrics.write(step, evaluation);
                }
                elapsed += (System.nanoTime() - t0) / 1e9;
                listener.step(step, evaluation);
                if (end || (options.checkpointEvery() > 0 && step.step() % options.checkpointEvery() == 0)) {
                    lastCheckpoint = TrainingCheckpoints.save(out, step.step(), options, placement.syncedParams(),
                            adamw, history,
                            elapsed, tokenizerFile, options.keepCheckpoints());
                    plot(history, title);
                    listener.checkpoint(step.step(), lastCheckpoint);
                }
            }
        }
        if (startStep >= steps) {
            listener.message("the run in " + out + " already reached step " + startStep + " of " + steps
                    + "; nothing to train (raise --steps to train longer)");
        }
        Checkpoint.save(out, params.config(), placement.syncedParams().toSafeTensors());
        if (tokenizerFile != null) {
            Files.copy(tokenizerFile, out.resolve(TextTokenizer.TOKENIZER_FILE), StandardCopyOption.REPLACE_EXISTING);
        }
        plot(history, title);
        return new Outcome(Math.max(startStep, steps), false, lastCheckpoint, last, lastEvaluation,
                "trained model saved in " + out);
    }

    /** Device memory: the most gla4j's tensors held at once, and what the device has in use now (all of it). */
    private static String memoryReport(ModelRuntime runtime) {
        var context = runtime.kernels().context();
        Gla.DeviceInfo info = Gla.deviceInfo(GlaH.GLA_BACKEND_CUDA(),
                runtime.device().index());
        return String.format(Locale.ROOT, "device memory: peak %.2f GiB in gla4j tensors; %.2f GiB in use on %s now",
                context.peakAllocatedBytes() / 1073741824.0,
                (info.totalMemory() - info.freeMemory()) / 1073741824.0, runtime.device());
    }

    private String divergence(Trainer.Step step, Path lastCheckpoint) {
        String what = Double.isFinite(step.loss()) ? "the gradient norm is " + step.gradNorm()
                : "the loss is " + step.loss();
        return String.format(Locale.ROOT, "%s at step %d (lr %.3g): training stopped without applying that step. %s",
                what, step.step(), step.lr(), lastCheckpoint == null
                        ? "No checkpoint had been written yet."
                        : "The last good checkpoint is " + lastCheckpoint + "; continue from it with --model "
                        + lastCheckpoint + " and a lower --lr, a longer --warmup or --clip.");
    }

    private void plot(History history, String title) {
        try {
            LossPlot.write(out.resolve(LossPlot.FILE), history, title);
        } catch (IOException | RuntimeException | LinkageError e) {
            listener.message("could not draw " + out.resolve(LossPlot.FILE) + ": " + e);
        }
    }

    private String plotTitle(GlaConfig config) {
        String data = switch (options.data()) {
            case MQAR -> "MQAR";
            case TEXT -> options.text().size() == 1 ? Path.of(options.text().getFirst()).getFileName().toString()
                    : options.text().size() + " text sources";
            case INPUT_IDS -> "a fixed batch";
        };
        return String.format(Locale.ROOT, "GLA, %,d parameters (d %d, %d layers), on %s", config.parameterCount(),
                config.hiddenSize(), config.numHiddenLayers(), data);
    }

    /** The checkpoint to resume from, after checking out is in the state the flags say. */
    private Optional<TrainingCheckpoints.State> checkpointToResume() throws IOException {
        List<Path> existing = TrainingCheckpoints.list(out);
        if (!resume) {
            if (!existing.isEmpty()) {
                throw new IllegalArgumentException(out + " already holds a run (" + existing.getFirst().getFileName()
                        + "): add --resume to continue it, or choose another --out");
            }
            return Optional.empty();
        }
        Optional<TrainingCheckpoints.State> state = TrainingCheckpoints.latest(out, listener::message);
        if (state.isEmpty()) {
            throw new NoSuchFileException(out.toString(), null, "--resume: no checkpoint to resume from");
        }
        List<String> conflicts = options.conflictsWith(state.get().options());
        if (!conflicts.isEmpty()) {
            throw new IllegalArgumentException("--resume: these options differ from the run in " + out
                    + " (checkpoint → now): " + String.join("; ", conflicts)
                    + ". Resume with the same options, or start a new run from its weights with --model "
                    + state.get().directory());
        }
        if (options.steps() != state.get().options().steps()
                && LearningRateSchedule.Kind.parse(options.schedule()) == LearningRateSchedule.Kind.COSINE) {
            listener.message("--steps changed from " + state.get().options().steps() + " to " + options.steps()
                    + ": the cosine schedule is stretched from here on");
        }
        return state;
    }

    /**
     * The model a new run starts from: a preset (its vocabulary set to the data's), a config.json (new weights), or
     * a model directory (its weights); the vocabulary must cover the data's ids.
     */
    static Parameters initialModel(String spec, int dataVocab, long seed, List<String> description)
            throws IOException {
        if (PRESETS.contains(spec)) {
            GlaConfig config = GlaConfig.preset(spec).toBuilder().vocabSize(dataVocab).build();
            description.add("model: new from preset " + spec + " (vocab_size set to the data's " + dataVocab
                    + "), seed " + seed);
            return Parameters.initialized(config, seed);
        }
        Path path = Path.of(spec);
        if (Files.isDirectory(path)) {
            try (Arena arena = Arena.ofConfined()) {
                Parameters params = Parameters.load(Checkpoint.open(path, arena));
                description.add("model: continued from the weights in " + path);
                return checkVocab(params, dataVocab, path.toString());
            }
        }
        if (Files.isRegularFile(path)) {
            GlaConfig config = GlaConfig.read(path);
            description.add("model: new from " + path + ", seed " + seed);
            return checkVocab(Parameters.initialized(config, seed), dataVocab, path.toString());
        }
        throw new IllegalArgumentException("--model " + spec + " is neither a preset (" + String.join(", ",
                PRESETS.stream().sorted().toList()) + "), a config.json, nor a model directory");
    }

    private static Parameters checkVocab(Parameters params, int dataVocab, String where) {
        if (params.config().vocabSize() < dataVocab) {
            int vocab = params.config().vocabSize();
            params.close();
            throw new IllegalArgumentException(where + " has vocab_size " + vocab + ", but the data has ids up to "
                    + (dataVocab - 1));
        }
        return params;
    }
}

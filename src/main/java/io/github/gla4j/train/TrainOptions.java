/*
 * TrainOptions.java — everything that decides what a training run computes: model, data, batch shape, optimizer,
 * schedule, seed; plus the intervals of validation and checkpoints. Saved in every checkpoint (trainer_state.json),
 * so that a resumed run can check it continues the same computation. Paths are stored absolute (the defaults are
 * those of `gla train`, in TrainCommand). Tested through CheckpointResumeTest.
 */
package io.github.gla4j.train;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.json.JsonMapper;

import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * @param model        a preset name (tiny, 340M, 1.3B), a config.json, or a model directory to continue from
 * @param data         the data kind: MQAR, TEXT or INPUT_IDS
 * @param text         text files or directories (TEXT)
 * @param tokenizer    a tokenizer.json, or null for bytes (TEXT)
 * @param valFraction  the share of the text held out for validation (TEXT)
 * @param inputIds     a safetensors file with input_ids [batch, seq_len] (INPUT_IDS)
 * @param mqarVocab    MQAR's vocabulary (keys from the lower half, values from the upper)
 * @param mqarPairs    MQAR's key-value pairs per sequence
 * @param batchSize    rows per micro-batch (INPUT_IDS: the file's)
 * @param seqLen       tokens per row (INPUT_IDS: the file's)
 * @param gradAccum    micro-batches per optimizer step
 * @param steps        optimizer steps of the whole run
 * @param warmup       warm-up steps
 * @param clip         maximal global gradient norm, 0 = no clipping
 * @param evalEvery    validation every this many steps (and at the end); 0 = never
 * @param evalBatches  batches per validation
 * @param checkpointEvery a checkpoint every this many steps (and at the end); 0 = only at the end
 * @param keepCheckpoints how many checkpoints to keep (the newest)
 */
public record TrainOptions(
        String model, Data data, List<String> text, String tokenizer, double valFraction, String inputIds,
        int mqarVocab, int mqarPairs,
        int batchSize, int seqLen, int gradAccum, long steps,
        double lr, double minLr, String schedule, long warmup,
        double beta1, double beta2, double eps, double weightDecay, boolean decayNormsAndBiases,
        double clip, long seed,
        long evalEvery, int evalBatches, long checkpointEvery, int keepCheckpoints) {

    public enum Data { MQAR, TEXT, INPUT_IDS }

    /** Options that may change when a run is resumed: they decide when things happen, not what is computed. */
    public static final Set<String> RESUMABLE_CHANGES = Set.of("steps", "eval_every", "eval_batches",
            "checkpoint_every", "keep_checkpoints");

    static final ObjectMapper JSON = JsonMapper.builder()
            .propertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE).build();

    public TrainOptions {
        text = text == null ? List.of() : List.copyOf(text);
        require(batchSize >= 1, "batch size", batchSize, "≥ 1");
        require(seqLen >= 2, "sequence length", seqLen, "≥ 2");
        require(gradAccum >= 1, "gradient accumulation", gradAccum, "≥ 1");
        require(steps >= 1, "steps", steps, "≥ 1");
        require(warmup >= 0, "warm-up", warmup, "≥ 0");
        require(clip >= 0, "clip", clip, "≥ 0 (0 = off)");
        require(valFraction >= 0 && valFraction < 1, "validation fraction", valFraction, "in [0, 1)");
        require(evalEvery >= 0 && evalBatches >= 0, "eval every / eval batches", evalEvery + " / " + evalBatches,
                "≥ 0");
        require(checkpointEvery >= 0, "checkpoint every", checkpointEvery, "≥ 0");
        require(keepCheckpoints >= 1, "checkpoints kept", keepCheckpoints, "≥ 1");
        new LearningRateSchedule(LearningRateSchedule.Kind.parse(schedule), lr, minLr, warmup, steps);
        new AdamW.Settings(beta1, beta2, eps, weightDecay, decayNormsAndBiases);
        switch (data) {
            case TEXT -> require(!text.isEmpty(), "text", text, "needs at least one file or directory");
            case INPUT_IDS -> require(inputIds != null, "input ids", inputIds, "needs a file");
            case MQAR -> new Mqar.Settings(mqarVocab, mqarPairs, seqLen, batchSize);
        }
    }

    private static void require(boolean ok, String what, Object value, String must) {
        if (!ok) {
            throw new IllegalArgumentException(what + " = " + value + " must be " + must);
        }
    }

    public LearningRateSchedule learningRateSchedule() {
        return new LearningRateSchedule(LearningRateSchedule.Kind.parse(schedule), lr, minLr, warmup, steps);
    }

    public AdamW.Settings adamW() {
        return new AdamW.Settings(beta1, beta2, eps, weightDecay, decayNormsAndBiases);
    }

    public Mqar.Settings mqar() {
        return new Mqar.Settings(mqarVocab, mqarPairs, seqLen, batchSize);
    }

    public long tokensPerStep() {
        return (long) batchSize * seqLen * gradAccum;
    }

    public JsonNode toJson() {
        return JSON.valueToTree(this);
    }

    public static TrainOptions fromJson(JsonNode json) {
        try {
            return JSON.treeToValue(json, TrainOptions.class);
        } catch (JsonProcessingException | IllegalArgumentException e) {
            throw new IllegalArgumentException("unreadable training options: " + e.getMessage(), e);
        }
    }

    /**
     * The options that differ from saved ones and may not change on resume, as "key: saved → now" lines (empty when
     * this run continues the saved one).
     */
    public List<String> conflictsWith(TrainOptions saved) {
        JsonNode now = toJson(), then = saved.toJson();
        List<String> out = new ArrayList<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = then.properties().iterator(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> e = it.next();
            JsonNode current = now.get(e.getKey());
            if (!RESUMABLE_CHANGES.contains(e.getKey()) && !e.getValue().equals(current)) {
                out.add(e.getKey() + ": " + e.getValue() + " → " + current);
            }
        }
        return out;
    }
}

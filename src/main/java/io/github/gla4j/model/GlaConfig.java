/*
 * GlaConfig: the hyper-parameters of a GLA Transformer, read from and written to a Hugging Face config.json
 * (model_type "gla", the keys of the reference GLAForCausalLM). Values that change the math and that gla4j
 * does not implement are rejected with a message naming the key and value; keys that do not change the math
 * (architectures, token ids, fuse_* flags, ...) are kept verbatim so that a config round-trips. Also: the
 * derived sizes, the presets "tiny", "340M", "1.3B", and the parameter list in the reference order.
 * Tested by GlaConfigTest (./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true).
 */
package io.github.gla4j.model;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.BooleanNode;
import com.fasterxml.jackson.databind.node.IntNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.github.gla4j.model.safetensors.AtomicFiles;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalDouble;
import java.util.OptionalInt;
import java.util.Set;
import java.util.TreeMap;

/** The configuration of a GLA Transformer language model (immutable; build with {@link #builder()}). */
public final class GlaConfig {
    public static final String MODEL_TYPE = "gla";
    /** Rank of the gk_proj low-rank gate projection (fixed in the reference layer). */
    public static final int GATE_LOW_RANK_DIM = 16;
    /** gk = logsigmoid(gk_proj(h)) / this (fixed in the reference layer). */
    public static final int GATE_LOGIT_NORMALIZER = 16;
    /** Kernel modes of the reference; all compute the same function, so each is accepted. */
    public static final Set<String> ATTN_MODES = Set.of("chunk", "fused_recurrent", "fused_chunk");
    /** Names of the same activation x·sigmoid(x). */
    public static final Set<String> HIDDEN_ACTS = Set.of("swish", "silu");

    private static final ObjectMapper JSON = JsonMapper.builder()
            .enable(JsonParser.Feature.STRICT_DUPLICATE_DETECTION)
            .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
            .build();
    /** Two-space indent and "key": value, like Python's json.dumps(indent=2). */
    private static final DefaultPrettyPrinter PRETTY = new DefaultPrettyPrinter()
            .withSeparators(Separators.createDefaultInstance()
                    .withObjectFieldValueSpacing(Separators.Spacing.AFTER));
    private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

    /** A key the reference reads, whose only value gla4j implements is {@code supported}. */
    private record Fixed(JsonNode supported, String why) {
    }

    private static final Map<String, Fixed> FIXED = Map.of(
            "feature_map", new Fixed(NullNode.instance, "feature maps on q/k are not implemented"),
            "use_short_conv", new Fixed(BooleanNode.FALSE, "short convolutions are not implemented"),
            "use_gk", new Fixed(BooleanNode.TRUE, "only the per-key-channel gate is implemented"),
            "use_gv", new Fixed(BooleanNode.FALSE, "value gates are not implemented"),
            "use_l2warp", new Fixed(BooleanNode.FALSE, "the l2warp loss term is not implemented"),
            "attn", new Fixed(NullNode.instance, "hybrid softmax-attention layers are not implemented"),
            "elementwise_affine", new Fixed(BooleanNode.TRUE, "norms without weights are not implemented"),
            "attnres_block_size", new Fixed(NullNode.instance, "attention residual blocks are not implemented"),
            "use_output_gate", new Fixed(BooleanNode.TRUE, "the layer without output gate is not implemented"),
            "quantization_config", new Fixed(NullNode.instance, "quantized checkpoints are not supported"));

    /**
     * Keys that do not change what the model computes (bookkeeping, generation defaults, kernel fusion
     * switches with identical math, the short-convolution size while short convolutions are off). Kept verbatim.
     */
    private static final Set<String> HARMLESS = Set.of(
            "architectures", "transformers_version", "dtype", "torch_dtype", "use_cache", "max_position_embeddings",
            "conv_size", "fuse_swiglu", "fuse_cross_entropy", "fuse_linear_cross_entropy",
            "bos_token_id", "eos_token_id", "sep_token_id", "decoder_start_token_id",
            "tokenizer_class", "auto_map", "prefix", "task_specific_params", "finetuning_task",
            "id2label", "label2id", "problem_type", "return_dict", "output_hidden_states", "output_attentions",
            "torchscript", "use_bfloat16", "tf_legacy_loss", "is_encoder_decoder", "is_decoder",
            "max_length", "min_length", "do_sample", "early_stopping", "num_beams", "num_beam_groups",
            "diversity_penalty", "temperature", "top_k", "top_p", "typical_p", "repetition_penalty",
            "length_penalty", "no_repeat_ngram_size", "encoder_no_repeat_ngram_size", "bad_words_ids",
            "num_return_sequences", "output_scores", "return_dict_in_generate", "forced_bos_token_id",
            "forced_eos_token_id", "remove_invalid_values", "exponential_decay_length_penalty",
            "suppress_tokens", "begin_suppress_tokens");

    private final int hiddenSize;
    private final int numHiddenLayers;
    private final int numHeads;
    private final Integer numKvHeads;
    private final double expandK;
    private final double expandV;
    private final Double hiddenRatio;
    private final Integer intermediateSize;
    private final String hiddenAct;
    private final double normEps;
    private final int vocabSize;
    private final boolean tieWordEmbeddings;
    private final Double clampMin;
    private final String attnMode;
    private final double initializerRange;
    private final boolean fuseNorm;
    private final Integer padTokenId;
    private final Map<String, JsonNode> extras;

    private GlaConfig(Builder b) {
        this.hiddenSize = b.hiddenSize;
        this.numHiddenLayers = b.numHiddenLayers;
        this.numHeads = b.numHeads;
        this.numKvHeads = b.numKvHeads;
        this.expandK = b.expandK;
        this.expandV = b.expandV;
        this.hiddenRatio = b.hiddenRatio;
        this.intermediateSize = b.intermediateSize;
        this.hiddenAct = b.hiddenAct;
        this.normEps = b.normEps;
        this.vocabSize = b.vocabSize;
        this.tieWordEmbeddings = b.tieWordEmbeddings;
        this.clampMin = b.clampMin;
        this.attnMode = b.attnMode;
        this.initializerRange = b.initializerRange;
        this.fuseNorm = b.fuseNorm;
        this.padTokenId = b.padTokenId;
        this.extras = Collections.unmodifiableMap(new TreeMap<>(b.extras));
        validate();
    }

    // ---- presets ----

    /** A preset by name: "tiny" (d 64, L 2, H 4, vocab 256), "340M" or "1.3B" (the paper's sizes, vocab 32000). */
    public static GlaConfig preset(String name) {
        return switch (name) {
            case "tiny" -> builder().hiddenSize(64).numHiddenLayers(2).numHeads(4).vocabSize(256).build();
            case "340M" -> builder().hiddenSize(1024).numHiddenLayers(24).numHeads(4).vocabSize(32000).build();
            case "1.3B" -> builder().hiddenSize(2048).numHiddenLayers(24).numHeads(4).vocabSize(32000).build();
            default -> throw new IllegalArgumentException("unknown preset '" + name + "' (known: tiny, 340M, 1.3B)");
        };
    }

    // ---- JSON ----

    /** Reads a config.json. */
    public static GlaConfig read(Path file) throws IOException {
        return fromJson(Files.readString(file, StandardCharsets.UTF_8), file.toString());
    }

    /** Writes this config as config.json, atomically. */
    public void write(Path file) throws IOException {
        AtomicFiles.write(file, toJson().getBytes(StandardCharsets.UTF_8));
    }

    /**
     * Parses config.json text. Missing keys take the reference's defaults.
     *
     * @param source names the text in error messages (e.g. its path)
     * @throws IllegalArgumentException naming the key and value that gla4j cannot honour
     */
    public static GlaConfig fromJson(String json, String source) {
        JsonNode root;
        try {
            root = JSON.readTree(json);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException(source + ": not valid JSON: " + e.getOriginalMessage(), e);
        }
        if (root == null || !root.isObject()) {
            throw new IllegalArgumentException(source + ": config must be a JSON object");
        }
        JsonNode modelType = root.get("model_type");
        if (modelType == null || !MODEL_TYPE.equals(modelType.textValue())) {
            throw new IllegalArgumentException(source + ": model_type = " + modelType + ", expected \"gla\"");
        }
        Builder b = new Builder(false);
        try {
            for (Map.Entry<String, JsonNode> e : root.properties()) {
                b.set(e.getKey(), e.getValue());
            }
            return b.build();
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(source + ": " + e.getMessage(), e);
        }
    }

    /** This config as config.json text: keys sorted, two-space indent, trailing newline (as Hugging Face writes). */
    public String toJson() {
        TreeMap<String, JsonNode> all = new TreeMap<>(extras);
        all.put("model_type", TextNode.valueOf(MODEL_TYPE));
        all.put("hidden_size", IntNode.valueOf(hiddenSize));
        all.put("num_hidden_layers", IntNode.valueOf(numHiddenLayers));
        all.put("num_heads", IntNode.valueOf(numHeads));
        all.put("num_kv_heads", numKvHeads == null ? NullNode.instance : IntNode.valueOf(numKvHeads));
        all.put("expand_k", NODES.numberNode(expandK));
        all.put("expand_v", NODES.numberNode(expandV));
        all.put("hidden_ratio", hiddenRatio == null ? NullNode.instance : ratioNode(hiddenRatio));
        all.put("intermediate_size", intermediateSize == null ? NullNode.instance : IntNode.valueOf(intermediateSize));
        all.put("hidden_act", TextNode.valueOf(hiddenAct));
        all.put("norm_eps", NODES.numberNode(normEps));
        all.put("vocab_size", IntNode.valueOf(vocabSize));
        all.put("tie_word_embeddings", BooleanNode.valueOf(tieWordEmbeddings));
        all.put("clamp_min", clampMin == null ? NullNode.instance : NODES.numberNode(clampMin));
        all.put("attn_mode", TextNode.valueOf(attnMode));
        all.put("initializer_range", NODES.numberNode(initializerRange));
        all.put("fuse_norm", BooleanNode.valueOf(fuseNorm));
        all.put("pad_token_id", padTokenId == null ? NullNode.instance : IntNode.valueOf(padTokenId));
        ObjectNode root = NODES.objectNode();
        root.setAll(all);
        try {
            return JSON.writer(PRETTY).writeValueAsString(root) + "\n";
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("serialising a config failed", e);
        }
    }

    /** An integral ratio is written as an integer, as the reference's default (4) is. */
    private static JsonNode ratioNode(double r) {
        return r == Math.rint(r) && Math.abs(r) < Integer.MAX_VALUE ? IntNode.valueOf((int) r) : NODES.numberNode(r);
    }

    // ---- accessors: configured values ----

    public int hiddenSize() {
        return hiddenSize;
    }

    public int numHiddenLayers() {
        return numHiddenLayers;
    }

    public int numHeads() {
        return numHeads;
    }

    /** Key/value heads (num_kv_heads, or num_heads when null). */
    public int numKvHeads() {
        return numKvHeads == null ? numHeads : numKvHeads;
    }

    public double expandK() {
        return expandK;
    }

    public double expandV() {
        return expandV;
    }

    /** hidden_ratio (4 when null). */
    public double hiddenRatio() {
        return hiddenRatio == null ? 4 : hiddenRatio;
    }

    /** "swish" or "silu" (the same function). */
    public String hiddenAct() {
        return hiddenAct;
    }

    public double normEps() {
        return normEps;
    }

    public int vocabSize() {
        return vocabSize;
    }

    /** True when lm_head shares model.embeddings.weight (and the checkpoint has no lm_head.weight). */
    public boolean tieWordEmbeddings() {
        return tieWordEmbeddings;
    }

    /** Lower clamp of the log gate after logsigmoid/16, if set (always ≤ 0). */
    public OptionalDouble clampMin() {
        return clampMin == null ? OptionalDouble.empty() : OptionalDouble.of(clampMin);
    }

    /** The reference's kernel choice; informational, all modes compute the same function. */
    public String attnMode() {
        return attnMode;
    }

    /** Std-dev of the normal init of linear and embedding weights. */
    public double initializerRange() {
        return initializerRange;
    }

    /** The reference's fused-norm switch: the same math, but it decides the name of the output-gate norm. */
    public boolean fuseNorm() {
        return fuseNorm;
    }

    /** The embedding's padding_idx, if any: that embedding row receives no gradient in the reference. */
    public OptionalInt padTokenId() {
        return padTokenId == null ? OptionalInt.empty() : OptionalInt.of(padTokenId);
    }

    /** The keys kept verbatim that do not change the math (sorted). */
    public Map<String, JsonNode> extras() {
        return extras;
    }

    // ---- derived sizes ----

    /** key_dim = int(d · expand_k): the width of q (H heads of headK). */
    public int keyDim() {
        return (int) (hiddenSize * expandK);
    }

    /** value_dim = int(d · expand_v): the width of the attention output (H heads of headV). */
    public int valueDim() {
        return (int) (hiddenSize * expandV);
    }

    public int headK() {
        return keyDim() / numHeads;
    }

    public int headV() {
        return valueDim() / numHeads;
    }

    /** Query heads per key/value head. */
    public int groups() {
        return numHeads / numKvHeads();
    }

    /** Width of k and of the gate gk before the kv heads are repeated: numKvHeads · headK. */
    public int keyDimPerGroup() {
        return keyDim() / groups();
    }

    /** Width of v before the kv heads are repeated: numKvHeads · headV. */
    public int valueDimPerGroup() {
        return valueDim() / groups();
    }

    /** MLP width: intermediate_size, or 256·ceil(int(d·hidden_ratio·2/3)/256) when that is null. */
    public int intermediateSize() {
        if (intermediateSize != null) {
            return intermediateSize;
        }
        // Same float expression and truncation as the reference: int(d * ratio * 2 / 3).
        long raw = (long) (hiddenSize * hiddenRatio() * 2 / 3);
        return Math.toIntExact(256 * ((raw + 255) / 256));
    }

    /** The name of the per-head norm on the attention output: the reference names the fused one differently. */
    public String outputNormName() {
        return hiddenAct.equals("swish") && fuseNorm ? "g_norm_swish_gate" : "g_norm";
    }

    // ---- parameters ----

    /** A parameter's name (as in the reference's state dict) and shape ([out, in] for linear weights). */
    public record Parameter(String name, long[] shape) {
        public Parameter {
            shape = shape.clone();
        }

        @Override
        public long[] shape() {
            return shape.clone();
        }

        public long numel() {
            long n = 1;
            for (long d : shape) {
                n = Math.multiplyExact(n, d);
            }
            return n;
        }

        @Override
        public boolean equals(Object o) {
            return o instanceof Parameter p && name.equals(p.name) && Arrays.equals(shape, p.shape);
        }

        @Override
        public int hashCode() {
            return 31 * name.hashCode() + Arrays.hashCode(shape);
        }

        @Override
        public String toString() {
            return name + Arrays.toString(shape);
        }
    }

    /**
     * Every parameter in the reference's order: model.embeddings.weight; per layer attn_norm, attn.q_proj,
     * attn.k_proj, attn.v_proj, attn.g_proj, attn.gk_proj.0, attn.gk_proj.1 (weight, bias), attn.o_proj, the output
     * norm, mlp_norm, mlp.gate_proj, mlp.up_proj, mlp.down_proj; model.norm.weight; lm_head.weight unless tied.
     */
    public List<Parameter> parameters() {
        long d = hiddenSize;
        List<Parameter> out = new ArrayList<>();
        out.add(new Parameter("model.embeddings.weight", new long[]{vocabSize, d}));
        for (int i = 0; i < numHiddenLayers; i++) {
            String p = "model.layers." + i + ".";
            out.add(new Parameter(p + "attn_norm.weight", new long[]{d}));
            out.add(new Parameter(p + "attn.q_proj.weight", new long[]{keyDim(), d}));
            out.add(new Parameter(p + "attn.k_proj.weight", new long[]{keyDimPerGroup(), d}));
            out.add(new Parameter(p + "attn.v_proj.weight", new long[]{valueDimPerGroup(), d}));
            out.add(new Parameter(p + "attn.g_proj.weight", new long[]{valueDim(), d}));
            out.add(new Parameter(p + "attn.gk_proj.0.weight", new long[]{GATE_LOW_RANK_DIM, d}));
            out.add(new Parameter(p + "attn.gk_proj.1.weight", new long[]{keyDimPerGroup(), GATE_LOW_RANK_DIM}));
            out.add(new Parameter(p + "attn.gk_proj.1.bias", new long[]{keyDimPerGroup()}));
            out.add(new Parameter(p + "attn.o_proj.weight", new long[]{d, valueDim()}));
            out.add(new Parameter(p + "attn." + outputNormName() + ".weight", new long[]{headV()}));
            out.add(new Parameter(p + "mlp_norm.weight", new long[]{d}));
            out.add(new Parameter(p + "mlp.gate_proj.weight", new long[]{intermediateSize(), d}));
            out.add(new Parameter(p + "mlp.up_proj.weight", new long[]{intermediateSize(), d}));
            out.add(new Parameter(p + "mlp.down_proj.weight", new long[]{d, intermediateSize()}));
        }
        out.add(new Parameter("model.norm.weight", new long[]{d}));
        if (!tieWordEmbeddings) {
            out.add(new Parameter("lm_head.weight", new long[]{vocabSize, d}));
        }
        return List.copyOf(out);
    }

    /** Total number of parameters (tied embeddings counted once). */
    public long parameterCount() {
        long n = 0;
        for (Parameter p : parameters()) {
            n = Math.addExact(n, p.numel());
        }
        return n;
    }

    // ---- validation ----

    private void validate() {
        require(hiddenSize >= 1, "hidden_size", hiddenSize, "must be ≥ 1");
        require(numHiddenLayers >= 1, "num_hidden_layers", numHiddenLayers, "must be ≥ 1");
        require(numHeads >= 1, "num_heads", numHeads, "must be ≥ 1");
        if (numKvHeads != null) {
            require(numKvHeads >= 1 && numKvHeads <= numHeads && numHeads % numKvHeads == 0, "num_kv_heads",
                    numKvHeads, "must divide num_heads = " + numHeads);
        }
        require(Double.isFinite(expandK) && expandK > 0, "expand_k", expandK, "must be a positive number");
        require(Double.isFinite(expandV) && expandV > 0, "expand_v", expandV, "must be a positive number");
        require(keyDim() >= 1 && keyDim() % numHeads == 0, "expand_k", expandK,
                "gives key_dim = int(hidden_size · expand_k) = " + keyDim() + ", not a positive multiple of num_heads = "
                        + numHeads);
        require(valueDim() >= 1 && valueDim() % numHeads == 0, "expand_v", expandV,
                "gives value_dim = int(hidden_size · expand_v) = " + valueDim()
                        + ", not a positive multiple of num_heads = " + numHeads);
        if (hiddenRatio != null) {
            require(Double.isFinite(hiddenRatio) && hiddenRatio > 0, "hidden_ratio", hiddenRatio,
                    "must be a positive number or null");
        }
        if (intermediateSize != null) {
            require(intermediateSize >= 1, "intermediate_size", intermediateSize, "must be ≥ 1 or null");
        } else {
            require(intermediateSize() >= 1, "hidden_ratio", hiddenRatio(), "gives an empty MLP");
        }
        require(HIDDEN_ACTS.contains(hiddenAct), "hidden_act", hiddenAct, "is not implemented (only swish/silu)");
        require(Double.isFinite(normEps) && normEps >= 0, "norm_eps", normEps, "must be a finite number ≥ 0");
        require(vocabSize >= 1, "vocab_size", vocabSize, "must be ≥ 1");
        if (clampMin != null) {
            // The log gate is ≤ 0 everywhere in the kernels; a positive floor would make every gate grow the state.
            require(Double.isFinite(clampMin) && clampMin <= 0, "clamp_min", clampMin, "must be a finite number ≤ 0 or null");
        }
        require(ATTN_MODES.contains(attnMode), "attn_mode", attnMode, "is not one of " + new java.util.TreeSet<>(ATTN_MODES));
        require(Double.isFinite(initializerRange) && initializerRange >= 0, "initializer_range", initializerRange,
                "must be a finite number ≥ 0");
        if (padTokenId != null) {
            require(padTokenId >= 0 && padTokenId < vocabSize, "pad_token_id", padTokenId,
                    "must be in [0, vocab_size = " + vocabSize + ") or null");
        }
    }

    private static void require(boolean ok, String key, Object value, String what) {
        if (!ok) {
            throw new IllegalArgumentException(key + " = " + value + " " + what);
        }
    }

    // ---- equality ----

    @Override
    public boolean equals(Object o) {
        return o instanceof GlaConfig c && hiddenSize == c.hiddenSize && numHiddenLayers == c.numHiddenLayers
                && numHeads == c.numHeads && Objects.equals(numKvHeads, c.numKvHeads)
                && Double.compare(expandK, c.expandK) == 0 && Double.compare(expandV, c.expandV) == 0
                && Objects.equals(hiddenRatio, c.hiddenRatio) && Objects.equals(intermediateSize, c.intermediateSize)
                && hiddenAct.equals(c.hiddenAct) && Double.compare(normEps, c.normEps) == 0
                && vocabSize == c.vocabSize && tieWordEmbeddings == c.tieWordEmbeddings
                && Objects.equals(clampMin, c.clampMin) && attnMode.equals(c.attnMode)
                && Double.compare(initializerRange, c.initializerRange) == 0 && fuseNorm == c.fuseNorm
                && Objects.equals(padTokenId, c.padTokenId) && extras.equals(c.extras);
    }

    @Override
    public int hashCode() {
        return Objects.hash(hiddenSize, numHiddenLayers, numHeads, numKvHeads, expandK, expandV, hiddenRatio,
                intermediateSize, hiddenAct, normEps, vocabSize, tieWordEmbeddings, clampMin, attnMode,
                initializerRange, fuseNorm, padTokenId, extras);
    }

    @Override
    public String toString() {
        return "GlaConfig[d=" + hiddenSize + ", L=" + numHiddenLayers + ", H=" + numHeads + ", Hkv=" + numKvHeads()
                + ", headK=" + headK() + ", headV=" + headV() + ", mlp=" + intermediateSize() + ", vocab=" + vocabSize
                + (tieWordEmbeddings ? ", tied" : "") + "]";
    }

    // ---- builder ----

    public static Builder builder() {
        return new Builder(true);
    }

    /** A builder holding this config's values. */
    public Builder toBuilder() {
        Builder b = new Builder(false);
        b.hiddenSize = hiddenSize;
        b.numHiddenLayers = numHiddenLayers;
        b.numHeads = numHeads;
        b.numKvHeads = numKvHeads;
        b.expandK = expandK;
        b.expandV = expandV;
        b.hiddenRatio = hiddenRatio;
        b.intermediateSize = intermediateSize;
        b.hiddenAct = hiddenAct;
        b.normEps = normEps;
        b.vocabSize = vocabSize;
        b.tieWordEmbeddings = tieWordEmbeddings;
        b.clampMin = clampMin;
        b.attnMode = attnMode;
        b.initializerRange = initializerRange;
        b.fuseNorm = fuseNorm;
        b.padTokenId = padTokenId;
        b.extras.putAll(extras);
        return b;
    }

    /** Builds a config; unset values take the reference GLAConfig's defaults. */
    public static final class Builder {
        private int hiddenSize = 2048;
        private int numHiddenLayers = 24;
        private int numHeads = 4;
        private Integer numKvHeads;
        private double expandK = 0.5;
        private double expandV = 1.0;
        private Double hiddenRatio = 4.0;
        private Integer intermediateSize;
        private String hiddenAct = "swish";
        private double normEps = 1e-6;
        private int vocabSize = 32000;
        private boolean tieWordEmbeddings;
        private Double clampMin;
        private String attnMode = "chunk";
        private double initializerRange = 0.02;
        private boolean fuseNorm = true;
        private Integer padTokenId;
        private final TreeMap<String, JsonNode> extras = new TreeMap<>();

        /** @param referenceExtras whether to start with the keys the reference writes, so it can load the file */
        private Builder(boolean referenceExtras) {
            if (referenceExtras) {
                extras.put("architectures", NODES.arrayNode().add("GLAForCausalLM"));
                extras.put("bos_token_id", IntNode.valueOf(1));
                extras.put("eos_token_id", IntNode.valueOf(2));
                extras.put("conv_size", IntNode.valueOf(4));
                extras.put("fuse_swiglu", BooleanNode.TRUE);
                extras.put("fuse_cross_entropy", BooleanNode.TRUE);
                extras.put("max_position_embeddings", IntNode.valueOf(2048));
                extras.put("use_cache", BooleanNode.TRUE);
                FIXED.forEach((key, fixed) -> {
                    if (!key.equals("quantization_config")) {
                        extras.put(key, fixed.supported);
                    }
                });
            }
        }

        public Builder hiddenSize(int v) {
            hiddenSize = v;
            return this;
        }

        public Builder numHiddenLayers(int v) {
            numHiddenLayers = v;
            return this;
        }

        public Builder numHeads(int v) {
            numHeads = v;
            return this;
        }

        /** null = num_heads. */
        public Builder numKvHeads(Integer v) {
            numKvHeads = v;
            return this;
        }

        public Builder expandK(double v) {
            expandK = v;
            return this;
        }

        public Builder expandV(double v) {
            expandV = v;
            return this;
        }

        /** null = 4. */
        public Builder hiddenRatio(Double v) {
            hiddenRatio = v;
            return this;
        }

        /** null = derived from hidden_ratio. */
        public Builder intermediateSize(Integer v) {
            intermediateSize = v;
            return this;
        }

        public Builder hiddenAct(String v) {
            hiddenAct = Objects.requireNonNull(v, "hidden_act");
            return this;
        }

        public Builder normEps(double v) {
            normEps = v;
            return this;
        }

        public Builder vocabSize(int v) {
            vocabSize = v;
            return this;
        }

        public Builder tieWordEmbeddings(boolean v) {
            tieWordEmbeddings = v;
            return this;
        }

        /** null = no clamp. */
        public Builder clampMin(Double v) {
            clampMin = v;
            return this;
        }

        public Builder attnMode(String v) {
            attnMode = Objects.requireNonNull(v, "attn_mode");
            return this;
        }

        public Builder initializerRange(double v) {
            initializerRange = v;
            return this;
        }

        public Builder fuseNorm(boolean v) {
            fuseNorm = v;
            return this;
        }

        /** null = no padding index. */
        public Builder padTokenId(Integer v) {
            padTokenId = v;
            return this;
        }

        /**
         * Sets any config.json key as the JSON parser would: a typed key sets its value; a key that does not change
         * the math is kept verbatim; a key whose value gla4j does not implement, or an unknown key, is rejected.
         */
        public Builder set(String key, JsonNode value) {
            Objects.requireNonNull(value, key);
            switch (key) {
                case "model_type" -> {
                    if (!MODEL_TYPE.equals(value.textValue())) {
                        throw new IllegalArgumentException("model_type = " + value + ", expected \"gla\"");
                    }
                }
                case "hidden_size" -> hiddenSize = intValue(key, value);
                case "num_hidden_layers" -> numHiddenLayers = intValue(key, value);
                case "num_heads" -> numHeads = intValue(key, value);
                case "num_kv_heads" -> numKvHeads = value.isNull() ? null : intValue(key, value);
                case "expand_k" -> expandK = number(key, value);
                case "expand_v" -> expandV = number(key, value);
                case "hidden_ratio" -> hiddenRatio = value.isNull() ? null : number(key, value);
                case "intermediate_size" -> intermediateSize = value.isNull() ? null : intValue(key, value);
                case "hidden_act" -> hiddenAct = text(key, value);
                case "norm_eps" -> normEps = number(key, value);
                case "vocab_size" -> vocabSize = intValue(key, value);
                case "tie_word_embeddings" -> tieWordEmbeddings = bool(key, value);
                case "clamp_min" -> clampMin = value.isNull() ? null : number(key, value);
                case "attn_mode" -> attnMode = text(key, value);
                case "initializer_range" -> initializerRange = number(key, value);
                case "fuse_norm" -> fuseNorm = bool(key, value);
                case "pad_token_id" -> padTokenId = value.isNull() ? null : intValue(key, value);
                default -> setExtra(key, value);
            }
            return this;
        }

        private void setExtra(String key, JsonNode value) {
            Fixed fixed = FIXED.get(key);
            if (fixed != null) {
                if (!fixed.supported.equals(value)) {
                    throw new IllegalArgumentException(key + " = " + value + " is not supported: " + fixed.why
                            + " (only " + fixed.supported + ")");
                }
            } else if (!HARMLESS.contains(key) && !key.startsWith("_")) {
                throw new IllegalArgumentException("unrecognised key " + key + " = " + value
                        + ": gla4j cannot tell whether it changes the model, so it refuses the config");
            }
            extras.put(key, value.deepCopy());
        }

        public GlaConfig build() {
            return new GlaConfig(this);
        }

        private static int intValue(String key, JsonNode v) {
            if (!v.isIntegralNumber() || !v.canConvertToInt()) {
                throw new IllegalArgumentException(key + " = " + v + " must be a 32-bit integer");
            }
            return v.intValue();
        }

        private static double number(String key, JsonNode v) {
            if (!v.isNumber()) {
                throw new IllegalArgumentException(key + " = " + v + " must be a number");
            }
            return v.doubleValue();
        }

        private static String text(String key, JsonNode v) {
            if (!v.isTextual()) {
                throw new IllegalArgumentException(key + " = " + v + " must be a string");
            }
            return v.textValue();
        }

        private static boolean bool(String key, JsonNode v) {
            if (!v.isBoolean()) {
                throw new IllegalArgumentException(key + " = " + v + " must be true or false");
            }
            return v.booleanValue();
        }
    }
}

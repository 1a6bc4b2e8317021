/*
 * GlaConfigTest: config.json round trip of the reference's golden config, derived sizes, presets, parameter names
 * and shapes in the reference order, and rejection (naming key and value) of everything gla4j does not implement.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GlaConfigTest {
    private static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    Path tmp;

    static Path goldenConfig() {
        try {
            return Path.of(GlaConfigTest.class.getResource("/golden/tiny-public/config.json").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    static ObjectNode goldenTree() throws IOException {
        return (ObjectNode) JSON.readTree(goldenConfig().toFile());
    }

    static GlaConfig parse(JsonNode tree) {
        return GlaConfig.fromJson(tree.toString(), "test");
    }

    @Test
    void goldenConfigRoundTripsExactly() throws IOException {
        GlaConfig c = GlaConfig.read(goldenConfig());
        assertEquals(goldenTree(), JSON.readTree(c.toJson()), "every key and value survives, unknown-but-harmless ones too");
        assertEquals(c, GlaConfig.fromJson(c.toJson(), "again"));
        Path out = tmp.resolve("config.json");
        c.write(out);
        assertEquals(c, GlaConfig.read(out));
        assertTrue(Files.readString(out).endsWith("}\n"));
    }

    @Test
    void goldenConfigValuesAndDerivedSizes() throws IOException {
        GlaConfig c = GlaConfig.read(goldenConfig());
        assertEquals(64, c.hiddenSize());
        assertEquals(2, c.numHiddenLayers());
        assertEquals(4, c.numHeads());
        assertEquals(4, c.numKvHeads());
        assertEquals(1, c.groups());
        assertEquals(32, c.keyDim());
        assertEquals(64, c.valueDim());
        assertEquals(8, c.headK());
        assertEquals(16, c.headV());
        assertEquals(256, c.intermediateSize());   // 256·ceil(int(64·4·2/3)/256) = 256·ceil(170/256)
        assertEquals(1e-6, c.normEps());
        assertEquals(256, c.vocabSize());
        assertFalse(c.tieWordEmbeddings());
        assertTrue(c.clampMin().isEmpty());
        assertTrue(c.padTokenId().isEmpty());
        assertEquals("swish", c.hiddenAct());
        assertEquals(0.02, c.initializerRange());
        assertEquals("float32", c.extras().get("dtype").textValue());
    }

    @Test
    void parametersInReferenceOrder() throws IOException {
        GlaConfig c = GlaConfig.read(goldenConfig());
        List<String> names = c.parameters().stream().map(GlaConfig.Parameter::name).toList();
        List<String> expected = new ArrayList<>();
        expected.add("model.embeddings.weight");
        for (int i = 0; i < 2; i++) {
            for (String s : List.of("attn_norm.weight", "attn.q_proj.weight", "attn.k_proj.weight", "attn.v_proj.weight",
                    "attn.g_proj.weight", "attn.gk_proj.0.weight", "attn.gk_proj.1.weight", "attn.gk_proj.1.bias",
                    "attn.o_proj.weight", "attn.g_norm_swish_gate.weight", "mlp_norm.weight", "mlp.gate_proj.weight",
                    "mlp.up_proj.weight", "mlp.down_proj.weight")) {
                expected.add("model.layers." + i + "." + s);
            }
        }
        expected.add("model.norm.weight");
        expected.add("lm_head.weight");
        assertEquals(expected, names);
        GlaConfig.Parameter gk1 = c.parameters().get(7);
        assertEquals("model.layers.0.attn.gk_proj.1.weight", gk1.name());
        assertArrayEquals(new long[]{32, 16}, gk1.shape());
        assertArrayEquals(new long[]{64, 256}, c.parameters().get(14).shape());   // down_proj [d, intermediate]
    }

    @Test
    void presets() throws IOException {
        GlaConfig tiny = GlaConfig.preset("tiny");
        assertEquals(GlaConfig.read(goldenConfig()).parameters(), tiny.parameters());
        GlaConfig m340 = GlaConfig.preset("340M");
        assertEquals(1024, m340.hiddenSize());
        assertEquals(24, m340.numHiddenLayers());
        assertEquals(128, m340.headK());
        assertEquals(256, m340.headV());
        assertEquals(2816, m340.intermediateSize());
        GlaConfig b13 = GlaConfig.preset("1.3B");
        assertEquals(256, b13.headK());
        assertEquals(512, b13.headV());
        assertEquals(5632, b13.intermediateSize());
        // The paper's names count the model without a separate output head.
        long m340Untied = m340.parameterCount() - 32000L * 1024;
        assertTrue(Math.abs(m340Untied - 340e6) < 5e6, "340M: " + m340Untied);
        long b13Untied = b13.parameterCount() - 32000L * 2048;
        assertTrue(Math.abs(b13Untied - 1.3e9) < 2e7, "1.3B: " + b13Untied);
        // Presets write configs the reference can read back, and so can we.
        for (String name : List.of("tiny", "340M", "1.3B")) {
            GlaConfig p = GlaConfig.preset(name);
            assertEquals(p, GlaConfig.fromJson(p.toJson(), name));
            assertEquals("GLAForCausalLM", JSON.readTree(p.toJson()).get("architectures").get(0).textValue());
        }
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> GlaConfig.preset("7B"));
        assertTrue(e.getMessage().contains("'7B'"));
    }

    @Test
    void groupedKeyValueHeads() throws IOException {
        ObjectNode t = goldenTree();
        t.put("num_kv_heads", 2);
        GlaConfig c = parse(t);
        assertEquals(2, c.groups());
        assertEquals(16, c.keyDimPerGroup());
        assertEquals(32, c.valueDimPerGroup());
        var shapes = c.parameters();
        assertArrayEquals(new long[]{32, 64}, shapes.get(2).shape());   // q_proj: all H heads
        assertArrayEquals(new long[]{16, 64}, shapes.get(3).shape());   // k_proj: Hkv heads
        assertArrayEquals(new long[]{32, 64}, shapes.get(4).shape());   // v_proj: Hkv heads
        assertArrayEquals(new long[]{16, 16}, shapes.get(7).shape());   // gk_proj.1.weight
        assertArrayEquals(new long[]{16}, shapes.get(8).shape());       // gk_proj.1.bias
        assertEquals(2, JSON.readTree(c.toJson()).get("num_kv_heads").intValue());
    }

    @Test
    void intermediateSizeRule() throws IOException {
        ObjectNode t = goldenTree();
        t.put("hidden_size", 1000);
        t.put("num_heads", 4);
        assertEquals(2816, parse(t).intermediateSize());           // int(2666.67) = 2666 → 2816
        t.put("hidden_ratio", 3);
        assertEquals(2048, parse(t).intermediateSize());           // int(2000.0) → 2048
        t.putNull("hidden_ratio");
        assertEquals(2816, parse(t).intermediateSize());           // null ratio = 4
        t.put("hidden_ratio", 2.5);
        assertEquals(1792, parse(t).intermediateSize());           // int(1666.67) = 1666 → 1792
        t.put("intermediate_size", 1234);
        assertEquals(1234, parse(t).intermediateSize());           // given explicitly
    }

    @Test
    void outputNormNameFollowsTheReference() throws IOException {
        ObjectNode t = goldenTree();
        t.put("hidden_act", "silu");
        assertTrue(parse(t).parameters().stream().anyMatch(p -> p.name().equals("model.layers.0.attn.g_norm.weight")));
        t = goldenTree();
        t.put("fuse_norm", false);
        assertEquals("g_norm", parse(t).outputNormName());
    }

    @Test
    void tiedEmbeddingsHaveNoLmHead() throws IOException {
        ObjectNode t = goldenTree();
        t.put("tie_word_embeddings", true);
        GlaConfig c = parse(t);
        assertTrue(c.parameters().stream().noneMatch(p -> p.name().equals("lm_head.weight")));
        assertEquals(GlaConfig.read(goldenConfig()).parameterCount() - 256 * 64, c.parameterCount());
    }

    @Test
    void missingKeysTakeTheReferenceDefaults() {
        GlaConfig c = GlaConfig.fromJson("{\"model_type\": \"gla\"}", "defaults");
        assertEquals(2048, c.hiddenSize());
        assertEquals(24, c.numHiddenLayers());
        assertEquals(4, c.numHeads());
        assertEquals(32000, c.vocabSize());
        assertEquals(0.5, c.expandK());
        assertEquals(5632, c.intermediateSize());
        assertEquals(GlaConfig.preset("1.3B").parameters(), c.parameters());
    }

    @Test
    void harmlessKeysAreKept() throws IOException {
        ObjectNode t = goldenTree();
        t.put("_name_or_path", "somewhere/gla");
        t.put("torch_dtype", "bfloat16");
        t.putArray("eos_token_id").add(2).add(3);
        t.put("use_cache", false);
        t.put("clamp_min", -0.5);
        t.put("pad_token_id", 0);
        t.put("attn_mode", "fused_recurrent");
        GlaConfig c = parse(t);
        assertEquals(t, JSON.readTree(c.toJson()));
        assertEquals(-0.5, c.clampMin().orElseThrow());
        assertEquals(0, c.padTokenId().orElseThrow());
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "feature_map|\"relu\"|feature_map = \"relu\" is not supported",
            "use_short_conv|true|use_short_conv = true is not supported",
            "use_gv|true|use_gv = true is not supported",
            "use_gk|false|use_gk = false is not supported",
            "use_l2warp|true|use_l2warp = true is not supported",
            "attn|{\"layers\": [1], \"num_heads\": 4}|attn = {\"layers\":[1],\"num_heads\":4} is not supported: hybrid",
            "elementwise_affine|false|elementwise_affine = false is not supported",
            "attnres_block_size|8|attnres_block_size = 8 is not supported",
            "use_output_gate|false|use_output_gate = false is not supported",
            "quantization_config|{\"bits\": 4}|quantization_config = {\"bits\":4} is not supported",
            "hidden_act|\"gelu\"|hidden_act = gelu is not implemented",
            "attn_mode|\"parallel\"|attn_mode = parallel is not one of",
            "model_type|\"llama\"|model_type = \"llama\", expected \"gla\"",
            "rms_norm_eps|1e-5|unrecognised key rms_norm_eps = 1.0E-5",
            "gate_low_rank_dim|32|unrecognised key gate_low_rank_dim = 32",
            "num_kv_heads|3|num_kv_heads = 3 must divide num_heads = 4",
            "num_heads|3|expand_k = 0.5 gives key_dim = int(hidden_size · expand_k) = 32, not a positive multiple of num_heads = 3",
            "expand_k|0.3|key_dim = int(hidden_size · expand_k) = 19",
            "hidden_size|64.5|hidden_size = 64.5 must be a 32-bit integer",
            "hidden_size|\"64\"|hidden_size = \"64\" must be a 32-bit integer",
            "hidden_size|0|hidden_size = 0 must be ≥ 1",
            "num_hidden_layers|4294967296|num_hidden_layers = 4294967296 must be a 32-bit integer",
            "vocab_size|-1|vocab_size = -1 must be ≥ 1",
            "clamp_min|0.5|clamp_min = 0.5 must be a finite number ≤ 0",
            "pad_token_id|256|pad_token_id = 256 must be in [0, vocab_size = 256)",
            "tie_word_embeddings|1|tie_word_embeddings = 1 must be true or false",
            "norm_eps|-1|norm_eps = -1.0 must be a finite number ≥ 0",
            "intermediate_size|0|intermediate_size = 0 must be ≥ 1",
            "hidden_ratio|-4|hidden_ratio = -4.0 must be a positive number"})
    void unsupportedValuesAreRejectedByName(String key, String value, String expected) throws IOException {
        ObjectNode t = goldenTree();
        t.set(key, JSON.readTree(value));
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> parse(t));
        assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
    }

    @Test
    void malformedJsonIsRejected() throws IOException {
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GlaConfig.fromJson("{\"model_type\": \"gla\", ", "cfg.json"));
        assertTrue(e.getMessage().startsWith("cfg.json: not valid JSON"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class,
                () -> GlaConfig.fromJson("{\"model_type\": \"gla\", \"hidden_size\": 8, \"hidden_size\": 16}", "cfg.json"));
        assertTrue(e.getMessage().contains("hidden_size"), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GlaConfig.fromJson("{\"hidden_size\": 8}", "cfg.json"));
        assertTrue(e.getMessage().contains("model_type = null, expected \"gla\""), e.getMessage());
        e = assertThrows(IllegalArgumentException.class, () -> GlaConfig.fromJson("[]", "cfg.json"));
        assertTrue(e.getMessage().contains("must be a JSON object"), e.getMessage());
        // A file's path is named in its errors.
        Path bad = tmp.resolve("config.json");
        Files.writeString(bad, "{\"model_type\": \"gla\", \"use_short_conv\": true}");
        e = assertThrows(IllegalArgumentException.class, () -> GlaConfig.read(bad));
        assertTrue(e.getMessage().startsWith(bad.toString()), e.getMessage());
    }

    @Test
    void builderRejectsLikeTheParser() {
        assertThrows(IllegalArgumentException.class,
                () -> GlaConfig.builder().set("feature_map", JSON.getNodeFactory().textNode("relu")));
        assertThrows(IllegalArgumentException.class, () -> GlaConfig.builder().numKvHeads(3).build());
        GlaConfig c = GlaConfig.preset("tiny").toBuilder().numKvHeads(2).build();
        assertEquals(2, c.groups());
        assertEquals(GlaConfig.preset("tiny"), GlaConfig.preset("tiny").toBuilder().build());
    }
}

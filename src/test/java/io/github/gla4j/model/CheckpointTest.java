/*
 * CheckpointTest: opening the reference's tiny checkpoint, save → open round trips (single file, sharded, BF16,
 * tied embeddings), switching layouts without leftovers, and refusal of weights that do not match the config.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsDType;
import io.github.gla4j.model.safetensors.SafeTensorsException;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointTest {
    @TempDir
    Path tmp;

    static Path golden() {
        return GlaConfigTest.goldenConfig().getParent();
    }

    private static Set<String> files(Path dir) throws IOException {
        try (var s = Files.list(dir)) {
            return s.map(p -> p.getFileName().toString()).collect(Collectors.toSet());
        }
    }

    @Test
    void opensTheReferenceCheckpoint() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ck = Checkpoint.open(golden(), arena);
            assertEquals(GlaConfig.read(golden().resolve("config.json")), ck.config());
            List<String> expected = ck.config().parameters().stream().map(GlaConfig.Parameter::name).toList();
            assertEquals(expected, List.copyOf(ck.names()), "reference order");
            SafeTensorsFile raw = SafeTensors.open(golden().resolve("model.safetensors"), arena);
            for (String name : ck.names()) {
                assertEquals(raw.tensor(name), ck.tensor(name));
            }
            assertEquals(16, ck.floats("model.layers.0.attn.g_norm_swish_gate.weight").length);
        }
    }

    @Test
    void saveThenOpenIsBitIdentical() throws IOException {
        Path out = tmp.resolve("ck");
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ref = Checkpoint.open(golden(), arena);
            Checkpoint.save(out, ref.config(), ref.tensors());
            assertEquals(Set.of("config.json", "model.safetensors"), files(out));
            // Same tensors, same metadata, same order: the reference's own file, byte for byte.
            assertEquals(-1, Files.mismatch(golden().resolve("model.safetensors"), out.resolve("model.safetensors")));
            Checkpoint back = Checkpoint.open(out, arena);
            assertEquals(ref.config(), back.config());
            for (String name : ref.names()) {
                assertEquals(ref.tensor(name), back.tensor(name));
            }
        }
    }

    @Test
    void shardedSaveAndLayoutSwitchesLeaveNoStaleFiles() throws IOException {
        Path out = tmp.resolve("ck");
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ref = Checkpoint.open(golden(), arena);
            Checkpoint.save(out, ref.config(), ref.tensors(), 200_000);
            Set<String> sharded = files(out);
            assertTrue(sharded.contains("model.safetensors.index.json"));
            assertFalse(sharded.contains("model.safetensors"));
            assertTrue(sharded.contains("model-00001-of-00004.safetensors"), sharded.toString());
            Checkpoint back = Checkpoint.open(out, arena);
            for (String name : ref.names()) {
                assertEquals(ref.tensor(name), back.tensor(name));
            }
            // Fewer, larger shards: the four old shard files go.
            Checkpoint.save(out, ref.config(), ref.tensors(), 400_000);
            Set<String> two = files(out);
            assertEquals(Set.of("config.json", "model.safetensors.index.json",
                    "model-00001-of-00002.safetensors", "model-00002-of-00002.safetensors"), two);
            // Back to one file: index and shards go.
            Checkpoint.save(out, ref.config(), ref.tensors());
            assertEquals(Set.of("config.json", "model.safetensors"), files(out));
            Checkpoint.open(out, arena);
        }
    }

    @Test
    void bf16Checkpoint() throws IOException {
        Path out = tmp.resolve("bf16");
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ref = Checkpoint.open(golden(), arena);
            List<SafeTensor> bf16 = new ArrayList<>();
            for (SafeTensor t : ref.tensors()) {
                bf16.add(SafeTensor.ofFloats(t.name(), SafeTensorsDType.BF16, t.shape(), t.toFloats()));
            }
            Checkpoint.save(out, ref.config(), bf16);
            Checkpoint back = Checkpoint.open(out, arena);
            float[] w = ref.floats("lm_head.weight");
            float[] b = back.floats("lm_head.weight");
            assertEquals(SafeTensorsDType.BF16, back.tensor("lm_head.weight").dtype());
            for (int i = 0; i < w.length; i++) {
                assertEquals(w[i], b[i], Math.abs(w[i]) * 0x1p-8f);
            }
        }
    }

    @Test
    void tiedEmbeddings() throws IOException {
        Path out = tmp.resolve("tied");
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ref = Checkpoint.open(golden(), arena);
            GlaConfig tied = ref.config().toBuilder().tieWordEmbeddings(true).build();
            List<SafeTensor> without = ref.tensors().stream().filter(t -> !t.name().equals("lm_head.weight")).toList();
            Checkpoint.save(out, tied, without);
            Checkpoint back = Checkpoint.open(out, arena);
            assertFalse(back.names().contains("lm_head.weight"));
            assertTrue(back.config().tieWordEmbeddings());
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(out, tied, ref.tensors()));
            assertTrue(e.getMessage().contains("[lm_head.weight] (tie_word_embeddings is true)"), e.getMessage());
            e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(out, ref.config(), without));
            assertTrue(e.getMessage().contains("missing 1 parameter(s) the config needs: [lm_head.weight] (tie_word_embeddings is false)"),
                    e.getMessage());
        }
    }

    @Test
    void weightsThatDoNotMatchTheConfigAreRefused() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ref = Checkpoint.open(golden(), arena);
            GlaConfig c = ref.config();
            List<SafeTensor> ts = new ArrayList<>(ref.tensors());

            List<SafeTensor> wrongShape = new ArrayList<>(ts);
            wrongShape.set(2, SafeTensor.ofFloats("model.layers.0.attn.q_proj.weight", SafeTensorsDType.F32,
                    new long[]{64, 32}, new float[64 * 32]));
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(tmp, c, wrongShape));
            assertTrue(e.getMessage().contains("'model.layers.0.attn.q_proj.weight' has shape [64, 32], the config needs [32, 64]"),
                    e.getMessage());

            List<SafeTensor> intParam = new ArrayList<>(ts);
            intParam.set(1, SafeTensor.ofLongs("model.layers.0.attn_norm.weight", SafeTensorsDType.I64,
                    new long[]{64}, new long[64]));
            e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(tmp, c, intParam));
            assertTrue(e.getMessage().contains("has dtype I64"), e.getMessage());

            List<SafeTensor> extra = new ArrayList<>(ts);
            extra.add(SafeTensor.ofFloats("model.layers.2.attn_norm.weight", SafeTensorsDType.F32, new long[]{64}, new float[64]));
            e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(tmp, c, extra));
            assertTrue(e.getMessage().contains("1 tensor(s) the config does not have: [model.layers.2.attn_norm.weight]"),
                    e.getMessage());

            List<SafeTensor> twice = new ArrayList<>(ts);
            twice.add(ts.get(0));
            e = assertThrows(SafeTensorsException.class, () -> Checkpoint.save(tmp, c, twice));
            assertTrue(e.getMessage().contains("given twice"), e.getMessage());

            // A config with 3 layers against 2-layer weights: the whole third layer is missing.
            Path out = tmp.resolve("mismatch");
            Checkpoint.save(out, c, ts);
            c.toBuilder().numHiddenLayers(3).build().write(out.resolve("config.json"));
            e = assertThrows(SafeTensorsException.class, () -> Checkpoint.open(out, arena));
            assertTrue(e.getMessage().contains("missing 14 parameter(s)"), e.getMessage());
            assertTrue(e.getMessage().contains("and 9 more"), e.getMessage());
        }
        assertEquals(Set.of("mismatch"), files(tmp), "refused saves write nothing");
    }

    @Test
    void incompleteOrAmbiguousDirectories() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            assertThrows(NoSuchFileException.class, () -> Checkpoint.open(tmp, arena));
            Checkpoint ref = Checkpoint.open(golden(), arena);
            ref.config().write(tmp.resolve("config.json"));
            NoSuchFileException missing = assertThrows(NoSuchFileException.class, () -> Checkpoint.open(tmp, arena));
            assertTrue(missing.getMessage().contains("neither model.safetensors nor model.safetensors.index.json"));
            Checkpoint.save(tmp, ref.config(), ref.tensors());
            Files.writeString(tmp.resolve("model.safetensors.index.json"), "{\"weight_map\": {}}");
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> Checkpoint.open(tmp, arena));
            assertTrue(e.getMessage().contains("ambiguous"), e.getMessage());
        }
    }

    @Test
    void unsupportedConfigIsRefusedBeforeWeightsAreRead() throws IOException {
        Checkpoint.save(tmp, GlaConfig.preset("tiny"), goldenTensors());
        String json = Files.readString(tmp.resolve("config.json")).replace("\"use_short_conv\": false", "\"use_short_conv\": true");
        Files.writeString(tmp.resolve("config.json"), json);
        try (Arena arena = Arena.ofConfined()) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> Checkpoint.open(tmp, arena));
            assertTrue(e.getMessage().contains("use_short_conv = true is not supported"), e.getMessage());
        }
    }

    private static List<SafeTensor> goldenTensors() throws IOException {
        // Copies onto the heap, so they outlive the arena that mapped them.
        try (Arena arena = Arena.ofConfined()) {
            List<SafeTensor> out = new ArrayList<>();
            for (SafeTensor t : Checkpoint.open(golden(), arena).tensors()) {
                out.add(SafeTensor.ofFloats(t.name(), t.dtype(), t.shape(), t.toFloats()));
            }
            return out;
        }
    }

    @Test
    void shapesFollowTheConfig() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ck = Checkpoint.open(golden(), arena);
            for (GlaConfig.Parameter p : ck.config().parameters()) {
                assertArrayEquals(p.shape(), ck.tensor(p.name()).shape(), p.name());
            }
        }
    }
}

/*
 * ShardedSafeTensorsTest: sharded write → read round trip (Hugging Face names and index), and refusal of an
 * index that disagrees with its shards. Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ShardedSafeTensorsTest {
    @TempDir
    Path dir;

    static List<SafeTensor> tensors() {
        List<SafeTensor> ts = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            float[] v = new float[10 * (i + 1)];
            for (int j = 0; j < v.length; j++) {
                v[j] = i * 1000 + j;
            }
            ts.add(SafeTensor.ofFloats("layer." + i + ".w", SafeTensorsDType.F32, new long[]{i + 1, 10}, v));
        }
        ts.add(SafeTensor.ofFloats("big", SafeTensorsDType.BF16, new long[]{400}, new float[400]));
        return ts;
    }

    @Test
    void shardedRoundTrip() throws IOException {
        List<SafeTensor> written = tensors();
        List<String> shards = ShardedSafeTensors.write(dir, "model.safetensors", written, Map.of("format", "pt"), 300);
        assertTrue(shards.size() > 2, "small shards force several files: " + shards);
        assertEquals("model-00001-of-0000" + shards.size() + ".safetensors", shards.getFirst());
        for (String s : shards) {
            assertTrue(Files.isRegularFile(dir.resolve(s)), s);
        }
        JsonNode index = new ObjectMapper().readTree(dir.resolve("model.safetensors.index.json").toFile());
        long total = written.stream().mapToLong(t -> t.data().byteSize()).sum();
        assertEquals(total, index.get("metadata").get("total_size").longValue());
        assertEquals(written.size(), index.get("weight_map").size());

        try (Arena arena = Arena.ofConfined()) {
            ShardedSafeTensors set = ShardedSafeTensors.open(dir.resolve("model.safetensors.index.json"), arena);
            assertEquals(total, set.totalSize().orElseThrow());
            for (SafeTensor w : written) {
                assertEquals(w, set.tensor(w.name()), w.name());
            }
            assertEquals(written.size(), set.names().size());
            // The 800-byte tensor exceeds the 300-byte limit and gets a shard of its own.
            String bigShard = set.weightMap().get("big");
            assertEquals(1, set.weightMap().values().stream().filter(bigShard::equals).count());
            // Each shard stays within the limit unless it holds a single tensor.
            for (String s : shards) {
                SafeTensorsFile f = SafeTensors.open(dir.resolve(s), arena);
                long bytes = f.tensors().stream().mapToLong(t -> t.data().byteSize()).sum();
                assertTrue(bytes <= 300 || f.names().size() == 1, s + " holds " + bytes + " bytes");
                assertEquals(Map.of("format", "pt"), f.metadata());
            }
        }
    }

    @Test
    void oneShardWhenEverythingFits() throws IOException {
        List<String> shards = ShardedSafeTensors.write(dir, "model.safetensors", tensors(), Map.of(), Long.MAX_VALUE);
        assertEquals(List.of("model-00001-of-00001.safetensors"), shards);
    }

    private Path writeSharded() throws IOException {
        ShardedSafeTensors.write(dir, "model.safetensors", tensors(), Map.of(), 300);
        return dir.resolve("model.safetensors.index.json");
    }

    private void assertRejected(Path index, String expected) {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsException e = assertThrows(SafeTensorsException.class, () -> ShardedSafeTensors.open(index, arena));
            assertTrue(e.getMessage().contains(expected), () -> "message '" + e.getMessage() + "' lacks '" + expected + "'");
        }
    }

    @Test
    void missingShard() throws IOException {
        Path index = writeSharded();
        Files.delete(dir.resolve("model-00002-of-00006.safetensors"));
        assertRejected(index, "shard 'model-00002-of-00006.safetensors' named by the index is missing");
    }

    @Test
    void indexDisagreesWithShards() throws IOException {
        Path index = writeSharded();
        String json = Files.readString(index);
        // Map one tensor to a shard that does not hold it.
        Files.writeString(index, json.replaceFirst("(\"layer\\.0\\.w\" : \")model-00001", "$1model-00002"));
        assertRejected(index, "maps tensor 'layer.0.w' to shard 'model-00002-of-00006.safetensors', which does not hold it");
        // Drop a tensor from the index.
        Files.writeString(index, json.replaceFirst("\"layer\\.0\\.w\" : \"[^\"]*\",", ""));
        assertRejected(index, "holds tensor 'layer.0.w' which the index does not list");
        // List a tensor that no shard holds.
        Files.writeString(index, json.replaceFirst("\"weight_map\" : \\{", "\"weight_map\" : {\"ghost\" : \"model-00001-of-00006.safetensors\","));
        assertRejected(index, "maps tensor 'ghost' to shard 'model-00001-of-00006.safetensors', which does not hold it");
    }

    @Test
    void malformedIndex() throws IOException {
        Path index = dir.resolve("model.safetensors.index.json");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"../outside.safetensors\"}}");
        assertRejected(index, "is not a file name in the index's directory");
        Files.writeString(index, "{\"weight_map\": {\"a\": 3}}");
        assertRejected(index, "weight_map['a'] = 3");
        Files.writeString(index, "{\"metadata\": {}}");
        assertRejected(index, "missing or non-object 'weight_map'");
        Files.writeString(index, "{\"weight_map\": {}, \"metadata\": {\"total_size\": -5}}");
        assertRejected(index, "total_size = -5");
        Files.writeString(index, "{\"weight_map\": {\"a\": \"x\", \"a\": \"y\"}}");
        assertRejected(index, "not valid JSON");
        Files.writeString(index, "{\"weight_map\": ");
        assertRejected(index, "not valid JSON");
    }
}

/*
 * GoldenFilesTest: reads the reference implementation's own safetensors files (test resources
 * golden/tiny-public: model.safetensors and golden.safetensors) and checks them against golden.json, and that
 * rewriting the model file reproduces the reference's bytes exactly.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.skip=true
 */
package io.github.gla4j.model.safetensors;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GoldenFilesTest {
    @TempDir
    Path tmp;

    static Path golden() {
        try {
            return Path.of(GoldenFilesTest.class.getResource("/golden/tiny-public").toURI());
        } catch (URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void referenceModelFile() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(golden().resolve("model.safetensors"), arena);
            assertEquals(Map.of("format", "pt"), f.metadata());
            assertEquals(2 + 2 * 14 + 1, f.names().size());   // embeddings, lm_head, 2 layers × 14, final norm
            SafeTensor emb = f.tensor("model.embeddings.weight");
            assertEquals(SafeTensorsDType.F32, emb.dtype());
            assertArrayEquals(new long[]{256, 64}, emb.shape());
            assertArrayEquals(new long[]{32}, f.tensor("model.layers.1.attn.gk_proj.1.bias").shape());
            float[] w = emb.toFloats();
            double sumSq = 0;
            for (float x : w) {
                assertTrue(Float.isFinite(x));
                sumSq += x * x;
            }
            double std = Math.sqrt(sumSq / w.length);
            assertTrue(std > 0.015 && std < 0.025, "embedding init N(0, 0.02), got std " + std);
        }
    }

    @Test
    void referenceGoldenFileAgreesWithGoldenJson() throws IOException {
        JsonNode json = new ObjectMapper().readTree(golden().resolve("golden.json").toFile());
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(golden().resolve("golden.safetensors"), arena);
            assertEquals((float) json.get("loss").doubleValue(), f.tensor("loss").toFloats()[0]);
            float[] adamw = f.tensor("adamw_losses").toFloats();
            assertEquals(json.get("adamw_losses").size(), adamw.length);
            for (int i = 0; i < adamw.length; i++) {
                assertEquals((float) json.get("adamw_losses").get(i).doubleValue(), adamw[i]);
            }
            SafeTensor ids = f.tensor("input_ids");
            assertEquals(SafeTensorsDType.I64, ids.dtype());
            assertArrayEquals(new long[]{json.get("B").intValue(), json.get("T").intValue()}, ids.shape());
            for (long id : ids.toLongs()) {
                assertTrue(id >= 0 && id < 256);
            }
            assertArrayEquals(new long[]{2, 48, 256}, f.tensor("logits").shape());
            assertArrayEquals(new long[]{1, 24}, f.tensor("generate_greedy_nocache").shape());
            // The I64 tensors here start at odd offsets (20, 212): unaligned reads must still be right.
            assertEquals(20 % 8, (f.tensor("generate_greedy_nocache").data().address()
                    - f.tensor("adamw_losses").data().address()) % 8);
            for (long id : f.tensor("generate_prompt").toLongs()) {
                assertTrue(id >= 0 && id < 256);
            }
        }
    }

    @Test
    void rewritingTheReferenceModelReproducesItsBytes() throws IOException {
        Path original = golden().resolve("model.safetensors");
        Path copy = tmp.resolve("model.safetensors");
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile f = SafeTensors.open(original, arena);
            SafeTensorsWriter.write(copy, f.tensors(), f.metadata());
        }
        assertEquals(-1, Files.mismatch(original, copy), "same header text, same layout, same data");
    }
}

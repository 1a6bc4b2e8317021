/*
 * ParametersTest: one allocation with a view per parameter in the reference order (contiguous, no gaps, views and
 * the flat vector share memory), loading the reference's checkpoint, a save → open round trip through Checkpoint,
 * the reference's init rules, and tied embeddings (no lm_head.weight).
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.model.**' -Dnative.asan.skip=true
 */
package io.github.gla4j.model;

import io.github.gla4j.memory.HostTensor;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.NoSuchElementException;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ParametersTest {

    @TempDir
    Path tmp;

    @Test
    void oneAllocationWithViewsInReferenceOrder() {
        GlaConfig config = TestModels.small(4).numKvHeads(2).build();
        try (Parameters p = Parameters.zeros(config)) {
            List<String> expected = new ArrayList<>();
            config.parameters().forEach(q -> expected.add(q.name()));
            assertEquals(expected, new ArrayList<>(p.names()));
            assertEquals(config.parameterCount(), p.flat().elementCount());
            long base = p.flat().segment().address(), offset = 0;
            for (GlaConfig.Parameter q : config.parameters()) {
                HostTensor view = p.get(q.name());
                assertArrayEquals(q.shape(), view.shape().dims(), q.name());
                assertEquals(base + offset * Float.BYTES, view.segment().address(), q.name() + " follows its predecessor");
                offset += q.numel();
            }
            p.get("model.layers.1.attn.gk_proj.1.bias").set(3, 7f);
            long biasOffset = (p.get("model.layers.1.attn.gk_proj.1.bias").segment().address() - base) / Float.BYTES;
            assertEquals(7f, p.flat().get(biasOffset + 3), "views share the flat memory");
            p.zero();
            assertEquals(0f, p.flat().get(biasOffset + 3));
        }
    }

    @Test
    void loadsTheReferenceCheckpointAndRoundTrips() throws IOException {
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint ckpt = Checkpoint.open(GoldenModelTest.golden(), arena);
            try (Parameters p = Parameters.load(ckpt)) {
                for (String name : p.names()) {
                    assertArrayEquals(ckpt.floats(name), p.get(name).toFloatArray(), name);
                }
                Checkpoint.save(tmp, p.config(), p.toSafeTensors());
                Checkpoint again = Checkpoint.open(tmp, arena);
                try (Parameters q = Parameters.load(again)) {
                    assertArrayEquals(p.flat().toFloatArray(), q.flat().toFloatArray());
                }
            }
        }
    }

    @Test
    void initialisedLikeTheReference() {
        GlaConfig config = TestModels.small(2).initializerRange(0.02).build();
        try (Parameters p = Parameters.initialized(config, 42)) {
            for (float v : p.get("model.layers.0.attn_norm.weight").toFloatArray()) {
                assertEquals(1f, v);
            }
            for (float v : p.get("model.layers.1.attn.g_norm_swish_gate.weight").toFloatArray()) {
                assertEquals(1f, v);
            }
            for (float v : p.get("model.layers.0.attn.gk_proj.1.bias").toFloatArray()) {
                assertEquals(0f, v);
            }
            float[] w = p.get("model.layers.0.mlp.up_proj.weight").toFloatArray();
            double sumSq = 0;
            for (float v : w) {
                sumSq += v * v;
            }
            double std = Math.sqrt(sumSq / w.length);
            assertTrue(std > 0.017 && std < 0.023, "N(0, 0.02), got std " + std);
        }
    }

    @Test
    void tiedEmbeddingsHaveNoHead() {
        try (Parameters p = Parameters.zeros(TestModels.small(2).tieWordEmbeddings(true).build())) {
            assertFalse(p.names().contains("lm_head.weight"));
            NoSuchElementException e = assertThrows(NoSuchElementException.class, () -> p.get("lm_head.weight"));
            assertTrue(e.getMessage().contains("tied"), e.getMessage());
        }
    }
}

/*
 * BenchCommandTest — `gla bench train|generate|kernels` end to end on the cpu with the tiny preset (the GPU numbers
 * come from the same commands on a CUDA host, docs/BENCHMARKS.md): they run, report, write their JSON, and refuse
 * what they cannot do with a message.
 */
package io.github.gla4j.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Path;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class BenchCommandTest {

    @TempDir
    Path tmp;

    @Test
    void trainReportsThroughputAndWhereTheTimeGoes() throws IOException {
        Path json = tmp.resolve("train.json");
        CliTest.Run r = CliTest.gla("bench", "train", "--model", "tiny", "--device", "cpu", "--dtype", "fp32",
                "--batch-size", "2", "--seq-len", "128", "--steps", "2", "--warmup-steps", "1", "--profile",
                "--recompute", "elementwise", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        assertTrue(r.out().contains("tokens/s"), r.out());
        assertTrue(r.out().contains("gla.chunkBackward"), "the profile names the GLA backward (T > 64: chunk form): "
                + r.out());
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertEquals("train", result.get("bench").asText());
        assertEquals("elementwise", result.get("recompute").asText());
        assertTrue(result.get("tokens_per_s").asDouble() > 0);
        assertTrue(Double.isFinite(result.get("final_loss").asDouble()));
    }

    @Test
    void generateReportsDecodingSpeedAndMemoryByContext() throws IOException {
        Path json = tmp.resolve("generate.json");
        CliTest.Run r = CliTest.gla("bench", "generate", "--model", "tiny", "--device", "cpu", "--dtype", "fp32",
                "--batch", "2", "--prompt-len", "20", "--new-tokens", "5", "--warmup-seconds", "0", "--context", "40",
                "60", "--json", json.toString());
        assertEquals(0, r.status(), r.err());
        JsonNode result = new ObjectMapper().readTree(json.toFile());
        assertTrue(result.get("tokens_per_s").asDouble() > 0);
        assertEquals(3, result.get("warmup_steps").asInt(), "no warm-up time: the 3 steps that size and record");
        assertEquals(2, result.get("memory").size());
        assertEquals(40, result.get("memory").get(0).get("context").asInt());
        assertEquals("layer ops", result.get("decode_steps").asText(), "the Java cpu ops have no fused products");

        // the library's layer ops (bf16 on the cpu runs them): steps of up to 16 sequences are fused
        CliTest.Run fused = CliTest.gla("bench", "generate", "--model", "tiny", "--device", "cpu", "--dtype", "bf16",
                "--batch", "2", "--prompt-len", "20", "--new-tokens", "5", "--warmup-seconds", "0.2", "--json",
                json.toString());
        assertEquals(0, fused.status(), fused.err());
        assertTrue(fused.out().contains("decoding (fused products)"), fused.out());
        assertTrue(new ObjectMapper().readTree(json.toFile()).get("warmup_steps").asInt() >= 3, fused.out());
        assertEquals("fused products", new ObjectMapper().readTree(json.toFile()).get("decode_steps").asText());
    }

    @Test
    void kernelsNeedACudaDeviceAndPrecisionsAreKnown() {
        CliTest.Run cpu = CliTest.gla("bench", "kernels", "--device", "cpu");
        assertEquals(2, cpu.status());
        assertTrue(cpu.err().contains("cuda backend"), cpu.err());
        CliTest.Run fp16 = CliTest.gla("bench", "train", "--model", "tiny", "--device", "cpu", "--dtype", "fp16");
        assertEquals(2, fp16.status());
        assertTrue(fp16.err().contains("unknown precision 'fp16'"), fp16.err());
        CliTest.Run recompute = CliTest.gla("bench", "train", "--model", "tiny", "--device", "cpu", "--recompute",
                "nothing");
        assertEquals(2, recompute.status());
        assertTrue(recompute.err().contains("unknown recompute 'nothing' (products or elementwise)"), recompute.err());
    }
}

/*
 * ForwardCommandTest: `gla forward` end to end on the reference's golden batch: the written logits, loss and
 * gradients match the reference's, every parameter has its grad.<name>, and bad usage exits with status 2.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.cli.ForwardCommandTest' -Dnative.asan.skip=true
 */
package io.github.gla4j.cli;

import io.github.gla4j.model.GlaConfig;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import io.github.gla4j.model.safetensors.SafeTensorsWriter;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ForwardCommandTest {

    @TempDir
    Path tmp;

    static Path golden() throws URISyntaxException {
        return Path.of(ForwardCommandTest.class.getResource("/golden/tiny-public").toURI());
    }

    static double relRms(float[] actual, float[] expected) {
        double num = 0, den = 0;
        for (int i = 0; i < actual.length; i++) {
            if (!Float.isFinite(actual[i])) {
                return Double.POSITIVE_INFINITY;
            }
            num += (actual[i] - expected[i]) * (double) (actual[i] - expected[i]);
            den += expected[i] * (double) expected[i];
        }
        return Math.sqrt(num / den);
    }

    @Test
    void writesTheReferenceLogitsLossAndGradients() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile expected = SafeTensors.open(golden().resolve("golden.safetensors"), arena);
            Path in = tmp.resolve("in.safetensors"), out = tmp.resolve("out.safetensors");
            SafeTensorsWriter.write(in, List.of(expected.tensor("input_ids")), Map.of());
            CliTest.Run r = CliTest.gla("forward", "--model", golden().toString(), "--input-ids", in.toString(),
                    "--backward", "--output", out.toString());
            assertEquals(0, r.status(), r.out() + r.err());
            assertTrue(r.out().contains("31 gradients"), r.out());

            SafeTensorsFile got = SafeTensors.open(out, arena);
            assertArrayEquals(new long[]{2, 48, 256}, got.tensor("logits").shape());
            assertTrue(relRms(got.tensor("logits").toFloats(), expected.tensor("logits").toFloats()) < 1e-5);
            assertEquals(expected.tensor("loss").toFloats()[0], got.tensor("loss").toFloats()[0], 1e-5);
            GlaConfig config = GlaConfig.read(golden().resolve("config.json"));
            for (GlaConfig.Parameter p : config.parameters()) {
                SafeTensor g = got.tensor("grad." + p.name());
                assertArrayEquals(p.shape(), g.shape(), p.name());
                if (expected.contains("grad." + p.name())) {
                    double e = relRms(g.toFloats(), expected.tensor("grad." + p.name()).toFloats());
                    assertTrue(e < 1e-4, p.name() + " relative RMS error " + e);
                }
            }
        }
    }

    @Test
    void withoutBackwardWritesLogitsAndLossOnly() throws Exception {
        try (Arena arena = Arena.ofConfined()) {
            SafeTensorsFile expected = SafeTensors.open(golden().resolve("golden.safetensors"), arena);
            Path in = tmp.resolve("in.safetensors"), out = tmp.resolve("out.safetensors");
            SafeTensorsWriter.write(in, List.of(expected.tensor("input_ids")), Map.of());
            CliTest.Run r = CliTest.gla("forward", "--model", golden().toString(), "--input-ids", in.toString(),
                    "--mode", "chunk", "--output", out.toString());
            assertEquals(0, r.status(), r.out() + r.err());
            SafeTensorsFile got = SafeTensors.open(out, arena);
            assertEquals(List.of("logits", "loss"), got.names().stream().sorted().toList());
        }
    }

    @Test
    void badUsageExitsWithStatus2() throws IOException, URISyntaxException {
        Path in = tmp.resolve("in.safetensors");
        SafeTensorsWriter.write(in, List.of(SafeTensor.ofLongs("input_ids",
                io.github.gla4j.model.safetensors.SafeTensorsDType.I64, new long[]{1, 3}, new long[]{1, 2, 999})),
                Map.of());
        String model = golden().toString(), out = tmp.resolve("out.safetensors").toString();
        CliTest.Run r = CliTest.gla("forward", "--model", model, "--input-ids", in.toString(), "--output", out);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("999"), r.err());
        r = CliTest.gla("forward", "--model", model, "--input-ids", in.toString(), "--device", "tpu",
                "--output", out);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown device 'tpu'"), r.err());
        r = CliTest.gla("forward", "--model", model, "--input-ids", in.toString(), "--dtype", "fp16",
                "--output", out);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("unknown precision 'fp16'"), r.err());
        r = CliTest.gla("forward", "--model", model, "--input-ids", model + "/model.safetensors", "--output", out);
        assertEquals(2, r.status());
        assertTrue(r.err().contains("input_ids"), r.err());
        assertFalse(java.nio.file.Files.exists(Path.of(out)), "nothing written on failure");
    }
}

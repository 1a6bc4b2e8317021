/*
 * GenerateCommandTest: `gla generate` end to end on the reference's tiny-public model: greedy --print-ids gives the
 * golden continuation, text prompts go through the byte tokenizer both ways, a seed reproduces a sampled run,
 * --stop-ids and the config's eos_token_id stop it (not with --ignore-eos), --stats reports speed, --help works, and
 * bad usage (an unknown device or precision) exits with status 2 and a message.
 * Run: ./mvnw -o -q test -Dtest='io.github.gla4j.generate.GenerateCommandTest' -Dnative.asan.skip=true
 */
package io.github.gla4j.generate;

import io.github.gla4j.cli.Main;
import io.github.gla4j.train.ByteTokenizer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.stream.Collectors;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GenerateCommandTest {

    record Run(int status, String out, String err) {
    }

    static Run gla(String... args) {
        PrintStream oldOut = System.out, oldErr = System.err;
        ByteArrayOutputStream out = new ByteArrayOutputStream(), err = new ByteArrayOutputStream();
        try {
            System.setOut(new PrintStream(out, true, StandardCharsets.UTF_8));
            System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
            int status = Main.run(args);
            return new Run(status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
        } finally {
            System.setOut(oldOut);
            System.setErr(oldErr);
        }
    }

    static String model() {
        return TestModels.golden().toString();
    }

    static String csv(int[] ids) {
        return Arrays.stream(ids).mapToObj(Integer::toString).collect(Collectors.joining(","));
    }

    @Test
    void greedyIdsAreTheReferenceContinuation() throws IOException {
        int[] prompt = TestModels.goldenIds("generate_prompt"), expected = TestModels.goldenIds("generate_greedy_nocache");
        Run r = gla("generate", "--model", model(), "--prompt-ids", csv(prompt), "--greedy", "--max-new-tokens",
                "" + expected.length, "--print-ids");
        assertEquals(0, r.status(), r.err());
        assertEquals(csv(expected) + System.lineSeparator(), r.out());
        assertEquals("", r.err());

        Run stopped = gla("generate", "--model", model(), "--prompt-ids", csv(prompt), "--greedy", "--print-ids",
                "--stop-ids", "" + expected[3], "--stats");
        assertEquals(0, stopped.status(), stopped.err());
        assertEquals(csv(Arrays.copyOf(expected, 3)) + System.lineSeparator(), stopped.out());
        assertTrue(stopped.err().contains("prompt 40 tokens") && stopped.err().contains("finish: stop ("
                + expected[3] + ")"), stopped.err());
    }

    @Test
    void theConfigsEosTokenStopsUnlessIgnored(@TempDir Path dir) throws IOException {
        int[] prompt = TestModels.goldenIds("generate_prompt"), expected = TestModels.goldenIds("generate_greedy_nocache");
        Files.copy(TestModels.golden().resolve("model.safetensors"), dir.resolve("model.safetensors"));
        String config = Files.readString(TestModels.golden().resolve("config.json"));
        assertTrue(config.contains("\"eos_token_id\": 2,"), config);
        Files.writeString(dir.resolve("config.json"), config.replace("\"eos_token_id\": 2,",
                "\"eos_token_id\": [" + expected[5] + ", 0],"));
        Run stopped = gla("generate", "--model", dir.toString(), "--prompt-ids", csv(prompt), "--greedy",
                "--print-ids");
        assertEquals(0, stopped.status(), stopped.err());
        assertEquals(csv(Arrays.copyOf(expected, 5)) + System.lineSeparator(), stopped.out());
        Run ignored = gla("generate", "--model", dir.toString(), "--prompt-ids", csv(prompt), "--greedy",
                "--print-ids", "--ignore-eos", "--max-new-tokens", "8");
        assertEquals(csv(Arrays.copyOf(expected, 8)) + System.lineSeparator(), ignored.out());
    }

    @Test
    void textPromptsAndOutputGoThroughTheByteTokenizer() throws IOException {
        ByteTokenizer bytes = new ByteTokenizer();
        Run ids = gla("generate", "--model", model(), "--prompt", "Hello, GLA", "--greedy", "--max-new-tokens", "12",
                "--print-ids", "--ignore-eos");
        assertEquals(0, ids.status(), ids.err());
        Run text = gla("generate", "--model", model(), "--prompt-ids", csv(bytes.encode("Hello, GLA")), "--greedy",
                "--max-new-tokens", "12", "--ignore-eos");
        assertEquals(0, text.status(), text.err());
        int[] generated = Arrays.stream(ids.out().strip().split(",")).mapToInt(Integer::parseInt).toArray();
        assertEquals(12, generated.length);
        assertEquals(bytes.decode(generated) + System.lineSeparator(), text.out());
    }

    @Test
    void aSeedReproducesASampledRun() {
        String[] args = {"generate", "--model", model(), "--prompt", "abc", "--temperature", "1.2", "--top-k", "50",
                "--top-p", "0.9", "--repetition-penalty", "1.1", "--max-new-tokens", "10", "--print-ids",
                "--ignore-eos", "--seed", "5"};
        Run a = gla(args), b = gla(args);
        assertEquals(0, a.status(), a.err());
        assertEquals(a.out(), b.out());
        args[args.length - 1] = "6";
        assertNotEquals(a.out(), gla(args).out());
        Run unseeded = gla("generate", "--model", model(), "--prompt", "abc", "--max-new-tokens", "3");
        assertEquals(0, unseeded.status(), unseeded.err());
        assertTrue(unseeded.err().startsWith("seed "), "a random seed is reported: " + unseeded.err());
    }

    @Test
    void helpNamesTheDevicesAndStatsCoverAnEmptyRun() {
        Run help = gla("generate", "--help");
        assertEquals(0, help.status(), help.err());
        assertTrue(help.out().contains("cpu, cuda or cuda:N"), help.out());
        Run none = gla("generate", "--model", model(), "--prompt", "a", "--greedy", "--max-new-tokens", "0",
                "--stats");
        assertEquals(0, none.status(), none.err());
        assertEquals(System.lineSeparator(), none.out());
        assertTrue(none.err().contains("prompt 1 tokens, no token generated; finish: length"), none.err());
    }

    @Test
    void badUsageExitsWithStatus2() {
        Run tpu = gla("generate", "--model", model(), "--prompt", "a", "--device", "tpu");
        assertEquals(2, tpu.status());
        assertTrue(tpu.err().contains("unknown device 'tpu'"), tpu.err());
        Run fp16 = gla("generate", "--model", model(), "--prompt", "a", "--dtype", "fp16");
        assertEquals(2, fp16.status());
        assertTrue(fp16.err().contains("unknown precision 'fp16'"), fp16.err());
        assertEquals(2, gla("generate", "--model", model(), "--prompt", "a", "--prompt-ids", "1").status());
        assertEquals(2, gla("generate", "--model", model()).status());
        Run both = gla("generate", "--model", model(), "--prompt", "a", "--greedy", "--temperature", "0.5");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("--greedy"), both.err());
        Run outside = gla("generate", "--model", model(), "--prompt-ids", "1,256");
        assertEquals(2, outside.status());
        assertTrue(outside.err().contains("256"), outside.err());
        Run empty = gla("generate", "--model", model(), "--prompt", "");
        assertEquals(2, empty.status());
        assertTrue(empty.err().contains("empty"), empty.err());
    }
}

/*
 * TrainCommandTest — `gla train` and `gla eval` end to end through Main.run: the reference's 5 AdamW losses from
 * the command line (--input-ids, the metrics file), a byte-level run on text and its evaluation by position, a run
 * with a tokenizer.json that lands beside the model and is found by gla eval, and usage errors (exit status 2).
 */
package io.github.gla4j.train;

import com.fasterxml.jackson.databind.JsonNode;
import io.github.gla4j.cli.Main;
import io.github.gla4j.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

class TrainCommandTest {

    @TempDir
    Path dir;

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

    @Test
    void reproducesTheReferenceAdamWLossesFromTheCommandLine() throws IOException {
        Path out = dir.resolve("golden"), metrics = dir.resolve("metrics.jsonl");
        Run r = gla("train", "--model", Golden.model().toString(), "--input-ids", Golden.file().toString(),
                "--steps", "5", "--lr", "1e-3", "--beta1", "0.9", "--beta2", "0.95", "--eps", "1e-8",
                "--weight-decay", "0.1", "--schedule", "constant", "--warmup", "0", "--clip", "0",
                "--out", out.toString(), "--metrics", metrics.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        float[] expected = Golden.adamwLosses();
        List<String> lines = Files.readAllLines(metrics);
        assertEquals(5, lines.size());
        for (int i = 0; i < 5; i++) {
            JsonNode line = TrainOptions.JSON.readTree(lines.get(i));
            assertEquals(i + 1, line.get("step").asInt());
            assertEquals(expected[i], line.get("loss").asDouble(), 1e-5 * expected[i], "loss before step " + (i + 1));
            assertEquals(1e-3, line.get("lr").asDouble(), 0);
            assertTrue(line.get("grad_norm").asDouble() > 0 && line.get("tokens_per_s").asDouble() > 0);
        }
        assertTrue(Files.isRegularFile(out.resolve(Checkpoint.WEIGHTS_FILE)));
        assertTrue(Files.isRegularFile(out.resolve("checkpoint-5").resolve(TrainingCheckpoints.STATE_FILE)));
        assertTrue(r.out().contains("done: step 5"), r.out());
    }

    @Test
    void trainsOnTextAndEvaluatesByPosition() throws IOException {
        Path text = dir.resolve("text.txt");
        Files.writeString(text, "the quick brown fox jumps over the lazy dog. ".repeat(200));
        Path out = dir.resolve("bytes");
        Run r = gla("train", "--data", text.toString(), "--steps", "6", "--seq-len", "32", "--batch-size", "4",
                "--eval-every", "3", "--eval-batches", "2", "--out", out.toString(), "--no-progress");
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("step 3: validation loss"), r.out());
        assertTrue(r.out().contains("vocab_size set to the data's 256"), r.out());
        assertTrue(Files.isRegularFile(out.resolve(LossPlot.FILE)));

        Run e = gla("eval", "--model", out.toString(), "--data", text.toString(), "--seq-len", "64",
                "--buckets", "4");
        assertEquals(0, e.status(), e.out() + e.err());
        assertTrue(e.out().contains("perplexity"), e.out());
        assertTrue(e.out().contains("0–15") && e.out().contains("48–62"), e.out());
        Run bf16 = gla("eval", "--model", out.toString(), "--data", text.toString(), "--seq-len", "64",
                "--buckets", "4", "--dtype", "bf16");   // the library's layer ops, the path cuda runs
        assertEquals(0, bf16.status(), bf16.out() + bf16.err());
        double fp32Loss = loss(e.out()), bf16Loss = loss(bf16.out());
        assertEquals(fp32Loss, bf16Loss, 2e-2 * fp32Loss, "bf16 loss " + bf16Loss + " vs fp32 " + fp32Loss);

        Run again = gla("train", "--data", text.toString(), "--steps", "6", "--out", out.toString());
        assertEquals(2, again.status());
        assertTrue(again.err().contains("--resume"), again.err());
    }

    @Test
    void aTokenizerJsonTravelsWithTheModel() throws IOException {
        Path tokenizer = dir.resolve("tokenizer.json");
        Files.writeString(tokenizer, TokenizerTest.WORD_LEVEL);
        Path text = dir.resolve("cats.txt");
        Files.writeString(text, "the cat sat on the mat ".repeat(300));
        Path out = dir.resolve("words");
        Run r = gla("train", "--data", text.toString(), "--tokenizer", tokenizer.toString(), "--steps", "3",
                "--seq-len", "16", "--batch-size", "2", "--out", out.toString());
        assertEquals(0, r.status(), r.out() + r.err());
        assertTrue(r.out().contains("vocab_size set to the data's 7"), r.out());
        assertEquals(Files.readString(tokenizer), Files.readString(out.resolve("tokenizer.json")));
        Run e = gla("eval", "--model", out.toString(), "--data", text.toString(), "--seq-len", "16");
        assertEquals(0, e.status(), e.out() + e.err());
        assertTrue(e.out().contains("tokenizer.json (vocab 7)"), e.out());
    }

    @Test
    void usageErrorsExitWithTwo() {
        Run both = gla("train", "--data", "x.txt", "--input-ids", "y.safetensors");
        assertEquals(2, both.status());
        assertTrue(both.err().contains("either --data or --input-ids"), both.err());
        Run badModel = gla("train", "--model", "huge", "--steps", "1", "--out", dir.resolve("m").toString());
        assertEquals(2, badModel.status());
        assertTrue(badModel.err().contains("neither a preset"), badModel.err());
        Run help = gla("train", "--help");
        assertEquals(0, help.status());
        assertTrue(help.out().contains("--no-decay-norms-biases"), help.out());
    }

    /** The overall loss that gla eval prints ("loss 1.2345 nats/token, ..."). */
    private static double loss(String out) {
        java.util.regex.Matcher m = java.util.regex.Pattern.compile("loss ([0-9.]+) nats/token").matcher(out);
        assertTrue(m.find(), out);
        return Double.parseDouble(m.group(1));
    }
}

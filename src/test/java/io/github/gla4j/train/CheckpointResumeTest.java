/*
 * CheckpointResumeTest — checkpoints of a training run: a run killed after a checkpoint and resumed gives exactly
 * (bit for bit) the losses, validation results, final weights and metrics of the uninterrupted run, with gradient
 * accumulation; a corrupt, a truncated or a partial newest checkpoint is reported and the previous good one used,
 * still bit-exactly; only the newest checkpoints are kept; resuming with other options, without a checkpoint, or
 * starting over a run without --resume are refused with a message; a NaN loss stops the run and keeps the last
 * good checkpoint.
 */
package io.github.gla4j.train;

import io.github.gla4j.model.Checkpoint;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class CheckpointResumeTest {

    @TempDir
    Path dir;

    /** Holds the uninterrupted run, made once for the class. */
    @TempDir
    static Path referenceDir;

    static Reference reference;

    static final TrainOptions OPTIONS = TestRuns.mqar(12, 4, 3e-3);

    /** The uninterrupted run: its outcome, metrics lines and final weights. */
    record Reference(TestRuns.Recorder recorder, List<String> metrics, byte[] weights) {
    }

    static synchronized Reference uninterrupted() throws IOException {
        if (reference != null) {
            return reference;
        }
        Path out = referenceDir.resolve("reference");
        TestRuns.Recorder r = new TestRuns.Recorder();
        TrainingRun.Outcome o = new TrainingRun(OPTIONS, out, false, out.resolve("metrics.jsonl"), r).run();
        assertFalse(o.diverged());
        assertEquals(12, r.steps.size());
        assertEquals(List.of(4L, 8L, 12L), r.checkpoints.stream().map(TrainingCheckpoints::stepOf).toList());
        reference = new Reference(r, Files.readAllLines(out.resolve("metrics.jsonl")),
                Files.readAllBytes(out.resolve(Checkpoint.WEIGHTS_FILE)));
        return reference;
    }

    /** Runs until the kill after checkpoint killAfter, then lets test damage the run before it is resumed. */
    TestRuns.Recorder killAndResume(Path out, long killAfter, IoAction damage) throws IOException {
        assertThrows(TestRuns.Killed.class, () -> new TrainingRun(OPTIONS, out, false, out.resolve("metrics.jsonl"),
                new TestRuns.Recorder(killAfter)).run());
        damage.run();
        TestRuns.Recorder resumed = new TestRuns.Recorder();
        TrainingRun.Outcome o = new TrainingRun(OPTIONS, out, true, out.resolve("metrics.jsonl"), resumed).run();
        assertFalse(o.diverged());
        assertEquals(12, o.step());
        return resumed;
    }

    interface IoAction {
        void run() throws IOException;
    }

    @Test
    void resumingEqualsTheUninterruptedRunBitForBit() throws IOException {
        Reference ref = uninterrupted();
        Path out = dir.resolve("resumed");
        TestRuns.Recorder resumed = killAndResume(out, 8, () -> { });
        assertEquals(8, resumed.startStep);
        assertSameTail(ref, resumed, out);
    }

    @Test
    void aCorruptOrPartialNewestCheckpointIsReportedAndThePreviousOneUsed() throws IOException {
        Reference ref = uninterrupted();
        Path out = dir.resolve("corrupt");
        TestRuns.Recorder resumed = killAndResume(out, 8, () -> {
            Path weights = out.resolve("checkpoint-8").resolve(Checkpoint.WEIGHTS_FILE);
            byte[] bytes = Files.readAllBytes(weights);
            bytes[bytes.length / 2] ^= 0x10;             // one flipped bit in the middle of the weights
            Files.write(weights, bytes);
            Files.createDirectories(out.resolve(".checkpoint-12.partial"));  // a save that was cut short
        });
        assertEquals(4, resumed.startStep);
        assertTrue(resumed.messages.stream().anyMatch(m -> m.contains("checkpoint-8") && m.contains("corrupt")),
                resumed.messages.toString());
        assertSameTail(ref, resumed, out);
        assertFalse(Files.exists(out.resolve(".checkpoint-12.partial")), "left-overs are cleaned");

        Path truncated = dir.resolve("truncated");
        resumed = killAndResume(truncated, 8, () -> {
            Path optimizer = truncated.resolve("checkpoint-8").resolve(TrainingCheckpoints.OPTIMIZER_FILE);
            Files.write(optimizer, java.util.Arrays.copyOf(Files.readAllBytes(optimizer), 1000));
        });
        assertEquals(4, resumed.startStep);
        assertSameTail(ref, resumed, truncated);

        Path incomplete = dir.resolve("incomplete");
        resumed = killAndResume(incomplete, 8, () ->
                Files.delete(incomplete.resolve("checkpoint-8").resolve(TrainingCheckpoints.STATE_FILE)));
        assertEquals(4, resumed.startStep);
        assertTrue(resumed.messages.stream().anyMatch(m -> m.contains("incomplete")), resumed.messages.toString());
        assertSameTail(ref, resumed, incomplete);
    }

    /** The resumed session's steps and the files of the run equal the uninterrupted run's. */
    private static void assertSameTail(Reference ref, TestRuns.Recorder resumed, Path out) throws IOException {
        List<Trainer.Step> expected = ref.recorder.steps.subList((int) resumed.startStep, 12);
        assertEquals(expected.size(), resumed.steps.size());
        for (int i = 0; i < expected.size(); i++) {
            assertEquals(expected.get(i).loss(), resumed.steps.get(i).loss(), 0, "loss of step " + (i + 1));
            assertEquals(expected.get(i).gradNorm(), resumed.steps.get(i).gradNorm(), 0);
            assertEquals(expected.get(i).lr(), resumed.steps.get(i).lr(), 0);
        }
        Trainer.Evaluation lastExpected = ref.recorder.evaluations.getLast();
        assertEquals(lastExpected, resumed.evaluations.getLast());
        assertArrayEquals(ref.weights, Files.readAllBytes(out.resolve(Checkpoint.WEIGHTS_FILE)), "final weights");
        List<String> metrics = Files.readAllLines(out.resolve("metrics.jsonl"));
        assertEquals(ref.metrics.size(), metrics.size());
        for (int i = 0; i < metrics.size(); i++) {
            assertEquals(withoutSpeed(ref.metrics.get(i)), withoutSpeed(metrics.get(i)), "metrics line " + (i + 1));
        }
        TrainingCheckpoints.State state = TrainingCheckpoints.verify(out.resolve("checkpoint-12"));
        assertEquals(12 * OPTIONS.gradAccum(), state.dataPosition());
        assertEquals(12, state.history().steps.size());
    }

    private static String withoutSpeed(String line) {
        return line.replaceAll("\"tokens_per_s\":[^,}]*", "");
    }

    @Test
    void onlyTheNewestCheckpointsAreKept() throws IOException {
        Path out = dir.resolve("keep");
        TrainOptions o = OPTIONS;
        TrainOptions keepTwo = new TrainOptions(o.model(), o.data(), o.text(), o.tokenizer(), o.valFraction(),
                o.inputIds(), o.mqarVocab(), o.mqarPairs(), o.batchSize(), o.seqLen(), o.gradAccum(), 6, o.lr(),
                o.minLr(), o.schedule(), o.warmup(), o.beta1(), o.beta2(), o.eps(), o.weightDecay(),
                o.decayNormsAndBiases(), o.clip(), o.seed(), o.evalEvery(), o.evalBatches(), 1, 2);
        new TrainingRun(keepTwo, out, false, null, new TestRuns.Recorder()).run();
        assertEquals(List.of(out.resolve("checkpoint-6"), out.resolve("checkpoint-5")), TrainingCheckpoints.list(out));
        assertTrue(Files.isRegularFile(out.resolve(LossPlot.FILE)));
        Checkpoint.open(out, java.lang.foreign.Arena.ofAuto());  // the final model is a model directory
    }

    @Test
    void misuseIsRefusedWithAMessage() throws IOException {
        Path out = dir.resolve("misuse");
        IOException none = assertThrows(IOException.class,
                () -> new TrainingRun(OPTIONS, out, true, null, new TestRuns.Recorder()).run());
        assertTrue(none.getMessage().contains("no checkpoint"), none.getMessage());

        TrainOptions short4 = TestRuns.mqar(4, 4, 3e-3);
        new TrainingRun(short4, out, false, null, new TestRuns.Recorder()).run();
        IllegalArgumentException again = assertThrows(IllegalArgumentException.class,
                () -> new TrainingRun(short4, out, false, null, new TestRuns.Recorder()).run());
        assertTrue(again.getMessage().contains("--resume"), again.getMessage());

        IllegalArgumentException other = assertThrows(IllegalArgumentException.class,
                () -> new TrainingRun(TestRuns.mqar(4, 4, 1e-3), out, true, null, new TestRuns.Recorder()).run());
        assertTrue(other.getMessage().contains("lr: 0.003 → 0.001"), other.getMessage());

        TestRuns.Recorder longer = new TestRuns.Recorder();
        new TrainingRun(TestRuns.mqar(6, 4, 3e-3), out, true, null, longer).run();
        assertEquals(4, longer.startStep, "more --steps continue the run");
        assertTrue(longer.messages.stream().anyMatch(m -> m.contains("cosine")), longer.messages.toString());
    }

    @Test
    void aNaNLossStopsTheRunAndKeepsTheLastGoodCheckpoint() throws IOException {
        Path out = dir.resolve("nan");
        TrainOptions explosive = TestRuns.mqar(20, 1, 1e30);
        TestRuns.Recorder r = new TestRuns.Recorder();
        TrainingRun.Outcome o = new TrainingRun(explosive, out, false, out.resolve("metrics.jsonl"), r).run();
        assertTrue(o.diverged(), "an lr of 1e30 must blow up: " + r.steps);
        Trainer.Step bad = r.steps.getLast();
        assertFalse(bad.finite());
        assertTrue(o.step() < 20);
        assertEquals(TrainingCheckpoints.directory(out, bad.step() - 1), o.lastCheckpoint());
        assertTrue(o.message().contains("step " + bad.step()) && o.message().contains(o.lastCheckpoint().toString()),
                o.message());
        System.out.println("lr 1e30: " + o.message());
        TrainingCheckpoints.verify(o.lastCheckpoint());
        assertFalse(Files.exists(TrainingCheckpoints.directory(out, bad.step())));
        assertFalse(Files.exists(out.resolve(Checkpoint.WEIGHTS_FILE)), "no final model from a diverged run");
        assertEquals(bad.step(), Files.readAllLines(out.resolve("metrics.jsonl")).size());
    }
}

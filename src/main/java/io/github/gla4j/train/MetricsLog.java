/*
 * MetricsLog.java — `--metrics FILE`: one JSON object per line and per step,
 *   {"step": 12, "loss": 2.31, "lr": 0.001, "grad_norm": 0.84, "tokens_per_s": 5120.3}
 * with "val_loss" and "val_accuracy" added on the steps that ran a validation. A resumed run first drops the lines
 * of steps after its checkpoint (they are about to be computed again), so the file always describes one run.
 * Lines are flushed as they are written. Tested by CheckpointResumeTest and TrainCommandTest.
 */
package io.github.gla4j.train;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.github.gla4j.model.safetensors.AtomicFiles;

import java.io.BufferedWriter;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;

public final class MetricsLog implements AutoCloseable {

    private final BufferedWriter writer;

    private MetricsLog(BufferedWriter writer) {
        this.writer = writer;
    }

    /** Opens file for a run that starts after step (0: a new run, which empties the file). */
    public static MetricsLog open(Path file, long afterStep) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        Files.createDirectories(parent);
        List<String> kept = new ArrayList<>();
        if (afterStep > 0 && Files.exists(file)) {
            for (String line : Files.readAllLines(file, StandardCharsets.UTF_8)) {
                try {
                    if (!line.isBlank() && TrainOptions.JSON.readTree(line).path("step").asLong(Long.MAX_VALUE)
                            <= afterStep) {
                        kept.add(line);
                    }
                } catch (IOException unreadable) {
                    // a torn last line of a killed run: dropped with the other lines after the checkpoint
                }
            }
        }
        AtomicFiles.write(file, kept.isEmpty() ? new byte[0]
                : (String.join("\n", kept) + "\n").getBytes(StandardCharsets.UTF_8));
        return new MetricsLog(Files.newBufferedWriter(file, StandardCharsets.UTF_8, StandardOpenOption.APPEND));
    }

    /** Writes the line of one step; evaluation may be null. */
    public void write(Trainer.Step step, Trainer.Evaluation evaluation) throws IOException {
        ObjectNode line = TrainOptions.JSON.createObjectNode();
        line.put("step", step.step());
        line.put("loss", step.loss());
        line.put("lr", step.lr());
        line.put("grad_norm", step.gradNorm());
        line.put("tokens_per_s", step.tokensPerSecond());
        if (evaluation != null) {
            line.put("val_loss", evaluation.loss());
            line.put("val_accuracy", evaluation.accuracy());
        }
        writer.write(TrainOptions.JSON.writeValueAsString(line));
        writer.newLine();
        writer.flush();
    }

    @Override
    public void close() throws IOException {
        writer.close();
    }
}

/*
 * ForwardCommand.java — `gla forward --model DIR --input-ids IN.safetensors [--backward] [--device cpu|cuda[:N]]
 * [--dtype fp32|bf16] [--mode auto|chunk|recurrent] --output OUT.safetensors`: runs a checkpoint on a batch, as the
 * reference's GLAForCausalLM(input_ids, labels=input_ids) does, and writes
 *   logits [B, T, V] and loss [1] (fp32; the mean next-token cross-entropy, labels shifted inside),
 *   with --backward also grad.<parameter name> for every parameter (fp32, the reference's names).
 * IN holds input_ids [B, T] (int64 or int32) and optionally labels [B, T] (−100 = ignored; default: input_ids).
 * Tested by ForwardCommandTest (the reference's golden batch end to end).
 */
package io.github.gla4j.cli;

import io.github.gla4j.model.Activations;
import io.github.gla4j.model.AttentionMode;
import io.github.gla4j.model.Checkpoint;
import io.github.gla4j.model.GlaModel;
import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ParameterSet;
import io.github.gla4j.model.Parameters;
import io.github.gla4j.model.safetensors.SafeTensor;
import io.github.gla4j.model.safetensors.SafeTensors;
import io.github.gla4j.model.safetensors.SafeTensorsDType;
import io.github.gla4j.model.safetensors.SafeTensorsFile;
import io.github.gla4j.model.safetensors.SafeTensorsWriter;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.IOException;
import java.io.PrintWriter;
import java.lang.foreign.Arena;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.Callable;

@Command(name = "forward", description = "Run a model on a batch of token ids: logits and loss, and with --backward "
        + "the gradient of the loss for every parameter, into a safetensors file.")
final class ForwardCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--model", required = true, description = "checkpoint directory (config.json + model.safetensors)")
    Path model;

    @Option(names = "--input-ids", required = true,
            description = "safetensors file with input_ids [B, T] (int64) and optionally labels [B, T]")
    Path inputIds;

    @Option(names = "--output", required = true, description = "safetensors file to write")
    Path output;

    @Option(names = "--backward", description = "also write grad.<name> for every parameter")
    boolean backward;

    @Mixin
    DeviceOptions placement;

    @Option(names = "--mode", defaultValue = "auto",
            description = "GLA kernel form: auto (recurrent up to 64 tokens, as the reference), chunk or recurrent "
                    + "(default: ${DEFAULT-VALUE})")
    String mode;

    @Override
    public Integer call() throws IOException {
        AttentionMode attention = switch (mode.toLowerCase(Locale.ROOT)) {
            case "auto" -> AttentionMode.AUTO;
            case "chunk" -> AttentionMode.CHUNK;
            case "recurrent" -> AttentionMode.RECURRENT;
            default -> throw new IllegalArgumentException("--mode must be auto, chunk or recurrent, got " + mode);
        };
        PrintWriter out = spec.commandLine().getOut();
        long start = System.nanoTime();
        try (Arena arena = Arena.ofConfined()) {
            Checkpoint checkpoint = Checkpoint.open(model, arena);
            SafeTensorsFile in = SafeTensors.open(inputIds, arena);
            SafeTensor idsTensor = in.tensor("input_ids");
            long[] shape = idsTensor.shape();
            if (shape.length != 2 || shape[0] < 1 || shape[1] < 1) {
                throw new IllegalArgumentException(inputIds + ": input_ids must be [B, T] with B, T ≥ 1, got "
                        + Arrays.toString(shape));
            }
            int batch = Math.toIntExact(shape[0]), seqLen = Math.toIntExact(shape[1]);
            int[] ids = ints(idsTensor, shape);
            int[] labels = in.contains("labels") ? ints(in.tensor("labels"), shape) : ids;
            List<SafeTensor> results = new ArrayList<>();
            double loss;
            try (Parameters params = Parameters.load(checkpoint);
                 ModelRuntime runtime = placement.open();
                 ParameterSet placed = runtime.place(params);
                 ParameterSet grads = backward ? runtime.zeros(params.config()) : null) {
                GlaModel glaModel = new GlaModel(placed, runtime.ops(), attention);
                try (Activations acts = glaModel.newActivations(batch, seqLen)) {
                    loss = glaModel.forward(acts, ids, labels);
                    float[] logits = ModelRuntime.toFloats(acts.logits());
                    results.add(SafeTensor.ofFloats("logits", SafeTensorsDType.F32,
                            new long[]{batch, seqLen, params.config().vocabSize()}, logits));
                    results.add(SafeTensor.ofFloats("loss", SafeTensorsDType.F32, new long[]{1},
                            new float[]{(float) loss}));
                    if (backward) {
                        glaModel.backward(acts, grads);
                    }
                }
                try (Parameters hostGrads = backward ? Parameters.zeros(params.config()) : null) {
                    if (backward) {
                        ModelRuntime.copyToHost(grads, hostGrads);
                        results.addAll(hostGrads.toSafeTensors("grad."));
                    }
                    SafeTensorsWriter.write(output, results, Checkpoint.METADATA);
                }
            }
            out.printf(Locale.ROOT, "loss %.6f on %d × %d tokens; wrote logits%s to %s in %.2f s%n", loss, batch,
                    seqLen, backward ? " and " + (results.size() - 2) + " gradients" : "", output,
                    (System.nanoTime() - start) / 1e9);
        }
        return 0;
    }

    /** A [B, T] integer tensor (I64 or I32) of the shape of input_ids, as ints. */
    private int[] ints(SafeTensor t, long[] shape) {
        if (t.dtype() != SafeTensorsDType.I64 && t.dtype() != SafeTensorsDType.I32) {
            throw new IllegalArgumentException(inputIds + ": " + t.name() + " must be int64 (or int32), got "
                    + t.dtype());
        }
        if (!Arrays.equals(t.shape(), shape)) {
            throw new IllegalArgumentException(inputIds + ": " + t.name() + " has shape " + Arrays.toString(t.shape())
                    + ", input_ids has " + Arrays.toString(shape));
        }
        long[] values = t.toLongs();
        int[] out = new int[values.length];
        for (int i = 0; i < values.length; i++) {
            if (values[i] < Integer.MIN_VALUE || values[i] > Integer.MAX_VALUE) {
                throw new IllegalArgumentException(inputIds + ": " + t.name() + "[" + i + "] = " + values[i]
                        + " is not a token id");
            }
            out[i] = (int) values[i];
        }
        return out;
    }
}

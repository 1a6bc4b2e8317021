/*
 * DeviceOptions.java — `--device cpu|cuda|cuda:N` and `--dtype fp32|bf16`, the same for every command that runs a
 * model (forward, train, eval, generate): a picocli mixin that opens the ModelRuntime they name.
 */
package io.github.gla4j.cli;

import io.github.gla4j.model.ModelRuntime;
import io.github.gla4j.model.ops.NativeOps;
import picocli.CommandLine.Option;

final class DeviceOptions {

    @Option(names = "--device", defaultValue = "cpu",
            description = "where the model runs: cpu, cuda or cuda:N (default: ${DEFAULT-VALUE})")
    String device;

    @Option(names = "--dtype", defaultValue = "fp32", description = "fp32 or bf16 (bf16 inputs to the matrix products "
            + "and GLA kernels, fp32 accumulation and weights; default: ${DEFAULT-VALUE})")
    String dtype;

    /** Checks both names before any work starts (IllegalArgumentException naming the bad one). */
    void validate() {
        ModelRuntime.parseDevice(device);
        NativeOps.Precision.parse(dtype);
    }

    ModelRuntime open() {
        return ModelRuntime.open(device, dtype);
    }
}

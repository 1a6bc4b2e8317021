/*
 * CheckCommand.java — `gla check [--backend cpu|cuda] [--device N]`: runs KernelCheck's grid on one backend and
 * prints a table of the worst relative error per case, recurrent and chunk, with PASS/FAIL. Exit status 1 when any
 * case fails, so scripts and CI can rely on it.
 */
package io.github.gla4j.cli;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.memory.Backend;
import io.github.gla4j.memory.Device;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.Callable;

@Command(name = "check", description = "Kernel self-test: chunk vs recurrent vs the reference, forward and gradients.")
final class CheckCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Option(names = "--backend", defaultValue = "cpu", description = "cpu or cuda (default: ${DEFAULT-VALUE})")
    String backend;

    @Option(names = "--device", defaultValue = "0", description = "cuda device index (default: ${DEFAULT-VALUE})")
    int device;

    @Option(names = "--verbose", description = "print the error of every output, not only the worst")
    boolean verbose;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        Device dev = switch (backend.toLowerCase(Locale.ROOT)) {
            case "cpu" -> Device.CPU;
            case "cuda" -> Device.cuda(device);
            default -> throw new IllegalArgumentException("--backend must be cpu or cuda, got " + backend);
        };
        if (dev.backend() == Backend.CUDA && Kernels.cudaDeviceCount() <= device) {
            throw new IllegalArgumentException("no cuda device " + device + " here (" + Kernels.cudaDeviceCount()
                    + " found; see gla info)");
        }
        int failed = 0, total = 0;
        long start = System.nanoTime();
        try (NativeKernels kernels = Kernels.open(dev)) {
            KernelCheck check = new KernelCheck(kernels);
            out.printf("gla check on %s: relative RMS error against the double reference (fp32 ≤ %.0e, bf16 ≤ %.0e)%n",
                    kernels.name(), KernelCheck.tolerance(io.github.gla4j.memory.DType.F32),
                    KernelCheck.tolerance(io.github.gla4j.memory.DType.BF16));
            out.printf("%-62s %11s %11s  %s%n", "case", "recurrent", "chunk", "result");
            long seed = 1;
            for (KernelCheck.Case c : KernelCheck.grid()) {
                KernelCheck.Result r = check.run(c, seed++);
                total++;
                failed += r.passed() ? 0 : 1;
                out.printf("%-62s %11.2e %11.2e  %s%n", c.label(), worst(r.errors(), "recurrent "),
                        worst(r.errors(), "chunk "), r.passed() ? "PASS" : "FAIL");
                if (verbose || !r.passed()) {
                    r.errors().forEach((name, e) -> out.printf("    %-16s %.2e%n", name, e));
                }
                out.flush();
            }
        }
        out.printf("%d of %d cases passed on %s in %.1f s%n", total - failed, total, dev,
                (System.nanoTime() - start) / 1e9);
        return failed == 0 ? 0 : 1;
    }

    private static double worst(Map<String, Double> errors, String prefix) {
        return errors.entrySet().stream().filter(e -> e.getKey().startsWith(prefix))
                .mapToDouble(Map.Entry::getValue).max().orElse(0);
    }
}

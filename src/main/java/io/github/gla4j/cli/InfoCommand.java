/*
 * InfoCommand.java — `gla info`: what this installation has. The Java and native library versions, where the
 * native library was loaded from, the backends built into it, every device with its memory and compute
 * capability, and the CPU's vector features (which kernels the cpu backend dispatches to).
 */
package io.github.gla4j.cli;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.ffi.NativeLibrary;
import io.github.gla4j.memory.Backend;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

import java.io.PrintWriter;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;

@Command(name = "info", description = "Versions, backends, devices and CPU features.")
final class InfoCommand implements Callable<Integer> {

    @Spec
    CommandSpec spec;

    @Override
    public Integer call() {
        PrintWriter out = spec.commandLine().getOut();
        out.printf("gla4j      %s%n", new Main.Version().getVersion()[0].substring("gla4j ".length()));
        out.printf("java       %s (%s)%n", Runtime.version(), System.getProperty("java.vm.name"));
        out.printf("libgla4j   %s  %s%n", Gla.version(), NativeLibrary.path());
        out.printf("cpu        %d threads, features: %s%n", Runtime.getRuntime().availableProcessors(),
                cpuFeatures(Gla.cpuFeatures()));
        for (Backend backend : Backend.values()) {
            String name = backend.name().toLowerCase(java.util.Locale.ROOT);
            if (!Gla.backendAvailable(backend.code())) {
                out.printf("backend    %-5s not available (%s)%n", name,
                        backend == Backend.CUDA ? "built without CUDA, or no driver" : "unavailable");
                continue;
            }
            int devices = Gla.deviceCount(backend.code());
            out.printf("backend    %-5s %d device%s%n", name, devices, devices == 1 ? "" : "s");
            for (int d = 0; d < devices && backend == Backend.CUDA; d++) {
                Gla.DeviceInfo info = Gla.deviceInfo(backend.code(), d);
                out.printf("  cuda:%d   %s, sm_%d%d, %d SMs, %.1f GiB (%.1f GiB free)%n", d, info.name(),
                        info.computeMajor(), info.computeMinor(), info.multiprocessors(),
                        info.totalMemory() / 1073741824.0, info.freeMemory() / 1073741824.0);
            }
        }
        out.flush();
        return 0;
    }

    static String cpuFeatures(int bits) {
        List<String> names = new ArrayList<>();
        if ((bits & GlaH.GLA_CPU_AVX2()) != 0) {
            names.add("avx2");
        }
        if ((bits & GlaH.GLA_CPU_FMA()) != 0) {
            names.add("fma");
        }
        if ((bits & GlaH.GLA_CPU_AVX512F()) != 0) {
            names.add("avx512f");
        }
        return names.isEmpty() ? "none (scalar kernels)" : String.join(" ", names);
    }
}

/*
 * Backends.java — the native backends the parity tests run on: cpu everywhere, cuda only where a CUDA device is
 * present (otherwise those tests are skipped through an assumption, not failed). One NativeKernels per backend for
 * the whole test run.
 */
package io.github.gla4j.kernels;

import io.github.gla4j.memory.DType;

import java.util.EnumMap;
import java.util.Map;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

enum Backends {
    CPU, CUDA;

    private static final Map<Backends, NativeKernels> OPEN = new EnumMap<>(Backends.class);

    /** The kernels of this backend; skips the calling test when it is cuda and no CUDA device is present. */
    synchronized NativeKernels kernels() {
        if (this == CUDA) {
            assumeTrue(Kernels.cudaDeviceCount() > 0, "no CUDA device");
        }
        return OPEN.computeIfAbsent(this, b -> b == CPU ? Kernels.cpu() : Kernels.cuda(0));
    }

    /** Relative RMS tolerance against the double reference (the guide's: fp32 ~1e-5, bf16 ~5e-3). */
    static double tolerance(DType dtype) {
        return dtype == DType.F32 ? 1e-5 : 5e-3;
    }
}

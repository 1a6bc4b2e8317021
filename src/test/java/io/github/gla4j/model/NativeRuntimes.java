/*
 * NativeRuntimes.java — the native layer-op runtimes the model, training and decoding tests run through: NativeOps on
 * the cpu backend in fp32 and bf16 (everywhere: the layer ops' C implementations and NativeOps' mixed-precision
 * path) and on cuda in fp32 and bf16 (only where a CUDA device is present; otherwise those cases are skipped through
 * an assumption, not failed), with the tolerance each is held to against the fp32 cpu results.
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.model.ops.NativeOps;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

public enum NativeRuntimes {
    CPU(1e-5, 1e-5), CPU_BF16(2e-2, 5e-2), CUDA_FP32(1e-4, 1e-4), CUDA_BF16(2e-2, 5e-2);

    /** Relative RMS error allowed for logits (and losses) and for gradients. */
    public final double logitsTolerance, gradientTolerance;

    NativeRuntimes(double logitsTolerance, double gradientTolerance) {
        this.logitsTolerance = logitsTolerance;
        this.gradientTolerance = gradientTolerance;
    }

    /** Whether matrix products and GLA kernels see bf16 inputs. */
    public boolean bf16() {
        return this == CPU_BF16 || this == CUDA_BF16;
    }

    /** An open runtime: kernels, the ops on them, and parameters placed where the ops read them. */
    public record Open(NativeKernels kernels, NativeOps ops) implements AutoCloseable {
        /**
         * A copy of params in the context's memory (on the cpu backend too: the tests then run the device-memory
         * paths — DeviceParameters, AdamW and clipping through the library, downloads — everywhere).
         */
        public DeviceParameters place(Parameters params) {
            return DeviceParameters.upload(params, kernels.context());
        }

        public DeviceParameters zeros(GlaConfig config) {
            return DeviceParameters.zeros(config, kernels.context());
        }

        @Override
        public void close() {
            ops.close();
            kernels.close();
        }
    }

    /** Opens this runtime; skips the calling test when it needs a CUDA device and there is none. */
    public Open open() {
        boolean cpu = this == CPU || this == CPU_BF16;
        if (!cpu) {
            assumeTrue(Kernels.cudaDeviceCount() > 0, "no CUDA device");
        }
        NativeKernels kernels = cpu ? Kernels.cpu() : Kernels.cuda(0);
        return new Open(kernels, new NativeOps(kernels, bf16() ? NativeOps.Precision.BF16 : NativeOps.Precision.FP32));
    }
}

/*
 * ModelRuntime.java — where a model runs: the GLA kernels and layer ops of one device, and the placement of
 * parameters there. cpu in fp32: CpuOps (the Java kernels of model/ops), parameters stay in host memory. cuda:N, and
 * the cpu in bf16: NativeOps (the library's layer ops) in fp32 or bf16 (mixed precision: bf16 matrix-product and
 * GLA-kernel inputs, fp32 accumulation, fp32 master weights), parameters copied into the context's memory. The
 * commands (forward, train, generate, bench) open one from --device and --dtype.
 *
 *   try (ModelRuntime rt = ModelRuntime.open("cuda", "bf16"); ParameterSet p = rt.place(hostParams)) {
 *       GlaModel model = new GlaModel(p, rt.ops());
 *   }
 */
package io.github.gla4j.model;

import io.github.gla4j.kernels.Kernels;
import io.github.gla4j.kernels.NativeKernels;
import io.github.gla4j.memory.Device;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.HostTensor;
import io.github.gla4j.memory.Tensor;
import io.github.gla4j.model.ops.CpuOps;
import io.github.gla4j.model.ops.NativeOps;
import io.github.gla4j.model.ops.Ops;

import java.lang.foreign.Arena;
import java.util.Locale;
import java.util.Set;

public final class ModelRuntime implements AutoCloseable {

    private final NativeKernels kernels;
    private final Ops ops;
    private final NativeOps.Precision precision;

    private ModelRuntime(NativeKernels kernels, Ops ops, NativeOps.Precision precision) {
        this.kernels = kernels;
        this.ops = ops;
        this.precision = precision;
    }

    /** device: "cpu", "cuda" (= cuda:0) or "cuda:N"; dtype: "fp32" or "bf16". */
    public static ModelRuntime open(String device, String dtype) {
        Device d = parseDevice(device);
        NativeOps.Precision precision = NativeOps.Precision.parse(dtype);
        if (d.isHost() && precision == NativeOps.Precision.FP32) {
            NativeKernels kernels = Kernels.cpu();
            return new ModelRuntime(kernels, new CpuOps(kernels), precision);
        }
        NativeKernels kernels = Kernels.open(d);
        try {
            return new ModelRuntime(kernels, new NativeOps(kernels, precision), precision);
        } catch (RuntimeException e) {
            kernels.close();
            throw e;
        }
    }

    /** "cpu", "cuda" or "cuda:N" as a Device. */
    public static Device parseDevice(String name) {
        String n = name.trim().toLowerCase(Locale.ROOT);
        if (n.equals("cpu")) {
            return Device.CPU;
        }
        if (n.equals("cuda")) {
            return Device.cuda(0);
        }
        if (n.startsWith("cuda:")) {
            try {
                return Device.cuda(Integer.parseInt(n.substring(5)));
            } catch (NumberFormatException e) {
                // fall through to the error below
            }
        }
        throw new IllegalArgumentException("unknown device '" + name + "' (cpu, cuda or cuda:N)");
    }

    public Device device() {
        return kernels.device();
    }

    public NativeOps.Precision precision() {
        return precision;
    }

    public Ops ops() {
        return ops;
    }

    public NativeKernels kernels() {
        return kernels;
    }

    /**
     * host as these ops read it: host itself for CpuOps (not freed by close), else a copy in the context's memory
     * (the library's layer ops run on DeviceParameters, on the cpu backend too).
     */
    public ParameterSet place(Parameters host) {
        return ops instanceof CpuOps ? new Borrowed(host) : DeviceParameters.upload(host, kernels.context());
    }

    /** Zero parameters of config where place puts parameters (gradients). */
    public ParameterSet zeros(GlaConfig config) {
        return ops instanceof CpuOps ? Parameters.zeros(config) : DeviceParameters.zeros(config, kernels.context());
    }

    /** Copies placed parameters back into host ones (a no-op when they are the same). */
    public static void copyToHost(ParameterSet placed, Parameters host) {
        switch (placed) {
            case DeviceParameters d -> d.downloadTo(host);
            case Borrowed b when b.host == host -> { }
            default -> host.flat().copyFrom((HostTensor) placed.flat());
        }
    }

    /** The values of a tensor in host or device memory (fp32 or bf16) as floats. */
    public static float[] toFloats(Tensor t) {
        if (t instanceof DeviceTensor d) {
            try (Arena arena = Arena.ofConfined()) {
                HostTensor host = HostTensor.allocate(arena, d.dtype(), d.shape());
                d.copyTo(host);
                return host.toFloatArray();
            }
        }
        return ((HostTensor) t).toFloatArray();
    }

    @Override
    public void close() {
        if (ops instanceof NativeOps n) {
            n.close();
        }
        kernels.close();
    }

    /** Host parameters seen through place(): closing does not free them (the caller owns them). */
    private static final class Borrowed implements ParameterSet {
        private final Parameters host;

        Borrowed(Parameters host) {
            this.host = host;
        }

        @Override
        public GlaConfig config() {
            return host.config();
        }

        @Override
        public Set<String> names() {
            return host.names();
        }

        @Override
        public HostTensor get(String name) {
            return host.get(name);
        }

        @Override
        public HostTensor flat() {
            return host.flat();
        }

        @Override
        public void zero() {
            host.zero();
        }

        @Override
        public void close() {
        }
    }
}

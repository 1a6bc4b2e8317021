/*
 * Kernels.java — where GlaKernels come from:
 *   Kernels.cpu()         the native cpu backend (NativeKernels; setThreads to pin the thread count)
 *   Kernels.cuda(device)  the native cuda backend on one device
 *   Kernels.reference()   the pure-Java oracle (ReferenceKernels)
 *   Kernels.available()   the native devices usable here: cpu, then each cuda device
 */
package io.github.gla4j.kernels;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.memory.Backend;
import io.github.gla4j.memory.Device;

import java.util.ArrayList;
import java.util.List;

public final class Kernels {

    private Kernels() {
    }

    public static NativeKernels cpu() {
        return new NativeKernels(Device.CPU);
    }

    public static NativeKernels cuda(int device) {
        return new NativeKernels(Device.cuda(device));
    }

    public static NativeKernels open(Device device) {
        return new NativeKernels(device);
    }

    public static ReferenceKernels reference() {
        return new ReferenceKernels();
    }

    /** Number of CUDA devices usable here (0 without the cuda backend, a driver or a GPU). */
    public static int cudaDeviceCount() {
        Gla.load();
        if (!Gla.backendAvailable(Backend.CUDA.code())) {
            return 0;
        }
        return Gla.deviceCount(Backend.CUDA.code());
    }

    /** The native devices usable here: cpu first, then cuda:0, cuda:1, ... */
    public static List<Device> available() {
        List<Device> devices = new ArrayList<>();
        if (Gla.backendAvailable(Backend.CPU.code())) {
            devices.add(Device.CPU);
        }
        int cuda = cudaDeviceCount();
        for (int i = 0; i < cuda; i++) {
            devices.add(Device.cuda(i));
        }
        return List.copyOf(devices);
    }
}

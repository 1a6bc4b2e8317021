/*
 * Device.java — where a tensor's memory lives: the host (Device.CPU, readable from Java) or one CUDA device
 * (opaque to Java). Tested by TensorTest.
 */
package io.github.gla4j.memory;

public record Device(Backend backend, int index) {

    public static final Device CPU = new Device(Backend.CPU, 0);

    public Device {
        if (backend == null) {
            throw new IllegalArgumentException("Device: backend must not be null");
        }
        if (index < 0 || (backend == Backend.CPU && index != 0)) {
            throw new IllegalArgumentException("Device: bad index " + index + " for backend " + backend);
        }
    }

    public static Device cuda(int index) {
        return new Device(Backend.CUDA, index);
    }

    /** True when Java can read and write this memory directly. */
    public boolean isHost() {
        return backend == Backend.CPU;
    }

    @Override
    public String toString() {
        return backend == Backend.CPU ? "cpu" : "cuda:" + index;
    }
}

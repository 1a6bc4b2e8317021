/*
 * DeviceArena.java — a lifetime for device memory, like java.lang.foreign.Arena for host memory: every tensor it
 * allocates is freed when it closes (newest first). Tested by ContextTest.
 */
package io.github.gla4j.memory;

import java.util.ArrayList;
import java.util.List;

public final class DeviceArena implements AutoCloseable {

    private final Context context;
    private final List<DeviceTensor> tensors = new ArrayList<>();

    DeviceArena(Context context) {
        this.context = context;
    }

    public DeviceTensor allocate(DType dtype, Shape shape) {
        DeviceTensor t = context.allocate(dtype, shape);
        tensors.add(t);
        return t;
    }

    public DeviceTensor allocate(DType dtype, long... dims) {
        return allocate(dtype, Shape.of(dims));
    }

    public DeviceTensor upload(HostTensor src) {
        DeviceTensor t = context.upload(src);
        tensors.add(t);
        return t;
    }

    @Override
    public void close() {
        for (int i = tensors.size() - 1; i >= 0; i--) {
            tensors.get(i).close();
        }
        tensors.clear();
    }
}

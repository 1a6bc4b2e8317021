/*
 * Tensor.java — a dtype, a shape and memory on one device: HostTensor (a native MemorySegment Java can read) or
 * DeviceTensor (memory owned by a Context, opaque to Java). Kernels receive either and pass its address to native
 * code unchanged: no copies happen behind the caller's back. Tested by TensorTest and ContextTest.
 */
package io.github.gla4j.memory;

import java.lang.foreign.MemorySegment;

public sealed interface Tensor permits HostTensor, DeviceTensor {

    DType dtype();

    Shape shape();

    Device device();

    /** The memory to hand to native code: the host segment itself, or the device address as a zero-length segment. */
    MemorySegment pointer();

    default long elementCount() {
        return shape().elementCount();
    }

    default long byteSize() {
        return elementCount() * dtype().byteSize();
    }
}

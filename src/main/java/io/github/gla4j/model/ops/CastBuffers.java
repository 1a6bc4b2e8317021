/*
 * CastBuffers.java — numbered bf16 buffers in a context's memory (gla_malloc: device memory on cuda, host memory
 * on the cpu backend), each grown on demand and reused call after call: the bf16 copies that NativeOps and
 * Bf16Kernels feed to the matrix products and GLA kernels. A view handed out stays valid until its slot is used again.
 */
package io.github.gla4j.model.ops;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;
import io.github.gla4j.memory.Context;
import io.github.gla4j.memory.DType;
import io.github.gla4j.memory.DeviceTensor;
import io.github.gla4j.memory.Shape;
import io.github.gla4j.memory.Tensor;

final class CastBuffers implements AutoCloseable {

    private final Context context;
    private final DeviceTensor[] slots;

    CastBuffers(Context context, int slots) {
        this.context = context;
        this.slots = new DeviceTensor[slots];
    }

    /** An uninitialised bf16 tensor of shape in slot. */
    Tensor bf16(int slot, Shape shape) {
        long n = shape.elementCount();
        DeviceTensor buf = slots[slot];
        if (buf == null || buf.elementCount() < n) {
            free(slot);
            buf = context.allocate(DType.BF16, Math.max(1, n));
            slots[slot] = buf;
        }
        return buf.slice(0, n).reshape(shape);
    }

    /** src converted to bf16 in slot (src itself when it is bf16 already). */
    Tensor bf16Copy(int slot, Tensor src) {
        if (src.dtype() == DType.BF16) {
            return src;
        }
        Tensor view = bf16(slot, src.shape());
        cast(src, view);
        return view;
    }

    /** dst = src converted to dst's dtype. */
    void cast(Tensor src, Tensor dst) {
        Gla.check("gla_cast", GlaH.gla_cast(context.handle(), src.elementCount(), src.pointer(), src.dtype().code(),
                dst.pointer(), dst.dtype().code()));
    }

    private void free(int slot) {
        if (slots[slot] != null) {
            slots[slot].close();
            slots[slot] = null;
        }
    }

    @Override
    public void close() {
        for (int i = 0; i < slots.length; i++) {
            free(i);
        }
    }
}

/*
 * DeviceTensor.java — a tensor in memory allocated through a Context (device memory on cuda, aligned host memory on
 * cpu). Java never dereferences it: data moves only through copyFrom/copyTo (gla_memcpy). AutoCloseable: close()
 * frees the memory (gla_free); views share it and free nothing. Tested by ContextTest.
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.GlaH;

import java.lang.foreign.MemorySegment;

public final class DeviceTensor implements Tensor, AutoCloseable {

    private final Context context;
    private final DType dtype;
    private final Shape shape;
    private final MemorySegment address;
    private final boolean owner;
    private final DeviceTensor parent;
    private boolean closed;

    DeviceTensor(Context context, DType dtype, Shape shape, MemorySegment address, boolean owner) {
        this(context, dtype, shape, address, owner, null);
    }

    private DeviceTensor(Context context, DType dtype, Shape shape, MemorySegment address, boolean owner,
                         DeviceTensor parent) {
        this.context = context;
        this.dtype = dtype;
        this.shape = shape;
        this.address = address;
        this.owner = owner;
        this.parent = parent;
    }

    @Override
    public DType dtype() {
        return dtype;
    }

    @Override
    public Shape shape() {
        return shape;
    }

    @Override
    public Device device() {
        return context.device();
    }

    public Context context() {
        return context;
    }

    /** The device address as a zero-length segment; only native code may use it. */
    public MemorySegment address() {
        ensureOpen();
        return address;
    }

    /** The address without the open check, for Context.free while closing. */
    MemorySegment rawAddress() {
        return address;
    }

    @Override
    public MemorySegment pointer() {
        return address();
    }

    public boolean isOpen() {
        return !closed && (parent == null || parent.isOpen()) && context.isOpen();
    }

    /** The same memory under another shape of equal element count; closing the view frees nothing. */
    public DeviceTensor reshape(Shape newShape) {
        if (newShape.elementCount() != shape.elementCount()) {
            throw new IllegalArgumentException("DeviceTensor.reshape: " + shape + " has " + shape.elementCount()
                    + " elements, " + newShape + " has " + newShape.elementCount());
        }
        return new DeviceTensor(context, dtype, newShape, address(), false, this);
    }

    /** Rows [start, start + length) along dim 0, sharing memory; closing the view frees nothing. */
    public DeviceTensor slice(long start, long length) {
        if (shape.rank() == 0 || start < 0 || length < 0 || start > shape.dim(0) - length) {
            throw new IllegalArgumentException("DeviceTensor.slice: rows [" + start + ", " + start + " + " + length
                    + ") outside dim 0 of " + shape);
        }
        long rowBytes = shape.dim(0) == 0 ? 0 : byteSize() / shape.dim(0);
        MemorySegment at = MemorySegment.ofAddress(address().address() + start * rowBytes);
        return new DeviceTensor(context, dtype, shape.withDim0(length), at, false, this);
    }

    /**
     * Copies a host tensor of the same dtype and shape into this one (asynchronous on cuda: synchronize after).
     * Inside Context.record, src must be page-locked (Context.allocatePinned), and each replay copies it anew.
     */
    public void copyFrom(HostTensor src) {
        requireSameLayout("copyFrom", src);
        context.memcpy(address(), src.segment(), byteSize(), GlaH.GLA_COPY_HOST_TO_DEVICE());
    }

    /** Copies this tensor into a host tensor of the same dtype and shape, and waits for the copy. */
    public void copyTo(HostTensor dst) {
        requireSameLayout("copyTo", dst);
        context.memcpy(dst.segment(), address(), byteSize(), GlaH.GLA_COPY_DEVICE_TO_HOST());
        context.synchronize();
    }

    /**
     * Copies this tensor into a host tensor of the same dtype and shape without waiting (on cuda: synchronize the
     * context before reading dst). Inside Context.record, dst must be page-locked (Context.allocatePinned).
     */
    public void copyToAsync(HostTensor dst) {
        requireSameLayout("copyToAsync", dst);
        context.memcpy(dst.segment(), address(), byteSize(), GlaH.GLA_COPY_DEVICE_TO_HOST());
    }

    /** Copies another device tensor of the same context, dtype and shape into this one. */
    public void copyFrom(DeviceTensor src) {
        if (src.context != context) {
            throw new IllegalArgumentException("DeviceTensor.copyFrom: source belongs to another context");
        }
        requireSameLayout("copyFrom", src);
        context.memcpy(address(), src.address(), byteSize(), GlaH.GLA_COPY_DEVICE_TO_DEVICE());
    }

    private void requireSameLayout(String what, Tensor other) {
        if (other.dtype() != dtype || !other.shape().equals(shape)) {
            throw new IllegalArgumentException("DeviceTensor." + what + ": other tensor is " + other.dtype() + " "
                    + other.shape() + ", this is " + dtype + " " + shape);
        }
    }

    private void ensureOpen() {
        if (!isOpen()) {
            throw new IllegalStateException("DeviceTensor " + dtype + " " + shape + " on " + context.device()
                    + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        closed = true;
        if (owner && context.isOpen()) {
            context.free(this);
        }
    }

    @Override
    public String toString() {
        return "DeviceTensor[" + dtype + " " + shape + " on " + context.device() + (closed ? ", closed]" : "]");
    }
}

/*
 * Context.java — one gla_context: a backend and device (plus, on cuda, a stream; on cpu, a thread count), and the
 * owner of the memory allocated through it. Closing it frees every DeviceTensor still open and the page-locked host
 * memory not yet freed, then the context, so no allocation can outlive the context it needs to be freed.
 * Not thread-safe: use one context per thread.
 * Tested by ContextTest (cpu always, cuda when a device is present).
 */
package io.github.gla4j.memory;

import io.github.gla4j.ffi.Gla;
import io.github.gla4j.ffi.GlaH;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import static java.lang.foreign.ValueLayout.ADDRESS;

public final class Context implements AutoCloseable {

    private final Device device;
    private final MemorySegment handle;
    private final Set<DeviceTensor> live = new LinkedHashSet<>();
    /** Addresses of the page-locked host blocks (allocatePinned) not yet freed. */
    private final Set<Long> pinned = new LinkedHashSet<>();
    private boolean closed;
    private long allocatedBytes;
    private long peakAllocatedBytes;

    private Context(Device device, MemorySegment handle) {
        this.device = device;
        this.handle = handle;
    }

    /** Opens a context on a device; GlaException (BACKEND_UNAVAILABLE) when it is not built in or not present. */
    public static Context open(Device device) {
        Gla.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            Gla.check("gla_context_create", GlaH.gla_context_create(device.backend().code(), device.index(), slot));
            return new Context(device, slot.get(ADDRESS, 0));
        }
    }

    public Device device() {
        return device;
    }

    /** The gla_context* for raw calls; valid until close(). */
    public MemorySegment handle() {
        ensureOpen();
        return handle;
    }

    public boolean isOpen() {
        return !closed;
    }

    /** cpu: OpenMP threads for this context's ops (0 = the OpenMP default). cuda: ignored. */
    public void setThreads(int threads) {
        if (threads < 0) {
            throw new IllegalArgumentException("Context.setThreads: threads must be >= 0, got " + threads);
        }
        Gla.check("gla_context_set_threads", GlaH.gla_context_set_threads(handle(), threads));
    }

    /** cuda: waits for the context's stream; cpu: returns at once. */
    public void synchronize() {
        Gla.check("gla_synchronize", GlaH.gla_synchronize(handle()));
    }

    /** Uninitialised memory on this context's device, freed by DeviceTensor.close() or by closing this context. */
    public DeviceTensor allocate(DType dtype, Shape shape) {
        long bytes = Math.multiplyExact(shape.elementCount(), (long) dtype.byteSize());
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            Gla.check("gla_malloc", GlaH.gla_malloc(handle(), bytes, slot));
            DeviceTensor t = new DeviceTensor(this, dtype, shape, slot.get(ADDRESS, 0), true);
            live.add(t);
            allocatedBytes += bytes;
            peakAllocatedBytes = Math.max(peakAllocatedBytes, allocatedBytes);
            return t;
        }
    }

    public DeviceTensor allocate(DType dtype, long... dims) {
        return allocate(dtype, Shape.of(dims));
    }

    /**
     * bytes (≥ 1) of page-locked host memory (gla_host_alloc; plain aligned memory on cpu), freed when arena closes
     * or with this context, whichever comes first. Copies between it and the device may be recorded in a Graph,
     * which then reads or writes it at each replay (DeviceTensor.copyFrom / copyToAsync, NativeOps.embedding).
     */
    public MemorySegment allocatePinned(Arena arena, long bytes) {
        if (bytes < 1) {
            throw new IllegalArgumentException("Context.allocatePinned: bytes must be ≥ 1, got " + bytes);
        }
        try (Arena call = Arena.ofConfined()) {
            MemorySegment slot = call.allocate(ADDRESS);
            Gla.check("gla_host_alloc", GlaH.gla_host_alloc(handle(), bytes, slot));
            long address = slot.get(ADDRESS, 0).address();
            pinned.add(address);
            return MemorySegment.ofAddress(address).reinterpret(bytes, arena, m -> freePinned(address));
        }
    }

    private void freePinned(long address) {
        if (!closed && pinned.remove(address)) {
            Gla.check("gla_host_free", GlaH.gla_host_free(handle, MemorySegment.ofAddress(address)));
        }
    }

    /** A device copy of a host tensor. */
    public DeviceTensor upload(HostTensor src) {
        DeviceTensor t = allocate(src.dtype(), src.shape());
        t.copyFrom(src);
        return t;
    }

    /** Sets every byte of a device tensor to value (0..255). */
    public void memset(DeviceTensor t, int value) {
        Gla.check("gla_memset", GlaH.gla_memset(handle(), t.pointer(), value, t.byteSize()));
    }

    /** Bytes of the tensors allocated through this context and not yet freed. */
    public long allocatedBytes() {
        return allocatedBytes;
    }

    /**
     * The most bytes allocated through this context at any one time (the library's own per-call scratch, e.g. the
     * chunk ops' workspace, is not counted: it is stream-ordered and short-lived).
     */
    public long peakAllocatedBytes() {
        return peakAllocatedBytes;
    }

    /**
     * Records what ops does on this context as a Graph instead of running it (cuda only). Ops that read host arrays,
     * allocate or wait are refused while recording (GlaException); the recording is then abandoned. Copies to and
     * from page-locked host memory (allocatePinned) are recorded: each replay repeats them.
     */
    public Graph record(Runnable ops) {
        Gla.check("gla_graph_begin", GlaH.gla_graph_begin(handle()));
        MemorySegment graph;
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            try {
                ops.run();
            } catch (RuntimeException | Error e) {
                GlaH.gla_graph_end(handle(), slot);   // ends the capture; its own status would hide e
                MemorySegment partial = slot.get(ADDRESS, 0);
                if (!partial.equals(MemorySegment.NULL)) {
                    GlaH.gla_graph_destroy(partial);
                }
                throw e;
            }
            Gla.check("gla_graph_end", GlaH.gla_graph_end(handle(), slot));
            graph = slot.get(ADDRESS, 0);
        }
        return new Graph(this, graph);
    }

    /** A DeviceArena: allocations freed together, in reverse order, when it closes. */
    public DeviceArena arena() {
        return new DeviceArena(this);
    }

    void free(DeviceTensor t) {
        if (live.remove(t)) {
            allocatedBytes -= t.byteSize();
            Gla.check("gla_free", GlaH.gla_free(handle, t.rawAddress()));
        }
    }

    void memcpy(MemorySegment dst, MemorySegment src, long bytes, int kind) {
        Gla.check("gla_memcpy", GlaH.gla_memcpy(handle(), dst, src, bytes, kind));
    }

    void ensureOpen() {
        if (closed) {
            throw new IllegalStateException("Context " + device + " is closed");
        }
    }

    @Override
    public void close() {
        if (closed) {
            return;
        }
        List<DeviceTensor> open = new ArrayList<>(live);
        RuntimeException failure = null;
        for (int i = open.size() - 1; i >= 0; i--) {
            try {
                open.get(i).close();
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        for (long address : List.copyOf(pinned)) {
            try {
                freePinned(address);
            } catch (RuntimeException e) {
                failure = failure == null ? e : failure;
            }
        }
        closed = true;
        Gla.check("gla_context_destroy", GlaH.gla_context_destroy(handle));
        if (failure != null) {
            throw failure;
        }
    }

    @Override
    public String toString() {
        return "Context[" + device + (closed ? ", closed]" : "]");
    }
}

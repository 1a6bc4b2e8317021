/*
 * AbiFuzzTest.java — every entry point of gla.h called through the raw bindings with fuzzer-chosen arguments. The
 * JVM must survive every input and every failure must be a clean status whose message names the function.
 *
 * Input layout (FuzzInput): byte 0 picks the entry point, byte 1 the mode (for the ops: < 96 a valid call, else one
 * broken field, see Break), byte 2 a variant of that mode, then the problem (dtype, gate, dims, ...) and a seed for the
 * tensor contents. Valid calls get buffers sized for their dims (plus 64 bytes of slack so that a misaligned pointer
 * stays inside the allocation); dims larger than the buffers are only passed where validation must reject them first
 * (64-bit overflow, seq_len != 1 in a decode step, cu_seqlens past T, batch > 1 with cu_seqlens); the decoding step
 * with a gate projection breaks the projection's fields instead (GateBreak). A valid call must
 * return GLA_OK with every output finite; a broken one must be rejected (GLA_ERROR_INVALID_ARGUMENT where gla.h says
 * so). The seed corpus in src/test/resources/io/github/gla4j/ffi/AbiFuzzTestInputs/entryPoints covers every entry
 * point and every Break; a plain `mvn test` replays it.
 * Fuzz: JAZZER_FUZZ=1 JAZZER_MAX_DURATION=30m ./mvnw -o test -Dtest='AbiFuzzTest#entryPoints' -Dnative.asan.skip=true
 */
package io.github.gla4j.ffi;

import com.code_intelligence.jazzer.junit.FuzzTest;
import io.github.gla4j.memory.BFloat16;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

import java.lang.foreign.Arena;
import java.lang.foreign.MemorySegment;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.SplittableRandom;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_BYTE;
import static java.lang.foreign.ValueLayout.JAVA_FLOAT;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;
import static java.lang.foreign.ValueLayout.JAVA_SHORT;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

@SuppressWarnings("restricted") // sizes pointers returned by gla_malloc/gla_host_alloc to fill and compare them
class AbiFuzzTest {

    private static final MemorySegment NULL = MemorySegment.NULL;
    private static MemorySegment cpu;

    enum Entry {
        VERSION, GET_LAST_ERROR, STATUS_NAME, CPU_FEATURES, BACKEND_AVAILABLE, DEVICE_COUNT, DEVICE_INFO_GET,
        CONTEXT_CREATE, CONTEXT_DESTROY, CONTEXT_BACKEND, CONTEXT_SET_STREAM, CONTEXT_SET_THREADS, SYNCHRONIZE,
        MALLOC, FREE, MEMSET, MEMCPY, HOST_ALLOC, HOST_FREE, WORKSPACE_SIZE,
        CHUNK_FWD, CHUNK_BWD, RECURRENT_FWD, RECURRENT_BWD, DECODE_STEP, DECODE_STEP_GATE_PROJ
    }

    /** The one field of a gla_gate_proj call broken (its step's own fields are DECODE_STEP's, same checks). */
    enum GateBreak {
        NULL_GATE, RANK_LOW, RANK_HIGH, WEIGHT_DTYPE, NORMALIZER, CLAMP_MIN, NULL_IN, NULL_WEIGHT, WEIGHT_MISALIGNED,
        BIAS_MISALIGNED, IN_MISALIGNED, NOT_CHANNEL
    }

    /** What a call must return. */
    enum Expect { OK, INVALID, FAIL, ANY }

    /** The one field an op call breaks (NONE: a valid call). */
    enum Break {
        NONE, NULL_CONTEXT, NULL_DIMS, NULL_REQUIRED, MISALIGNED, BAD_DTYPE, BAD_GATE, BAD_ALGORITHM, NEGATIVE_DIM,
        ZERO_DIM, OVERFLOW, BAD_SCALE, GATE_WITH_NONE, NUM_SEQS, BAD_CU_SEQLENS, BATCH_WITH_CU, DH0_WITHOUT_H0,
        DG_WITHOUT_GATE, BAD_WORKSPACE, DECODE_SEQ_LEN
    }

    static final int VALID_MODES = 96;

    @BeforeAll
    static void openContext() {
        Gla.load();
        try (Arena arena = Arena.ofConfined()) {
            MemorySegment slot = arena.allocate(ADDRESS);
            Gla.check("gla_context_create", GlaH.gla_context_create(GlaH.GLA_BACKEND_CPU(), 0, slot));
            cpu = slot.get(ADDRESS, 0);
        }
    }

    @AfterAll
    static void closeContext() {
        Gla.check("gla_context_destroy", GlaH.gla_context_destroy(cpu));
    }

    @FuzzTest(maxDuration = "2m")
    void entryPoints(byte[] data) {
        FuzzInput in = new FuzzInput(data);
        Entry entry = Entry.values()[in.pick(Entry.values().length)];
        int mode = in.nextByte();
        int variant = in.nextByte();
        try (Arena arena = Arena.ofConfined()) {
            switch (entry) {
                case VERSION -> version(arena, mode);
                case GET_LAST_ERROR -> lastError(arena, mode);
                case STATUS_NAME -> statusName(arena, in, mode);
                case CPU_FEATURES -> check("gla_cpu_features", GlaH.gla_cpu_features(out(arena, mode, JAVA_INT.byteSize())),
                        mode % 4 == 0 ? Expect.INVALID : Expect.OK);
                case BACKEND_AVAILABLE, DEVICE_COUNT -> backendQuery(arena, in, entry, mode);
                case DEVICE_INFO_GET -> deviceInfo(arena, in, mode, variant);
                case CONTEXT_CREATE -> contextCreate(arena, in, mode, variant);
                case CONTEXT_DESTROY -> check("gla_context_destroy", GlaH.gla_context_destroy(NULL), Expect.ANY);
                case CONTEXT_BACKEND -> contextBackend(arena, mode);
                case CONTEXT_SET_STREAM -> setStream(arena, mode);
                case CONTEXT_SET_THREADS -> setThreads(arena, in, mode);
                case SYNCHRONIZE -> check("gla_synchronize", GlaH.gla_synchronize(mode % 4 == 0 ? NULL : cpu),
                        mode % 4 == 0 ? Expect.INVALID : Expect.OK);
                case MALLOC, HOST_ALLOC -> allocate(arena, in, entry == Entry.HOST_ALLOC, mode);
                case FREE, HOST_FREE -> free(arena, entry == Entry.HOST_FREE, mode);
                case MEMSET -> memset(arena, in, mode, variant);
                case MEMCPY -> memcpy(arena, in, mode, variant);
                case WORKSPACE_SIZE -> workspaceSize(arena, in, mode, variant);
                case DECODE_STEP_GATE_PROJ -> gateProjStep(arena, in, mode, variant);
                default -> op(arena, in, entry, mode, variant);
            }
        }
    }

    // ---- library, backends, context ----

    private static MemorySegment out(Arena arena, int mode, long bytes) {
        return mode % 4 == 0 ? NULL : arena.allocate(bytes, 8);
    }

    private static void version(Arena arena, int mode) {
        MemorySegment a = arena.allocate(JAVA_INT), b = arena.allocate(JAVA_INT), c = arena.allocate(JAVA_INT);
        int nulls = mode % 8;
        int status = GlaH.gla_version((nulls & 1) != 0 ? NULL : a, (nulls & 2) != 0 ? NULL : b, (nulls & 4) != 0 ? NULL : c);
        check("gla_version", status, nulls != 0 ? Expect.INVALID : Expect.OK);
        if (nulls == 0) {
            assertEquals(GlaH.GLA_VERSION_MAJOR(), a.get(JAVA_INT, 0));
            assertEquals(GlaH.GLA_VERSION_MINOR(), b.get(JAVA_INT, 0));
        }
    }

    private static void lastError(Arena arena, int mode) {
        MemorySegment slot = out(arena, mode, ADDRESS.byteSize());
        int status = GlaH.gla_get_last_error(slot);
        if (slot.equals(NULL)) {
            // The call fails; its message must still be retrievable afterwards.
            assertEquals(GlaH.GLA_ERROR_INVALID_ARGUMENT(), status);
            assertTrue(Gla.lastError().contains("gla_get_last_error"), Gla.lastError());
        } else {
            assertEquals(GlaH.GLA_OK(), status);
            slot.get(GlaH.C_POINTER, 0).getString(0);
        }
    }

    private static void statusName(Arena arena, FuzzInput in, int mode) {
        int code = mode % 2 == 0 ? in.range(-1, 8) : in.nextInt();
        MemorySegment slot = out(arena, mode / 2, ADDRESS.byteSize());
        int status = GlaH.gla_status_name(code, slot);
        boolean known = code >= 0 && code <= GlaH.GLA_ERROR_INTERNAL();
        check("gla_status_name", status, slot.equals(NULL) || !known ? Expect.INVALID : Expect.OK);
        if (status == GlaH.GLA_OK()) {
            assertTrue(slot.get(GlaH.C_POINTER, 0).getString(0).startsWith("GLA_"));
        }
    }

    private static int backend(FuzzInput in, int variant) {
        return switch (variant % 4) {
            case 0 -> GlaH.GLA_BACKEND_CPU();
            case 1 -> GlaH.GLA_BACKEND_CUDA();
            case 2 -> in.range(-3, 5);
            default -> in.nextInt();
        };
    }

    private static boolean knownBackend(int b) {
        return b == GlaH.GLA_BACKEND_CPU() || b == GlaH.GLA_BACKEND_CUDA();
    }

    private static void backendQuery(Arena arena, FuzzInput in, Entry entry, int mode) {
        int b = backend(in, mode >> 2);
        MemorySegment slot = out(arena, mode, JAVA_INT.byteSize());
        Expect expect = slot.equals(NULL) || !knownBackend(b) ? Expect.INVALID : Expect.OK;
        if (entry == Entry.BACKEND_AVAILABLE) {
            check("gla_backend_available", GlaH.gla_backend_available(b, slot), expect);
        } else {
            check("gla_device_count", GlaH.gla_device_count(b, slot), expect);
            if (expect == Expect.OK && b == GlaH.GLA_BACKEND_CPU()) {
                assertEquals(1, slot.get(JAVA_INT, 0));
            }
        }
    }

    private static void deviceInfo(Arena arena, FuzzInput in, int mode, int variant) {
        int b = backend(in, mode >> 2);
        int device = switch (variant % 3) {
            case 0 -> 0;
            case 1 -> in.range(-2, 3);
            default -> in.nextInt();
        };
        MemorySegment info = out(arena, mode, gla_device_info.sizeof());
        Expect expect;
        if (info.equals(NULL) || !knownBackend(b)) {
            expect = Expect.INVALID;
        } else if (b == GlaH.GLA_BACKEND_CPU()) {
            expect = device == 0 ? Expect.OK : Expect.FAIL;
        } else {
            expect = device < 0 ? Expect.FAIL : Expect.ANY;
        }
        check("gla_device_info_get", GlaH.gla_device_info_get(b, device, info), expect);
    }

    private static void contextCreate(Arena arena, FuzzInput in, int mode, int variant) {
        int b = backend(in, mode >> 2);
        int device = variant % 2 == 0 ? 0 : in.range(-2, 3);
        MemorySegment slot = out(arena, mode, ADDRESS.byteSize());
        Expect expect;
        if (slot.equals(NULL) || !knownBackend(b)) {
            expect = Expect.INVALID;
        } else if (b == GlaH.GLA_BACKEND_CPU()) {
            expect = device == 0 ? Expect.OK : Expect.FAIL;
        } else {
            expect = device < 0 ? Expect.FAIL : Expect.ANY;
        }
        int status = GlaH.gla_context_create(b, device, slot);
        check("gla_context_create", status, expect);
        if (status == GlaH.GLA_OK()) {
            check("gla_context_destroy", GlaH.gla_context_destroy(slot.get(ADDRESS, 0)), Expect.OK);
        }
    }

    private static void contextBackend(Arena arena, int mode) {
        MemorySegment slot = out(arena, mode, JAVA_INT.byteSize());
        MemorySegment ctx = (mode & 4) != 0 ? NULL : cpu;
        int status = GlaH.gla_context_backend(ctx, slot);
        check("gla_context_backend", status, slot.equals(NULL) || ctx.equals(NULL) ? Expect.INVALID : Expect.OK);
        if (status == GlaH.GLA_OK()) {
            assertEquals(GlaH.GLA_BACKEND_CPU(), slot.get(JAVA_INT, 0));
        }
    }

    private static void setStream(Arena arena, int mode) {
        MemorySegment ctx = (mode & 1) != 0 ? NULL : cpu;
        // A cpu context has no stream: a non-null one must be refused without being dereferenced.
        MemorySegment stream = (mode & 2) != 0 ? arena.allocate(64) : NULL;
        check("gla_context_set_stream", GlaH.gla_context_set_stream(ctx, stream),
                ctx.equals(NULL) || !stream.equals(NULL) ? Expect.INVALID : Expect.OK);
    }

    private static void setThreads(Arena arena, FuzzInput in, int mode) {
        // A context of its own: the shared one must keep a sane thread count for the op calls.
        MemorySegment slot = arena.allocate(ADDRESS);
        check("gla_context_create", GlaH.gla_context_create(GlaH.GLA_BACKEND_CPU(), 0, slot), Expect.OK);
        MemorySegment ctx = slot.get(ADDRESS, 0);
        try {
            int threads;
            Expect expect;
            switch (mode % 4) {
                case 0 -> {
                    threads = in.range(0, 4);
                    expect = Expect.OK;
                }
                case 1 -> {
                    threads = -1 - in.pick(1000);
                    expect = Expect.INVALID;
                }
                case 2 -> {
                    threads = in.nextInt();
                    expect = threads < 0 ? Expect.INVALID : Expect.ANY;
                }
                default -> {
                    check("gla_context_set_threads", GlaH.gla_context_set_threads(NULL, 1), Expect.INVALID);
                    return;
                }
            }
            check("gla_context_set_threads", GlaH.gla_context_set_threads(ctx, threads), expect);
        } finally {
            check("gla_context_destroy", GlaH.gla_context_destroy(ctx), Expect.OK);
        }
    }

    // ---- memory ----

    private static long bytes(FuzzInput in, int variant) {
        return switch (variant % 6) {
            case 0, 1 -> 1 + in.pick(4096);
            case 2 -> 0;
            case 3 -> -1 - in.pick(1 << 16);
            case 4 -> (1L << 62) + in.pick(1000);
            default -> Long.MAX_VALUE - in.pick(1000);
        };
    }

    private static void allocate(Arena arena, FuzzInput in, boolean host, int mode) {
        String fn = host ? "gla_host_alloc" : "gla_malloc";
        long n = bytes(in, mode >> 3);
        MemorySegment ctx = (mode & 4) != 0 ? NULL : cpu;
        MemorySegment slot = out(arena, mode, ADDRESS.byteSize());
        Expect expect;
        if (ctx.equals(NULL) || slot.equals(NULL) || n < 0) {
            expect = Expect.INVALID;
        } else if (n == 0) {
            expect = Expect.ANY;
        } else {
            expect = n > (1L << 61) ? Expect.FAIL : Expect.OK;
        }
        int status = host ? GlaH.gla_host_alloc(ctx, n, slot) : GlaH.gla_malloc(ctx, n, slot);
        check(fn, status, expect);
        if (status == GlaH.GLA_OK()) {
            MemorySegment p = slot.get(ADDRESS, 0);
            if (n > 0) {
                assertEquals(0, p.address() % 64, fn + " returned memory that is not 64-byte aligned");
                p.reinterpret(n).fill((byte) 0x5a);
            }
            release(host, p);
        }
    }

    private static MemorySegment allocateNative(boolean host, long n) {
        try (Arena a = Arena.ofConfined()) {
            MemorySegment slot = a.allocate(ADDRESS);
            int status = host ? GlaH.gla_host_alloc(cpu, n, slot) : GlaH.gla_malloc(cpu, n, slot);
            check(host ? "gla_host_alloc" : "gla_malloc", status, Expect.OK);
            return slot.get(ADDRESS, 0).reinterpret(n);
        }
    }

    private static void release(boolean host, MemorySegment p) {
        check(host ? "gla_host_free" : "gla_free", host ? GlaH.gla_host_free(cpu, p) : GlaH.gla_free(cpu, p),
                Expect.OK);
    }

    private static void free(Arena arena, boolean host, int mode) {
        String fn = host ? "gla_host_free" : "gla_free";
        switch (mode % 3) {
            case 0 -> release(host, allocateNative(host, 256));
            case 1 -> check(fn, host ? GlaH.gla_host_free(cpu, NULL) : GlaH.gla_free(cpu, NULL), Expect.ANY);
            default -> {
                MemorySegment p = allocateNative(host, 256);
                check(fn, host ? GlaH.gla_host_free(NULL, p) : GlaH.gla_free(NULL, p), Expect.INVALID);
                release(host, p);
            }
        }
    }

    private static void memset(Arena arena, FuzzInput in, int mode, int variant) {
        long n = 1 + in.pick(4096);
        MemorySegment p = allocateNative(false, n);
        try {
            MemorySegment ctx = (mode & 1) != 0 ? NULL : cpu;
            MemorySegment target = (mode & 2) != 0 ? NULL : (mode & 4) != 0 ? p.asSlice(1) : p;
            long count = switch (variant % 4) {
                case 0, 1 -> in.pick((int) target.byteSize() + 1);
                case 2 -> -1 - in.pick(100);
                default -> Long.MIN_VALUE;
            };
            int value = (mode & 8) != 0 ? in.nextInt() : in.pick(256);
            Expect expect;
            if (ctx.equals(NULL) || count < 0 || (target.equals(NULL) && count > 0)) {
                expect = Expect.INVALID;
            } else if (value < 0 || value > 255 || target.equals(NULL)) {
                expect = Expect.ANY;
            } else {
                expect = Expect.OK;
            }
            int status = GlaH.gla_memset(ctx, target, value, count);
            check("gla_memset", status, expect);
            if (status == GlaH.GLA_OK() && count > 0 && value >= 0 && value <= 255) {
                assertEquals((byte) value, target.get(JAVA_BYTE, count - 1));
            }
        } finally {
            release(false, p);
        }
    }

    private static void memcpy(Arena arena, FuzzInput in, int mode, int variant) {
        long n = 1 + in.pick(4096);
        MemorySegment src = allocateNative(false, n), dst = allocateNative(false, n);
        try {
            SplittableRandom r = in.random();
            for (long i = 0; i < n; i++) {
                src.set(JAVA_BYTE, i, (byte) r.nextInt());
            }
            int kind = switch (variant % 4) {
                case 0, 1 -> in.pick(4);
                case 2 -> in.range(-3, 8);
                default -> in.nextInt();
            };
            MemorySegment ctx = (mode & 1) != 0 ? NULL : cpu;
            MemorySegment s = (mode & 2) != 0 ? NULL : src, d = (mode & 4) != 0 ? NULL : dst;
            long count = (mode & 8) != 0 ? -1 - in.pick(100) : in.pick((int) n + 1);
            boolean nullWithBytes = (s.equals(NULL) || d.equals(NULL)) && count > 0;
            Expect expect;
            if (ctx.equals(NULL) || count < 0 || kind < 0 || kind > 3 || nullWithBytes) {
                expect = Expect.INVALID;
            } else {
                expect = s.equals(NULL) || d.equals(NULL) ? Expect.ANY : Expect.OK;
            }
            int status = GlaH.gla_memcpy(ctx, d, s, count, kind);
            check("gla_memcpy", status, expect);
            if (status == GlaH.GLA_OK() && count > 0) {
                assertEquals(-1L, MemorySegment.mismatch(src, 0, count, dst, 0, count), "gla_memcpy copied wrong bytes");
            }
        } finally {
            release(false, src);
            release(false, dst);
        }
    }

    // ---- ops ----

    /** One op call's arguments: dims and buffers (each with 64 bytes of slack), valid until a Break edits them. */
    static final class Call {
        final Entry op;
        long batch, seqLen, heads, keyDim, valueDim, numSeqs;
        float scale;
        int dtype, gate, algorithm;
        long[] cu;
        MemorySegment ctx = cpu, q = NULL, k = NULL, v = NULL, g = NULL, h0 = NULL, o = NULL, ht = NULL, dout = NULL,
                dht = NULL, dq = NULL, dk = NULL, dv = NULL, dg = NULL, dh0 = NULL, state = NULL, ws = NULL;
        long wsBytes;
        boolean nullDims;
        final List<String> outputs = new ArrayList<>();

        Call(Entry op) {
            this.op = op;
        }

        boolean backward() {
            return op == Entry.CHUNK_BWD || op == Entry.RECURRENT_BWD;
        }

        boolean decode() {
            return op == Entry.DECODE_STEP;
        }

        long sequences() {
            return cu != null ? cu.length - 1 : batch;
        }

        long tokens() {
            return batch * seqLen * heads;
        }

        long gateElements() {
            return gate == GlaH.GLA_GATE_CHANNEL() ? tokens() * keyDim : tokens();
        }

        MemorySegment dims(Arena arena) {
            if (nullDims) {
                return NULL;
            }
            MemorySegment d = gla_dims.allocate(arena);
            gla_dims.batch(d, batch);
            gla_dims.seq_len(d, seqLen);
            gla_dims.heads(d, heads);
            gla_dims.key_dim(d, keyDim);
            gla_dims.value_dim(d, valueDim);
            gla_dims.num_seqs(d, numSeqs);
            gla_dims.scale(d, scale);
            gla_dims.dtype(d, dtype);
            gla_dims.gate(d, gate);
            gla_dims.algorithm(d, algorithm);
            return d;
        }
    }

    private static MemorySegment buffer(Arena arena, long bytes) {
        return arena.allocate(bytes + 64, 64);
    }

    private static MemorySegment values(Arena arena, long n, int dtype, SplittableRandom r) {
        MemorySegment s = buffer(arena, n * (dtype == GlaH.GLA_DTYPE_BF16() ? 2 : 4));
        for (long i = 0; i < n; i++) {
            float x = (float) r.nextGaussian();
            if (dtype == GlaH.GLA_DTYPE_BF16()) {
                s.setAtIndex(JAVA_SHORT, i, BFloat16.fromFloat(x));
            } else {
                s.setAtIndex(JAVA_FLOAT, i, x);
            }
        }
        return s;
    }

    private static MemorySegment gates(Arena arena, long n, double lo, SplittableRandom r) {
        MemorySegment s = buffer(arena, n * 4);
        for (long i = 0; i < n; i++) {
            s.setAtIndex(JAVA_FLOAT, i, (float) (-lo * r.nextDouble()));
        }
        return s;
    }

    private static MemorySegment poisoned(Arena arena, long n, int dtype) {
        MemorySegment s = buffer(arena, n * (dtype == GlaH.GLA_DTYPE_BF16() ? 2 : 4));
        for (long i = 0; i < n; i++) {
            if (dtype == GlaH.GLA_DTYPE_BF16()) {
                s.setAtIndex(JAVA_SHORT, i, (short) 0x7fc0);
            } else {
                s.setAtIndex(JAVA_FLOAT, i, Float.NaN);
            }
        }
        return s;
    }

    /** A valid call of op on small random dims, with every buffer sized for them. */
    static Call validCall(Arena arena, FuzzInput in, Entry op) {
        Call c = new Call(op);
        c.dtype = in.pick(2);
        c.gate = in.pick(3);
        c.algorithm = in.pick(3);
        boolean varlen = !c.decode() && in.pick(4) == 1;
        c.batch = varlen ? 1 : 1 + in.pick(3);
        c.seqLen = c.decode() ? 1 : 1 + in.pick(130);
        c.heads = 1 + in.pick(3);
        c.keyDim = 1 + in.pick(136);
        c.valueDim = 1 + in.pick(136);
        while (c.tokens() * c.keyDim * c.valueDim > (1 << 21) && c.seqLen > 1) {
            c.seqLen = (c.seqLen + 1) / 2;
        }
        if (varlen) {
            int n = 1 + in.pick(4);
            c.cu = new long[n + 1];
            for (int i = 1; i < n; i++) {
                c.cu[i] = in.pick((int) c.seqLen + 1);
            }
            c.cu[n] = c.seqLen;
            Arrays.sort(c.cu, 1, n);
            c.numSeqs = n;
        }
        c.scale = in.bool() ? (float) (1 / Math.sqrt(c.keyDim)) : in.range(-400, 400) / 100f;
        double lo = new double[]{0.1, 5, 60}[in.pick(3)];
        boolean withH0 = in.bool(), withHt = in.bool(), withDh0 = in.bool(), useWorkspace = in.bool();
        SplittableRandom r = in.random();
        long keys = c.tokens() * c.keyDim, vals = c.tokens() * c.valueDim;
        long states = c.sequences() * c.heads * c.keyDim * c.valueDim;
        int f32 = GlaH.GLA_DTYPE_F32();
        c.q = values(arena, keys, c.dtype, r);
        c.k = values(arena, keys, c.dtype, r);
        c.v = values(arena, vals, c.dtype, r);
        if (c.gate != GlaH.GLA_GATE_NONE()) {
            c.g = gates(arena, c.gateElements(), lo, r);
        }
        if (c.decode()) {
            c.state = values(arena, states, f32, r);
            c.o = poisoned(arena, vals, c.dtype);
            c.outputs.addAll(List.of("o", "state"));
            return c;
        }
        if (withH0) {
            c.h0 = values(arena, states, f32, r);
        }
        if (c.backward()) {
            c.dout = values(arena, vals, c.dtype, r);
            if (withHt) {
                c.dht = values(arena, states, f32, r);
            }
            c.dq = poisoned(arena, keys, c.dtype);
            c.dk = poisoned(arena, keys, c.dtype);
            c.dv = poisoned(arena, vals, c.dtype);
            c.outputs.addAll(List.of("dq", "dk", "dv"));
            if (c.gate != GlaH.GLA_GATE_NONE()) {
                c.dg = poisoned(arena, c.gateElements(), f32);
                c.outputs.add("dg");
            }
            if (withH0 && withDh0) {
                c.dh0 = poisoned(arena, states, f32);
                c.outputs.add("dh0");
            }
        } else {
            c.o = poisoned(arena, vals, c.dtype);
            c.outputs.add("o");
            if (withHt) {
                c.ht = poisoned(arena, states, f32);
                c.outputs.add("ht");
            }
        }
        if (useWorkspace) {
            MemorySegment size = arena.allocate(JAVA_LONG);
            check("gla_workspace_size", GlaH.gla_workspace_size(cpu, opCode(op), c.dims(arena), size), Expect.OK);
            c.wsBytes = size.get(JAVA_LONG, 0);
            assertTrue(c.wsBytes >= 0, "gla_workspace_size gave " + c.wsBytes);
            c.ws = c.wsBytes == 0 ? NULL : arena.allocate(c.wsBytes, 64);
        }
        return c;
    }

    static int opCode(Entry op) {
        return switch (op) {
            case CHUNK_FWD -> GlaH.GLA_OP_CHUNK_FWD();
            case CHUNK_BWD -> GlaH.GLA_OP_CHUNK_BWD();
            case RECURRENT_FWD -> GlaH.GLA_OP_RECURRENT_FWD();
            case RECURRENT_BWD -> GlaH.GLA_OP_RECURRENT_BWD();
            case DECODE_STEP -> GlaH.GLA_OP_DECODE_STEP();
            default -> throw new IllegalArgumentException(op.name());
        };
    }

    private static int badEnum(FuzzInput in, int variant, int count) {
        return switch (variant % 3) {
            case 0 -> count + in.pick(10);
            case 1 -> -1 - in.pick(10);
            default -> {
                int x = in.nextInt();
                yield x >= 0 && x < count ? count : x;
            }
        };
    }

    /** Breaks one field of c; returns what the call must then return (NONE when the break does not apply). */
    static Expect applyBreak(Arena arena, FuzzInput in, Call c, Break b, int variant) {
        switch (b) {
            case NONE -> {
                return Expect.OK;
            }
            case NULL_CONTEXT -> c.ctx = NULL;
            case NULL_DIMS -> c.nullDims = true;
            case NULL_REQUIRED -> {
                List<String> required = new ArrayList<>(List.of("q", "k", "v"));
                if (c.gate != GlaH.GLA_GATE_NONE()) {
                    required.add("g");
                }
                if (c.decode()) {
                    required.addAll(List.of("state", "o"));
                } else if (c.backward()) {
                    required.addAll(List.of("dout", "dq", "dk", "dv"));
                    if (c.gate != GlaH.GLA_GATE_NONE()) {
                        required.add("dg");
                    }
                } else {
                    required.add("o");
                }
                set(c, required.get(variant % required.size()), NULL);
            }
            case MISALIGNED -> {
                List<String> present = new ArrayList<>();
                for (String name : List.of("q", "k", "v", "g", "h0", "o", "ht", "dout", "dht", "dq", "dk", "dv", "dg",
                        "dh0", "state")) {
                    if (!get(c, name).equals(NULL)) {
                        present.add(name);
                    }
                }
                String name = present.get(variant % present.size());
                set(c, name, get(c, name).asSlice(1));
            }
            case BAD_DTYPE -> c.dtype = badEnum(in, variant, 2);
            case BAD_GATE -> c.gate = badEnum(in, variant, 3);
            case BAD_ALGORITHM -> c.algorithm = badEnum(in, variant, 3);
            case NEGATIVE_DIM -> setDim(c, variant % 6, variant % 2 == 0 ? -1 - in.pick(100) : Long.MIN_VALUE);
            case ZERO_DIM -> {
                setDim(c, variant % 5, 0);
                return Expect.ANY;
            }
            case OVERFLOW -> {
                int first = variant % 5, second = (first + 1 + (variant / 5) % 4) % 5;
                setDim(c, first, (1L << 32) + in.pick(1000));
                setDim(c, second, (1L << 32) + in.pick(1000));
            }
            case BAD_SCALE -> c.scale = new float[]{Float.NaN, Float.POSITIVE_INFINITY, Float.NEGATIVE_INFINITY}[variant % 3];
            case GATE_WITH_NONE -> {
                if (c.gate == GlaH.GLA_GATE_NONE()) {
                    c.g = gates(arena, c.tokens() * c.keyDim, 1, new SplittableRandom(variant));
                } else {
                    c.gate = GlaH.GLA_GATE_NONE();
                    c.dg = NULL;
                }
            }
            case NUM_SEQS -> {
                if (c.decode()) {
                    return Expect.OK;
                }
                c.numSeqs = c.cu != null ? 0 : 1 + in.pick(3);
            }
            case BAD_CU_SEQLENS -> {
                if (c.cu == null) {
                    return Expect.OK;
                }
                int n = c.cu.length - 1;
                switch (variant % 4) {
                    case 0 -> c.cu[0] = 1 + in.pick(5);
                    case 1 -> c.cu[n] = variant % 8 == 1 ? c.seqLen - 1 : c.seqLen + 1 + in.pick(100);
                    case 2 -> {
                        if (n < 2) {
                            c.cu[n] = -1;
                        } else {
                            c.cu[1] = c.cu[2] + 1;
                        }
                    }
                    default -> c.cu[Math.max(1, n - 1)] = -1 - in.pick(100);
                }
            }
            case BATCH_WITH_CU -> {
                if (c.cu == null) {
                    return Expect.OK;
                }
                c.batch = 2 + in.pick(3);
            }
            case DH0_WITHOUT_H0 -> {
                if (!c.backward()) {
                    return Expect.OK;
                }
                long states = c.sequences() * c.heads * c.keyDim * c.valueDim;
                c.h0 = NULL;
                c.dh0 = poisoned(arena, states, GlaH.GLA_DTYPE_F32());
            }
            case DG_WITHOUT_GATE -> {
                if (!c.backward()) {
                    return Expect.OK;
                }
                c.gate = GlaH.GLA_GATE_NONE();
                c.g = NULL;
                c.dg = poisoned(arena, c.tokens() * c.keyDim, GlaH.GLA_DTYPE_F32());
            }
            case BAD_WORKSPACE -> {
                if (c.decode()) {
                    return Expect.OK;
                }
                switch (variant % 3) {
                    case 0 -> c.wsBytes = -1 - in.pick(100);
                    case 1 -> {
                        c.ws = NULL;
                        c.wsBytes = 64 + in.pick(100);
                    }
                    default -> {
                        if (c.wsBytes <= 0) {
                            return Expect.OK;
                        }
                        c.wsBytes -= 1 + in.pick((int) Math.min(c.wsBytes, 1000));
                    }
                }
            }
            case DECODE_SEQ_LEN -> {
                if (!c.decode()) {
                    return Expect.OK;
                }
                c.seqLen = 2 + in.pick(100);
            }
        }
        return Expect.INVALID;
    }

    private static void setDim(Call c, int which, long value) {
        switch (which) {
            case 0 -> c.batch = value;
            case 1 -> c.seqLen = value;
            case 2 -> c.heads = value;
            case 3 -> c.keyDim = value;
            case 4 -> c.valueDim = value;
            default -> c.numSeqs = value;
        }
    }

    private static MemorySegment get(Call c, String name) {
        return switch (name) {
            case "q" -> c.q;
            case "k" -> c.k;
            case "v" -> c.v;
            case "g" -> c.g;
            case "h0" -> c.h0;
            case "o" -> c.o;
            case "ht" -> c.ht;
            case "dout" -> c.dout;
            case "dht" -> c.dht;
            case "dq" -> c.dq;
            case "dk" -> c.dk;
            case "dv" -> c.dv;
            case "dg" -> c.dg;
            case "dh0" -> c.dh0;
            case "state" -> c.state;
            default -> throw new IllegalArgumentException(name);
        };
    }

    private static void set(Call c, String name, MemorySegment s) {
        switch (name) {
            case "q" -> c.q = s;
            case "k" -> c.k = s;
            case "v" -> c.v = s;
            case "g" -> c.g = s;
            case "h0" -> c.h0 = s;
            case "o" -> c.o = s;
            case "ht" -> c.ht = s;
            case "dout" -> c.dout = s;
            case "dht" -> c.dht = s;
            case "dq" -> c.dq = s;
            case "dk" -> c.dk = s;
            case "dv" -> c.dv = s;
            case "dg" -> c.dg = s;
            case "dh0" -> c.dh0 = s;
            case "state" -> c.state = s;
            default -> throw new IllegalArgumentException(name);
        }
    }

    private static void op(Arena arena, FuzzInput in, Entry op, int mode, int variant) {
        Call c = validCall(arena, in, op);
        Break b = mode < VALID_MODES ? Break.NONE
                : Break.values()[1 + (mode - VALID_MODES) % (Break.values().length - 1)];
        Expect expect = applyBreak(arena, in, c, b, variant);
        MemorySegment dims = c.dims(arena);
        MemorySegment cu = c.cu == null ? NULL : arena.allocateFrom(JAVA_LONG, c.cu);
        String fn;
        int status = switch (op) {
            case CHUNK_FWD -> GlaH.gla_chunk_fwd(c.ctx, dims, c.q, c.k, c.v, c.g, c.h0, cu, c.o, c.ht, c.ws, c.wsBytes);
            case RECURRENT_FWD -> GlaH.gla_recurrent_fwd(c.ctx, dims, c.q, c.k, c.v, c.g, c.h0, cu, c.o, c.ht, c.ws,
                    c.wsBytes);
            case CHUNK_BWD -> GlaH.gla_chunk_bwd(c.ctx, dims, c.q, c.k, c.v, c.g, c.h0, cu, c.dout, c.dht, c.dq, c.dk,
                    c.dv, c.dg, c.dh0, c.ws, c.wsBytes);
            case RECURRENT_BWD -> GlaH.gla_recurrent_bwd(c.ctx, dims, c.q, c.k, c.v, c.g, c.h0, cu, c.dout, c.dht, c.dq,
                    c.dk, c.dv, c.dg, c.dh0, c.ws, c.wsBytes);
            default -> GlaH.gla_decode_step(c.ctx, dims, c.q, c.k, c.v, c.g, c.state, c.o);
        };
        fn = switch (op) {
            case CHUNK_FWD -> "gla_chunk_fwd";
            case RECURRENT_FWD -> "gla_recurrent_fwd";
            case CHUNK_BWD -> "gla_chunk_bwd";
            case RECURRENT_BWD -> "gla_recurrent_bwd";
            default -> "gla_decode_step";
        };
        String what = b + " B" + c.batch + " T" + c.seqLen + " H" + c.heads + " K" + c.keyDim + " V" + c.valueDim
                + " N" + c.numSeqs + " dtype " + c.dtype + " gate " + c.gate + " algorithm " + c.algorithm
                + " scale " + c.scale + (c.cu == null ? "" : " cu " + Arrays.toString(c.cu)) + " ws " + c.wsBytes;
        check(fn, status, expect, what);
        if (b == Break.NONE) {
            for (String name : c.outputs) {
                assertFinite(fn, name, get(c, name), c, what);
            }
        }
    }

    /**
     * gla_decode_step_gate_proj: a valid decoding step with channel gates made from a gate projection of rank 1..64,
     * fp32 or bf16 weights, with or without a bias; modes >= VALID_MODES break one of the projection's fields.
     */
    private static void gateProjStep(Arena arena, FuzzInput in, int mode, int variant) {
        Call c = validCall(arena, in, Entry.DECODE_STEP);
        c.gate = GlaH.GLA_GATE_CHANNEL();
        int rank = 1 + in.pick(GlaH.GLA_GATE_PROJ_MAX_RANK()), weightType = in.pick(2);
        boolean withBias = in.bool();
        float normalizer = in.bool() ? 16f : 0.5f + in.pick(64), clampMin = in.bool() ? Float.NEGATIVE_INFINITY : -in.pick(8);
        SplittableRandom r = in.random();
        long channels = c.heads * c.keyDim;
        int f32 = GlaH.GLA_DTYPE_F32();
        MemorySegment gin = values(arena, c.batch * rank, f32, r), weight = values(arena, channels * rank, weightType, r);
        MemorySegment bias = withBias ? values(arena, channels, f32, r) : NULL;
        MemorySegment gate = gla_gate_proj.allocate(arena);
        Expect expect = Expect.OK;
        GateBreak b = null;
        if (mode >= VALID_MODES) {
            expect = Expect.INVALID;
            b = GateBreak.values()[(mode - VALID_MODES) % GateBreak.values().length];
            switch (b) {
                case NULL_GATE -> gate = NULL;
                case RANK_LOW -> rank = variant % 2 == 0 ? 0 : -1 - in.pick(100);
                case RANK_HIGH -> rank = GlaH.GLA_GATE_PROJ_MAX_RANK() + 1 + in.pick(1000);
                case WEIGHT_DTYPE -> weightType = badEnum(in, variant, 2);
                case NORMALIZER -> normalizer = new float[]{0f, -1f, Float.NaN, Float.POSITIVE_INFINITY}[variant % 4];
                case CLAMP_MIN -> clampMin = variant % 2 == 0 ? Float.NaN : Float.POSITIVE_INFINITY;
                case NULL_IN -> gin = NULL;
                case NULL_WEIGHT -> weight = NULL;
                case WEIGHT_MISALIGNED -> weight = weight.asSlice(1);
                case BIAS_MISALIGNED -> bias = values(arena, channels, f32, r).asSlice(1);
                case IN_MISALIGNED -> gin = gin.asSlice(1);
                case NOT_CHANNEL -> c.gate = variant % 2 == 0 ? GlaH.GLA_GATE_NONE() : GlaH.GLA_GATE_HEAD();
            }
        }
        if (!gate.equals(NULL)) {
            gla_gate_proj.in(gate, gin);
            gla_gate_proj.weight(gate, weight);
            gla_gate_proj.bias(gate, bias);
            gla_gate_proj.rank(gate, rank);
            gla_gate_proj.weight_dtype(gate, weightType);
            gla_gate_proj.normalizer(gate, normalizer);
            gla_gate_proj.clamp_min(gate, clampMin);
        }
        String fn = "gla_decode_step_gate_proj";
        String what = (b == null ? "valid" : b.toString()) + " B" + c.batch + " H" + c.heads + " K" + c.keyDim + " V"
                + c.valueDim + " dtype " + c.dtype + " rank " + rank + " weight dtype " + weightType + " bias "
                + withBias + " normalizer " + normalizer + " clamp " + clampMin;
        check(fn, GlaH.gla_decode_step_gate_proj(c.ctx, c.dims(arena), c.q, c.k, c.v, gate, c.state, c.o), expect,
                what);
        if (b == null) {
            for (String name : c.outputs) {
                assertFinite(fn, name, get(c, name), c, what);
            }
        }
    }

    private static void assertFinite(String fn, String name, MemorySegment s, Call c, String what) {
        boolean bf16 = c.dtype == GlaH.GLA_DTYPE_BF16() && !List.of("dg", "dh0", "ht", "state").contains(name);
        long elements = switch (name) {
            case "dq", "dk" -> c.tokens() * c.keyDim;
            case "o", "dv" -> c.tokens() * c.valueDim;
            case "dg" -> c.gateElements();
            default -> c.sequences() * c.heads * c.keyDim * c.valueDim;
        };
        for (long i = 0; i < elements; i++) {
            float x = bf16 ? BFloat16.toFloat(s.getAtIndex(JAVA_SHORT, i)) : s.getAtIndex(JAVA_FLOAT, i);
            if (!Float.isFinite(x)) {
                fail(fn + ": " + name + "[" + i + "] = " + x + " after GLA_OK (" + what + ")");
            }
        }
    }

    private static void workspaceSize(Arena arena, FuzzInput in, int mode, int variant) {
        Entry op = Entry.values()[Entry.CHUNK_FWD.ordinal() + in.pick(5)];
        Call c = validCall(arena, in, op);
        Expect expect = Expect.OK;
        int opCode = opCode(op);
        MemorySegment ctx = cpu;
        MemorySegment slot = arena.allocate(JAVA_LONG);
        switch (mode % 8) {
            case 0, 1, 2 -> {
            }
            case 3 -> {
                opCode = badEnum(in, variant, 5);
                expect = Expect.INVALID;
            }
            case 4 -> {
                slot = NULL;
                expect = Expect.INVALID;
            }
            case 5 -> {
                ctx = NULL;
                expect = Expect.INVALID;
            }
            default -> {
                Break b = new Break[]{Break.NULL_DIMS, Break.BAD_DTYPE, Break.BAD_GATE, Break.BAD_ALGORITHM,
                        Break.NEGATIVE_DIM, Break.OVERFLOW, Break.BAD_SCALE, Break.ZERO_DIM}[variant % 8];
                expect = applyBreak(arena, in, c, b, variant / 8);
            }
        }
        int status = GlaH.gla_workspace_size(ctx, opCode, c.dims(arena), slot);
        check("gla_workspace_size", status, expect);
        if (status == GlaH.GLA_OK()) {
            assertTrue(slot.get(JAVA_LONG, 0) >= 0);
        }
    }

    // ---- expectations ----

    static void check(String fn, int status, Expect expect) {
        check(fn, status, expect, "");
    }

    static void check(String fn, int status, Expect expect, String what) {
        String context = what.isEmpty() ? "" : " (" + what + ")";
        if (status < GlaH.GLA_OK() || status > GlaH.GLA_ERROR_INTERNAL()) {
            fail(fn + " returned " + status + ", not a gla_status" + context);
        }
        String message = status == GlaH.GLA_OK() ? "" : Gla.lastError();
        if (status != GlaH.GLA_OK() && !message.contains(fn)) {
            fail(fn + " failed with status " + status + " and a message that does not name it: '" + message + "'"
                    + context);
        }
        switch (expect) {
            case OK -> {
                if (status != GlaH.GLA_OK()) {
                    fail(fn + " rejected a valid call: " + message + context);
                }
            }
            case INVALID -> {
                if (status != GlaH.GLA_ERROR_INVALID_ARGUMENT()) {
                    fail(fn + " should return GLA_ERROR_INVALID_ARGUMENT, got " + status
                            + (message.isEmpty() ? "" : " (" + message + ")") + context);
                }
            }
            case FAIL -> {
                if (status == GlaH.GLA_OK()) {
                    fail(fn + " accepted a call it must refuse" + context);
                }
            }
            case ANY -> {
            }
        }
    }
}

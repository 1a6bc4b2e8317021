/*
 * gla_kernels.cuh — device building blocks shared by the cuda kernel stages (chunk_fwd_*.cu, chunk_bwd_*.cu,
 * recurrent_*.cu, decode_step.cu): tile shapes, sequence/chunk mapping, global→shared tile loads, the gate
 * cumsum, and warp-level tensor-core fragments.
 *
 * Tensor cores: mma.sync m16n8k16 with bf16 operands (fp32 accumulation) for bf16 inputs; for fp32 inputs,
 * and for the intra-sub-chunk blocks of every dtype, "3xTF32" (x = big + small, three m16n8k8 tf32 products)
 * which keeps ~fp32 accuracy on the tensor cores. A bf16 fragment is loaded by ldmatrix from shared memory; a tf32
 * one is built element by element from a functor f(row, col) (loads fused with the gate exponentials).
 *
 * Fragment layouts (PTX ISA, "mma.m16n8k16" / "mma.m16n8k8"), lane = 4*g + t:
 *   C (16x8 fp32):   x[i] at row g + 8*(i>>1), col 2t + (i&1)
 *   A bf16 (16x16):  reg j holds (row g + 8*(j&1), cols 2t + 8*(j>>1) + {0,1})
 *   B bf16 (16x8):   reg j holds (k rows 2t + 8j + {0,1}, col g)
 *   A tf32 (16x16 as two k8 halves h): x[4h+j] at row g + 8*(j&1), col t + 4*(j>>1) + 8h
 *   B tf32 (16x8 as two k8 halves h):  x[2h+j] at k row t + 4j + 8h, col g
 * Built into libgla4j by CMake (GLA_HAVE_CUDA) and into the kernel lab by native/bench/cuda/build.sh.
 */
#ifndef GLA_KERNELS_CUH
#define GLA_KERNELS_CUH

#include <cuda_bf16.h>
#include <cuda_runtime.h>
#include <stdint.h>

namespace gla {

typedef __nv_bfloat16 bf16;

constexpr int kChunk = 64;      // BT: tokens per chunk
constexpr int kSub = 16;        // c: tokens per sub-chunk (secondary chunking)
constexpr int kThreads = 256;   // 8 warps per block in the chunk kernels
constexpr int kWarps = kThreads / 32;
// A sub-chunk whose per-channel gate range exceeds this (natural log) uses exact per-element exponentials in
// its diagonal block; below it the block is factored as (q e^{G-r}) (k e^{r-G}) with every factor < e^60.
constexpr float kFactorLimit = 60.f;

// A chunk kernel's launch with `smem` bytes of dynamic shared memory (past 48 KiB it needs the opt-in, set first
// on every call so that a kernel that cannot have its memory fails whatever the grid); an empty grid launches
// nothing. THREADS per block.
template <int THREADS = kThreads, class... P>
inline cudaError_t launch_smem(void (*kernel)(P...), dim3 grid, size_t smem, cudaStream_t stream, const P&... p) {
    const cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem);
    if (err != cudaSuccess) return err;
    if (grid.x == 0 || grid.y == 0 || grid.z == 0) return cudaSuccess;
    kernel<<<grid, THREADS, smem, stream>>>(p...);
    return cudaGetLastError();
}

// ---------------------------------------------------------------------------------------------------------
// Sequences and chunks. Fixed length: sequence n is tokens [n*T, (n+1)*T). Varlen: device copies of cu_seqlens
// and two tables built on the host (chunk -> sequence, sequence -> first chunk).
struct Seqs {
    const int64_t* cu;        // [N+1] device, or nullptr (fixed length)
    const int32_t* chunk_seq; // [NC] device, or nullptr
    const int32_t* chunk_off; // [N+1] device, or nullptr
    int64_t T;                // fixed length per sequence
    int N;                    // sequences
    int NT;                   // chunks per sequence (fixed length)
    int NC;                   // chunks in all

    __device__ __forceinline__ void seq(int n, int64_t& bos, int64_t& eos) const {
        if (cu) { bos = cu[n]; eos = cu[n + 1]; }
        else { bos = (int64_t)n * T; eos = bos + T; }
    }
    __device__ __forceinline__ int first_chunk(int n) const { return chunk_off ? chunk_off[n] : n * NT; }
    // Chunk c: its sequence n, first token and one past its last token.
    __device__ __forceinline__ void chunk(int c, int& n, int64_t& start, int64_t& end) const {
        n = chunk_seq ? chunk_seq[c] : c / NT;
        int64_t bos, eos;
        seq(n, bos, eos);
        start = bos + (int64_t)(c - first_chunk(n)) * kChunk;
        end = min(start + kChunk, eos);
    }
};

// ---------------------------------------------------------------------------------------------------------
// Scalars.
__device__ __forceinline__ float to_f(float x) { return x; }
__device__ __forceinline__ float to_f(bf16 x) { return __bfloat162float(x); }
template <class T> __device__ __forceinline__ T from_f(float x);
template <> __device__ __forceinline__ float from_f<float>(float x) { return x; }
template <> __device__ __forceinline__ bf16 from_f<bf16>(float x) { return __float2bfloat16_rn(x); }

__device__ __forceinline__ int lane_id() { return threadIdx.x & 31; }
__device__ __forceinline__ int warp_id() { return threadIdx.x >> 5; }

// Shared-memory row pitch (elements) of a tile with `cols` columns: 16 bytes of padding keeps ldmatrix and
// the fragment builders free of most bank conflicts.
template <class T> constexpr int pitch(int cols) { return cols + 16 / (int)sizeof(T); }

// ---------------------------------------------------------------------------------------------------------
// Global -> shared tiles. Copies rows [0,nrows) x cols [0,ncols) of a row-major global matrix (row stride
// gstride elements) into a ROWS x COLS shared tile of pitch ld; everything outside is zero-filled. 16-byte
// vectors when the global rows allow it (vec), else element by element.
template <class T, int ROWS, int COLS>
__device__ __forceinline__ void load_tile(T* __restrict__ s, int ld, const T* __restrict__ gm, int64_t gstride,
                                          int nrows, int ncols, bool vec) {
    constexpr int VEC = 16 / sizeof(T);
    static_assert(COLS % VEC == 0, "tile width must be a multiple of 16 bytes");
    constexpr int NV = ROWS * COLS / VEC;
    if (vec) {
#pragma unroll 2
        for (int i = threadIdx.x; i < NV; i += kThreads) {
            const int r = i / (COLS / VEC), c = (i % (COLS / VEC)) * VEC;
            uint4 val = make_uint4(0, 0, 0, 0);
            if (r < nrows) {
                if (c + VEC <= ncols) {
                    val = __ldg(reinterpret_cast<const uint4*>(gm + r * gstride + c));
                } else if (c < ncols) {
                    union {
                        uint4 u;
                        T e[VEC];
                    } tmp;
#pragma unroll
                    for (int e = 0; e < VEC; e++) tmp.e[e] = c + e < ncols ? gm[r * gstride + c + e] : from_f<T>(0.f);
                    val = tmp.u;
                }
            }
            *reinterpret_cast<uint4*>(s + r * ld + c) = val;
        }
    } else {
        for (int i = threadIdx.x; i < ROWS * COLS; i += kThreads) {
            const int r = i / COLS, c = i % COLS;
            s[r * ld + c] = (r < nrows && c < ncols) ? gm[r * gstride + c] : from_f<T>(0.f);
        }
    }
}

template <class T> __device__ __forceinline__ bool vec_ok(const void* p, int64_t stride) {
    return ((uintptr_t)p % 16 == 0) && (stride % (16 / (int64_t)sizeof(T)) == 0);
}

// Asynchronous copies (cp.async, sm_80+): 16 bytes global -> shared, bypassing L1; src_bytes 0 zero-fills.
// Completion: cp_async_commit() closes a group, cp_async_wait<N>() waits until at most N groups are pending
// (for this thread's copies; a __syncthreads afterwards makes every thread's copies visible).
__device__ __forceinline__ void cp_async16(void* s, const void* g, int src_bytes) {
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(static_cast<uint32_t>(__cvta_generic_to_shared(s))),
                 "l"(g), "r"(src_bytes));
}
__device__ __forceinline__ void cp_async_commit() { asm volatile("cp.async.commit_group;\n" ::); }
template <int N> __device__ __forceinline__ void cp_async_wait() { asm volatile("cp.async.wait_group %0;\n" ::"n"(N)); }

// load_tile's element-by-element path (rows not 16-byte aligned), out of line: it never runs for aligned rows and
// inlined it would stream through the instruction cache of every block.
template <class T, int ROWS, int COLS>
__device__ __noinline__ void load_tile_scalar(T* s, int ld, const T* gm, int64_t gstride, int nrows, int ncols) {
    load_tile<T, ROWS, COLS>(s, ld, gm, gstride, nrows, ncols, false);
}

// The first n (< one 16-byte vector) elements of a row's last vector, zero-filled after: rare, out of line too.
template <class T> __device__ __noinline__ void copy_partial(T* dst, const T* src, int n) {
    for (int e = 0; e < 16 / (int)sizeof(T); e++) dst[e] = e < n ? src[e] : from_f<T>(0.f);
}

// load_tile through cp.async: the same tile, zero-filled outside [0,nrows) x [0,ncols); 16-byte vectors only
// when vec (else, and for a row's partial last vector, ordinary loads and stores: the caller's barrier after the
// wait orders both kinds).
template <class T, int ROWS, int COLS>
__device__ __forceinline__ void load_tile_async(T* __restrict__ s, int ld, const T* __restrict__ gm, int64_t gstride,
                                                int nrows, int ncols, bool vec) {
    constexpr int VEC = 16 / sizeof(T);
    static_assert(COLS % VEC == 0, "tile width must be a multiple of 16 bytes");
    if (!vec) {
        load_tile_scalar<T, ROWS, COLS>(s, ld, gm, gstride, nrows, ncols);
        return;
    }
    constexpr int PER_ROW = COLS / VEC, STEP = kThreads / PER_ROW; // vectors per row, rows per pass
    if (nrows >= ROWS && ncols >= COLS && kThreads % PER_ROW == 0) {
        // a whole tile: each thread's copies STEP rows apart, no per-copy index arithmetic or bounds tests
        const int r0 = threadIdx.x / PER_ROW, c = threadIdx.x % PER_ROW * VEC;
        const T* src = gm + r0 * gstride + c;
        T* dst = s + r0 * ld + c;
#pragma unroll
        for (int r = 0; r < ROWS; r += STEP) {
            if (ROWS % STEP == 0 || r0 + r < ROWS) cp_async16(dst, src, 16);
            src += STEP * gstride;
            dst += STEP * ld;
        }
        return;
    }
    constexpr int NV = ROWS * COLS / VEC;
#pragma unroll 1  // partial tiles: the copies are asynchronous, unrolling only grows the code
    for (int i = threadIdx.x; i < NV; i += kThreads) {
        const int r = i / (COLS / VEC), c = (i % (COLS / VEC)) * VEC;
        T* dst = s + r * ld + c;
        if (r < nrows && c + VEC <= ncols) {
            cp_async16(dst, gm + r * gstride + c, 16);
        } else if (r < nrows && c < ncols) {
            copy_partial(dst, gm + r * gstride + c, ncols - c);
        } else {
            cp_async16(dst, gm, 0);
        }
    }
}

// Gate tile: G[t][c] = g of token t (rows < nrows) and channel c (< K); per-head gates broadcast one value per
// row. Zero elsewhere, so padded rows leave the cumulative gate unchanged.
template <int BK>
__device__ __forceinline__ void load_gate(float* __restrict__ G, int ld, const float* __restrict__ g, int64_t start,
                                          int nrows, int H, int h, int K, bool head_gate) {
    if (head_gate) {
        for (int i = threadIdx.x; i < kChunk * BK; i += kThreads) {
            const int r = i / BK, c = i % BK;
            G[r * ld + c] = (r < nrows && c < K) ? __ldg(g + (start + r) * H + h) : 0.f;
        }
    } else {
        const float* base = g + (start * H + h) * K;
        load_tile<float, kChunk, BK>(G, ld, base, (int64_t)H * K, nrows, K, vec_ok<float>(base, (int64_t)H * K));
    }
}

// load_gate through cp.async (the per-head broadcast stays synchronous), of the channels k0 .. k0 + ncols - 1
// (ncols < 0: all K).
template <int BK>
__device__ __forceinline__ void load_gate_async(float* __restrict__ G, int ld, const float* __restrict__ g,
                                                int64_t start, int nrows, int H, int h, int K, bool head_gate,
                                                int k0 = 0, int ncols = -1) {
    const int cols = ncols < 0 ? K : ncols;
    if (head_gate) {
        load_gate<BK>(G, ld, g, start, nrows, H, h, cols, true);
    } else {
        const float* base = g + (start * H + h) * K + k0;
        load_tile_async<float, kChunk, BK>(G, ld, base, (int64_t)H * K, nrows, cols,
                                           vec_ok<float>(base, (int64_t)H * K));
    }
}

// Asks L2 for the rows of the chunk starting at `start` (a, b: [.., H, K] tensors, either may be null; y: a
// [.., H, V] tensor's columns v0..v0+BV; the gate) while the current chunk computes: a sequential walk over
// chunks would otherwise wait for DRAM at every chunk.
template <class T>
__device__ __forceinline__ void prefetch_rows(const T* a, const T* b, const T* y, const float* g, int64_t start,
                                              int64_t eos, int H, int h, int K, int V, int v0, int BV,
                                              bool head_gate, int k0 = 0, int ncols = -1) {
    const int cols = ncols < 0 ? K : ncols; // the key channels k0 .. k0 + cols - 1 of a, b and g
    const int rows = (int)(eos - start < kChunk ? eos - start : kChunk);
    const int r = threadIdx.x & 63, part = threadIdx.x >> 6; // 4 streams x 64 rows
    if (r >= rows) return;
    const int64_t tok = start + r;
    const void* base = nullptr;
    int bytes = 0;
    switch (part) {
    case 0: base = a ? a + (tok * H + h) * K + k0 : nullptr, bytes = cols * (int)sizeof(T); break;
    case 1: base = b ? b + (tok * H + h) * K + k0 : nullptr, bytes = cols * (int)sizeof(T); break;
    case 2: base = y + (tok * H + h) * V + v0, bytes = min(BV, V - v0) * (int)sizeof(T); break;
    default:
        if (g) {
            base = head_gate ? (const void*)(g + tok * H + h) : (const void*)(g + (tok * H + h) * K + k0);
            bytes = head_gate ? 4 : cols * 4;
        }
    }
    if (!base) return;
    for (int off = 0; off < bytes; off += 128)
        asm volatile("prefetch.global.L2 [%0];" ::"l"(static_cast<const char*>(base) + off));
}

// The cumulative log gate of a chunk, anchored per sub-chunk (i: rows 16i..16i+15, channel c; r_i the cumulative
// gate before the sub-chunk, E_i the one at its last row). In place of the raw gates in G:
//     S[i][c] = E_i - r_i                          the sub-chunk's total (<= 0), in sums
//     G[t][c] = G(t) - r_i   for rows t < split[i][c] (anchored at the start)
//     G[t][c] = G(t) - E_i   for the rows from split[i][c] on (anchored at the end)
// so that the factors' exponents, gq = G(t) - r_i (query side) and gk = E_i - G(t) (key side), come out of small
// numbers whenever their exponential matters (GateTile). A single cumulative sum over the chunk reaches |G| ~ 10^3
// with strong gates; its fp32 rounding then put ~1e-4 into every factor e^{G(t) - G(s)} between sub-chunks and
// into the dh terms e^{G_L - G(s)}, which the gate gradient's cancellation exposes (fp32 dg, gates U[-50, 0]:
// rel RMS 4.1e-5). SPLIT (fp32 tiles) anchors each row at the end of its sub-chunk nearer in log space, found with
// both partial sums (forward from r_i, backward from E_i); without it (bf16 tiles, whose rounding is coarser
// anyway) every row is anchored at the start and gk = S - G loses at most ulp(S). One thread per (sub-chunk,
// channel), its 16 gates in registers. The caller syncs afterwards.
template <int BK, bool SPLIT>
__device__ __forceinline__ void gate_sums(float* __restrict__ G, int ld, float* __restrict__ sums,
                                          uint8_t* __restrict__ split) {
    for (int idx = threadIdx.x; idx < 4 * BK; idx += kThreads) {
        const int i = idx / BK, c = idx % BK;
        float* col = G + 16 * i * ld + c;
        float x[16], f[16];
        float acc = 0.f;
#pragma unroll
        for (int j = 0; j < 16; j++) x[j] = col[j * ld], f[j] = acc += x[j];
        sums[idx] = acc;
        if constexpr (SPLIT) {
            // b[j] = g[j+1] + ... + g[15] = E_i - G(j), summed from the end. The end-anchored rows start at the
            // first one where b is the smaller in magnitude (any split is exact; this one keeps both sides accurate).
            float b[16];
            b[15] = 0.f;
#pragma unroll
            for (int j = 14; j >= 0; j--) b[j] = b[j + 1] + x[j + 1];
            int m = 16;
#pragma unroll
            for (int j = 15; j >= 0; j--)
                if (fabsf(b[j]) < fabsf(f[j])) m = j;
#pragma unroll
            for (int j = 0; j < 16; j++) col[j * ld] = j < m ? f[j] : -b[j];
            split[idx] = (uint8_t)m;
        } else {
#pragma unroll
            for (int j = 0; j < 16; j++) col[j * ld] = f[j];
        }
    }
}

// The exponents of one gate-tile element (row t, channel c) after gate_sums: gq = G(t) - r_i, gk = E_i - G(t).
template <int BK, bool SPLIT> struct GateTile {
    const float* G;
    int ld;
    const float* sums;    // [4][BK]
    const uint8_t* split; // [4][BK] (SPLIT only)
    __device__ __forceinline__ bool at_end(int t, int c) const {
        return SPLIT && (t & 15) >= split[(t >> 4) * BK + c];
    }
    __device__ __forceinline__ float gq(int t, int c) const {
        const float y = G[t * ld + c];
        return at_end(t, c) ? y + sums[(t >> 4) * BK + c] : y;
    }
    __device__ __forceinline__ float gk(int t, int c) const {
        const float y = G[t * ld + c];
        return at_end(t, c) ? -y : sums[(t >> 4) * BK + c] - y;
    }
};

// Per sub-chunk flag: can its diagonal block be factored (every channel's gate drop across the sub-chunk, -S_i,
// at most kFactorLimit)? Warps 0..3 each decide one sub-chunk; the caller syncs afterwards.
template <int BK, bool GATED>
__device__ __forceinline__ void factor_flags(const float* __restrict__ sums, int* __restrict__ flags) {
    const int w = warp_id(), lane = lane_id();
    if (w >= 4) return;
    if constexpr (!GATED) {
        if (lane == 0) flags[w] = 1;
        return;
    }
    float d = 0.f;
    for (int c = lane; c < BK; c += 32) d = fmaxf(d, -sums[w * BK + c]);
#pragma unroll
    for (int o = 16; o; o >>= 1) d = fmaxf(d, __shfl_xor_sync(0xffffffffu, d, o));
    if (lane == 0) flags[w] = d <= kFactorLimit;
}

// The raw log gates of one chunk and head in global memory: the exact paths of strongly gated sub-chunks
// sum them directly (exp(g[s+1] + ... + g[t])) for every pair s < t, whatever the sub-chunk's anchors. Channel c
// is key k0 + c (a block that owns the key slice from k0).
struct GateRows {
    const float* g;
    int64_t start;
    int nrows, H, h, K;
    bool head;
    int k0 = 0;
    __device__ __forceinline__ float at(int u, int c) const {
        if (u >= nrows || k0 + c >= K) return 0.f;
        return head ? g[(start + u) * H + h] : g[((start + u) * H + h) * K + k0 + c];
    }
};

// e^x as one ex2.approx.ftz: __expf wraps the same instruction in a fix-up for results below 2^-126 (three more
// instructions per call, a fifth of the hot loops of the intra-sub-chunk blocks) that no gate factor needs.
__device__ __forceinline__ float fexp(float x) {
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;\n" : "=f"(y) : "f"(x * 1.4426950408889634f));
    return y;
}

template <bool GATED> __device__ __forceinline__ float gexp(float x) {
    if constexpr (GATED) return fexp(x);
    else return 1.f;
}

// ---------------------------------------------------------------------------------------------------------
// Tensor-core fragments.
struct FragC {
    float x[4];
    __device__ __forceinline__ void zero() { x[0] = x[1] = x[2] = x[3] = 0.f; }
};
__device__ __forceinline__ int c_row(int i) { return (lane_id() >> 2) + 8 * (i >> 1); }
__device__ __forceinline__ int c_col(int i) { return 2 * (lane_id() & 3) + (i & 1); }

__device__ __forceinline__ uint32_t pack_bf16(float lo, float hi) {
    __nv_bfloat162 v = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t*>(&v);
}
__device__ __forceinline__ uint32_t smem_addr(const void* p) {
    return static_cast<uint32_t>(__cvta_generic_to_shared(p));
}

template <class T> struct Mma;

template <> struct Mma<bf16> {
    struct A { uint32_t r[4]; };
    struct B { uint32_t r[2]; };

    static __device__ __forceinline__ void mma(FragC& c, const A& a, const B& b) {
        asm volatile(
            "mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
            "{%0,%1,%2,%3};\n"
            : "+f"(c.x[0]), "+f"(c.x[1]), "+f"(c.x[2]), "+f"(c.x[3])
            : "r"(a.r[0]), "r"(a.r[1]), "r"(a.r[2]), "r"(a.r[3]), "r"(b.r[0]), "r"(b.r[1]));
    }
    // x = f(row, col, x) for every element of a fragment (elements of one register share the row of A, the
    // column n of B).
    template <class F> static __device__ __forceinline__ void map_a(A& a, F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int r = g + 8 * (j & 1), c = 2 * t + 8 * (j >> 1);
            float2 x = __bfloat1622float2(*reinterpret_cast<__nv_bfloat162*>(&a.r[j]));
            a.r[j] = pack_bf16(f(r, c, x.x), f(r, c + 1, x.y));
        }
    }
    template <class F> static __device__ __forceinline__ void map_b(B& b, F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
#pragma unroll
        for (int j = 0; j < 2; j++) {
            const int k = 2 * t + 8 * j;
            float2 x = __bfloat1622float2(*reinterpret_cast<__nv_bfloat162*>(&b.r[j]));
            b.r[j] = pack_bf16(f(k, g, x.x), f(k + 1, g, x.y));
        }
    }
    // A[m][k] = S[m*ld + k] (16x16 tile at S).
    static __device__ __forceinline__ A ld_a_row(const bf16* S, int ld) {
        const int l = lane_id();
        A a;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(a.r[0]), "=r"(a.r[1]), "=r"(a.r[2]), "=r"(a.r[3])
                     : "r"(smem_addr(S + (l & 15) * ld + (l >> 4) * 8)));
        return a;
    }
    // A[m][k] = S[k*ld + m].
    static __device__ __forceinline__ A ld_a_col(const bf16* S, int ld) {
        const int l = lane_id(), mi = l >> 3, i = l & 7;
        A a;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(a.r[0]), "=r"(a.r[1]), "=r"(a.r[2]), "=r"(a.r[3])
                     : "r"(smem_addr(S + (i + (mi >> 1) * 8) * ld + (mi & 1) * 8)));
        return a;
    }
    // Two 16x8 B tiles (n 0..7 and 8..15) with B[k][n] = S[n*ld + k].
    static __device__ __forceinline__ void ld_b_nk(B (&b)[2], const bf16* S, int ld) {
        const int l = lane_id(), mi = l >> 3, i = l & 7;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(b[0].r[0]), "=r"(b[0].r[1]), "=r"(b[1].r[0]), "=r"(b[1].r[1])
                     : "r"(smem_addr(S + (i + (mi >> 1) * 8) * ld + (mi & 1) * 8)));
    }
    // Two 16x8 B tiles with B[k][n] = S[k*ld + n].
    static __device__ __forceinline__ void ld_b_kn(B (&b)[2], const bf16* S, int ld) {
        const int l = lane_id(), mi = l >> 3, i = l & 7;
        asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                     : "=r"(b[0].r[0]), "=r"(b[0].r[1]), "=r"(b[1].r[0]), "=r"(b[1].r[1])
                     : "r"(smem_addr(S + (i + (mi & 1) * 8) * ld + (mi >> 1) * 8)));
    }
};

// x = big + small in tf32: big rounded to nearest (ties away, as cvt.rna), small the rest truncated. Integer ops:
// sm_90 expands cvt.rna.tf32.f32 into an inf/nan test, an add and a select per value. For finite x.
__device__ __forceinline__ void split_tf32(float x, uint32_t& big, uint32_t& small) {
    big = (__float_as_uint(x) + 0x1000u) & 0xffffe000u;
    small = __float_as_uint(x - __uint_as_float(big)) & 0xffffe000u;
}

template <> struct Mma<float> {
    struct A { float x[8]; };
    struct B { float x[4]; };

    template <class F> static __device__ __forceinline__ A make_a(F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
        A a;
#pragma unroll
        for (int e = 0; e < 8; e++) {
            const int h = e >> 2, j = e & 3;
            a.x[e] = f(g + 8 * (j & 1), t + 4 * (j >> 1) + 8 * h);
        }
        return a;
    }
    template <class F> static __device__ __forceinline__ B make_b(F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
        B b;
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int h = e >> 1, j = e & 1;
            b.x[e] = f(t + 4 * j + 8 * h, g);
        }
        return b;
    }
    static __device__ __forceinline__ void mma1(FragC& c, const uint32_t (&a)[4], const uint32_t (&b)[2]) {
        asm volatile(
            "mma.sync.aligned.m16n8k8.row.col.f32.tf32.tf32.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
            "{%0,%1,%2,%3};\n"
            : "+f"(c.x[0]), "+f"(c.x[1]), "+f"(c.x[2]), "+f"(c.x[3])
            : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b[0]), "r"(b[1]));
    }
    // A split once into its tf32 big and small parts, for an A reused against several B.
    struct AS { uint32_t big[8], small[8]; };
    static __device__ __forceinline__ AS split(const A& a) {
        AS s;
#pragma unroll
        for (int e = 0; e < 8; e++) {
            split_tf32(a.x[e], s.big[e], s.small[e]);
        }
        return s;
    }
    static __device__ __forceinline__ void mma(FragC& c, const AS& a, const B& b) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            uint32_t bb[2], bs[2];
#pragma unroll
            for (int j = 0; j < 2; j++) {
                split_tf32(b.x[2 * h + j], bb[j], bs[j]);
            }
            const uint32_t ab[4] = {a.big[4 * h], a.big[4 * h + 1], a.big[4 * h + 2], a.big[4 * h + 3]};
            const uint32_t as[4] = {a.small[4 * h], a.small[4 * h + 1], a.small[4 * h + 2], a.small[4 * h + 3]};
            mma1(c, as, bb);
            mma1(c, ab, bs);
            mma1(c, ab, bb);
        }
    }
    // 3xTF32: a*b ~ a_big*b_big + a_big*b_small + a_small*b_big, each part exact in tf32.
    static __device__ __forceinline__ void mma(FragC& c, const A& a, const B& b) {
#pragma unroll
        for (int h = 0; h < 2; h++) {
            uint32_t ab[4], as[4], bb[2], bs[2];
#pragma unroll
            for (int j = 0; j < 4; j++) {
                split_tf32(a.x[4 * h + j], ab[j], as[j]);
            }
#pragma unroll
            for (int j = 0; j < 2; j++) {
                split_tf32(b.x[2 * h + j], bb[j], bs[j]);
            }
            mma1(c, as, bb);
            mma1(c, ab, bs);
            mma1(c, ab, bb);
        }
    }
    template <class F> static __device__ __forceinline__ void map_a(A& a, F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
#pragma unroll
        for (int e = 0; e < 8; e++) {
            const int h = e >> 2, j = e & 3;
            a.x[e] = f(g + 8 * (j & 1), t + 4 * (j >> 1) + 8 * h, a.x[e]);
        }
    }
    template <class F> static __device__ __forceinline__ void map_b(B& b, F f) {
        const int g = lane_id() >> 2, t = lane_id() & 3;
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int h = e >> 1, j = e & 1;
            b.x[e] = f(t + 4 * j + 8 * h, g, b.x[e]);
        }
    }
    static __device__ __forceinline__ A ld_a_row(const float* S, int ld) {
        return make_a([&](int r, int c) { return S[r * ld + c]; });
    }
    static __device__ __forceinline__ A ld_a_col(const float* S, int ld) {
        return make_a([&](int r, int c) { return S[c * ld + r]; });
    }
    static __device__ __forceinline__ void ld_b_nk(B (&b)[2], const float* S, int ld) {
        b[0] = make_b([&](int k, int n) { return S[n * ld + k]; });
        b[1] = make_b([&](int k, int n) { return S[(n + 8) * ld + k]; });
    }
    static __device__ __forceinline__ void ld_b_kn(B (&b)[2], const float* S, int ld) {
        b[0] = make_b([&](int k, int n) { return S[k * ld + n]; });
        b[1] = make_b([&](int k, int n) { return S[k * ld + n + 8]; });
    }
};

// Stores a C fragment (scaled) into a shared tile of T at (row0, col0).
template <class T>
__device__ __forceinline__ void store_c(T* S, int ld, int row0, int col0, const FragC& c, float scale) {
#pragma unroll
    for (int i = 0; i < 4; i++) S[(row0 + c_row(i)) * ld + col0 + c_col(i)] = from_f<T>(c.x[i] * scale);
}

// Two adjacent elements (p aligned to their pair) from fp32.
__device__ __forceinline__ void store_pair(bf16* p, float a, float b) {
    *reinterpret_cast<__nv_bfloat162*>(p) = __floats2bfloat162_rn(a, b);
}
__device__ __forceinline__ void store_pair(float* p, float a, float b) { *reinterpret_cast<float2*>(p) = make_float2(a, b); }
// A warp's NT accumulator tiles (rows row0 .. row0 + 15, columns col0 + 8n ..) as bf16 rows < nrows in whole
// 16-byte segments. A fragment holds two adjacent columns per row, so plain stores fill half of each 32-byte sector
// and the L2 takes two partial writes for every sector (ncu: the state pass at 70-75% of the L2 bandwidth and
// 19-30% of DRAM's). The quad's four lanes trade their column pairs instead — a 4x4 transpose of 32-bit words in
// two butterfly exchanges — so that each lane holds 8 columns of one row. dst + r * ld + col0 16-byte aligned.
template <int NT>
__device__ __forceinline__ void store_tiles16(bf16* dst, int64_t ld, const FragC* acc, int row0, int col0, int nrows) {
    static_assert(NT % 2 == 0, "segments in fours: (row half, n tile) pairs");
    const int t = lane_id() & 3;
#pragma unroll
    for (int q = 0; q < NT / 2; q++) { // segments 4q .. 4q + 3, segment = row half * NT + n tile
        uint32_t w[4];
#pragma unroll
        for (int j = 0; j < 4; j++) {
            const int seg = 4 * q + j, hr = seg / NT, n = seg % NT;
            w[j] = pack_bf16(acc[n].x[2 * hr], acc[n].x[2 * hr + 1]);
        }
#pragma unroll
        for (int j = 0; j < 2; j++) { // lanes t and t ^ 2 swap the off-diagonal 2x2 blocks
            const uint32_t got = __shfl_xor_sync(0xffffffffu, (t & 2) ? w[j] : w[j + 2], 2);
            if (t & 2) w[j] = got;
            else w[j + 2] = got;
        }
#pragma unroll
        for (int j = 0; j < 4; j += 2) { // lanes t and t ^ 1 swap within each 2x2 block
            const uint32_t got = __shfl_xor_sync(0xffffffffu, (t & 1) ? w[j] : w[j + 1], 1);
            if (t & 1) w[j] = got;
            else w[j + 1] = got;
        }
        const int seg = 4 * q + t, hr = seg / NT, n = seg % NT, r = row0 + c_row(2 * hr);
        if (r < nrows) *reinterpret_cast<uint4*>(dst + r * ld + col0 + 8 * n) = make_uint4(w[0], w[1], w[2], w[3]);
    }
}

// store_tiles16 through the warp's own shared-memory stage (16 rows of pitch<bf16>(8 NT), 16-byte aligned): on
// sm_90 stmatrix writes the fragments as rows (four 8x8 blocks an instruction) and each lane copies whole 16-byte
// row segments out, in place of the shuffles' transpose (48 selects and 16 shuffles a 16x64 tile: a quarter of
// the state pass's instructions). The stage is free again when the call returns.
constexpr size_t staged_bytes(int cols) { return sizeof(bf16) * 16 * pitch<bf16>(cols); } // a stage of `cols` columns
template <int NT>
__device__ __forceinline__ void store_tiles16_staged(bf16* dst, int64_t ld, const FragC* acc, int row0, int col0,
                                                     int nrows, bf16* stage) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    static_assert(NT % 2 == 0, "stmatrix takes n tiles in pairs");
    constexpr int LS = pitch<bf16>(8 * NT), SEGS = NT; // 16-byte segments per row: 8 columns each
    static_assert(16 * LS * sizeof(bf16) == staged_bytes(8 * NT), "the stage's size");
    const int l = lane_id(), mi = l >> 3;
#pragma unroll
    for (int q = 0; q < NT / 2; q++) { // matrices: (n 2q, rows 0-7), (2q, 8-15), (2q+1, 0-7), (2q+1, 8-15)
        const FragC& a = acc[2 * q];
        const FragC& b = acc[2 * q + 1];
        const bf16* row = stage + ((mi & 1) * 8 + (l & 7)) * LS + (2 * q + (mi >> 1)) * 8;
        asm volatile("stmatrix.sync.aligned.m8n8.x4.shared.b16 [%0], {%1, %2, %3, %4};\n" ::"r"(smem_addr(row)),
                     "r"(pack_bf16(a.x[0], a.x[1])), "r"(pack_bf16(a.x[2], a.x[3])), "r"(pack_bf16(b.x[0], b.x[1])),
                     "r"(pack_bf16(b.x[2], b.x[3]))
                     : "memory");
    }
    __syncwarp();
#pragma unroll
    for (int i = l; i < 16 * SEGS; i += 32) {
        const int r = i / SEGS, c = i % SEGS * 8;
        if (row0 + r < nrows)
            *reinterpret_cast<uint4*>(dst + (row0 + r) * ld + col0 + c) =
                *reinterpret_cast<const uint4*>(stage + r * LS + c);
    }
    __syncwarp();
#else
    store_tiles16<NT>(dst, ld, acc, row0, col0, nrows);
#endif
}

// ---------------------------------------------------------------------------------------------------------
// Thread-block clusters (sm_90): a barrier over every thread of the cluster, split into arrive (release: this
// thread's earlier shared-memory writes, remote ones included, become visible) and wait (acquire), and stores into
// a peer block's shared memory. Compiled to nothing for older targets: a kernel that uses them is launched only
// where its binary is sm_90 or newer (cudaFuncAttributes::binaryVersion).
__device__ __forceinline__ void cluster_arrive() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("barrier.cluster.arrive.release.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void cluster_wait() {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("barrier.cluster.wait.acquire.aligned;\n" ::: "memory");
#endif
}
// The shared-memory address of p in the block of cluster rank `rank` (for st_cluster).
__device__ __forceinline__ uint32_t cluster_map(const void* p, int rank) {
    uint32_t out = 0;
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("mapa.shared::cluster.u32 %0, %1, %2;\n" : "=r"(out) : "r"(smem_addr(p)), "r"(rank));
#endif
    return out;
}
__device__ __forceinline__ void st_cluster(uint32_t addr, float a, float b) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 900
    asm volatile("st.shared::cluster.v2.f32 [%0], {%1, %2};\n" ::"r"(addr), "f"(a), "f"(b) : "memory");
#endif
}

} // namespace gla

#endif // GLA_KERNELS_CUH

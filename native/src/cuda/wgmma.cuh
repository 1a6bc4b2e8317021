/*
 * wgmma.cuh — Hopper warpgroup matrix multiplies (wgmma.mma_async, sm_90a): a warpgroup (4 warps, 128 threads)
 * computes a 64 x 64 tile of D += A B, K = 16 an instruction, with B (and A, or A from registers) read from shared
 * memory once for all 64 rows — where mma.sync has every warp load its own copy of B through ldmatrix.
 *
 * Shared-memory operands use the 128-byte swizzled layout: a tile of bf16 rows (R rows of C columns, C a multiple of
 * 64, 1024-byte aligned) is stored as C / 64 column blocks of R rows of 128 bytes each, the eight 16-byte pieces of
 * row r permuted by r % 8 (sw_offset). A copy whose 8 consecutive lanes read one 128-byte row segment then writes
 * 8 distinct bank groups, and fragment stores of 8 rows x 4 lanes do too. The same tile serves both ways:
 *   - K-major (rows = M or N, columns = K): stride offset (M/N) 1024 bytes per 8 rows; a k16 step within a column
 *     block moves the start address by 32 bytes;
 *   - M/N-major, transposed (rows = K, columns = M or N): stride offset (K) 1024 per 8 rows, leading offset (M/N)
 *     R * 128 per 64 columns; a k16 step moves the start by 2048 bytes.
 * Everything here compiles to nothing outside sm_90a; callers launch only where wgmma_compiled() says so.
 */
#ifndef GLA_WGMMA_CUH
#define GLA_WGMMA_CUH

#include <atomic>

#include "gla_kernels.cuh"

#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define GLA_WGMMA 1
#else
#define GLA_WGMMA 0
#endif

namespace gla {

// The accumulator of one 64 x 64 fp32 tile: warp w of the warpgroup holds rows 16w.., as the mma.sync m16n8 C
// fragments of its eight 8-column tiles (element e of tile j: row c_row(e), column 8j + c_col(e)).
struct WgAcc {
    FragC t[8];
};

// Byte offset of element (r, c) in a swizzled tile of R rows.
__device__ __forceinline__ constexpr int sw_offset(int r, int c, int R) {
    return (c >> 6) * R * 128 + r * 128 + ((((c & 63) >> 3) ^ (r & 7)) << 4) + (c & 7) * 2;
}

// Shared-memory matrix descriptor, 128-byte swizzling: start address, leading and stride byte offsets.
__device__ __forceinline__ uint64_t wg_desc(const void* p, uint32_t lead, uint32_t stride) {
    return (uint64_t)((smem_addr(p) & 0x3FFFF) >> 4) | ((uint64_t)(lead >> 4) << 16) |
           ((uint64_t)(stride >> 4) << 32) | (1ull << 62);
}

__device__ __forceinline__ void wg_fence() {
#if GLA_WGMMA
    asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory");
#endif
}
__device__ __forceinline__ void wg_commit() {
#if GLA_WGMMA
    asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory");
#endif
}
template <int N> __device__ __forceinline__ void wg_wait() {
#if GLA_WGMMA
    asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
#endif
}
// Keeps the compiler from moving reads or writes of an accumulator across wgmma issue and wait.
__device__ __forceinline__ void wg_hold(WgAcc& d) {
#pragma unroll
    for (int j = 0; j < 8; j++)
#pragma unroll
        for (int e = 0; e < 4; e++) asm volatile("" : "+f"(d.t[j].x[e])::"memory");
}
// Shared-memory writes of the generic proxy (st.shared, cp.async) made visible to wgmma's reads (async proxy);
// each writing thread fences before the barrier that publishes them.
__device__ __forceinline__ void fence_proxy_async() {
#if GLA_WGMMA
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
#endif
}

#define GLA_WG_D32(d)                                                                                              \
    "+f"(d.t[0].x[0]), "+f"(d.t[0].x[1]), "+f"(d.t[0].x[2]), "+f"(d.t[0].x[3]), "+f"(d.t[1].x[0]),                 \
        "+f"(d.t[1].x[1]), "+f"(d.t[1].x[2]), "+f"(d.t[1].x[3]), "+f"(d.t[2].x[0]), "+f"(d.t[2].x[1]),             \
        "+f"(d.t[2].x[2]), "+f"(d.t[2].x[3]), "+f"(d.t[3].x[0]), "+f"(d.t[3].x[1]), "+f"(d.t[3].x[2]),             \
        "+f"(d.t[3].x[3]), "+f"(d.t[4].x[0]), "+f"(d.t[4].x[1]), "+f"(d.t[4].x[2]), "+f"(d.t[4].x[3]),             \
        "+f"(d.t[5].x[0]), "+f"(d.t[5].x[1]), "+f"(d.t[5].x[2]), "+f"(d.t[5].x[3]), "+f"(d.t[6].x[0]),             \
        "+f"(d.t[6].x[1]), "+f"(d.t[6].x[2]), "+f"(d.t[6].x[3]), "+f"(d.t[7].x[0]), "+f"(d.t[7].x[1]),             \
        "+f"(d.t[7].x[2]), "+f"(d.t[7].x[3])
#define GLA_WG_REGS32                                                                                              \
    "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, %16, %17, %18, %19, %20, %21, %22, "   \
    "%23, %24, %25, %26, %27, %28, %29, %30, %31}"

// d (+)= A B, m64 n64 k16, bf16 in, fp32 out; A and B from shared memory. TA / TB: the operand is M/N-major
// (transposed); accumulate: d += (else d =).
template <int TA, int TB>
__device__ __forceinline__ void wg_mma_ss(WgAcc& d, uint64_t a, uint64_t b, bool accumulate) {
#if GLA_WGMMA
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %34, 0;\n"
                 "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 " GLA_WG_REGS32
                 ", %32, %33, p, 1, 1, %35, %36;\n}\n"
                 : GLA_WG_D32(d)
                 : "l"(a), "l"(b), "r"((int)accumulate), "n"(TA), "n"(TB));
#endif
}
// The same with A from registers: the m64 k16 bf16 fragment of each warp's 16 rows (mma.sync's A layout).
template <int TB>
__device__ __forceinline__ void wg_mma_rs(WgAcc& d, const uint32_t (&a)[4], uint64_t b, bool accumulate) {
#if GLA_WGMMA
    asm volatile("{\n.reg .pred p;\nsetp.ne.b32 p, %37, 0;\n"
                 "wgmma.mma_async.sync.aligned.m64n64k16.f32.bf16.bf16 " GLA_WG_REGS32
                 ", {%32, %33, %34, %35}, %36, p, 1, 1, %38;\n}\n"
                 : GLA_WG_D32(d)
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(b), "r"((int)accumulate), "n"(TB));
#endif
}
#undef GLA_WG_D32
#undef GLA_WG_REGS32

// d *= f, every element (between a wait and the next wgmma.fence).
__device__ __forceinline__ void wg_scale(WgAcc& d, float f) {
#pragma unroll
    for (int j = 0; j < 8; j++)
#pragma unroll
        for (int e = 0; e < 4; e++) d.t[j].x[e] *= f;
}

// Columns 16 kk .. 16 kk + 15 of an accumulator as the A fragment of a following product (bf16).
__device__ __forceinline__ void wg_acc_as_a(const WgAcc& d, int kk, uint32_t (&a)[4]) {
    const FragC& l = d.t[2 * kk];
    const FragC& r = d.t[2 * kk + 1];
    a[0] = pack_bf16(l.x[0], l.x[1]);
    a[1] = pack_bf16(l.x[2], l.x[3]);
    a[2] = pack_bf16(r.x[0], r.x[1]);
    a[3] = pack_bf16(r.x[2], r.x[3]);
}

// A thread's share of copying 64-row (kChunk) x COLS bf16 tiles into the swizzled layout, THREADS threads copying:
// 8 lanes a 128-byte row segment, N pieces a thread, rows ROWS apart; its shared and global offsets are the same
// for every chunk.
template <int COLS, int THREADS = kThreads> struct SwCopy {
    static constexpr int PER_ROW = COLS / 8, ROWS = THREADS / PER_ROW, N = kChunk / ROWS;
    static_assert(ROWS % 8 == 0 && kChunk % ROWS == 0, "whole 8-row swizzle groups a pass");
    int r0, soff;
    int64_t goff, gstride;
    __device__ SwCopy(int64_t stride) : gstride(stride) {
        r0 = threadIdx.x / PER_ROW;
        const int c = threadIdx.x % PER_ROW * 8;
        soff = sw_offset(r0, c, kChunk); // rows ROWS apart keep r % 8, so the swizzle: piece j at soff + j ROWS 128
        goff = r0 * stride + c;
    }
    // rows [0, nrows) of the tile at g, zeros below
    __device__ __forceinline__ void issue(unsigned char* s, const bf16* g, int nrows) const {
#pragma unroll
        for (int j = 0; j < N; j++) {
            const bool in = r0 + j * ROWS < nrows;
            cp_async16(s + soff + j * ROWS * 128, in ? g + goff + j * ROWS * gstride : g, in ? 16 : 0);
        }
    }
};

// Whether this build's kernel `k` carries the sm_90a code on the current device (its PTX is compute_90a: a PTX
// fallback compiled for an older target runs on the same device with every wgmma compiled out). Asked once per
// device and kernel signature (the answer is kept per K, the kernel's type: kernels of one signature, built in the
// same library for the same targets, share it); launches ask it every call.
template <class K> inline bool wgmma_compiled(K* k) {
    static std::atomic<signed char> known[64]; // per device: 0 not asked yet, 1 yes, -1 no
    int dev = 0;
    if (cudaGetDevice(&dev) != cudaSuccess) {
        (void)cudaGetLastError();
        return false;
    }
    const bool cached = dev >= 0 && dev < 64;
    if (cached)
        if (const signed char v = known[dev].load(std::memory_order_relaxed)) return v > 0;
    cudaFuncAttributes a{};
    bool yes = false;
    if (cudaFuncGetAttributes(&a, k) == cudaSuccess) yes = a.ptxVersion == 90 && a.binaryVersion == 90;
    else (void)cudaGetLastError();
    if (cached) known[dev].store(yes ? 1 : -1, std::memory_order_relaxed);
    return yes;
}

} // namespace gla

#endif // GLA_WGMMA_CUH

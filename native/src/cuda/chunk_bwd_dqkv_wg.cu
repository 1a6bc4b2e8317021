/*
 * chunk_bwd_dqkv_wg.cu — the ungated chunk backward on Hopper warpgroup MMAs (wgmma.cuh, sm_90a): dq, dk and dv of
 * one 64-token chunk and head per block, bf16 heads of 128 keys and 128 values. With A = scale (q k^T) and
 * dA = do v^T, both masked to s <= t, h the state entering the chunk and dh the gradient of the state leaving it
 * (chunk_fwd_state.cu):
 *   dq = scale (do h^T + dA k),   dk = v dh^T + scale dA^T q,   dv = A^T do + k dh.
 * Every operand is copied into shared memory once (swizzled tiles, 144 KiB) and read from there by both
 * warpgroups, where the mma.sync kernel (chunk_bwd_dqkv.cu) has each warp load its own copy of h, dh, v and do
 * through ldmatrix in a walk over value tiles: warpgroup 0 makes dA and warpgroup 1 A, as bf16 tiles that serve as
 * the products' operands both ways (A^T and dA^T as transposed operands), then warpgroup w owns columns
 * 64 w .. 64 w + 63 of dq, dk (keys) and dv (values). H200, B16 T2048 H16: 385 us at 79% of DRAM, where the mma.sync
 * kernel took 788 at 39% (ungated backward 1.09 -> 0.69 ms).
 * Validated by the kernel lab (native/bench/cuda) against a float64 reference.
 */
#include "chunk_stages.h"
#include "wgmma.cuh"

namespace gla {

struct BwdWgSmem {
    static constexpr int D = 128;                          // keys = values
    static constexpr size_t bytes_row = 2 * kChunk * D;    // q, k, v, do: 64 rows x 128
    static constexpr size_t bytes_state = 2 * D * D;       // h, dh: 128 rows (keys) x 128 values
    static constexpr size_t bytes_p = 2 * kChunk * kChunk; // dA, A: 64 x 64
    static constexpr size_t off_k = bytes_row, off_v = 2 * bytes_row, off_do = 3 * bytes_row;
    static constexpr size_t off_h = 4 * bytes_row, off_dh = off_h + bytes_state;
    static constexpr size_t off_da = off_dh + bytes_state, off_a = off_da + bytes_p;
    static constexpr size_t warp_stage = staged_bytes(64); // each warp stages its output rows here
    static constexpr size_t off_out = off_a + bytes_p;
    static constexpr size_t bytes = off_out + 8 * warp_stage + 1024; // + the slack that aligns the tiles to 1 KiB
    static_assert(bytes <= 227 * 1024, "shared memory");
};

__global__ void __launch_bounds__(256, 1) chunk_bwd_dqkv_wg_kernel(BwdParams p) {
#if GLA_WGMMA
    using L = BwdWgSmem;
    constexpr int D = L::D;
    constexpr uint32_t ROWS64 = kChunk * 128, ROWS128 = D * 128; // a 128-byte column block of 64 / 128 rows
    extern __shared__ __align__(16) unsigned char smem_raw[];
    unsigned char* smem = smem_raw + ((1024 - smem_addr(smem_raw) % 1024) % 1024);
    unsigned char* q_s = smem;
    unsigned char* k_s = smem + L::off_k;
    unsigned char* v_s = smem + L::off_v;
    unsigned char* do_s = smem + L::off_do;
    unsigned char* h_s = smem + L::off_h;
    unsigned char* dh_s = smem + L::off_dh;
    unsigned char* da_s = smem + L::off_da;
    unsigned char* a_s = smem + L::off_a;
    const int chunk = blockIdx.x, h = blockIdx.y, H = p.H;
    const int wg = threadIdx.x >> 7, w = warp_id() & 3; // warpgroup, warp within it
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t rs = (int64_t)H * D, row0 = (start * H + h) * D; // rows of q, k, v, do and the outputs

    { // every operand, rows past the chunk's end zero
        const SwCopy<D, 256> copy(rs);
        copy.issue(q_s, static_cast<const bf16*>(p.q) + row0, nrows);
        copy.issue(k_s, static_cast<const bf16*>(p.k) + row0, nrows);
        copy.issue(v_s, static_cast<const bf16*>(p.v) + row0, nrows);
        copy.issue(do_s, static_cast<const bf16*>(p.dout) + row0, nrows);
        const int64_t sb = ((int64_t)chunk * H + h) * D * D;
        const bf16* hg = static_cast<const bf16*>(p.states) + sb;
        const bf16* dhg = static_cast<const bf16*>(p.dstates) + sb;
        for (int i = threadIdx.x; i < D * D / 8; i += 256) {
            const int r = i / (D / 8), c = i % (D / 8) * 8;
            cp_async16(h_s + sw_offset(r, c, D), hg + r * D + c, 16);
            cp_async16(dh_s + sw_offset(r, c, D), dhg + r * D + c, 16);
        }
        cp_async_commit();
        cp_async_wait<0>();
        fence_proxy_async();
        __syncthreads();
    }
    { // warpgroup 0: dA = do v^T; warpgroup 1: A = scale q k^T; masked, as bf16 tiles of rows t, columns s
        WgAcc s;
        const unsigned char* x = wg ? q_s : do_s;
        const unsigned char* y = wg ? k_s : v_s;
        wg_fence();
#pragma unroll
        for (int kk = 0; kk < D / 16; kk++) {
            const int off = (kk >> 2) * ROWS64 + (kk & 3) * 32;
            wg_mma_ss<0, 0>(s, wg_desc(x + off, 16, 1024), wg_desc(y + off, 16, 1024), kk > 0);
        }
        wg_commit();
        wg_wait<0>();
        wg_hold(s);
        const float f = wg ? p.scale : 1.f;
        unsigned char* dst = wg ? a_s : da_s;
#pragma unroll
        for (int j = 0; j < 8; j++)
#pragma unroll
            for (int e = 0; e < 4; e += 2) {
                const int t = 16 * w + c_row(e), c = 8 * j + c_col(e);
                *reinterpret_cast<uint32_t*>(dst + sw_offset(t, c, kChunk)) =
                    pack_bf16(c > t ? 0.f : f * s.t[j].x[e], c + 1 > t ? 0.f : f * s.t[j].x[e + 1]);
            }
        fence_proxy_async();
        __syncthreads();
    }
    // Columns c0 .. c0 + 63 of dq, dk (keys) and dv (values). Operands by descriptor (wgmma.cuh): K-major tiles step
    // 32 bytes a k16 within a column block; transposed ones 2048 bytes (16 rows), their column block w at w ROWS.
    const int c0 = 64 * wg;
    WgAcc dq, dk, dv;
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) // dq = do h^T: h's rows are keys, its columns the sum's values
        wg_mma_ss<0, 0>(dq, wg_desc(do_s + (kk >> 2) * ROWS64 + (kk & 3) * 32, 16, 1024),
                        wg_desc(h_s + (kk >> 2) * ROWS128 + c0 * 128 + (kk & 3) * 32, 16, 1024), kk > 0);
#pragma unroll
    for (int kk = 0; kk < 4; kk++) // dk = dA^T q
        wg_mma_ss<1, 1>(dk, wg_desc(da_s + 2048 * kk, ROWS64, 1024), wg_desc(q_s + wg * ROWS64 + 2048 * kk, ROWS64, 1024),
                        kk > 0);
#pragma unroll
    for (int kk = 0; kk < 4; kk++) // dv = A^T do
        wg_mma_ss<1, 1>(dv, wg_desc(a_s + 2048 * kk, ROWS64, 1024), wg_desc(do_s + wg * ROWS64 + 2048 * kk, ROWS64, 1024),
                        kk > 0);
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) // dv += k dh: dh's rows are the sum's keys
        wg_mma_ss<0, 1>(dv, wg_desc(k_s + (kk >> 2) * ROWS64 + (kk & 3) * 32, 16, 1024),
                        wg_desc(dh_s + wg * ROWS128 + 2048 * kk, ROWS128, 1024), true);
    wg_commit();
    wg_wait<0>();
    wg_hold(dq);
    wg_hold(dk);
    wg_hold(dv);
    wg_scale(dk, p.scale);
    wg_fence();
#pragma unroll
    for (int kk = 0; kk < 4; kk++) // dq += dA k
        wg_mma_ss<0, 1>(dq, wg_desc(da_s + 32 * kk, 16, 1024), wg_desc(k_s + wg * ROWS64 + 2048 * kk, ROWS64, 1024),
                        true);
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++) // dk += v dh^T
        wg_mma_ss<0, 0>(dk, wg_desc(v_s + (kk >> 2) * ROWS64 + (kk & 3) * 32, 16, 1024),
                        wg_desc(dh_s + (kk >> 2) * ROWS128 + c0 * 128 + (kk & 3) * 32, 16, 1024), true);
    wg_commit();
    bf16* stage = reinterpret_cast<bf16*>(smem + L::off_out + warp_id() * L::warp_stage);
    store_tiles16_staged<8>(static_cast<bf16*>(p.dv) + row0 + c0, rs, dv.t, 16 * w, 0, nrows, stage);
    wg_wait<0>();
    wg_hold(dq);
    wg_hold(dk);
    wg_scale(dq, p.scale);
    store_tiles16_staged<8>(static_cast<bf16*>(p.dq) + row0 + c0, rs, dq.t, 16 * w, 0, nrows, stage);
    store_tiles16_staged<8>(static_cast<bf16*>(p.dk) + row0 + c0, rs, dk.t, 16 * w, 0, nrows, stage);
#endif
}

bool chunk_bwd_dqkv_wg_fits(const BwdParams& p, int dtype, bool gated) {
    auto aligned = [](const void* x) { return (uintptr_t)x % 16 == 0; };
    return dtype == 1 && !gated && p.K == BwdWgSmem::D && p.V == BwdWgSmem::D && aligned(p.q) && aligned(p.k) &&
           aligned(p.v) && aligned(p.dout) && aligned(p.states) && aligned(p.dstates) && aligned(p.dq) &&
           aligned(p.dk) && aligned(p.dv) && wgmma_compiled(chunk_bwd_dqkv_wg_kernel);
}

cudaError_t launch_chunk_bwd_dqkv_wg(const BwdParams& p, cudaStream_t stream) {
    return launch_smem<256>(chunk_bwd_dqkv_wg_kernel, dim3(p.seqs.NC, p.H), BwdWgSmem::bytes, stream, p);
}

} // namespace gla

/*
 * chunk_fwd_o.cu — the chunk forward output stage: o = A v + scale (q e^G) h per 64-token chunk.
 *
 * Two algorithms (gla_dims.algorithm, paper §4.2):
 *  - non-materializing: one block per (sequence, head, BV value columns) walks the sequence's chunks in order
 *    and keeps its BK x BV slice of the state in registers (fp32); h0/ht are read/written here. Ungated bf16
 *    tiles take their own kernel, whose copies of the next chunk fly while this one computes, and on sm_90a
 *    128- and 256-key heads one on warpgroup MMAs (wgmma.cuh) with an output and a state warpgroup.
 *  - materializing: one block per (chunk, head), all chunks in parallel; the state entering each chunk comes
 *    from chunk_fwd_state.cu (written as the op dtype), and the block loops over the value tiles so that A is
 *    computed once per chunk.
 * Validated and timed by the kernel lab: native/bench/cuda/build.sh && native/bench/cuda/lab check.
 */
#include "chunk_common.cuh"
#include "chunk_stages.h"
#include "wgmma.cuh"

namespace gla {

template <class T, int BK, int BV> struct FwdSmem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr size_t off_k = C::bytes_qk;
    static constexpr size_t off_g = off_k + C::bytes_qk;
    static constexpr size_t off_a = off_g + C::bytes_g;
    static constexpr size_t off_v = off_a + C::bytes_a;
    static constexpr size_t off_h = off_v + sizeof(T) * kChunk * LV;
    static constexpr size_t off_vec = off_h + sizeof(T) * BK * LV;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t bytes = off_misc + C::bytes_misc;
    // the non-materializing kernel's second stage of q, k and the gate tile (nm_ring)
    static constexpr size_t off_q1 = (bytes + 15) / 16 * 16;
    static constexpr size_t off_k1 = off_q1 + C::bytes_qk;
    static constexpr size_t off_g1 = off_k1 + C::bytes_qk;
    static constexpr size_t bytes_ring = off_g1 + C::bytes_g;
};

// The non-materializing kernel's blocks per SM, and whether it takes the second stage: gated bf16 tiles, where the
// stage leaves as many blocks per SM.
constexpr int nm_min_blocks(int BK, int BV) { return BK * BV <= 128 * 64 ? 2 : 1; }
template <class T, int BK, int BV, bool GATED> constexpr bool nm_ring() {
    return GATED && sizeof(T) == 2 && nm_min_blocks(BK, BV) * (FwdSmem<T, BK, BV>::bytes_ring + 1024) <= 228 * 1024;
}

// Requests q, k and (gated) the gate of one chunk by cp.async (the per-head gate's broadcast is synchronous); the
// caller commits.
template <class T, int BK, bool GATED>
__device__ __forceinline__ void issue_qk_g(T* q_s, T* k_s, float* G_s, const T* q, const T* k, const float* g,
                                           int64_t start, int nrows, int H, int h, int K, bool head_gate) {
    using C = ChunkTiles<T, BK>;
    const int64_t rs = (int64_t)H * K;
    const T* qb = q + (start * H + h) * K;
    const T* kb = k + (start * H + h) * K;
    const bool vec_ld = vec_ok<T>(qb, rs) && vec_ok<T>(kb, rs);
    load_tile_async<T, kChunk, BK>(q_s, C::LQ, qb, rs, nrows, K, vec_ld);
    load_tile_async<T, kChunk, BK>(k_s, C::LQ, kb, rs, nrows, K, vec_ld);
    if constexpr (GATED) load_gate_async<BK>(G_s, C::LG, g, start, nrows, H, h, K, head_gate);
}

// With q, k and the gate of one chunk in shared memory (the caller waited and synchronized): gated, the cumulative
// gate, factor vectors and flags (ungated ones are constant: the caller makes them once); then A, scaled by a_scale
// (q_s, k_s left as qt, kb). Ends synchronized.
template <class T, int BK, bool GATED>
__device__ __forceinline__ void chunk_A(T* q_s, T* k_s, float* G_s, const ChunkMisc<T, BK>& mi, Vecs<BK> vec, T* A_s,
                                        const float* g, int64_t start, int nrows, int H, int h, int K, bool head_gate,
                                        float scale, float a_scale) {
    if constexpr (GATED) {
        mi.gate_sums(G_s);
        __syncthreads();
        chunk_prepare<T, BK, GATED>(mi, vec, scale);
    }
    const GateRows gr{g, start, nrows, H, h, K, head_gate};
    compute_A<T, BK, GATED>(q_s, k_s, mi.gate(G_s), mi.flags, vec, A_s, a_scale, gr);
}

// Loads q, k and the gate of one chunk, waiting for every copy in flight (the caller's too), then chunk_A.
template <class T, int BK, bool GATED>
__device__ __forceinline__ void chunk_qk_A(T* q_s, T* k_s, float* G_s, const ChunkMisc<T, BK>& mi, Vecs<BK> vec,
                                           T* A_s, const T* q, const T* k, const float* g, int64_t start, int nrows,
                                           int H, int h, int K, bool head_gate, float scale, float a_scale) {
    issue_qk_g<T, BK, GATED>(q_s, k_s, G_s, q, k, g, start, nrows, H, h, K, head_gate);
    cp_async_commit();
    cp_async_wait<0>(); // with the caller's copies in flight (the value tile)
    __syncthreads();
    chunk_A<T, BK, GATED>(q_s, k_s, G_s, mi, vec, A_s, g, start, nrows, H, h, K, head_gate, scale, a_scale);
}

template <class T, int BK, int BV, bool GATED>
__global__ void __launch_bounds__(kThreads, nm_min_blocks(BK, BV)) chunk_fwd_o_nm_kernel(FwdOParams p) {
    using L = FwdSmem<T, BK, BV>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* q_s = reinterpret_cast<T*>(smem);
    T* k_s = reinterpret_cast<T*>(smem + L::off_k);
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    T* v_s = reinterpret_cast<T*>(smem + L::off_v);
    T* H_s = reinterpret_cast<T*>(smem + L::off_h);
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, BK> mi(smem + L::off_misc);

    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z;
    const int H = p.H, K = p.K, V = p.V;
    const int64_t KV = (int64_t)K * V;
    const T* q = static_cast<const T*>(p.q);
    const T* k = static_cast<const T*>(p.k);
    const T* v = static_cast<const T*>(p.v);
    T* o = static_cast<T*>(p.o);

    StateTile<T, BK, BV, GATED> st;
    st.load(p.h0 ? p.h0 + ((int64_t)n * H + h) * KV + v0 : nullptr, V, K, V - v0);
    st.store_shared(H_s);
    // ungated: o = scale (A v + q h) with A unscaled, so the output tile rescales no fragments
    if constexpr (!GATED) chunk_prepare<T, BK, false>(mi, vec, p.scale);

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    // Gated bf16 tiles (nm_ring): q, k and the gate of the next chunk are copied into a second stage while this one
    // computes; else they are asked of L2 (prefetch_rows) and copied at its start.
    constexpr bool RING = nm_ring<T, BK, BV, GATED>();
    auto q_of = [&](int b) { return b ? reinterpret_cast<T*>(smem + L::off_q1) : q_s; };
    auto k_of = [&](int b) { return b ? reinterpret_cast<T*>(smem + L::off_k1) : k_s; };
    auto g_of = [&](int b) { return b ? reinterpret_cast<float*>(smem + L::off_g1) : G_s; };
    auto issue_next = [&](int64_t next, int b) { // one copy group, empty past the sequence's end
        if (next < eos)
            issue_qk_g<T, BK, GATED>(q_of(b), k_of(b), g_of(b), q, k, p.g, next,
                                     (int)(eos - next < kChunk ? eos - next : kChunk), H, h, K, p.head_gate != 0);
        cp_async_commit();
    };
    if constexpr (RING) issue_next(bos, 0);
    int b = 0;
    for (int64_t start = bos; start < eos; start += kChunk, b ^= (int)RING) {
        const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
        __syncthreads(); // previous chunk done with every tile
        const T* vb = v + (start * H + h) * V + v0;
        load_tile_async<T, kChunk, BV>(v_s, L::LV, vb, (int64_t)H * V, nrows, V - v0, vec_ok<T>(vb, (int64_t)H * V));
        if constexpr (RING) {
            cp_async_commit();
            issue_next(start + kChunk, b ^ 1);
            if (start + kChunk < eos) prefetch_rows<T>(nullptr, nullptr, v, nullptr, start + kChunk, eos, H, h, K, V,
                                                       v0, BV, p.head_gate);
            cp_async_wait<1>(); // this chunk's q, k, gate and value tile; the next chunk's copies fly on
            __syncthreads();
            chunk_A<T, BK, GATED>(q_of(b), k_of(b), g_of(b), mi, vec, A_s, p.g, start, nrows, H, h, K,
                                  p.head_gate != 0, p.scale, p.scale);
        } else {
            if (start + kChunk < eos)
                prefetch_rows<T>(q, k, v, p.g, start + kChunk, eos, H, h, K, V, v0, BV, p.head_gate);
            chunk_qk_A<T, BK, GATED>(q_s, k_s, G_s, mi, vec, A_s, q, k, p.g, start, nrows, H, h, K,
                                     p.head_gate, p.scale, GATED ? p.scale : 1.f);
        }
        chunk_o_tile<T, BK, BV, GATED, !GATED>(q_of(b), vec, A_s, v_s, H_s, o + (start * H + h) * V, (int64_t)H * V,
                                               nrows, v0, V, GATED ? 1.f : p.scale);
        __syncthreads(); // H_s read by every warp before it is overwritten
        st.template update<false>(k_of(b), vec, v_s, true);
        st.store_shared(H_s);
    }
    if (p.ht) st.store(p.ht + ((int64_t)n * H + h) * KV + v0, V, K, V - v0);
}

// Ungated bf16 tiles: a two-stage ring of q, k and the value tile, so the next chunk's copies fly while this one
// computes (the gated kernel waits for them at every chunk; its gate tile leaves no room for a second stage).
// Nothing here needs factor vectors: A = q k^T masked, o = scale (A v + q h), h += k^T v.
template <class T, int BK, int BV> struct FwdLinearSmem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr size_t bytes_v = sizeof(T) * kChunk * LV;
    static constexpr size_t bytes_stage = 2 * C::bytes_qk + bytes_v; // q, k, v
    static constexpr size_t off_a = 2 * bytes_stage;
    static constexpr size_t off_h = off_a + C::bytes_a;
    static constexpr size_t bytes = off_h + sizeof(T) * BK * LV;
    static constexpr size_t sums_stage = C::bytes_qk + bytes_v; // segment_sums_kernel's ring: k, v
};

template <class T, int BK, int BV>
__global__ void __launch_bounds__(kThreads, 2) chunk_fwd_o_nm_linear_kernel(FwdOParams p) {
    using L = FwdLinearSmem<T, BK, BV>;
    using C = ChunkTiles<T, BK>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    T* H_s = reinterpret_cast<T*>(smem + L::off_h);
    auto q_of = [&](int b) { return reinterpret_cast<T*>(smem + b * L::bytes_stage); };
    auto k_of = [&](int b) { return reinterpret_cast<T*>(smem + b * L::bytes_stage + C::bytes_qk); };
    auto v_of = [&](int b) { return reinterpret_cast<T*>(smem + b * L::bytes_stage + 2 * C::bytes_qk); };

    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z;
    const int H = p.H, K = p.K, V = p.V;
    const int64_t KV = (int64_t)K * V, rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* q = static_cast<const T*>(p.q);
    const T* k = static_cast<const T*>(p.k);
    const T* v = static_cast<const T*>(p.v);
    T* o = static_cast<T*>(p.o);
    const Vecs<BK> none{nullptr}; // read by none of the ungated stages

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    auto issue = [&](int64_t start, int b) { // one chunk's q, k and value tile into stage b, one copy group
        const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
        const T* qb = q + (start * H + h) * K;
        const T* kb = k + (start * H + h) * K;
        const T* vb = v + (start * H + h) * V + v0;
        const bool vec_ld = vec_ok<T>(qb, rk) && vec_ok<T>(kb, rk);
        load_tile_async<T, kChunk, BK>(q_of(b), C::LQ, qb, rk, nrows, K, vec_ld);
        load_tile_async<T, kChunk, BK>(k_of(b), C::LQ, kb, rk, nrows, K, vec_ld);
        load_tile_async<T, kChunk, BV>(v_of(b), L::LV, vb, rv, nrows, V - v0, vec_ok<T>(vb, rv));
        cp_async_commit();
    };

    StateTile<T, BK, BV, false> st;
    st.load(p.h0 ? p.h0 + ((int64_t)n * H + h) * KV + v0 : nullptr, V, K, V - v0);
    st.store_shared(H_s);
    const int segs = p.segments > 1 ? p.segments : 1; // a split sequence's last segment writes its ht
    if (bos < eos) issue(bos, 0);
    int b = 0;
    for (int64_t start = bos; start < eos; start += kChunk, b ^= 1) {
        const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
        // stage b ^ 1 was freed by the previous chunk's last barrier
        if (start + kChunk < eos) {
            issue(start + kChunk, b ^ 1);
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads(); // this chunk's tiles (and H_s) visible to every warp
        compute_A_off<T, BK, false>(q_of(b), k_of(b), none, A_s, 1.f);
        __syncthreads();
        chunk_o_tile<T, BK, BV, false, true>(q_of(b), none, A_s, v_of(b), H_s, o + (start * H + h) * V, rv, nrows,
                                             v0, V, p.scale);
        __syncthreads(); // H_s read by every warp before it is overwritten
        st.template update<false>(k_of(b), none, v_of(b), false);
        st.store_shared(H_s);
        __syncthreads(); // stage b free for the chunk after next
    }
    if (p.ht && n % segs == segs - 1) st.store(p.ht + ((int64_t)(n / segs) * H + h) * KV + v0, V, K, V - v0);
}

// Ungated bf16 heads of 128 or 256 keys on sm_90a (V a multiple of 64, 16-byte aligned rows): the same walk on
// warpgroup MMAs (wgmma.cuh), where the two-stage kernel above spends its time loading mma.sync operands (every warp
// its own copy of the state and of v) and waiting at four barriers a chunk. One block per (sequence, head, 64 value
// columns), two specialized warpgroups: warpgroup 0 makes each chunk's output, S = q k^T masked in registers and
// o = scale (S v + q h); warpgroup 1 keeps the state in registers (BK / 2 fp32 a thread), h += k^T v, and hands the
// state entering each chunk to warpgroup 0 as bf16 through one of two buffers. Swizzled tiles (wgmma.cuh) in a ring
// of chunks copied ahead: four of 128 keys (202 KiB: one block per SM; at two blocks per SM with rings of two, 1K-16K
// were 0-4% slower, H200), two of 256 keys (218 KiB); one barrier a chunk.
template <int BK_> struct FwdWgSmem {
    static constexpr int BK = BK_, NS = BK == 128 ? 4 : 2, BV = 64;
    static constexpr size_t bytes_qk = 2 * kChunk * BK, bytes_v = 2 * kChunk * BV;
    static constexpr size_t bytes_stage = 2 * bytes_qk + bytes_v; // q, k, v
    static constexpr size_t bytes_h = 2 * BK * BV;
    static constexpr size_t off_h = NS * bytes_stage;
    // each warp of warpgroup 0 stages its output rows (store_tiles16_staged) in its own rows here
    static constexpr size_t warp_stage = staged_bytes(BV);
    static constexpr size_t off_out = off_h + 2 * bytes_h;
    static constexpr size_t bytes = off_out + 4 * warp_stage + 1024; // + the slack that aligns the tiles to 1 KiB
    static_assert(bytes_stage % 1024 == 0 && bytes_qk % 1024 == 0 && bytes_h % 1024 == 0, "aligned tiles");
    static_assert(bytes <= 227 * 1024, "shared memory");
};

template <int BK_>
__global__ void __launch_bounds__(kThreads, 1) chunk_fwd_o_nm_linear_wg_kernel(FwdOParams p) {
#if GLA_WGMMA
    using L = FwdWgSmem<BK_>;
    constexpr int NS = L::NS, BK = L::BK, BV = L::BV;
    extern __shared__ __align__(16) unsigned char smem_raw[];
    unsigned char* smem = smem_raw + ((1024 - smem_addr(smem_raw) % 1024) % 1024);
    auto q_of = [&](int b) { return smem + b * L::bytes_stage; };
    auto k_of = [&](int b) { return smem + b * L::bytes_stage + L::bytes_qk; };
    auto v_of = [&](int b) { return smem + b * L::bytes_stage + 2 * L::bytes_qk; };
    auto h_of = [&](int b) { return smem + L::off_h + b * L::bytes_h; };

    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z;
    const int H = p.H, V = p.V;
    const int64_t KV = (int64_t)BK * V, rk = (int64_t)H * BK, rv = (int64_t)H * V;
    const bf16* q = static_cast<const bf16*>(p.q);
    const bf16* k = static_cast<const bf16*>(p.k);
    const bf16* v = static_cast<const bf16*>(p.v);
    bf16* o = static_cast<bf16*>(p.o);
    const int wg = threadIdx.x >> 7, w = warp_id() & 3; // warpgroup, warp within it
    const int segs = p.segments > 1 ? p.segments : 1;   // a split sequence's last segment writes its ht

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const SwCopy<BK> copy_qk(rk);
    const SwCopy<BV> copy_v(rv);
    auto issue = [&](int64_t start, int b) { // one copy group, empty past the sequence's end
        if (start < eos) {
            const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
            copy_qk.issue(q_of(b), q + (start * H + h) * BK, nrows);
            copy_qk.issue(k_of(b), k + (start * H + h) * BK, nrows);
            copy_v.issue(v_of(b), v + (start * H + h) * V + v0, nrows);
        }
        cp_async_commit();
    };
    // Every thread copies; each chunk starts at the one barrier (each warpgroup walks the chunks in its own loop:
    // one loop for both, branching inside, was 6-11% slower on the H200).
    auto top = [&](int64_t start, int b) {
        cp_async_wait<NS - 2>();
        fence_proxy_async();
        __syncthreads(); // this chunk's tiles and entering state visible; the stage of the chunk before free
        issue(start + (NS - 1) * kChunk, (b + NS - 1) % NS);
    };
#pragma unroll
    for (int j = 0; j < NS - 1; j++) issue(bos + j * kChunk, j);
    if (wg == 0) {
        int b = 0, hb = 0;
        for (int64_t start = bos; start < eos; start += kChunk, b = (b + 1) % NS, hb ^= 1) {
            const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
            top(start, b);
            WgAcc s, acc;
            wg_fence();
#pragma unroll
            for (int kk = 0; kk < BK / 16; kk++) {
                const int off = (kk >> 2) * kChunk * 128 + (kk & 3) * 32;
                wg_mma_ss<0, 0>(s, wg_desc(q_of(b) + off, 16, 1024), wg_desc(k_of(b) + off, 16, 1024), kk > 0);
            }
            wg_commit();
            wg_wait<0>();
            wg_hold(s);
            uint32_t a[4][4];
#pragma unroll
            for (int j = 0; j < 8; j++)
#pragma unroll
                for (int e = 0; e < 4; e++)
                    if (8 * j + c_col(e) > 16 * w + c_row(e)) s.t[j].x[e] = 0.f;
#pragma unroll
            for (int kk = 0; kk < 4; kk++) wg_acc_as_a(s, kk, a[kk]);
            wg_fence();
#pragma unroll
            for (int kk = 0; kk < 4; kk++)
                wg_mma_rs<1>(acc, a[kk], wg_desc(v_of(b) + 2048 * kk, kChunk * 128, 1024), kk > 0);
#pragma unroll
            for (int kk = 0; kk < BK / 16; kk++)
                wg_mma_ss<0, 1>(acc, wg_desc(q_of(b) + (kk >> 2) * kChunk * 128 + (kk & 3) * 32, 16, 1024),
                                wg_desc(h_of(hb) + 2048 * kk, BK * 128, 1024), true);
            wg_commit();
            wg_wait<0>();
            wg_hold(acc);
            wg_scale(acc, p.scale);
            store_tiles16_staged<8>(o + (start * H + h) * V + v0, rv, acc.t, 16 * w, 0, nrows,
                                    reinterpret_cast<bf16*>(smem + L::off_out + w * L::warp_stage));
        }
        return;
    }
    // warpgroup 1: the state's keys 64 m .. 64 m + 63 in hs[m]; element e of tile j: key 64 m + 16 w + c_row(e),
    // value column 8 j + c_col(e)
    WgAcc hs[BK / 64];
    auto store_h = [&](unsigned char* buf) { // bf16, rows = keys: the B operand of q h (value-major)
#pragma unroll
        for (int m = 0; m < BK / 64; m++)
#pragma unroll
            for (int j = 0; j < 8; j++)
#pragma unroll
                for (int e = 0; e < 4; e += 2)
                    *reinterpret_cast<uint32_t*>(buf + sw_offset(64 * m + 16 * w + c_row(e), 8 * j + c_col(e), BK)) =
                        pack_bf16(hs[m].t[j].x[e], hs[m].t[j].x[e + 1]);
    };
    auto each = [&](auto f) { // f(element, its index in a [K, V] fp32 state)
#pragma unroll
        for (int m = 0; m < BK / 64; m++)
#pragma unroll
            for (int j = 0; j < 8; j++)
#pragma unroll
                for (int e = 0; e < 4; e++)
                    f(hs[m].t[j].x[e], (int64_t)(64 * m + 16 * w + c_row(e)) * V + 8 * j + c_col(e));
    };
    const float* h0 = p.h0 ? p.h0 + ((int64_t)n * H + h) * KV + v0 : nullptr;
    each([&](float& x, int64_t i) { x = h0 ? h0[i] : 0.f; });
    store_h(h_of(0));
    int b = 0, hb = 0;
    for (int64_t start = bos; start < eos; start += kChunk, b = (b + 1) % NS, hb ^= 1) {
        top(start, b);
        wg_fence();
#pragma unroll
        for (int m = 0; m < BK / 64; m++)
#pragma unroll
            for (int kk = 0; kk < 4; kk++)
                wg_mma_ss<1, 1>(hs[m], wg_desc(k_of(b) + m * kChunk * 128 + 2048 * kk, kChunk * 128, 1024),
                                wg_desc(v_of(b) + 2048 * kk, kChunk * 128, 1024), true);
        wg_commit();
        wg_wait<0>();
#pragma unroll
        for (int m = 0; m < BK / 64; m++) wg_hold(hs[m]);
        store_h(h_of(hb ^ 1));
    }
    if (p.ht && n % segs == segs - 1) {
        float* ht = p.ht + ((int64_t)(n / segs) * H + h) * KV + v0;
        each([&](float& x, int64_t i) { ht[i] = x; });
    }
#endif
}

// (Both key widths are built for the same targets: one kernel answers for both.)
bool fwd_wg_shape(int K, int V) {
    return (K == 128 || K == 256) && V % 64 == 0 && wgmma_compiled(chunk_fwd_o_nm_linear_wg_kernel<128>);
}

// Whether chunk_fwd_o_nm_linear_wg_kernel takes an ungated bf16 problem: its shape, 16-byte aligned rows.
static bool wg_fits(const FwdOParams& p) {
    auto aligned = [](const void* x) { return (uintptr_t)x % 16 == 0; };
    return fwd_wg_shape(p.K, p.V) && aligned(p.q) && aligned(p.k) && aligned(p.v) && aligned(p.o);
}

// k^T v over part blockIdx.z % parts of segment blockIdx.z / parts of a split sequence (each segment but the
// last), in the same two-stage ring; into sums[blockIdx.z].
template <class T, int BK, int BV>
__global__ void __launch_bounds__(kThreads, 2) segment_sums_kernel(FwdOParams p, float* sums, int parts) {
    using L = FwdLinearSmem<T, BK, BV>;
    using C = ChunkTiles<T, BK>;
    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z / parts, part = blockIdx.z % parts;
    if (n % p.segments == p.segments - 1) return;
    extern __shared__ __align__(16) unsigned char smem[];
    auto k_of = [&](int b) { return reinterpret_cast<T*>(smem + b * L::sums_stage); };
    auto v_of = [&](int b) { return reinterpret_cast<T*>(smem + b * L::sums_stage + C::bytes_qk); };
    const int H = p.H, K = p.K, V = p.V;
    const int64_t rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* k = static_cast<const T*>(p.k);
    const T* v = static_cast<const T*>(p.v);
    const Vecs<BK> none{nullptr};

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int64_t len = (eos - bos) / parts; // whole chunks (nm_split)
    bos += part * len, eos = bos + len;
    auto issue = [&](int64_t start, int b) {
        const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
        const T* kb = k + (start * H + h) * K;
        const T* vb = v + (start * H + h) * V + v0;
        load_tile_async<T, kChunk, BK>(k_of(b), C::LQ, kb, rk, nrows, K, vec_ok<T>(kb, rk));
        load_tile_async<T, kChunk, BV>(v_of(b), L::LV, vb, rv, nrows, V - v0, vec_ok<T>(vb, rv));
        cp_async_commit();
    };
    StateTile<T, BK, BV, false> st;
    st.zero();
    if (bos < eos) issue(bos, 0);
    int b = 0;
    for (int64_t start = bos; start < eos; start += kChunk, b ^= 1) {
        if (start + kChunk < eos) {
            issue(start + kChunk, b ^ 1);
            cp_async_wait<1>();
        } else {
            cp_async_wait<0>();
        }
        __syncthreads();
        st.template update<false>(k_of(b), none, v_of(b), false);
        __syncthreads(); // stage b free for the chunk after next
    }
    st.store(sums + ((int64_t)blockIdx.z * H + h) * K * V + v0, V, K, V - v0);
}

// segment_sums_kernel on warpgroup MMAs for the shapes of chunk_fwd_o_nm_linear_wg_kernel: warpgroup w sums keys
// 64 w .. 64 w + 63 (h += k^T v, both operands transposed from the swizzled tiles) over a ring of four chunks of k
// and the value tile; 97 KiB, two blocks per SM.
struct SumsWgSmem {
    static constexpr int NS = 4, BK = 128, BV = 64;
    static constexpr size_t bytes_k = 2 * kChunk * BK, bytes_stage = bytes_k + 2 * kChunk * BV; // k, v
    static constexpr size_t bytes = NS * bytes_stage + 1024; // + the slack that aligns the tiles to 1 KiB
};

__global__ void __launch_bounds__(kThreads, 2) segment_sums_wg_kernel(FwdOParams p, float* sums, int parts) {
#if GLA_WGMMA
    using L = SumsWgSmem;
    constexpr int NS = L::NS, BK = L::BK, BV = L::BV;
    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z / parts, part = blockIdx.z % parts;
    if (n % p.segments == p.segments - 1) return;
    extern __shared__ __align__(16) unsigned char smem_raw[];
    unsigned char* smem = smem_raw + ((1024 - smem_addr(smem_raw) % 1024) % 1024);
    auto k_of = [&](int b) { return smem + b * L::bytes_stage; };
    auto v_of = [&](int b) { return smem + b * L::bytes_stage + L::bytes_k; };
    const int H = p.H, V = p.V;
    const bf16* k = static_cast<const bf16*>(p.k);
    const bf16* v = static_cast<const bf16*>(p.v);
    const int m = threadIdx.x >> 7, w = warp_id() & 3; // this warpgroup's 64 keys, warp within it

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int64_t len = (eos - bos) / parts; // whole chunks (nm_split)
    bos += part * len, eos = bos + len;
    const SwCopy<BK> copy_k((int64_t)H * BK);
    const SwCopy<BV> copy_v((int64_t)H * V);
    auto issue = [&](int64_t start, int b) { // one copy group, empty past the part's end
        if (start < eos) {
            const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
            copy_k.issue(k_of(b), k + (start * H + h) * BK, nrows);
            copy_v.issue(v_of(b), v + (start * H + h) * V + v0, nrows);
        }
        cp_async_commit();
    };
    WgAcc hs;
#pragma unroll
    for (int j = 0; j < 8; j++) hs.t[j].zero();
#pragma unroll
    for (int j = 0; j < NS - 1; j++) issue(bos + j * kChunk, j);
    int b = 0;
    for (int64_t start = bos; start < eos; start += kChunk, b = (b + 1) % NS) {
        cp_async_wait<NS - 2>();
        fence_proxy_async();
        __syncthreads(); // this chunk's tiles visible; the stage of the chunk before free
        issue(start + (NS - 1) * kChunk, (b + NS - 1) % NS);
        wg_fence();
#pragma unroll
        for (int kk = 0; kk < 4; kk++)
            wg_mma_ss<1, 1>(hs, wg_desc(k_of(b) + m * kChunk * 128 + 2048 * kk, kChunk * 128, 1024),
                            wg_desc(v_of(b) + 2048 * kk, kChunk * 128, 1024), true);
        wg_commit();
        wg_wait<0>();
        wg_hold(hs);
    }
    float* out = sums + ((int64_t)blockIdx.z * H + h) * BK * V + v0;
#pragma unroll
    for (int j = 0; j < 8; j++)
#pragma unroll
        for (int e = 0; e < 4; e++) out[(int64_t)(64 * m + 16 * w + c_row(e)) * V + 8 * j + c_col(e)] = hs.t[j].x[e];
#endif
}

// The state entering each segment: h0 plus the parts' sums of the segments before it, in order (deterministic); one
// thread per state element walks the segments of its sequence.
__global__ void segment_prefix_kernel(float* states, const float* sums, const float* h0, int segments, int parts,
                                      int64_t per_seq, int64_t total) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < total; i += (int64_t)gridDim.x * blockDim.x) {
        const int64_t n = i / per_seq, e = i % per_seq;
        float acc = h0 ? h0[i] : 0.f;
        for (int j = 0; j < segments; j++) {
            const int64_t seg = n * segments + j;
            states[seg * per_seq + e] = acc;
            if (j < segments - 1)
                for (int k = 0; k < parts; k++) acc += sums[(seg * parts + k) * per_seq + e];
        }
    }
}

cudaError_t launch_segment_states(const FwdOParams& p, float* states, int parts, cudaStream_t stream) {
    if (p.segments < 2 || p.K > 128 || parts < 1) return cudaErrorInvalidValue;
    const int64_t per_seq = (int64_t)p.H * p.K * p.V, total = p.seqs.N / p.segments * per_seq;
    float* sums = states + (int64_t)p.seqs.N * per_seq;
    constexpr int BV = nm_bv(128, false);
    const dim3 grid((p.V + BV - 1) / BV, p.H, p.seqs.N * parts);
    using L64 = FwdLinearSmem<bf16, 64, BV>;
    using L128 = FwdLinearSmem<bf16, 128, BV>;
    static_assert(SumsWgSmem::BV == BV && 2 * (SumsWgSmem::bytes + 1024) <= 228 * 1024, "two blocks per SM");
    cudaError_t e = wg_fits(p) ? launch_smem(segment_sums_wg_kernel, grid, SumsWgSmem::bytes, stream, p, sums, parts)
        : p.K <= 64
        ? launch_smem(segment_sums_kernel<bf16, 64, BV>, grid, 2 * L64::sums_stage, stream, p, sums, parts)
        : launch_smem(segment_sums_kernel<bf16, 128, BV>, grid, 2 * L128::sums_stage, stream, p, sums, parts);
    if (e != cudaSuccess) return e;
    if (total == 0) return cudaSuccess;
    const int blocks = (int)((total + 255) / 256 < 4096 ? (total + 255) / 256 : 4096);
    segment_prefix_kernel<<<blocks, 256, 0, stream>>>(states, sums, p.h0, p.segments, parts, per_seq, total);
    return cudaGetLastError();
}

// The materializing kernel for fp32 tiles (bf16 ones take chunk_fwd_o_mat2_kernel): the value tiles loaded one
// after the other.
template <class T, int BK, int BV, bool GATED>
__global__ void __launch_bounds__(kThreads, BK <= 128 ? 2 : 1) chunk_fwd_o_mat_kernel(FwdOParams p) {
    using L = FwdSmem<T, BK, BV>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* q_s = reinterpret_cast<T*>(smem);
    T* k_s = reinterpret_cast<T*>(smem + L::off_k);
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    T* v_s = reinterpret_cast<T*>(smem + L::off_v);
    T* H_s = reinterpret_cast<T*>(smem + L::off_h);
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, BK> mi(smem + L::off_misc);

    const int chunk = blockIdx.x, h = blockIdx.y;
    const int H = p.H, K = p.K, V = p.V;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const T* v = static_cast<const T*>(p.v);
    const T* states = static_cast<const T*>(p.states) + ((int64_t)chunk * H + h) * K * V;
    T* o = static_cast<T*>(p.o) + (start * H + h) * V;

    if constexpr (!GATED) chunk_prepare<T, BK, false>(mi, vec, p.scale);
    chunk_qk_A<T, BK, GATED>(q_s, k_s, G_s, mi, vec, A_s, static_cast<const T*>(p.q),
                             static_cast<const T*>(p.k), p.g, start, nrows, H, h, K, p.head_gate, p.scale, p.scale);
    for (int v0 = 0; v0 < V; v0 += BV) {
        const T* vb = v + (start * H + h) * V + v0;
        load_tile<T, kChunk, BV>(v_s, L::LV, vb, (int64_t)H * V, nrows, V - v0, vec_ok<T>(vb, (int64_t)H * V));
        load_tile<T, BK, BV>(H_s, L::LV, states + v0, V, K, V - v0, vec_ok<T>(states + v0, V));
        __syncthreads();
        chunk_o_tile<T, BK, BV, GATED>(q_s, vec, A_s, v_s, H_s, o, (int64_t)H * V, nrows, v0, V);
        __syncthreads();
    }
}

// The materializing kernel for bf16: q, k, the gate and the value tiles (v and the state, BV columns, through a
// ring of NS stages) are requested by cp.async at once, and A is computed while the value tiles arrive (gated, B16
// T2048 H16 K=V=128, one block per SM: 0.91 ms, was 1.02). When the whole ring does not fit beside the tiles in a
// block's share of shared memory (MINB blocks per SM: two for keys up to 128 in value tiles of 32, whose walk is
// latency-bound with one; one for 256 keys), one stage goes beside them and the others take the place of k and
// the gate once A is made (kLate): the first value tile arrives during A, the rest while the ones before them are
// multiplied. Ungated heads of up to 128 keys need no gate tile, and without it the whole ring fits beside the tiles
// at two blocks per SM (G_TILE false: every stage requested at once).
template <class T, int BK, int BV, int NS, int MINB, bool G_TILE = true> struct FwdMat2Smem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr size_t bytes_stage = sizeof(T) * (kChunk + BK) * LV;
    static constexpr size_t bytes_g = G_TILE ? C::bytes_g : 0;
    static constexpr size_t off_k = C::bytes_qk;
    static constexpr size_t off_g = off_k + C::bytes_qk;
    static constexpr size_t off_a = off_g + bytes_g;
    static constexpr size_t off_vec = off_a + C::bytes_a;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t off_ring = (off_misc + C::bytes_misc + 127) / 128 * 128;
    // tiles of 64 columns and more: each warp's stage for its output rows (store_tiles16_staged)
    static constexpr size_t warp_stage = staged_bytes(BV / 2);
    static constexpr size_t bytes_out = BV >= 64 && sizeof(T) == 2 ? kWarps * warp_stage : 0;
    // a block's share of the SM's 228 KiB (1 KiB of it reserved per block)
    static constexpr size_t budget = MINB == 1 ? 227 * 1024 : 228 * 1024 / MINB - 1024;
    static constexpr bool kLate = off_ring + NS * bytes_stage + bytes_out > budget;
    static constexpr size_t off_out = off_ring + (kLate ? 1 : NS) * bytes_stage;
    static constexpr size_t bytes = off_out + bytes_out;
    static_assert(bytes <= budget, "shared memory");
    static_assert(bytes_stage % 16 == 0 && C::bytes_qk % 16 == 0, "16-byte aligned tiles");
    static_assert(!kLate || (NS - 1) * bytes_stage <= C::bytes_qk + bytes_g, "late stages fit in k and the gate");
};

// The gate tile's place in the layout: gated, or 256-key heads (whose late stages need its room).
template <int BK, bool GATED> constexpr bool mat2_gate_tile() { return GATED || BK > 128; }

template <class T, int BK, int BV, int NS, int MINB, bool GATED>
__global__ void __launch_bounds__(kThreads, MINB) chunk_fwd_o_mat2_kernel(FwdOParams p) {
    using L = FwdMat2Smem<T, BK, BV, NS, MINB, mat2_gate_tile<BK, GATED>()>;
    using C = ChunkTiles<T, BK>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* q_s = reinterpret_cast<T*>(smem);
    T* k_s = reinterpret_cast<T*>(smem + L::off_k);
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, BK> mi(smem + L::off_misc);
    unsigned char* ring = smem + L::off_ring;

    const int chunk = blockIdx.x, h = blockIdx.y;
    const int H = p.H, K = p.K, V = p.V;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* v = static_cast<const T*>(p.v) + (start * H + h) * V;
    const T* states = static_cast<const T*>(p.states) + ((int64_t)chunk * H + h) * K * V;
    T* o = static_cast<T*>(p.o) + (start * H + h) * V;
    const T* qb = static_cast<const T*>(p.q) + (start * H + h) * K;
    const T* kb = static_cast<const T*>(p.k) + (start * H + h) * K;
    const int nv = (V + BV - 1) / BV;
    auto stage = [&](int j) {
        if constexpr (L::kLate) { // stage 0 of the ring beside the tiles, the others over k_s and G_s
            return j % NS == 0 ? reinterpret_cast<T*>(ring)
                               : reinterpret_cast<T*>(smem + L::off_k + (j % NS - 1) * L::bytes_stage);
        } else {
            return reinterpret_cast<T*>(ring + (j % NS) * L::bytes_stage);
        }
    };
    auto issue = [&](int j) {
        if (j < nv) {
            const int v0 = j * BV;
            T* b = stage(j);
            load_tile_async<T, kChunk, BV>(b, L::LV, v + v0, rv, nrows, V - v0, vec_ok<T>(v + v0, rv));
            load_tile_async<T, BK, BV>(b + kChunk * L::LV, L::LV, states + v0, V, K, V - v0, vec_ok<T>(states + v0, V));
        }
        cp_async_commit();
    };

    const bool vec_ld = vec_ok<T>(qb, rk) && vec_ok<T>(kb, rk);
    load_tile_async<T, kChunk, BK>(q_s, C::LQ, qb, rk, nrows, K, vec_ld);
    load_tile_async<T, kChunk, BK>(k_s, C::LQ, kb, rk, nrows, K, vec_ld);
    if constexpr (GATED) load_gate_async<BK>(G_s, C::LG, p.g, start, nrows, H, h, K, p.head_gate);
    cp_async_commit();
    // late: only the first stage now (the wait lets it stay in flight while A is made), the others after A
    constexpr int kEarly = L::kLate ? 1 : NS - 1;
    for (int j = 0; j < kEarly; j++) issue(j);
    cp_async_wait<kEarly>();
    __syncthreads();
    if constexpr (GATED) {
        mi.gate_sums(G_s);
        __syncthreads();
    }
    chunk_prepare<T, BK, GATED>(mi, vec, p.scale);
    const GateRows gr{p.g, start, nrows, H, h, K, p.head_gate != 0};
    compute_A<T, BK, GATED>(q_s, k_s, mi.gate(G_s), mi.flags, vec, A_s, p.scale, gr); // ends synchronized
    for (int j = kEarly; j < NS - 1; j++) issue(j); // late: k_s and G_s are free now
    scale_q_rows<T, BK>(q_s, vec);                   // ordered before the tiles by the loop's barrier
    for (int j = 0; j < nv; j++) {
        cp_async_wait<NS - 2>();
        __syncthreads();
        issue(j + NS - 1);
        const T* v_s = stage(j);
        T* ostage = L::bytes_out ? reinterpret_cast<T*>(smem + L::off_out + warp_id() * L::warp_stage) : nullptr;
        chunk_o_tile<T, BK, BV, GATED, true>(q_s, vec, A_s, v_s, v_s + kChunk * L::LV, o, rv, nrows, j * BV, V, 1.f,
                                             ostage);
    }
}

template <class T, int BK, bool GATED>
static cudaError_t launch_fwd_o(const FwdOParams& p, bool materialize, cudaStream_t stream) {
    constexpr int BV = kFwdBV;
    if (materialize) {
        if constexpr (sizeof(T) == 2) {
            constexpr int NS = 3, MINB = BK <= 128 ? 2 : 1, BV2 = BK <= 128 ? 32 : BV;
            using L2 = FwdMat2Smem<T, BK, BV2, NS, MINB, mat2_gate_tile<BK, GATED>()>;
            return launch_smem(chunk_fwd_o_mat2_kernel<T, BK, BV2, NS, MINB, GATED>, dim3(p.seqs.NC, p.H), L2::bytes,
                               stream, p);
        } else {
            using L = FwdSmem<T, BK, BV>;
            static_assert(L::bytes <= 227 * 1024, "shared memory");
            return launch_smem(chunk_fwd_o_mat_kernel<T, BK, BV, GATED>, dim3(p.seqs.NC, p.H), L::bytes, stream, p);
        }
    }
    constexpr int NBV = nm_bv(BK, GATED);
    if (p.segments > 1 && (GATED || sizeof(T) != 2 || BK > 128)) return cudaErrorInvalidValue;
    if constexpr (!GATED && sizeof(T) == 2 && (BK == 128 || BK == 256)) {
        if (wg_fits(p)) {
            using W = FwdWgSmem<BK>;
            return launch_smem(chunk_fwd_o_nm_linear_wg_kernel<BK>, dim3(p.V / W::BV, p.H, p.seqs.N), W::bytes,
                               stream, p);
        }
    }
    if constexpr (!GATED && sizeof(T) == 2 && BK <= 128) {
        using L = FwdLinearSmem<T, BK, NBV>;
        static_assert(2 * (L::bytes + 1024) <= 228 * 1024, "two blocks per SM");
        return launch_smem(chunk_fwd_o_nm_linear_kernel<T, BK, NBV>, dim3((p.V + NBV - 1) / NBV, p.H, p.seqs.N),
                           L::bytes, stream, p);
    } else {
        using L = FwdSmem<T, BK, NBV>;
        static_assert(L::bytes <= 227 * 1024, "shared memory");
        return launch_smem(chunk_fwd_o_nm_kernel<T, BK, NBV, GATED>, dim3((p.V + NBV - 1) / NBV, p.H, p.seqs.N),
                           nm_ring<T, BK, NBV, GATED>() ? L::bytes_ring : L::bytes, stream, p);
    }
}

template <class T, bool GATED>
static cudaError_t launch_fwd_o_bk(const FwdOParams& p, bool materialize, cudaStream_t stream) {
    switch (key_tile(p.K)) {
    case 64: return launch_fwd_o<T, 64, GATED>(p, materialize, stream);
    case 128: return launch_fwd_o<T, 128, GATED>(p, materialize, stream);
    case 256:
        if constexpr (sizeof(T) == 2) return launch_fwd_o<T, 256, GATED>(p, materialize, stream);
        [[fallthrough]];
    default: return cudaErrorInvalidValue;
    }
}

cudaError_t launch_chunk_fwd_o(const FwdOParams& p, int dtype, bool gated, bool materialize, cudaStream_t stream) {
    if (dtype == 1)
        return gated ? launch_fwd_o_bk<bf16, true>(p, materialize, stream)
                     : launch_fwd_o_bk<bf16, false>(p, materialize, stream);
    return gated ? launch_fwd_o_bk<float, true>(p, materialize, stream)
                 : launch_fwd_o_bk<float, false>(p, materialize, stream);
}

} // namespace gla

/*
 * chunk_fwd_state.cu — the chunk states of the materializing forward and of the backward's recomputation
 * (paper §4.2 "materialize with recomputation"): one block per (sequence, head, BV value columns, key slice) walks
 * the sequence's chunks with its key_slice x BV slice of the state in registers (fp32) and writes, for every chunk,
 *   forward:  the state entering the chunk,                      then  h <- e^{G_L} h + (k e^{G_L-G})^T v
 *   reverse:  the gradient of the state leaving the chunk,       then  dh <- e^{G_L} dh + scale (q e^{G})^T do
 * (chunks in reverse order), as the op dtype; the last value is the final state (ht, or dh0 in reverse).
 * Tensor cores (bf16 or 3xTF32) with fp32 accumulation; the next chunk's rows are copied by cp.async while one
 * computes, the one after it is requested from L2. Gated, a pass before (chunk_state_gates_kernel) rescales x once
 * per chunk (chunk_common.cuh's gate factors) and keeps the chunk's decay: every value tile's block would
 * otherwise read the fp32 gates and redo that work, which held the 1.3B layer shape (B8 T2048 H4 K256 V512, eight
 * value tiles) at 76% of the L2 bandwidth (ncu, 0.48 ms). H200, lab bench: that shape's forward 1.12 -> 1.02 ms and
 * backward 2.14 -> 1.97, B2 T16384 H16 K=V=128 1.67 -> 1.61 and 3.57 -> 3.35; but K=V=128 up to 4K tokens (two value
 * tiles: little to share) the backward 2.80 -> 2.94, the rescaled rows' write and read costing more than they save.
 * The rows of a state (key channels) evolve independently — each has its own decay and its own k (q) column — so
 * when sequences and heads are too few to fill the GPU the keys are split over blocks (StateParams.key_slice), and
 * when they are fewer still the value columns too (StateParams.value_tile 32).
 * Validated by the kernel lab (native/bench/cuda) through the ops that use it.
 */
#include "chunk_common.cuh"
#include "chunk_stages.h"
#include "wgmma.cuh"

namespace gla {

// The gate work of one chunk and 64 key channels, done once for every block of the state pass that reads them
// (one per value tile and key slice): the forward rows k e^{L - G} as the update takes them (transform_rows) from
// p.x into p.xt, and the chunk's decay e^{L} into decay[chunk][h][K]. One block per (chunk, head, 64 channels).
// BOTH (the backward, launch_bwd_state_gates): also the reverse rows scale q e^{G} from r.x into r.xt, from the
// same read of the gates (the largest input, fp32); the reverse pass takes only these.
constexpr int kGateBK = 64;

struct RevRows { // BOTH: the reverse pass's x (q), xt and scale
    const void* x;
    void* xt;
    float xscale;
};

template <class T, bool BOTH> struct GateSmem {
    using C = ChunkTiles<T, kGateBK>;
    static constexpr size_t off_x2 = C::bytes_qk; // BOTH: the reverse rows
    static constexpr size_t off_g = off_x2 + (BOTH ? C::bytes_qk : 0);
    static constexpr size_t off_vec = off_g + C::bytes_g;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t bytes = off_misc + C::bytes_misc;
};

template <class T, bool BOTH>
__global__ void __launch_bounds__(kThreads) chunk_state_gates_kernel(StateParams p, RevRows r) {
    using L = GateSmem<T, BOTH>;
    using C = ChunkTiles<T, kGateBK>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* x_s = reinterpret_cast<T*>(smem);
    T* x2_s = reinterpret_cast<T*>(smem + L::off_x2);
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    const Vecs<kGateBK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, kGateBK> mi(smem + L::off_misc);
    const int c = blockIdx.x, h = blockIdx.y, k0 = blockIdx.z * kGateBK, H = p.H, K = p.K;
    const int Kb = min(kGateBK, K - k0);
    int n;
    int64_t start, end;
    p.seqs.chunk(c, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t rk = (int64_t)H * K, row0 = (start * H + h) * K + k0;
    const T* xb = static_cast<const T*>(p.x) + row0;
    load_tile_async<T, kChunk, kGateBK>(x_s, C::LQ, xb, rk, nrows, Kb, vec_ok<T>(xb, rk));
    if constexpr (BOTH) {
        const T* x2b = static_cast<const T*>(r.x) + row0;
        load_tile_async<T, kChunk, kGateBK>(x2_s, C::LQ, x2b, rk, nrows, Kb, vec_ok<T>(x2b, rk));
    }
    load_gate_async<kGateBK>(G_s, C::LG, p.g, start, nrows, H, h, K, p.head_gate, k0, Kb);
    cp_async_commit();
    cp_async_wait<0>();
    __syncthreads();
    mi.gate_sums(G_s);
    __syncthreads();
    chunk_prepare<T, kGateBK, true>(mi, vec, BOTH ? r.xscale : 1.f); // the scale enters U (q side) only
    transform_rows<T, kGateBK, false>(x_s, mi.gate(G_s), vec);
    if constexpr (BOTH) transform_rows<T, kGateBK, true>(x2_s, mi.gate(G_s), vec);
    __syncthreads();
    auto store_rows = [&](const T* rows, void* dst) {
        T* xt = static_cast<T*>(dst) + row0;
        constexpr int VEC = 16 / sizeof(T); // elements a 16-byte copy
        if (Kb == kGateBK && vec_ok<T>(xt, rk)) {
            for (int i = threadIdx.x; i < nrows * (kGateBK / VEC); i += kThreads) {
                const int t = i / (kGateBK / VEC), col = i % (kGateBK / VEC) * VEC;
                *reinterpret_cast<uint4*>(xt + t * rk + col) = *reinterpret_cast<const uint4*>(rows + t * C::LQ + col);
            }
        } else {
            for (int i = threadIdx.x; i < nrows * kGateBK; i += kThreads) {
                const int t = i / kGateBK, col = i % kGateBK;
                if (col < Kb) xt[t * rk + col] = rows[t * C::LQ + col];
            }
        }
    };
    store_rows(x_s, p.xt);
    if constexpr (BOTH) store_rows(x2_s, r.xt);
    float* out = p.decay + ((int64_t)c * H + h) * K + k0;
    for (int col = threadIdx.x; col < Kb; col += kThreads) out[col] = vec.D()[col];
}

template <class T, bool BOTH>
static cudaError_t launch_gates(const StateParams& p, const RevRows& r, cudaStream_t stream) {
    if (p.seqs.NC == 0) return cudaSuccess;
    return launch_smem(chunk_state_gates_kernel<T, BOTH>, dim3(p.seqs.NC, p.H, (p.K + kGateBK - 1) / kGateBK),
                       GateSmem<T, BOTH>::bytes, stream, p, r);
}

cudaError_t launch_bwd_state_gates(const StateParams& fwd, const StateParams& rev, int dtype, cudaStream_t stream) {
    const RevRows r{rev.x, rev.xt, rev.xscale};
    return dtype == 1 ? launch_gates<bf16, true>(fwd, r, stream) : launch_gates<float, true>(fwd, r, stream);
}

// x and y double-buffered (the next chunk's rows arrive by cp.async while this chunk's update runs), and, gated,
// the chunk's decay (from chunk_state_gates_kernel) beside them in a Vecs (ungated ones hold the constant factors).
template <class T, int BK, int BV> struct StateSmem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr size_t bytes_y = sizeof(T) * kChunk * LV;
    static constexpr size_t off_x1 = C::bytes_qk;
    static constexpr size_t off_y0 = off_x1 + C::bytes_qk;
    static constexpr size_t off_y1 = off_y0 + bytes_y;
    static constexpr size_t off_vec = off_y1 + bytes_y; // two Vecs
    static constexpr size_t off_misc = off_vec + 2 * C::bytes_vec;
    static constexpr size_t off_stage = (off_misc + C::bytes_misc + 15) / 16 * 16; // bf16: each warp's store stage
    static constexpr size_t bytes = off_stage + (sizeof(T) == 2 ? kWarps * StateTile<T, BK, BV, true>::kStageBytes : 0);
    static_assert(bytes_y % 16 == 0 && C::bytes_qk % 16 == 0 && C::bytes_vec % 16 == 0, "16-byte aligned tiles");
};

template <class T, int BK, int BV, bool GATED, bool REV>
__global__ void __launch_bounds__(kThreads, BK <= 128 ? 2 : 1) chunk_state_kernel(StateParams p) {
    using L = StateSmem<T, BK, BV>;
    using C = ChunkTiles<T, BK>;
    using ST = StateTile<T, BK, BV, GATED>;
    extern __shared__ __align__(16) unsigned char smem[];
    auto x_b = [&](int idx) { return reinterpret_cast<T*>(smem + (idx & 1) * L::off_x1); };
    auto y_b = [&](int idx) { return reinterpret_cast<T*>(smem + L::off_y0 + (idx & 1) * L::bytes_y); };
    auto vec_b = [&](int idx) {
        return Vecs<BK>{reinterpret_cast<float*>(smem + L::off_vec + (GATED ? idx & 1 : 0) * C::bytes_vec)};
    };

    const int H = p.H, K = p.K, V = p.V, value_tiles = (V + BV - 1) / BV;
    const int v0 = blockIdx.x % value_tiles * BV, k0 = blockIdx.x / value_tiles * p.key_slice, h = blockIdx.y,
              n = blockIdx.z;
    const int Kb = min(p.key_slice, K - k0); // this block's keys: k0 .. k0 + Kb - 1
    const int64_t KV = (int64_t)K * V, rk = (int64_t)H * K, rv = (int64_t)H * V, row0 = (int64_t)k0 * V;
    // gated: the rows rescaled by chunk_state_gates_kernel
    const T* x = static_cast<const T*>(GATED ? p.xt : p.x);
    const T* y = static_cast<const T*>(p.y);
    T* states = static_cast<T*>(p.states);

    ST st;
    st.load(p.init ? p.init + ((int64_t)n * H + h) * KV + row0 + v0 : nullptr, V, Kb, V - v0);
    if constexpr (!GATED) chunk_prepare<T, BK, false>(ChunkMisc<T, BK>(smem + L::off_misc), vec_b(0), p.xscale);
    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int c0 = p.seqs.first_chunk(n);
    const int nch = (int)((eos - bos + kChunk - 1) / kChunk);
    auto chunk_of = [&](int idx) { return REV ? nch - 1 - idx : idx; };
    auto chunk_start = [&](int idx) { return bos + (int64_t)chunk_of(idx) * kChunk; };
    auto issue = [&](int idx) { // chunk idx's rows (and factor vectors) into buffer idx % 2
        if (idx < nch) {
            const int64_t start = chunk_start(idx);
            const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
            const T* xb = x + (start * H + h) * K + k0;
            const T* yb = y + (start * H + h) * V + v0;
            load_tile_async<T, kChunk, BK>(x_b(idx), C::LQ, xb, rk, nrows, Kb, vec_ok<T>(xb, rk));
            load_tile_async<T, kChunk, BV>(y_b(idx), L::LV, yb, rv, nrows, V - v0, vec_ok<T>(yb, rv));
            if constexpr (GATED) {
                const float* d = p.decay + ((int64_t)(c0 + chunk_of(idx)) * H + h) * K + k0;
                load_tile_async<float, 1, BK>(vec_b(idx).D(), BK, d, K, 1, Kb, vec_ok<float>(d, K));
            }
        }
        cp_async_commit();
    };
    const bool pair = V % 2 == 0 && (uintptr_t)states % (2 * sizeof(T)) == 0;
    const bool rows16 = sizeof(T) == 2 && V % 8 == 0 && (uintptr_t)states % 16 == 0 && v0 + BV <= V;
    issue(0);
    for (int idx = 0; idx < nch; idx++) {
        { // the state entering this chunk (forward) or the gradient leaving it (reverse)
            T* dst = states + ((int64_t)(c0 + chunk_of(idx)) * H + h) * KV + row0 + v0;
            if (rows16) {
                st.store_rows16_staged(dst, V, Kb,
                                       reinterpret_cast<T*>(smem + L::off_stage + warp_id() * ST::kStageBytes));
            } else {
#pragma unroll
                for (int m = 0; m < ST::MT; m++)
#pragma unroll
                    for (int nt = 0; nt < ST::NT; nt++)
#pragma unroll
                        for (int hr = 0; hr < 2; hr++) {
                            const int r = st.row(m) + c_row(2 * hr), c = st.col(nt) + c_col(0);
                            if (r >= Kb || c >= V - v0) continue;
                            if (pair) {
                                store_pair(dst + r * (int64_t)V + c, st.s[m][nt].x[2 * hr], st.s[m][nt].x[2 * hr + 1]);
                            } else {
                                dst[r * (int64_t)V + c] = from_f<T>(st.s[m][nt].x[2 * hr]);
                                if (c + 1 < V - v0) dst[r * (int64_t)V + c + 1] = from_f<T>(st.s[m][nt].x[2 * hr + 1]);
                            }
                        }
            }
        }
        cp_async_wait<0>();
        __syncthreads(); // this chunk's rows are visible; every warp is done with the previous chunk's buffers
        if (idx + 2 < nch)
            prefetch_rows<T>(x, nullptr, y, nullptr, chunk_start(idx + 2), eos, H, h, K, V, v0, BV, false, k0, Kb);
        issue(idx + 1);
        st.template update<REV, GATED>(x_b(idx), vec_b(idx), y_b(idx), true);
    }
    if (p.final_state) st.store(p.final_state + ((int64_t)n * H + h) * KV + row0 + v0, V, Kb, V - v0);
}

// The same walk on warpgroup MMAs (sm_90a, bf16, K and V multiples of 64, 16-byte aligned rows): one warpgroup per
// 64 x 64 tile of the state (keys k0.., value columns v0..), its fp32 tile in registers, h <- decay h + x^T y as
// wgmma with both operands transposed from swizzled tiles (wgmma.cuh) in a ring of three chunks; each chunk's state
// leaves through per-warp stages in 16-byte row segments. 61 KiB: three blocks per SM; the gated reverse pass also
// takes the forward pass's state tile of each chunk through the ring, for dg's anchors (88 KiB: two blocks per SM).
template <bool ANCHORS> struct StateWgSmem {
    static constexpr int NS = 3, B = 64, THREADS = 128, LS = B + 8; // LS: the entering state's row pitch
    static constexpr size_t bytes_tile = 2 * kChunk * B;              // x or y: 64 rows of 64 columns
    static constexpr size_t bytes_s = ANCHORS ? 2 * B * LS : 0;       // the entering state's tile (9 KiB)
    static constexpr size_t bytes_stage = 2 * bytes_tile + 1024 + bytes_s; // x, y, decay (64 floats), state
    static constexpr size_t warp_stage = staged_bytes(B);
    static constexpr size_t off_out = NS * bytes_stage;
    static constexpr size_t bytes = off_out + 4 * warp_stage + 1024; // + the slack that aligns the tiles to 1 KiB
};

template <bool GATED, bool REV>
__global__ void __launch_bounds__(StateWgSmem<false>::THREADS, 3) chunk_state_wg_kernel(StateParams p) {
#if GLA_WGMMA
    using L = StateWgSmem<GATED && REV>;
    constexpr int NS = L::NS, B = L::B;
    extern __shared__ __align__(16) unsigned char smem_raw[];
    unsigned char* smem = smem_raw + ((1024 - smem_addr(smem_raw) % 1024) % 1024);
    auto x_of = [&](int b) { return smem + b * L::bytes_stage; };
    auto y_of = [&](int b) { return smem + b * L::bytes_stage + L::bytes_tile; };
    auto d_of = [&](int b) { return reinterpret_cast<float*>(smem + b * L::bytes_stage + 2 * L::bytes_tile); };
    auto s_of = [&](int b) { return reinterpret_cast<bf16*>(smem + b * L::bytes_stage + 2 * L::bytes_tile + 1024); };

    const int H = p.H, K = p.K, V = p.V, value_tiles = V / B;
    const int v0 = blockIdx.x % value_tiles * B, k0 = blockIdx.x / value_tiles * B, h = blockIdx.y, n = blockIdx.z;
    const int64_t KV = (int64_t)K * V, off = (int64_t)k0 * V + v0;
    const bf16* x = static_cast<const bf16*>(GATED ? p.xt : p.x); // gated: the rows the gate pass rescaled
    const bf16* y = static_cast<const bf16*>(p.y);
    bf16* states = static_cast<bf16*>(p.states);
    const int w = warp_id();

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int c0 = p.seqs.first_chunk(n);
    const int nch = (int)((eos - bos + kChunk - 1) / kChunk);
    auto chunk_of = [&](int idx) { return REV ? nch - 1 - idx : idx; };
    const SwCopy<B, L::THREADS> copy_x((int64_t)H * K), copy_y((int64_t)H * V);
    // Gated reverse with the forward pass's states: dg's anchor of each chunk (chunk_bwd_dg.cu), sum_v S ⊙ dS with
    // S the state entering the chunk (copied with the chunk's rows) and dS its gradient, which the chunk's update
    // leaves in hs; this tile's part (64 keys, 64 value columns) into anchor_parts.
    [[maybe_unused]] const bool anchors = GATED && REV && p.anchor_parts;
    auto issue = [&](int idx) { // chunk idx's rows (and decay) into stage idx % NS; one copy group, empty past the end
        if (idx < nch) {
            const int64_t start = bos + (int64_t)chunk_of(idx) * kChunk;
            const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk), b = idx % NS;
            copy_x.issue(x_of(b), x + (start * H + h) * K + k0, nrows);
            copy_y.issue(y_of(b), y + (start * H + h) * V + v0, nrows);
            if (GATED && threadIdx.x < B / 4)
                cp_async16(d_of(b) + 4 * threadIdx.x,
                           p.decay + ((int64_t)(c0 + chunk_of(idx)) * H + h) * K + k0 + 4 * threadIdx.x, 16);
            if constexpr (GATED && REV)
                if (anchors) {
                    const bf16* S =
                        static_cast<const bf16*>(p.entering) + ((int64_t)(c0 + chunk_of(idx)) * H + h) * KV + off;
                    for (int i = threadIdx.x; i < B * B / 8; i += L::THREADS) // 16-byte pieces, 8 a row
                        cp_async16(s_of(b) + i / 8 * L::LS + i % 8 * 8, S + (int64_t)(i / 8) * V + i % 8 * 8, 16);
                }
        }
        cp_async_commit();
    };
    // element e of tile j: key k0 + 16 w + c_row(e), value column v0 + 8 j + c_col(e)
    WgAcc hs;
    auto each = [&](auto f) { // f(element, its index in a [K, V] state from the tile's corner)
#pragma unroll
        for (int j = 0; j < 8; j++)
#pragma unroll
            for (int e = 0; e < 4; e++) f(hs.t[j].x[e], (int64_t)(16 * w + c_row(e)) * V + 8 * j + c_col(e));
    };
    // Ungated reverse: hs holds dh / scale, so that each update adds q^T do as the product makes it (gated rows come
    // scaled from the gate pass); states and dh0 leave multiplied back.
    constexpr bool SCALED = !GATED && REV;
    const float u = SCALED ? p.xscale : 1.f;
    const float* init = p.init ? p.init + ((int64_t)n * H + h) * KV + off : nullptr;
    each([&](float& s, int64_t i) { s = init ? init[i] / u : 0.f; });
#pragma unroll
    for (int j = 0; j < NS - 1; j++) issue(j);
    bf16* stage = reinterpret_cast<bf16*>(smem + L::off_out + w * L::warp_stage);
    for (int idx = 0; idx < nch; idx++) {
        // the state entering this chunk (forward) or the gradient leaving it (reverse)
        bf16* out = states + ((int64_t)(c0 + chunk_of(idx)) * H + h) * KV + off;
        if constexpr (SCALED) {
            WgAcc o = hs;
            wg_scale(o, u);
            store_tiles16_staged<8>(out, V, o.t, 16 * w, 0, B, stage);
        } else {
            store_tiles16_staged<8>(out, V, hs.t, 16 * w, 0, B, stage);
        }
        cp_async_wait<NS - 2>();
        fence_proxy_async();
        __syncthreads(); // this chunk's rows visible; the stage of the chunk before free
        issue(idx + NS - 1);
        const int b = idx % NS;
        if constexpr (GATED) {
            const float d0 = d_of(b)[16 * w + c_row(0)], d1 = d_of(b)[16 * w + c_row(2)];
#pragma unroll
            for (int j = 0; j < 8; j++) {
                hs.t[j].x[0] *= d0, hs.t[j].x[1] *= d0;
                hs.t[j].x[2] *= d1, hs.t[j].x[3] *= d1;
            }
        }
        wg_fence();
#pragma unroll
        for (int kk = 0; kk < 4; kk++)
            wg_mma_ss<1, 1>(hs, wg_desc(x_of(b) + 2048 * kk, kChunk * 128, 1024),
                            wg_desc(y_of(b) + 2048 * kk, kChunk * 128, 1024), true);
        wg_commit();
        wg_wait<0>();
        wg_hold(hs);
        if constexpr (GATED && REV)
            if (anchors) { // rows 16 w + lane / 4 (a[0]) and 8 below it (a[1]), summed over the lanes of a quad
                float a[2] = {0.f, 0.f};
#pragma unroll
                for (int j = 0; j < 8; j++)
#pragma unroll
                    for (int e = 0; e < 4; e += 2) {
                        const float2 sv = ld_pair(s_of(b) + (16 * w + c_row(e)) * L::LS + 8 * j + c_col(e));
                        a[e / 2] += hs.t[j].x[e] * sv.x + hs.t[j].x[e + 1] * sv.y;
                    }
#pragma unroll
                for (int r = 0; r < 2; r++) {
                    a[r] += __shfl_xor_sync(0xffffffffu, a[r], 1);
                    a[r] += __shfl_xor_sync(0xffffffffu, a[r], 2);
                }
                if (lane_id() % 4 == 0) {
                    float* out = p.anchor_parts +
                                 (((int64_t)(c0 + chunk_of(idx)) * H + h) * value_tiles + v0 / B) * K + k0 + 16 * w +
                                 lane_id() / 4;
                    out[0] = a[0], out[8] = a[1];
                }
            }
    }
    if (p.final_state) {
        float* fs = p.final_state + ((int64_t)n * H + h) * KV + off;
        each([&](float& s, int64_t i) { fs[i] = s * u; });
    }
#endif
}

// Whether chunk_state_wg_kernel takes the problem: bf16 (the caller's), its shapes and alignment, the sm_90a binary
// on this device; ungated reverse, a scale within 2^±20 (the walk keeps dh / scale in fp32; heads take 1/sqrt(K)).
template <bool GATED, bool REV> static bool state_wg_fits(const StateParams& p) {
    auto aligned = [](const void* q) { return (uintptr_t)q % 16 == 0; };
    const float u = fabsf(p.xscale);
    return p.K % 64 == 0 && p.V % 64 == 0 && (GATED || !REV || (u >= 0x1p-20f && u <= 0x1p20f)) &&
           aligned(GATED ? p.xt : p.x) && aligned(p.y) && aligned(p.states) && (!GATED || aligned(p.decay)) &&
           wgmma_compiled(chunk_state_wg_kernel<GATED, REV>);
}

bool chunk_states_anchor(const StateParams& p, int dtype) { return dtype == 1 && state_wg_fits<true, true>(p); }

template <class T, int BK, int BV, bool GATED, bool REV>
static cudaError_t launch_state(const StateParams& p, cudaStream_t stream) {
    using L = StateSmem<T, BK, BV>;
    static_assert(L::bytes <= 227 * 1024, "shared memory");
    const int key_slices = (p.K + p.key_slice - 1) / p.key_slice;
    // gated: the forward pass makes its rows here unless launch_bwd_state_gates made them; the reverse pass only
    // ever takes rows made there
    if constexpr (GATED) {
        if (REV && !p.gates_done) return cudaErrorInvalidValue;
        if (!p.gates_done) {
            const cudaError_t err = launch_gates<T, false>(p, RevRows{}, stream);
            if (err != cudaSuccess) return err;
        }
    }
    // every sequence's block walks, so an empty one still writes its final state (the initial one)
    if constexpr (sizeof(T) == 2)
        if (state_wg_fits<GATED, REV>(p)) {
            using W = StateWgSmem<GATED && REV>;
            static_assert((GATED && REV ? 2 : 3) * (W::bytes + 1024) <= 228 * 1024, "three (two) blocks per SM");
            return launch_smem<W::THREADS>(chunk_state_wg_kernel<GATED, REV>,
                                           dim3(p.V / W::B * (p.K / W::B), p.H, p.seqs.N), W::bytes, stream, p);
        }
    return launch_smem(chunk_state_kernel<T, BK, BV, GATED, REV>, dim3((p.V + BV - 1) / BV * key_slices, p.H, p.seqs.N),
                       L::bytes, stream, p);
}

template <class T, int BK, bool GATED, bool REV>
static cudaError_t launch_state_bv(const StateParams& p, cudaStream_t stream) {
    switch (p.value_tile) {
    case 32: return launch_state<T, BK, 32, GATED, REV>(p, stream);
    case 64: return launch_state<T, BK, 64, GATED, REV>(p, stream);
    default: return cudaErrorInvalidValue;
    }
}

template <class T, bool GATED, bool REV>
static cudaError_t launch_state_bk(const StateParams& p, cudaStream_t stream) {
    switch (key_tile(p.key_slice)) {
    case 64: return launch_state_bv<T, 64, GATED, REV>(p, stream);
    case 128: return launch_state_bv<T, 128, GATED, REV>(p, stream);
    case 256:
        if constexpr (sizeof(T) == 2) return launch_state_bv<T, 256, GATED, REV>(p, stream);
        [[fallthrough]];
    default: return cudaErrorInvalidValue;
    }
}

template <class T>
static cudaError_t launch_state_t(const StateParams& p, bool gated, bool reverse, cudaStream_t stream) {
    if (gated) return reverse ? launch_state_bk<T, true, true>(p, stream) : launch_state_bk<T, true, false>(p, stream);
    return reverse ? launch_state_bk<T, false, true>(p, stream) : launch_state_bk<T, false, false>(p, stream);
}

cudaError_t launch_chunk_states(const StateParams& p, int dtype, bool gated, bool reverse, cudaStream_t stream) {
    return dtype == 1 ? launch_state_t<bf16>(p, gated, reverse, stream) : launch_state_t<float>(p, gated, reverse, stream);
}

} // namespace gla

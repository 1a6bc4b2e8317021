/*
 * chunk_common.cuh — the pieces of one 64-token chunk shared by the chunk stages (GUIDE §2): gate factors,
 * the intra-chunk attention matrix A with secondary chunking, the output tile o = A v + (q e^G) h, and the
 * warp tiling of a BK x BV state with its rank-64 update. Every function is called by all 256 threads.
 *
 * Gate factors (G = chunk-local cumulative log gate, sub-chunk i = rows 16i..16i+15, r_i = G[16i-1] with
 * r_0 = 0, E_i = G[16i+15], L = G[63], S_i = E_i - r_i): once per chunk, q and k are rescaled in shared memory to
 *     qt[t] = q[t] e^{G[t] - r_i}        kb[s] = k[s] e^{E_j - G[s]}         (both exponents <= 0)
 * with the exponents from the sub-chunk-anchored gate tile (gate_sums, GateTile), and every other factor is a
 * per-channel vector (Vecs) summed from the S_i alone: U_i = scale e^{r_i}, Z_j = e^{L - E_j},
 * W_ij = e^{r_i - E_j} (i > j), D = e^{L}. Then, with ldmatrix fragments scaled by those vectors,
 *     A_ij = (qt_i W_ij) kb_j^T (i > j),   q e^G scale = qt_i U_i,   k e^{L-G} = kb_j Z_j.
 * Diagonal blocks (paper §4.3: fp32 inside sub-chunks) are factored around r_i on 3xTF32 from the raw q, k
 * when the gate drops by at most kFactorLimit inside the sub-chunk, else summed exactly per element with
 * exp(G[t] - G[s]) for s <= t only: no positive exponent of a masked entry is ever evaluated.
 * Warp w works on sub-chunk i = w/2 and half w%2 (of the column blocks or of the output columns).
 */
#ifndef GLA_CHUNK_COMMON_CUH
#define GLA_CHUNK_COMMON_CUH

#include "gla_kernels.cuh"

namespace gla {

// Chunk-level shared tiles common to the forward and backward kernels.
template <class T, int BK> struct ChunkTiles {
    static constexpr int LQ = pitch<T>(BK);       // q, k rows
    static constexpr int LG = pitch<float>(BK);   // cumulative gate rows
    static constexpr int LA = pitch<T>(kChunk);   // A rows
    static constexpr size_t bytes_qk = sizeof(T) * kChunk * LQ;
    static constexpr size_t bytes_g = sizeof(float) * kChunk * LG;
    static constexpr size_t bytes_a = sizeof(T) * kChunk * LA;
    static constexpr size_t bytes_vec = sizeof(float) * 15 * BK;
    // fp32 tiles anchor each gate row at the nearer end of its sub-chunk (gate_sums); bf16 ones need not
    static constexpr bool kSplit = sizeof(T) == 4;
    using Gate = GateTile<BK, kSplit>;
    // ChunkMisc: the sub-chunk sums S_i, the factoring flags, the split rows
    static constexpr size_t bytes_misc = sizeof(float) * 4 * BK + 16 * sizeof(int) + (kSplit ? 4 * BK : 0);
};

// The small per-chunk arrays (bytes_misc at base): S_i = E_i - r_i per sub-chunk and channel, the per-sub-chunk
// factoring flags, and (kSplit) the first end-anchored row per sub-chunk and channel.
template <class T, int BK> struct ChunkMisc {
    float* sums;
    int* flags;
    uint8_t* split;
    __device__ __forceinline__ explicit ChunkMisc(unsigned char* base)
        : sums(reinterpret_cast<float*>(base)), flags(reinterpret_cast<int*>(sums + 4 * BK)),
          split(reinterpret_cast<uint8_t*>(flags + 16)) {}
    __device__ __forceinline__ typename ChunkTiles<T, BK>::Gate gate(const float* G_s) const {
        return {G_s, ChunkTiles<T, BK>::LG, sums, split};
    }
    // The raw gates in G_s become the anchored cumulative gate. The caller syncs afterwards.
    __device__ __forceinline__ void gate_sums(float* G_s) const {
        gla::gate_sums<BK, ChunkTiles<T, BK>::kSplit>(G_s, ChunkTiles<T, BK>::LG, sums, split);
    }
};

// Per-channel gate factors of one chunk (fp32, BK each).
template <int BK> struct Vecs {
    float* base;
    __device__ __forceinline__ float* U(int i) const { return base + i * BK; }         // scale e^{r_i}
    __device__ __forceinline__ float* Z(int j) const { return base + (4 + j) * BK; }   // e^{L - E_j}
    __device__ __forceinline__ float* W(int i, int j) const {                           // e^{r_i - E_j}, i > j
        return base + (8 + i * (i - 1) / 2 + j) * BK;
    }
    __device__ __forceinline__ float* D() const { return base + 14 * BK; }              // e^{L}
};

// After gate_sums: the factor vectors and the per-sub-chunk factoring flags. Each exponent is the sum of the S_i
// between its two ends (r_i - E_j = S_{j+1} + ... + S_{i-1}), never a difference of cumulative gates. Ends
// synchronized.
template <class T, int BK, bool GATED>
__device__ __forceinline__ void chunk_prepare(const ChunkMisc<T, BK>& mi, Vecs<BK> vec, float scale) {
    for (int c = threadIdx.x; c < BK; c += kThreads) {
        float S[4];
#pragma unroll
        for (int i = 0; i < 4; i++) S[i] = GATED ? mi.sums[i * BK + c] : 0.f;
        float r = 0.f, z = 0.f;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            vec.U(i)[c] = scale * gexp<GATED>(r);
            r += S[i];
            vec.Z(3 - i)[c] = gexp<GATED>(z);
            z += S[3 - i];
            float w = 0.f;
#pragma unroll
            for (int j = i - 1; j >= 0; j--) {
                vec.W(i, j)[c] = gexp<GATED>(w);
                w += S[j];
            }
        }
        vec.D()[c] = gexp<GATED>(r);
    }
    factor_flags<BK, GATED>(mi.sums, mi.flags);
    __syncthreads();
}

// In place, for the state pass: x[t] *= e^{G[t] - r_i} U_i = scale e^{G[t]} (QSIDE) or e^{E_i - G[t]} Z_i =
// e^{L - G[t]} (key side), i = t / 16: the rows the state update takes as they are. The caller syncs.
template <class T, int BK, bool QSIDE>
__device__ __forceinline__ void transform_rows(T* __restrict__ x_s, const typename ChunkTiles<T, BK>::Gate& gate,
                                               Vecs<BK> vec) {
    using C = ChunkTiles<T, BK>;
    constexpr int VEC = 16 / sizeof(T), PER_ROW = BK / VEC;
    for (int idx = threadIdx.x; idx < kChunk * PER_ROW; idx += kThreads) {
        const int t = idx / PER_ROW, c0 = (idx % PER_ROW) * VEC;
        const float* f = (QSIDE ? vec.U(t / kSub) : vec.Z(t / kSub)) + c0;
        union {
            uint4 u;
            T e[VEC];
        } x;
        x.u = *reinterpret_cast<const uint4*>(x_s + t * C::LQ + c0);
#pragma unroll
        for (int e = 0; e < VEC; e++) {
            const float ex = QSIDE ? gate.gq(t, c0 + e) : gate.gk(t, c0 + e);
            x.e[e] = from_f<T>(to_f(x.e[e]) * fexp(ex) * f[e]);
        }
        *reinterpret_cast<uint4*>(x_s + t * C::LQ + c0) = x.u;
    }
}

// Exact entry of a diagonal block, sum_c q[t,c] k[s,c] exp(g[s+1,c] + ... + g[t,c]) (s <= t): the path of
// strongly gated sub-chunks, kept out of line so that it does not bloat the kernels' hot code.
template <class T>
__device__ __noinline__ float diag_exact(const T* q_s, const T* k_s, int LQ, GateRows gr, int t, int s, int BK) {
    float sum = 0.f;
    for (int c = 0; c < BK; c++) {
        float ex = 0.f;
        for (int u = s + 1; u <= t; u++) ex += gr.at(u, c);
        sum += to_f(q_s[t * LQ + c]) * to_f(k_s[s * LQ + c]) * fexp(ex);
    }
    return sum;
}

// Two adjacent elements of a shared tile as fp32, and back.
__device__ __forceinline__ float2 ld_pair(const bf16* p) {
    return __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(p));
}
__device__ __forceinline__ float2 ld_pair(const float* p) { return *reinterpret_cast<const float2*>(p); }

// Warps 2i and 2i + 1 (sub-chunk i's pair) wait for each other: named barrier 1 + i (immediate ids, so that
// ptxas counts five barriers, not all sixteen).
__device__ __forceinline__ void pair_sync(int i) {
    switch (i) {
    case 0: asm volatile("bar.sync 1, 64;\n" ::); break;
    case 1: asm volatile("bar.sync 2, 64;\n" ::); break;
    case 2: asm volatile("bar.sync 3, 64;\n" ::); break;
    default: asm volatile("bar.sync 4, 64;\n" ::); break;
    }
}

// Diagonal 16x16 blocks of A from the raw q, k, and in the same pass the rescaled rows qt, kb in place of them
// (transform_rows): warp (i, half) owns rows 16i.. and channels half*BK/2.. of both tiles, reads each element once
// and writes it back rescaled, so the exponentials of the diagonal blocks are those of the rescaling (45% of the
// output pass's instructions were the two separately). The tf32 fragments take channel 2t + m for the thread's
// k index t + 4m: the same permutation on both sides leaves the sum as it is and makes each access a pair.
// Factored sub-chunks (3xTF32): the two warps' partial blocks over their channel halves are summed through A's
// row block i, which nothing else touches before the caller's barrier; the block is scaled and masked to s <= t.
// bf16 tiles take kb = b e^{S_i} from the diagonal block's k operand b = k e^{-G} (one exponential less).
// Others: entries by exact per-element sums from the raw tiles (warp half: columns 8*half..), then the rescaling.
template <class T, int BK>
__device__ void compute_A_diag(T* __restrict__ q_s, T* __restrict__ k_s, const typename ChunkTiles<T, BK>::Gate& gate,
                               const int* __restrict__ flags, T* __restrict__ A_s, float scale, const GateRows& gr) {
    using C = ChunkTiles<T, BK>;
    constexpr int LQ = C::LQ, LA = C::LA, HALF = BK / 2;
    using MF = Mma<float>;
    const int w = warp_id(), i = w >> 1, half = w & 1, g = lane_id() >> 2, t = lane_id() & 3;
    const int r0 = 16 * i, cbeg = half * HALF;
    if (flags[i]) {
        // e^{S_i} of the warp's channels (bf16: kb from b), in A's row block past the partial block
        float* es = reinterpret_cast<float*>(A_s + r0 * LA) + 256;
        static_assert(C::kSplit || sizeof(T) * 16 * LA >= 4 * (256 + BK), "e^{S_i} fits in A's row block");
        if constexpr (!C::kSplit) {
            for (int c = cbeg + lane_id(); c < cbeg + HALF; c += 32) es[c] = fexp(gate.sums[i * BK + c]);
            __syncwarp();
        }
        FragC acc[2];
        acc[0].zero();
        acc[1].zero();
#pragma unroll 1
        for (int c0 = cbeg; c0 < cbeg + HALF; c0 += 16) {
            typename MF::A a;
            typename MF::B b[2];
#pragma unroll
            for (int h = 0; h < 2; h++) {
                const int c = c0 + 8 * h + 2 * t;
#pragma unroll
                for (int rr = 0; rr < 2; rr++) { // q rows g, g + 8: A elements (row, k = t + 4m) at channel c + m
                    const int row = r0 + g + 8 * rr;
                    float2 x = ld_pair(q_s + row * LQ + c);
                    x.x *= fexp(gate.gq(row, c));
                    x.y *= fexp(gate.gq(row, c + 1));
                    a.x[4 * h + rr] = x.x;
                    a.x[4 * h + 2 + rr] = x.y;
                    store_pair(q_s + row * LQ + c, x.x, x.y); // qt
                }
#pragma unroll
                for (int nt = 0; nt < 2; nt++) { // k rows 8nt + g: B elements (k = t + 4m, col g) at channel c + m
                    const int row = r0 + 8 * nt + g;
                    const float2 x = ld_pair(k_s + row * LQ + c);
                    const float b0 = x.x * fexp(-gate.gq(row, c)), b1 = x.y * fexp(-gate.gq(row, c + 1));
                    b[nt].x[2 * h] = b0;
                    b[nt].x[2 * h + 1] = b1;
                    if constexpr (C::kSplit) { // fp32: kb from its own exponent, anchored near the row (gate_sums)
                        store_pair(k_s + row * LQ + c, x.x * fexp(gate.gk(row, c)), x.y * fexp(gate.gk(row, c + 1)));
                    } else { // kb = k e^{S_i - G} = b e^{S_i}, both factors finite in a factored sub-chunk
                        store_pair(k_s + row * LQ + c, b0 * es[c], b1 * es[c + 1]);
                    }
                }
            }
            const auto as = MF::split(a);
            MF::mma(acc[0], as, b[0]);
            MF::mma(acc[1], as, b[1]);
        }
        float4* red = reinterpret_cast<float4*>(A_s + r0 * LA) + 2 * lane_id();
        static_assert(sizeof(T) * 16 * LA >= 32 * 32, "a warp's partial block fits in A's row block");
        if (half) {
            red[0] = make_float4(acc[0].x[0], acc[0].x[1], acc[0].x[2], acc[0].x[3]);
            red[1] = make_float4(acc[1].x[0], acc[1].x[1], acc[1].x[2], acc[1].x[3]);
        }
        pair_sync(i);
        if (half) return;
        const float4 p0 = red[0], p1 = red[1];
        __syncwarp(); // every lane's partial read before the block overwrites it
        acc[0].x[0] += p0.x; acc[0].x[1] += p0.y; acc[0].x[2] += p0.z; acc[0].x[3] += p0.w;
        acc[1].x[0] += p1.x; acc[1].x[1] += p1.y; acc[1].x[2] += p1.z; acc[1].x[3] += p1.w;
#pragma unroll
        for (int nt = 0; nt < 2; nt++) {
#pragma unroll
            for (int e = 0; e < 4; e++)
                if (8 * nt + c_col(e) > c_row(e)) acc[nt].x[e] = 0.f;
            store_c(A_s, LA, r0, r0 + 8 * nt, acc[nt], scale);
        }
    } else {
        FragC acc;
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int tt = r0 + c_row(e), ss = r0 + 8 * half + c_col(e);
            acc.x[e] = ss <= tt ? diag_exact(q_s, k_s, LQ, gr, tt, ss, BK) : 0.f;
        }
        store_c(A_s, LA, r0, r0 + 8 * half, acc, scale);
        pair_sync(i); // both warps done with the raw rows
        for (int idx = lane_id(); idx < 16 * HALF / 2; idx += 32) {
            const int row = r0 + idx / (HALF / 2), c = cbeg + 2 * (idx % (HALF / 2));
            const float2 x = ld_pair(q_s + row * LQ + c), y = ld_pair(k_s + row * LQ + c);
            store_pair(q_s + row * LQ + c, x.x * fexp(gate.gq(row, c)), x.y * fexp(gate.gq(row, c + 1)));
            store_pair(k_s + row * LQ + c, y.x * fexp(gate.gk(row, c)), y.y * fexp(gate.gk(row, c + 1)));
        }
    }
}

// Blocks (i, j) of A below the block diagonal from qt, kb (rescaled by compute_A_diag), warp (i, half) taking
// j = half, half + 2, ...; ungated, also the diagonal blocks (masked), since q k^T needs no factors then.
template <class T, int BK, bool GATED>
__device__ void compute_A_off(const T* __restrict__ qt_s, const T* __restrict__ kb_s, Vecs<BK> vec,
                              T* __restrict__ A_s, float scale) {
    using C = ChunkTiles<T, BK>;
    constexpr int LQ = C::LQ, LA = C::LA;
    using M = Mma<T>;
    const int w = warp_id(), i = w >> 1, half = w & 1;
    const int jmax = GATED ? i - 1 : i;
    for (int j = half; j <= jmax; j += 2) {
        FragC acc[2];
        acc[0].zero();
        acc[1].zero();
        const float* wv = GATED ? vec.W(i, j) : nullptr;
#pragma unroll 2
        for (int kk = 0; kk < BK / 16; kk++) {
            auto a = M::ld_a_row(qt_s + 16 * i * LQ + 16 * kk, LQ);
            if constexpr (GATED) M::map_a(a, [&](int, int c, float x) { return x * wv[16 * kk + c]; });
            typename M::B b[2];
            M::ld_b_nk(b, kb_s + 16 * j * LQ + 16 * kk, LQ);
            M::mma(acc[0], a, b[0]);
            M::mma(acc[1], a, b[1]);
        }
        if (!GATED && j == i) {
#pragma unroll
            for (int nt = 0; nt < 2; nt++)
#pragma unroll
                for (int e = 0; e < 4; e++)
                    if (8 * nt + c_col(e) > c_row(e)) acc[nt].x[e] = 0.f;
        }
        store_c(A_s, LA, 16 * i, 16 * j, acc[0], scale);
        store_c(A_s, LA, 16 * i, 16 * j + 8, acc[1], scale);
    }
}

// The whole A of a chunk whose q_s, k_s, gate tile and vectors are ready; leaves qt, kb in q_s, k_s.
// Ends synchronized.
template <class T, int BK, bool GATED>
__device__ __forceinline__ void compute_A(T* q_s, T* k_s, const typename ChunkTiles<T, BK>::Gate& gate,
                                          const int* flags, Vecs<BK> vec, T* A_s, float scale, const GateRows& gr) {
    if constexpr (GATED) {
        compute_A_diag<T, BK>(q_s, k_s, gate, flags, A_s, scale, gr);
        __syncthreads();
    }
    compute_A_off<T, BK, GATED>(q_s, k_s, vec, A_s, scale);
    __syncthreads();
}

// In place, once A is made: q_s rows of sub-chunk i times U_i (scale e^{r_i}), for the materializing forward,
// whose output tiles would otherwise rescale the same A fragments once per value tile. The caller syncs.
template <class T, int BK>
__device__ __forceinline__ void scale_q_rows(T* __restrict__ q_s, Vecs<BK> vec) {
    constexpr int LQ = ChunkTiles<T, BK>::LQ, VEC = 16 / sizeof(T), PER_ROW = BK / VEC;
    for (int idx = threadIdx.x; idx < kChunk * PER_ROW; idx += kThreads) {
        const int t = idx / PER_ROW, c0 = (idx % PER_ROW) * VEC;
        const float* u = vec.U(t / kSub) + c0;
        union {
            uint4 u;
            T e[VEC];
        } x;
        x.u = *reinterpret_cast<const uint4*>(q_s + t * LQ + c0);
#pragma unroll
        for (int e = 0; e < VEC; e++) x.e[e] = from_f<T>(to_f(x.e[e]) * u[e]);
        *reinterpret_cast<uint4*>(q_s + t * LQ + c0) = x.u;
    }
}

// One BV-column tile of the chunk output, warp (i, half) writing rows 16i.. and columns half*BV/2..:
//   o = A v + (qt U_i) h,   h = H_s (BK x BV, the state entering the chunk, as T); ungated qt = q, U = scale.
// Q_SCALED: q_s holds qt U_i already (scale_q_rows), or the caller's A and oscale carry the ungated scale.
// stage: this warp's shared rows for the 16-byte stores (store_tiles16_staged), or null (the shuffles).
template <class T, int BK, int BV, bool GATED, bool Q_SCALED = false>
__device__ void chunk_o_tile(const T* __restrict__ qt_s, Vecs<BK> vec, const T* __restrict__ A_s,
                             const T* __restrict__ v_s, const T* __restrict__ H_s, T* __restrict__ o,
                             int64_t ostride, int nrows, int v0, int V, float oscale = 1.f,
                             T* __restrict__ stage = nullptr) {
    using C = ChunkTiles<T, BK>;
    constexpr int LQ = C::LQ, LA = C::LA, LV = pitch<T>(BV);
    constexpr int NT = BV / 16; // 8-column tiles per warp
    static_assert(NT % 2 == 0, "BV must be a multiple of 32");
    using M = Mma<T>;
    const int w = warp_id(), i = w >> 1, half = w & 1, col0 = half * (BV / 2);
    FragC acc[NT];
#pragma unroll
    for (int n = 0; n < NT; n++) acc[n].zero();

    for (int j = 0; j <= i; j++) {
        auto a = M::ld_a_row(A_s + 16 * i * LA + 16 * j, LA);
#pragma unroll
        for (int np = 0; np < NT / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, v_s + 16 * j * LV + col0 + 16 * np, LV);
            M::mma(acc[2 * np], a, b[0]);
            M::mma(acc[2 * np + 1], a, b[1]);
        }
    }
    const float* u = vec.U(i);
    // unrolled when the fragments are pure loads: their addresses become constant offsets
#pragma unroll(Q_SCALED ? BK / 16 : 1)
    for (int kk = 0; kk < BK / 16; kk++) {
        auto a = M::ld_a_row(qt_s + 16 * i * LQ + 16 * kk, LQ);
        if constexpr (!Q_SCALED) M::map_a(a, [&](int, int c, float x) { return x * u[16 * kk + c]; });
#pragma unroll
        for (int np = 0; np < NT / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, H_s + 16 * kk * LV + col0 + 16 * np, LV);
            M::mma(acc[2 * np], a, b[0]);
            M::mma(acc[2 * np + 1], a, b[1]);
        }
    }
#pragma unroll
    for (int n = 0; n < NT; n++)
#pragma unroll
        for (int e = 0; e < 4; e++) acc[n].x[e] *= oscale;
    // bf16 tiles of 64 columns and more in 16-byte segments (store_tiles16); the materializing kernel's tiles of 32
    // at two blocks per SM keep the pairs: there the shuffles cost more than the sectors save (H200, both ways at
    // every shape, 14:37 UTC: non-materializing gated 0.78 -> 0.76 ms and 256-key materializing 0.594 -> 0.582
    // with them; 128-key materializing 1.02 -> 1.05 gated and 0.57 -> 0.60 ungated)
    if constexpr (sizeof(T) == 2 && BV >= 64)
        if (ostride % 8 == 0 && (uintptr_t)o % 16 == 0 && v0 + col0 + BV / 2 <= V) {
            if (stage) store_tiles16_staged<NT>(o + v0 + col0, ostride, acc, 16 * i, 0, nrows, stage);
            else store_tiles16<NT>(o + v0 + col0, ostride, acc, 16 * i, 0, nrows);
            return;
        }
    const bool pair = V % 2 == 0 && ostride % 2 == 0 && (uintptr_t)o % (2 * sizeof(T)) == 0;
    if (pair && nrows == kChunk && v0 + BV <= V) { // a whole tile: no bounds per store
        T* o0 = o + (16 * i + c_row(0)) * ostride + v0 + col0 + c_col(0);
        T* o1 = o0 + 8 * ostride;
#pragma unroll
        for (int n = 0; n < NT; n++) {
            store_pair(o0 + 8 * n, acc[n].x[0], acc[n].x[1]);
            store_pair(o1 + 8 * n, acc[n].x[2], acc[n].x[3]);
        }
        return;
    }
#pragma unroll
    for (int n = 0; n < NT; n++)
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
            const int r = 16 * i + c_row(2 * hr), col = v0 + col0 + 8 * n + c_col(0);
            if (r >= nrows || col >= V) continue;
            if (pair) {
                store_pair(o + r * ostride + col, acc[n].x[2 * hr], acc[n].x[2 * hr + 1]);
            } else {
                o[r * ostride + col] = from_f<T>(acc[n].x[2 * hr]);
                if (col + 1 < V) o[r * ostride + col + 1] = from_f<T>(acc[n].x[2 * hr + 1]);
            }
        }
}

// A BK x BV fp32 state spread over the 8 warps as mma accumulators: WM warps along the rows (key channels),
// WN along the columns; each warp holds MT x NT tiles of 16x8.
template <class T, int BK, int BV, bool GATED> struct StateTile {
    static constexpr int WM = BK / 16 < kWarps ? BK / 16 : kWarps;
    static constexpr int WN = kWarps / WM;
    static constexpr int MT = BK / 16 / WM;
    static constexpr int NT = BV / 8 / WN;
    static_assert(MT >= 1 && NT >= 2 && NT % 2 == 0, "state tile shape");
    static constexpr int LV = pitch<T>(BV);
    FragC s[MT][NT];

    __device__ __forceinline__ int row(int mt) const { return 16 * (warp_id() % WM + WM * mt); }
    __device__ __forceinline__ int col(int nt) const { return (warp_id() / WM * NT + nt) * 8; }

    __device__ __forceinline__ void zero() {
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int n = 0; n < NT; n++) s[m][n].zero();
    }
    // Loads rows < K and columns < ncols of a fp32 [K][ld] matrix (zero elsewhere, or everywhere without src).
    __device__ __forceinline__ void load(const float* src, int64_t ld, int K, int ncols) {
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int n = 0; n < NT; n++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int r = row(m) + c_row(e), c = col(n) + c_col(e);
                    s[m][n].x[e] = (src && r < K && c < ncols) ? src[r * ld + c] : 0.f;
                }
    }
    __device__ __forceinline__ void store(float* dst, int64_t ld, int K, int ncols) const {
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int n = 0; n < NT; n++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int r = row(m) + c_row(e), c = col(n) + c_col(e);
                    if (r < K && c < ncols) dst[r * ld + c] = s[m][n].x[e];
                }
    }
    // The state as bf16 rows < K in whole 16-byte segments, through this warp's stage of kStageBytes
    // (store_tiles16_staged). Needs 16-byte aligned rows (dst, ld % 8 == 0) and all BV columns inside the matrix.
    static constexpr size_t kStageBytes = staged_bytes(8 * NT);
    __device__ __forceinline__ void store_rows16_staged(T* dst, int64_t ld, int K, T* stage) const {
        if constexpr (sizeof(T) == 2)
#pragma unroll
            for (int m = 0; m < MT; m++) store_tiles16_staged<NT>(dst, ld, s[m], row(m), col(0), K, stage);
    }
    // The state as T into a shared BK x BV tile (the B operand of the next chunk's q h).
    __device__ __forceinline__ void store_shared(T* H_s) const {
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int n = 0; n < NT; n++) store_c(H_s, LV, row(m), col(n), s[m][n], 1.f);
    }
    // s = decay * s + (X F)^T Y over the 64 rows of the chunk (decay = e^{L} per channel), with X rescaled by
    // compute_A_diag and F a per-sub-chunk vector:
    //   forward (REV false): X = kb, F = Z_j   -> k e^{L - G}   (the state after the chunk)
    //   reverse (REV true):  X = qt, F = U_j   -> scale q e^{G} (the gradient of the state before the chunk)
    // Ungated, X = k or q unscaled, Z = 1 and U = scale. X_SCALED: X carries F already (transform_rows).
    template <bool REV, bool X_SCALED = false>
    __device__ __forceinline__ void update(const T* __restrict__ X_s, Vecs<BK> vec, const T* __restrict__ Y_s,
                                           bool decay) {
        using M = Mma<T>;
        constexpr int LQ = ChunkTiles<T, BK>::LQ;
        if (GATED && decay) {
            const float* d = vec.D();
#pragma unroll
            for (int m = 0; m < MT; m++)
#pragma unroll
                for (int n = 0; n < NT; n++)
#pragma unroll
                    for (int e = 0; e < 4; e++) s[m][n].x[e] *= d[row(m) + c_row(e)];
        }
#pragma unroll 1
        for (int kk = 0; kk < kChunk / 16; kk++) {
            typename M::A a[MT];
            const float* f = REV ? vec.U(kk) : vec.Z(kk);
#pragma unroll
            for (int m = 0; m < MT; m++) {
                const int r0 = row(m);
                a[m] = M::ld_a_col(X_s + 16 * kk * LQ + r0, LQ);
                if constexpr ((GATED || REV) && !X_SCALED)
                    M::map_a(a[m], [&](int r, int, float x) { return x * f[r0 + r]; });
            }
#pragma unroll
            for (int np = 0; np < NT / 2; np++) {
                typename M::B b[2];
                M::ld_b_kn(b, Y_s + 16 * kk * LV + col(2 * np), LV);
#pragma unroll
                for (int m = 0; m < MT; m++) {
                    M::mma(s[m][2 * np], a[m], b[0]);
                    M::mma(s[m][2 * np + 1], a[m], b[1]);
                }
            }
        }
    }
};

} // namespace gla

#endif // GLA_CHUNK_COMMON_CUH

/*
 * chunk_bwd_dqkv.cu — the chunk backward: dq, dk, dv of one 64-token chunk and head per block, all chunks in
 * parallel, from the recomputed states h (entering each chunk) and dh (gradient of the state leaving it),
 * both written by chunk_fwd_state.cu. With dP = scale * (do v^T) masked to s <= t:
 *   dv = A^T do + (k e^{G_L - G}) dh
 *   dq = scale (do h^T) e^{G} + sum_{s<=t} dP[t,s] k[s] e^{G[t]-G[s]}
 *   dk = (v dh^T) e^{G_L - G} + sum_{t>=s} dP[t,s] q[t] e^{G[t]-G[s]}
 * and, for the gate gradient (GUIDE §2), dgc = q dq - k dk per token (fp32), summed over time by
 * chunk_bwd_dg.cu, or (bf16, channel gates, BwdParams.anchors given) summed within the chunk here from its
 * anchor, so that the kernel writes dg itself. The intra-chunk sums use the secondary chunking of
 * chunk_common.cuh: off-diagonal 16x16 blocks on tensor cores with every exponent <= 0, diagonal blocks
 * factored on 3xTF32 or exact per element. Warp w owns sub-chunk i = w/2 and half w%2 of the key channels
 * (dq, dk) and of the value columns (dv). q and k are rescaled in shared memory (qt, kb of chunk_common.cuh).
 * Two kernels: bf16 (chunk_bwd_dqkv2_kernel) requests every tile by cp.async ahead of its use (H200, B16 T2048
 * H16 K=V=128: gated backward 5.0 ms in all, was 7.1; ungated 1.7, was 3.6); keys over 128 split over the two
 * blocks of a cluster (BwdParams.key_slice; H200, B8 T2048 H4 K256 V512: gated backward 2.15 ms in all, was 3.18;
 * ungated 1.39, was 1.98). fp32, and bf16 K = 256 where clusters do not run (chunk_bwd_dqkv_kernel), load
 * synchronously and read the raw q, k of the diagonal blocks and the outputs again from global memory (L2).
 * Ungated bf16 heads of 128 keys and values on sm_90a take the warpgroup kernel of chunk_bwd_dqkv_wg.cu.
 * Validated by the kernel lab (native/bench/cuda) against a float64 reference.
 */
#include "chunk_common.cuh"
#include "chunk_stages.h"

#include <atomic>

namespace gla {

// Exact diagonal-block sums of dq (KEYS false: sum_{s<t} dP[t,s] k[s] e^{g[s+1]+...+g[t]}) and dk (KEYS true:
// sum_{t>s} dP[t,s] q[t] e^{g[s+1]+...+g[t]}) for one element, with x the raw k or q in global memory and the
// gates summed directly (GateRows): the path of strongly gated sub-chunks, out of line.
template <class T, bool KEYS>
__device__ __noinline__ float diag_exact_grad(const float* P_s, int LP, GateRows gr, const T* x, int64_t rk, int i,
                                              int r, int ch) {
    float sum = 0.f, ex = 0.f;
    if (KEYS) {
        for (int u = r + 1; u < 16 * i + 16 && u < gr.nrows; u++) {
            ex += gr.at(u, ch);
            sum += P_s[u * LP + r] * to_f(x[u * rk + ch]) * fexp(ex);
        }
    } else {
        for (int u = r - 1; u >= 16 * i; u--) {
            ex += gr.at(u + 1, ch);
            sum += P_s[r * LP + u] * to_f(x[u * rk + ch]) * fexp(ex);
        }
    }
    return sum;
}

template <class T, int BK, int BV> struct BwdSmem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr int LP = pitch<float>(kChunk);
    static constexpr size_t off_k = C::bytes_qk;
    static constexpr size_t off_g = off_k + C::bytes_qk;
    static constexpr size_t off_a = off_g + C::bytes_g;
    static constexpr size_t off_p = off_a + C::bytes_a;
    static constexpr size_t off_pb = off_p + sizeof(float) * kChunk * LP;
    static constexpr size_t off_v = off_pb + C::bytes_a;
    static constexpr size_t off_do = off_v + sizeof(T) * kChunk * LV;
    static constexpr size_t off_s = off_do + sizeof(T) * kChunk * LV;
    static constexpr size_t off_vec = off_s + sizeof(T) * BK * LV;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t off_pd = off_misc + C::bytes_misc;
    static constexpr size_t bytes = off_pd + sizeof(float) * kChunk;
};

template <class T, int BK, int BV, bool GATED>
__global__ void __launch_bounds__(kThreads, 1) chunk_bwd_dqkv_kernel(BwdParams p) {
    using L = BwdSmem<T, BK, BV>;
    using C = ChunkTiles<T, BK>;
    using M = Mma<T>;
    using MF = Mma<float>;
    constexpr int LQ = C::LQ, LG = C::LG, LA = C::LA, LV = L::LV, LP = L::LP;
    constexpr int NQ = BK / 16;  // 8-channel tiles per warp (half of BK)
    constexpr int NV = BV / 16;  // 8-column tiles per warp (half of BV)
    static_assert(NQ % 2 == 0 && NV % 2 == 0, "tile shapes");
    extern __shared__ __align__(16) unsigned char smem[];
    T* q_s = reinterpret_cast<T*>(smem);                 // q, then qt
    T* k_s = reinterpret_cast<T*>(smem + L::off_k);      // k, then kb
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    float* P_s = reinterpret_cast<float*>(smem + L::off_p);
    T* Pb_s = reinterpret_cast<T*>(smem + L::off_pb);
    T* v_s = reinterpret_cast<T*>(smem + L::off_v);
    T* do_s = reinterpret_cast<T*>(smem + L::off_do);
    T* S_s = reinterpret_cast<T*>(smem + L::off_s);      // h, then dh, of one value tile
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, BK> mi(smem + L::off_misc);
    const typename C::Gate gate = mi.gate(G_s);
    float* Pd = reinterpret_cast<float*>(smem + L::off_pd); // dP[t][t]

    const int chunk = blockIdx.x, h = blockIdx.y;
    const int H = p.H, K = p.K, V = p.V;
    const int w = warp_id(), i = w >> 1, half = w & 1;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* qg = static_cast<const T*>(p.q) + (start * H + h) * K;
    const T* kg = static_cast<const T*>(p.k) + (start * H + h) * K;
    const GateRows gr{p.g, start, nrows, H, h, K, p.head_gate != 0};
    // Raw q, k of row t (the shared copies hold qt, kb when gated): from global memory (L2) then.
    auto raw = [&](const T* gm, const T* sm, int t, int c) -> float {
        if constexpr (GATED) return (t < nrows && c < K) ? to_f(gm[t * rk + c]) : 0.f;
        else return to_f(sm[t * LQ + c]);
    };

    { // q, k, cumulative gate, factors, A (q_s, k_s become qt, kb)
        const bool vec_ld = vec_ok<T>(qg, rk) && vec_ok<T>(kg, rk);
        load_tile<T, kChunk, BK>(q_s, LQ, qg, rk, nrows, K, vec_ld);
        load_tile<T, kChunk, BK>(k_s, LQ, kg, rk, nrows, K, vec_ld);
        if constexpr (GATED) load_gate<BK>(G_s, LG, p.g, start, nrows, H, h, K, p.head_gate);
        __syncthreads();
        if constexpr (GATED) {
            mi.gate_sums(G_s);
            __syncthreads();
        }
        chunk_prepare<T, BK, GATED>(mi, vec, p.scale);
        compute_A<T, BK, GATED>(q_s, k_s, gate, mi.flags, vec, A_s, p.scale, gr);
    }

    FragC dA[2][2];     // blocks j = half, half + 2 (j <= i) of row block i
    FragC dq_acc[NQ];   // do h^T, rows 16i.., channels half*BK/2..
    FragC dk_acc[NQ];   // v dh^T
#pragma unroll
    for (int s = 0; s < 2; s++) dA[s][0].zero(), dA[s][1].zero();
#pragma unroll
    for (int m = 0; m < NQ; m++) dq_acc[m].zero(), dk_acc[m].zero();
    const int ch0 = half * (BK / 2);

    const T* v = static_cast<const T*>(p.v) + (start * H + h) * V;
    const T* dout = static_cast<const T*>(p.dout) + (start * H + h) * V;
    const int64_t sb = ((int64_t)chunk * H + h) * K * V;
    const T* hs = static_cast<const T*>(p.states) + sb;
    const T* dhs = static_cast<const T*>(p.dstates) + sb;
    T* dv = static_cast<T*>(p.dv) + (start * H + h) * V;
    const int c0v = half * (BV / 2);

    for (int v0 = 0; v0 < V; v0 += BV) {
        const bool vv = vec_ok<T>(v + v0, rv) && vec_ok<T>(dout + v0, rv);
        load_tile<T, kChunk, BV>(v_s, LV, v + v0, rv, nrows, V - v0, vv);
        load_tile<T, kChunk, BV>(do_s, LV, dout + v0, rv, nrows, V - v0, vv);
        load_tile<T, BK, BV>(S_s, LV, hs + v0, V, K, V - v0, vec_ok<T>(hs + v0, V));
        __syncthreads();

        // dA += do v^T and dq_acc += do h^T over these BV value columns.
#pragma unroll
        for (int kv = 0; kv < BV / 16; kv++) {
            const auto a_do = M::ld_a_row(do_s + 16 * i * LV + 16 * kv, LV);
#pragma unroll
            for (int s = 0; s < 2; s++) {
                const int j = half + 2 * s;
                if (j <= i) {
                    typename M::B b[2];
                    M::ld_b_nk(b, v_s + 16 * j * LV + 16 * kv, LV);
                    M::mma(dA[s][0], a_do, b[0]);
                    M::mma(dA[s][1], a_do, b[1]);
                }
            }
#pragma unroll
            for (int np = 0; np < NQ / 2; np++) {
                typename M::B b[2];
                M::ld_b_nk(b, S_s + (ch0 + 16 * np) * LV + 16 * kv, LV);
                M::mma(dq_acc[2 * np], a_do, b[0]);
                M::mma(dq_acc[2 * np + 1], a_do, b[1]);
            }
        }
        // dv rows 16i.. (keys), columns half*BV/2..: A^T do, then (kb Z) dh below.
        FragC acc[NV];
#pragma unroll
        for (int m = 0; m < NV; m++) acc[m].zero();
        for (int i2 = i; i2 < 4; i2++) {
            const auto a = M::ld_a_col(A_s + 16 * i2 * LA + 16 * i, LA);
#pragma unroll
            for (int np = 0; np < NV / 2; np++) {
                typename M::B b[2];
                M::ld_b_kn(b, do_s + 16 * i2 * LV + c0v + 16 * np, LV);
                M::mma(acc[2 * np], a, b[0]);
                M::mma(acc[2 * np + 1], a, b[1]);
            }
        }
        __syncthreads(); // h read by every warp
        load_tile<T, BK, BV>(S_s, LV, dhs + v0, V, K, V - v0, vec_ok<T>(dhs + v0, V));
        __syncthreads();

        // dk_acc += v dh^T; dv += (k e^{L-G}) dh.
#pragma unroll
        for (int kv = 0; kv < BV / 16; kv++) {
            const auto a_v = M::ld_a_row(v_s + 16 * i * LV + 16 * kv, LV);
#pragma unroll
            for (int np = 0; np < NQ / 2; np++) {
                typename M::B b[2];
                M::ld_b_nk(b, S_s + (ch0 + 16 * np) * LV + 16 * kv, LV);
                M::mma(dk_acc[2 * np], a_v, b[0]);
                M::mma(dk_acc[2 * np + 1], a_v, b[1]);
            }
        }
        const float* z = vec.Z(i);
#pragma unroll 1
        for (int kk = 0; kk < BK / 16; kk++) {
            auto a = M::ld_a_row(k_s + 16 * i * LQ + 16 * kk, LQ);
            if constexpr (GATED) M::map_a(a, [&](int, int c, float x) { return x * z[16 * kk + c]; });
#pragma unroll
            for (int np = 0; np < NV / 2; np++) {
                typename M::B b[2];
                M::ld_b_kn(b, S_s + 16 * kk * LV + c0v + 16 * np, LV);
                M::mma(acc[2 * np], a, b[0]);
                M::mma(acc[2 * np + 1], a, b[1]);
            }
        }
#pragma unroll
        for (int m = 0; m < NV; m++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int r = 16 * i + c_row(e), col = v0 + c0v + 8 * m + c_col(e);
                if (r < nrows && col < V) dv[r * rv + col] = from_f<T>(acc[m].x[e]);
            }
        __syncthreads();
    }

    // dP = scale * dA below the diagonal (fp32 and T copies); its diagonal dP[t][t] kept apart in Pd: the
    // diagonal terms of dq (dP[t][t] k[t]) and dk (dP[t][t] q[t]) cancel exactly in q dq - k dk, so the gate
    // gradient is formed without them (with strong gates they are O(1) while q dq - k dk is tiny).
#pragma unroll
    for (int s = 0; s < 2; s++) {
        const int j = half + 2 * s;
        if (j <= i) {
#pragma unroll
            for (int nt = 0; nt < 2; nt++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int t = 16 * i + c_row(e), sc = 16 * j + 8 * nt + c_col(e);
                    const float x = p.scale * dA[s][nt].x[e];
                    if (sc == t) Pd[t] = x;
                    const float y = (j < i || sc < t) ? x : 0.f;
                    P_s[t * LP + sc] = y;
                    Pb_s[t * LA + sc] = from_f<T>(y);
                }
        }
    }
    __syncthreads();

    // dq rows t of sub-chunk i, channels ch0..:
    //   e^{G[t]-r_i} [ U_i do h^T + sum_{j<i} dP_ij (kb_j W_ij) + dP_ii (k e^{r_i - G}) ]
    // the diagonal block on 3xTF32 when factored, else exact per element.
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int e = 0; e < 4; e++) dq_acc[m].x[e] *= vec.U(i)[ch0 + 8 * m + c_col(e)];
    for (int j = 0; j < (GATED ? i : i + 1); j++) {
        const auto a = M::ld_a_row(Pb_s + 16 * i * LA + 16 * j, LA);
        const float* wv = GATED ? vec.W(i, j) : nullptr;
#pragma unroll
        for (int np = 0; np < NQ / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, k_s + 16 * j * LQ + ch0 + 16 * np, LQ);
            if constexpr (GATED) {
#pragma unroll
                for (int x = 0; x < 2; x++)
                    M::map_b(b[x], [&](int, int nn, float y) { return y * wv[ch0 + 16 * np + 8 * x + nn]; });
            }
            M::mma(dq_acc[2 * np], a, b[0]);
            M::mma(dq_acc[2 * np + 1], a, b[1]);
        }
    }
    if constexpr (GATED) {
        if (mi.flags[i]) {
            const auto a = MF::split(MF::make_a([&](int r, int c) { return P_s[(16 * i + r) * LP + 16 * i + c]; }));
#pragma unroll
            for (int m = 0; m < NQ; m++) {
                const int cb = ch0 + 8 * m;
                const auto b = MF::make_b([&](int kr, int nn) {
                    const int s = 16 * i + kr, ch = cb + nn;
                    return raw(kg, k_s, s, ch) * fexp(-gate.gq(s, ch));
                });
                MF::mma(dq_acc[m], a, b);
            }
        }
#pragma unroll
        for (int m = 0; m < NQ; m++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int t = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                dq_acc[m].x[e] *= fexp(gate.gq(t, ch));
            }
        if (!mi.flags[i]) {
#pragma unroll
            for (int m = 0; m < NQ; m++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int t = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                    if (ch < K && t < nrows) dq_acc[m].x[e] += diag_exact_grad<T, false>(P_s, LP, gr, kg, rk, i, t, ch);
                }
        }
    }

    // dk rows s of sub-chunk i, channels ch0..:
    //   e^{E_i-G[s]} [ Z_i v dh^T + sum_{i2>i} dP_{i2 i}^T (qt_{i2} W_{i2 i}) + dP_ii^T (q e^{G - E_i}) ]
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int e = 0; e < 4; e++) dk_acc[m].x[e] *= vec.Z(i)[ch0 + 8 * m + c_col(e)];
    for (int i2 = GATED ? i + 1 : i; i2 < 4; i2++) {
        const auto a = M::ld_a_col(Pb_s + 16 * i2 * LA + 16 * i, LA);
        const float* wv = GATED ? vec.W(i2, i) : nullptr;
#pragma unroll
        for (int np = 0; np < NQ / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, q_s + 16 * i2 * LQ + ch0 + 16 * np, LQ);
            if constexpr (GATED) {
#pragma unroll
                for (int x = 0; x < 2; x++)
                    M::map_b(b[x], [&](int, int nn, float y) { return y * wv[ch0 + 16 * np + 8 * x + nn]; });
            }
            M::mma(dk_acc[2 * np], a, b[0]);
            M::mma(dk_acc[2 * np + 1], a, b[1]);
        }
    }
    if constexpr (GATED) {
        if (mi.flags[i]) {
            const auto a = MF::split(MF::make_a([&](int r, int c) { return P_s[(16 * i + c) * LP + 16 * i + r]; }));
#pragma unroll
            for (int m = 0; m < NQ; m++) {
                const int cb = ch0 + 8 * m;
                const auto b = MF::make_b([&](int kr, int nn) {
                    const int t = 16 * i + kr, ch = cb + nn;
                    return raw(qg, q_s, t, ch) * fexp(-gate.gk(t, ch));
                });
                MF::mma(dk_acc[m], a, b);
            }
        }
#pragma unroll
        for (int m = 0; m < NQ; m++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int s = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                dk_acc[m].x[e] *= fexp(gate.gk(s, ch));
            }
        if (!mi.flags[i]) {
#pragma unroll
            for (int m = 0; m < NQ; m++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int s = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                    if (ch < K && s < nrows) dk_acc[m].x[e] += diag_exact_grad<T, true>(P_s, LP, gr, qg, rk, i, s, ch);
                }
        }
    }

    // Outputs: dq, dk with their diagonal terms, and the gate-gradient terms q dq - k dk without them.
    T* dq = static_cast<T*>(p.dq) + (start * H + h) * K;
    T* dk = static_cast<T*>(p.dk) + (start * H + h) * K;
    float* dgc = p.dgc ? p.dgc + (start * H + h) * K : nullptr;
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int r = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
            if (r < nrows && ch < K) {
                const float qv = raw(qg, q_s, r, ch), kv = raw(kg, k_s, r, ch);
                dq[r * rk + ch] = from_f<T>(dq_acc[m].x[e] + Pd[r] * kv);
                dk[r * rk + ch] = from_f<T>(dk_acc[m].x[e] + Pd[r] * qv);
                if (GATED && dgc) dgc[r * rk + ch] = qv * dq_acc[m].x[e] - kv * dk_acc[m].x[e];
            }
        }
}


// ---------------------------------------------------------------------------------------------------------
// The kernel for bf16 and BK <= 128 (the tiles fit; 256 keys as two slices of 128, SPLIT): the same arithmetic
// with every tile requested through cp.async ahead of its use.
// q, k and the gate first; the value tiles (v, do, h, dh of BV columns) through a ring of NS stages, NS - 1 tiles
// ahead, so that the value loop never waits for memory; after it, the raw q, k are copied again into the ring
// (the diagonal blocks and the outputs read them from shared memory instead of element by element from L2).
// Outputs are written as pairs of channels.
// SPLIT (keys over BK = 128, sm_90): the two blocks of a cluster own keys 0..127 and 128..K-1 of the same chunk
// and head. dq, dk and dg of a key need only that key's channels and dP = do v^T (which both compute); dv =
// A^T do + (k e^{L-G}) dh sums over keys, so each block forms the part from its keys (A over its keys included)
// and the blocks add their parts: value tile j is written by the block of rank j % 2, to which the other sends
// its fp32 part through distributed shared memory (the P tile, free until the value loop ends). One cluster
// barrier per value tile, waited for one tile later so that the next tile's products hide it; a + b is the same
// in either order, so dv is bit-reproducible.
template <class T, int BK, int BV, int NS, bool KZ = false> struct Bwd2Smem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr int LP = pitch<float>(kChunk);
    static constexpr size_t bytes_stage = sizeof(T) * (2 * kChunk + 2 * BK) * LV;
    static constexpr size_t off_k = C::bytes_qk;
    static constexpr size_t off_g = off_k + C::bytes_qk;
    static constexpr size_t off_a = off_g + C::bytes_g; // A, then dP as T
    static constexpr size_t off_p = off_a + C::bytes_a;
    static constexpr size_t off_vec = off_p + sizeof(float) * kChunk * LP;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t off_pd = off_misc + C::bytes_misc;
    static constexpr size_t off_ring = (off_pd + sizeof(float) * kChunk + 127) / 128 * 128;
    static constexpr size_t off_kz = off_ring + NS * bytes_stage; // KZ: kb Z_i, the A operand of dv's (k e^{L-G}) dh
    static constexpr size_t bytes = off_kz + (KZ ? C::bytes_qk : 0);
    // after the value loop the ring holds the raw q, k, then the gate terms q dq - k dk (fp32, pitch LG)
    static constexpr size_t off_dG = 2 * C::bytes_qk;
    static_assert(NS * bytes_stage >= off_dG + C::bytes_g, "raw q, k and the gate terms fit in the ring");
    static_assert(bytes_stage % 16 == 0 && C::bytes_qk % 16 == 0, "16-byte aligned tiles");
    // SPLIT: the peer's part of one dv tile (fp32, kChunk x BV) in the P tile during the value loop
    static constexpr int LX = BV + 8;
    static_assert(LX * kChunk <= LP * kChunk && LX % 2 == 0, "a dv part fits in the P tile");
};

template <class T, int BK, int BV, int NS, bool GATED, bool FUSE_DG, bool SPLIT>
__global__ void __launch_bounds__(kThreads, 1) chunk_bwd_dqkv2_kernel(BwdParams p) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ < 900
    if constexpr (SPLIT) return; // no clusters: never launched there (chunk_bwd_dqkv_key_slice)
#endif
    // KZ (gated) forms kb Z_i once instead of scaling its fragments in every value tile, and unrolls the products
    // that use it (H200: the key-split kernel at B8 T2048 H4 K256 V512, gated bwd 2.245 -> 2.150 ms; the others,
    // B16 T2048 H16 K=V=128 gated bwd 2.23 -> 2.16, the 340M shape 0.868 -> 0.827). The launch sizes its shared
    // memory with the same KZ = GATED.
    constexpr bool KZ = GATED;
    using L = Bwd2Smem<T, BK, BV, NS, KZ>;
    using C = ChunkTiles<T, BK>;
    using M = Mma<T>;
    using MF = Mma<float>;
    constexpr int LQ = C::LQ, LG = C::LG, LA = C::LA, LV = L::LV, LP = L::LP;
    constexpr int NQ = BK / 16;  // 8-channel tiles per warp (half of BK)
    constexpr int NV = BV / 16;  // 8-column tiles per warp (half of BV)
    constexpr int KK_UNROLL = KZ ? BK / 16 : 1; // dv's (k e^{L-G}) dh loop
    static_assert(NQ % 2 == 0 && NV % 2 == 0 && NS >= 2, "tile shapes");
    extern __shared__ __align__(16) unsigned char smem[];
    T* q_s = reinterpret_cast<T*>(smem);                 // q, then qt
    T* k_s = reinterpret_cast<T*>(smem + L::off_k);      // k, then kb
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* A_s = reinterpret_cast<T*>(smem + L::off_a);
    T* Pb_s = A_s;                                       // after the value loop
    float* P_s = reinterpret_cast<float*>(smem + L::off_p);
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    const ChunkMisc<T, BK> mi(smem + L::off_misc);
    const typename C::Gate gate = mi.gate(G_s);
    float* Pd = reinterpret_cast<float*>(smem + L::off_pd); // dP[t][t]
    unsigned char* ring = smem + L::off_ring;
    const T* qr_s = GATED ? reinterpret_cast<T*>(ring) : q_s;                  // raw q, k after the value loop
    const T* kr_s = GATED ? reinterpret_cast<T*>(ring + C::bytes_qk) : k_s;

    // SPLIT: cluster rank = key slice (the cluster spans blockIdx.x 2c, 2c + 1)
    const int rank = SPLIT ? (int)(blockIdx.x & 1) : 0;
    const int chunk = SPLIT ? (int)(blockIdx.x >> 1) : (int)blockIdx.x, h = blockIdx.y;
    const int H = p.H, K = p.K, V = p.V;
    const int k0 = rank * BK, Kb = min(BK, K - k0); // this block's keys: k0 .. k0 + Kb - 1
    const int w = warp_id(), i = w >> 1, half = w & 1;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* qg = static_cast<const T*>(p.q) + (start * H + h) * K + k0;
    const T* kg = static_cast<const T*>(p.k) + (start * H + h) * K + k0;
    const GateRows gr{p.g, start, nrows, H, h, K, p.head_gate != 0, k0};
    const T* v = static_cast<const T*>(p.v) + (start * H + h) * V;
    const T* dout = static_cast<const T*>(p.dout) + (start * H + h) * V;
    const int64_t sb = ((int64_t)chunk * H + h) * K * V + (int64_t)k0 * V;
    const T* hs = static_cast<const T*>(p.states) + sb;
    const T* dhs = static_cast<const T*>(p.dstates) + sb;
    T* dv = static_cast<T*>(p.dv) + (start * H + h) * V;
    const bool vec_ld = vec_ok<T>(qg, rk) && vec_ok<T>(kg, rk);
    const int nv = (V + BV - 1) / BV;

    auto stage = [&](int j) { return reinterpret_cast<T*>(ring + (j % NS) * L::bytes_stage); };
    auto issue = [&](int j) { // value tile j into its stage (one commit group, empty past the last tile)
        if (j < nv) {
            const int v0 = j * BV;
            T* b = stage(j);
            const bool vv = vec_ok<T>(v + v0, rv) && vec_ok<T>(dout + v0, rv);
            load_tile_async<T, kChunk, BV>(b, LV, v + v0, rv, nrows, V - v0, vv);
            load_tile_async<T, kChunk, BV>(b + kChunk * LV, LV, dout + v0, rv, nrows, V - v0, vv);
            load_tile_async<T, BK, BV>(b + 2 * kChunk * LV, LV, hs + v0, V, Kb, V - v0, vec_ok<T>(hs + v0, V));
            load_tile_async<T, BK, BV>(b + (2 * kChunk + BK) * LV, LV, dhs + v0, V, Kb, V - v0, vec_ok<T>(dhs + v0, V));
        }
        cp_async_commit();
    };

    { // q, k, gate (group 0), the first value tiles; cumulative gate, factors, A (q_s, k_s become qt, kb)
        load_tile_async<T, kChunk, BK>(q_s, LQ, qg, rk, nrows, Kb, vec_ld);
        load_tile_async<T, kChunk, BK>(k_s, LQ, kg, rk, nrows, Kb, vec_ld);
        if constexpr (GATED) load_gate_async<BK>(G_s, LG, p.g, start, nrows, H, h, K, p.head_gate, k0, Kb);
        cp_async_commit();
        for (int j = 0; j < NS - 1; j++) issue(j);
        if constexpr (SPLIT) cluster_arrive(); // waited for before the first send: the peer has started
        cp_async_wait<NS - 1>();
        __syncthreads();
        if constexpr (GATED) {
            mi.gate_sums(G_s);
            __syncthreads();
        }
        chunk_prepare<T, BK, GATED>(mi, vec, p.scale);
        compute_A<T, BK, GATED>(q_s, k_s, gate, mi.flags, vec, A_s, p.scale, gr);
    }
    // KZ: kb Z_i once, rounded as the scaled fragments of every value tile would be (the same values).
    T* kz_s = KZ ? reinterpret_cast<T*>(smem + L::off_kz) : k_s;
    if constexpr (KZ) {
        constexpr int VEC = 16 / sizeof(T), PER_ROW = BK / VEC;
        for (int idx = threadIdx.x; idx < kChunk * PER_ROW; idx += kThreads) {
            const int t = idx / PER_ROW, c0 = (idx % PER_ROW) * VEC;
            union {
                uint4 u;
                T e[VEC];
            } x;
            x.u = *reinterpret_cast<const uint4*>(k_s + t * LQ + c0);
            const float* z = vec.Z(t >> 4) + c0;
#pragma unroll
            for (int e = 0; e < VEC; e++) x.e[e] = from_f<T>(to_f(x.e[e]) * z[e]);
            *reinterpret_cast<uint4*>(kz_s + t * LQ + c0) = x.u;
        }
        __syncthreads();
    }

    FragC dA[2][2];     // blocks j = half, half + 2 (j <= i) of row block i
    FragC dq_acc[NQ];   // do h^T, rows 16i.., channels half*BK/2..
    FragC dk_acc[NQ];   // v dh^T
#pragma unroll
    for (int s = 0; s < 2; s++) dA[s][0].zero(), dA[s][1].zero();
#pragma unroll
    for (int m = 0; m < NQ; m++) dq_acc[m].zero(), dk_acc[m].zero();
    const int ch0 = half * (BK / 2);
    const int c0v = half * (BV / 2);
    const bool pair_v = V % 2 == 0 && (uintptr_t)p.dv % (2 * sizeof(T)) == 0;
    // dv rows 16i + c_row(2 hr), columns v0 + c0v + 8m + c_col(0) (+1) of one tile, from fp32 pairs
    auto store_dv = [&](int v0, const FragC (&x)[NV]) {
#pragma unroll
        for (int m = 0; m < NV; m++)
#pragma unroll
            for (int hr = 0; hr < 2; hr++) {
                const int r = 16 * i + c_row(2 * hr), col = v0 + c0v + 8 * m + c_col(0);
                if (r >= nrows) continue;
                if (pair_v && col < V) {
                    store_pair(dv + r * rv + col, x[m].x[2 * hr], x[m].x[2 * hr + 1]);
                } else {
                    if (col < V) dv[r * rv + col] = from_f<T>(x[m].x[2 * hr]);
                    if (col + 1 < V) dv[r * rv + col + 1] = from_f<T>(x[m].x[2 * hr + 1]);
                }
            }
    };
    // SPLIT: the peer's part of a dv tile arrives at the same fragment positions of the P tile (pitch LX)
    float* xp = P_s;
    const uint32_t xp_peer = SPLIT ? cluster_map(P_s, rank ^ 1) : 0u;
    auto xpos = [&](int m, int hr) { return (16 * i + c_row(2 * hr)) * L::LX + c0v + 8 * m + c_col(0); };
    FragC held[NV]; // SPLIT: this block's part of the tile it writes, until the peer's part has arrived
    // SPLIT: after the barrier of tile jt, the block of rank jt % 2 adds the peer's part and writes the tile.
    auto finish_dv = [&](int jt) {
        if ((jt & 1) != rank) return;
#pragma unroll
        for (int m = 0; m < NV; m++)
#pragma unroll
            for (int hr = 0; hr < 2; hr++) {
                const float2 y = *reinterpret_cast<const float2*>(xp + xpos(m, hr));
                held[m].x[2 * hr] += y.x;
                held[m].x[2 * hr + 1] += y.y;
            }
        store_dv(jt * BV, held);
    };

    for (int jt = 0; jt < nv; jt++) {
        cp_async_wait<NS - 2>();
        __syncthreads(); // tile jt visible; every warp is done with tile jt - 1, whose stage is refilled now
        issue(jt + NS - 1);
        const T* v_s = stage(jt);
        const T* do_s = v_s + kChunk * LV;
        const T* h_s = v_s + 2 * kChunk * LV;
        const T* dh_s = h_s + BK * LV;
        const int v0 = jt * BV;

        // dA += do v^T, dq_acc += do h^T, dk_acc += v dh^T over these BV value columns.
#pragma unroll
        for (int kv = 0; kv < BV / 16; kv++) {
            const auto a_do = M::ld_a_row(do_s + 16 * i * LV + 16 * kv, LV);
#pragma unroll
            for (int s = 0; s < 2; s++) {
                const int j = half + 2 * s;
                if (j <= i) {
                    typename M::B b[2];
                    M::ld_b_nk(b, v_s + 16 * j * LV + 16 * kv, LV);
                    M::mma(dA[s][0], a_do, b[0]);
                    M::mma(dA[s][1], a_do, b[1]);
                }
            }
#pragma unroll
            for (int np = 0; np < NQ / 2; np++) {
                typename M::B b[2];
                M::ld_b_nk(b, h_s + (ch0 + 16 * np) * LV + 16 * kv, LV);
                M::mma(dq_acc[2 * np], a_do, b[0]);
                M::mma(dq_acc[2 * np + 1], a_do, b[1]);
            }
            const auto a_v = M::ld_a_row(v_s + 16 * i * LV + 16 * kv, LV);
#pragma unroll
            for (int np = 0; np < NQ / 2; np++) {
                typename M::B b[2];
                M::ld_b_nk(b, dh_s + (ch0 + 16 * np) * LV + 16 * kv, LV);
                M::mma(dk_acc[2 * np], a_v, b[0]);
                M::mma(dk_acc[2 * np + 1], a_v, b[1]);
            }
        }
        if constexpr (SPLIT) { // the previous tile's barrier (or the start one), then its dv
            cluster_wait();
            if (jt > 0) finish_dv(jt - 1);
        }
        // dv rows 16i.. (keys), columns half*BV/2..: A^T do + (kb Z) dh.
        FragC acc[NV];
#pragma unroll
        for (int m = 0; m < NV; m++) acc[m].zero();
        for (int i2 = i; i2 < 4; i2++) {
            const auto a = M::ld_a_col(A_s + 16 * i2 * LA + 16 * i, LA);
#pragma unroll
            for (int np = 0; np < NV / 2; np++) {
                typename M::B b[2];
                M::ld_b_kn(b, do_s + 16 * i2 * LV + c0v + 16 * np, LV);
                M::mma(acc[2 * np], a, b[0]);
                M::mma(acc[2 * np + 1], a, b[1]);
            }
        }
        const float* z = vec.Z(i);
#pragma unroll KK_UNROLL
        for (int kk = 0; kk < BK / 16; kk++) {
            auto a = M::ld_a_row(kz_s + 16 * i * LQ + 16 * kk, LQ);
            if constexpr (GATED && !KZ) M::map_a(a, [&](int, int c, float x) { return x * z[16 * kk + c]; });
#pragma unroll
            for (int np = 0; np < NV / 2; np++) {
                typename M::B b[2];
                M::ld_b_kn(b, dh_s + 16 * kk * LV + c0v + 16 * np, LV);
                M::mma(acc[2 * np], a, b[0]);
                M::mma(acc[2 * np + 1], a, b[1]);
            }
        }
        if constexpr (SPLIT) { // keep this block's part, or send it to the peer that writes the tile
            if ((jt & 1) == rank) {
#pragma unroll
                for (int m = 0; m < NV; m++) held[m] = acc[m];
            } else {
#pragma unroll
                for (int m = 0; m < NV; m++)
#pragma unroll
                    for (int hr = 0; hr < 2; hr++)
                        st_cluster(xp_peer + 4u * (uint32_t)xpos(m, hr), acc[m].x[2 * hr], acc[m].x[2 * hr + 1]);
            }
            cluster_arrive();
        } else {
            store_dv(v0, acc);
        }
    }
    if constexpr (SPLIT) { // the last tile; after this barrier neither block touches the other's memory
        cluster_wait();
        finish_dv(nv - 1);
    }
    __syncthreads(); // the ring, A and (SPLIT) the P tile are read by every warp: now the raw q, k (ring) and dP
    if constexpr (GATED) {
        load_tile_async<T, kChunk, BK>(reinterpret_cast<T*>(ring), LQ, qg, rk, nrows, Kb, vec_ld);
        load_tile_async<T, kChunk, BK>(reinterpret_cast<T*>(ring + C::bytes_qk), LQ, kg, rk, nrows, Kb, vec_ld);
    }
    cp_async_commit();

    // dP = scale * dA below the diagonal (fp32 and T copies); its diagonal dP[t][t] kept apart in Pd: the
    // diagonal terms of dq (dP[t][t] k[t]) and dk (dP[t][t] q[t]) cancel exactly in q dq - k dk, so the gate
    // gradient is formed without them (with strong gates they are O(1) while q dq - k dk is tiny).
#pragma unroll
    for (int s = 0; s < 2; s++) {
        const int j = half + 2 * s;
        if (j <= i) {
#pragma unroll
            for (int nt = 0; nt < 2; nt++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int t = 16 * i + c_row(e), sc = 16 * j + 8 * nt + c_col(e);
                    const float x = p.scale * dA[s][nt].x[e];
                    if (sc == t) Pd[t] = x;
                    const float y = (j < i || sc < t) ? x : 0.f;
                    P_s[t * LP + sc] = y;
                    Pb_s[t * LA + sc] = from_f<T>(y);
                }
        }
    }
    cp_async_wait<0>();
    __syncthreads();
    auto raw = [&](const T* sm, int t, int c) -> float { return to_f(sm[t * LQ + c]); };

    // dq rows t of sub-chunk i, channels ch0..:
    //   e^{G[t]-r_i} [ U_i do h^T + sum_{j<i} dP_ij (kb_j W_ij) + dP_ii (k e^{r_i - G}) ]
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int e = 0; e < 4; e++) dq_acc[m].x[e] *= vec.U(i)[ch0 + 8 * m + c_col(e)];
    for (int j = 0; j < (GATED ? i : i + 1); j++) {
        const auto a = M::ld_a_row(Pb_s + 16 * i * LA + 16 * j, LA);
        const float* wv = GATED ? vec.W(i, j) : nullptr;
#pragma unroll
        for (int np = 0; np < NQ / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, k_s + 16 * j * LQ + ch0 + 16 * np, LQ);
            if constexpr (GATED) {
#pragma unroll
                for (int x = 0; x < 2; x++)
                    M::map_b(b[x], [&](int, int nn, float y) { return y * wv[ch0 + 16 * np + 8 * x + nn]; });
            }
            M::mma(dq_acc[2 * np], a, b[0]);
            M::mma(dq_acc[2 * np + 1], a, b[1]);
        }
    }
    if constexpr (GATED) {
        if (mi.flags[i]) {
            const auto a = MF::split(MF::make_a([&](int r, int c) { return P_s[(16 * i + r) * LP + 16 * i + c]; }));
#pragma unroll
            for (int m = 0; m < NQ; m++) {
                const int cb = ch0 + 8 * m;
                const auto b = MF::make_b([&](int kr, int nn) {
                    const int s = 16 * i + kr, ch = cb + nn;
                    return raw(kr_s, s, ch) * fexp(-gate.gq(s, ch));
                });
                MF::mma(dq_acc[m], a, b);
            }
        }
#pragma unroll
        for (int m = 0; m < NQ; m++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int t = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                dq_acc[m].x[e] *= fexp(gate.gq(t, ch));
            }
        if (!mi.flags[i]) {
#pragma unroll
            for (int m = 0; m < NQ; m++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int t = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                    if (ch < Kb && t < nrows) dq_acc[m].x[e] += diag_exact_grad<T, false>(P_s, LP, gr, kg, rk, i, t, ch);
                }
        }
    }

    // dk rows s of sub-chunk i, channels ch0..:
    //   e^{E_i-G[s]} [ Z_i v dh^T + sum_{i2>i} dP_{i2 i}^T (qt_{i2} W_{i2 i}) + dP_ii^T (q e^{G - E_i}) ]
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int e = 0; e < 4; e++) dk_acc[m].x[e] *= vec.Z(i)[ch0 + 8 * m + c_col(e)];
    for (int i2 = GATED ? i + 1 : i; i2 < 4; i2++) {
        const auto a = M::ld_a_col(Pb_s + 16 * i2 * LA + 16 * i, LA);
        const float* wv = GATED ? vec.W(i2, i) : nullptr;
#pragma unroll
        for (int np = 0; np < NQ / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, q_s + 16 * i2 * LQ + ch0 + 16 * np, LQ);
            if constexpr (GATED) {
#pragma unroll
                for (int x = 0; x < 2; x++)
                    M::map_b(b[x], [&](int, int nn, float y) { return y * wv[ch0 + 16 * np + 8 * x + nn]; });
            }
            M::mma(dk_acc[2 * np], a, b[0]);
            M::mma(dk_acc[2 * np + 1], a, b[1]);
        }
    }
    if constexpr (GATED) {
        if (mi.flags[i]) {
            const auto a = MF::split(MF::make_a([&](int r, int c) { return P_s[(16 * i + c) * LP + 16 * i + r]; }));
#pragma unroll
            for (int m = 0; m < NQ; m++) {
                const int cb = ch0 + 8 * m;
                const auto b = MF::make_b([&](int kr, int nn) {
                    const int t = 16 * i + kr, ch = cb + nn;
                    return raw(qr_s, t, ch) * fexp(-gate.gk(t, ch));
                });
                MF::mma(dk_acc[m], a, b);
            }
        }
#pragma unroll
        for (int m = 0; m < NQ; m++)
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const int s = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                dk_acc[m].x[e] *= fexp(gate.gk(s, ch));
            }
        if (!mi.flags[i]) {
#pragma unroll
            for (int m = 0; m < NQ; m++)
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int s = 16 * i + c_row(e), ch = ch0 + 8 * m + c_col(e);
                    if (ch < Kb && s < nrows) dk_acc[m].x[e] += diag_exact_grad<T, true>(P_s, LP, gr, qg, rk, i, s, ch);
                }
        }
    }

    // Outputs: dq, dk with their diagonal terms, and the gate-gradient terms q dq - k dk without them.
    T* dq = static_cast<T*>(p.dq) + (start * H + h) * K + k0;
    T* dk = static_cast<T*>(p.dk) + (start * H + h) * K + k0;
    float* dgc = p.dgc ? p.dgc + (start * H + h) * K + k0 : nullptr;
    const bool pair = K % 2 == 0 && (uintptr_t)p.dq % (2 * sizeof(T)) == 0 &&
                      (uintptr_t)p.dk % (2 * sizeof(T)) == 0 && (uintptr_t)p.dgc % 8 == 0;
#pragma unroll
    for (int m = 0; m < NQ; m++)
#pragma unroll
        for (int hr = 0; hr < 2; hr++) {
            const int r = 16 * i + c_row(2 * hr), ch = ch0 + 8 * m + c_col(0);
            if (r >= nrows || ch >= Kb) continue;
            float oq[2], ok[2], og[2];
#pragma unroll
            for (int u = 0; u < 2; u++) {
                const float qv = raw(qr_s, r, ch + u), kv = raw(kr_s, r, ch + u);
                const float xq = dq_acc[m].x[2 * hr + u], xk = dk_acc[m].x[2 * hr + u];
                oq[u] = xq + Pd[r] * kv;
                ok[u] = xk + Pd[r] * qv;
                og[u] = qv * xq - kv * xk;
            }
            if constexpr (FUSE_DG) {
                float* dG_s = reinterpret_cast<float*>(ring + L::off_dG);
                dG_s[r * LG + ch] = og[0];
                dG_s[r * LG + ch + 1] = og[1];
            }
            if (pair) {
                store_pair(dq + r * rk + ch, oq[0], oq[1]);
                store_pair(dk + r * rk + ch, ok[0], ok[1]);
                if (GATED && !FUSE_DG && dgc) store_pair(dgc + r * rk + ch, og[0], og[1]);
            } else {
#pragma unroll
                for (int u = 0; u < 2; u++)
                    if (ch + u < Kb) {
                        dq[r * rk + ch + u] = from_f<T>(oq[u]);
                        dk[r * rk + ch + u] = from_f<T>(ok[u]);
                        if (GATED && !FUSE_DG && dgc) dgc[r * rk + ch + u] = og[u];
                    }
            }
        }
    if constexpr (FUSE_DG) {
        // dg of the chunk's rows from its anchor (the local pass of chunk_bwd_dg.cu, in its order):
        // dg_first = anchor, dg_{t+1} = dg_t - (q dq - k dk)_t; a thread per channel.
        __syncthreads();
        const float* dG_s = reinterpret_cast<const float*>(ring + L::off_dG);
        const int c = threadIdx.x;
        if (c < Kb) {
            float x[kChunk];
#pragma unroll
            for (int r = 0; r < kChunk; r++) x[r] = dG_s[r * LG + c];
            float acc = p.anchors[((int64_t)chunk * H + h) * K + k0 + c];
#pragma unroll
            for (int r = 0; r < kChunk; r++) {
                if (r < nrows) dgc[r * rk + c] = acc;
                acc -= x[r];
            }
        }
    }
}

// A launch of chunk_bwd_dqkv2_kernel: a block per chunk and head, or (SPLIT) a cluster of two.
template <bool SPLIT> static cudaLaunchConfig_t bwd2_config(const BwdParams& p, size_t smem, cudaStream_t stream,
                                                            cudaLaunchAttribute* cluster) {
    cluster->id = cudaLaunchAttributeClusterDimension;
    cluster->val.clusterDim.x = 2, cluster->val.clusterDim.y = 1, cluster->val.clusterDim.z = 1;
    cudaLaunchConfig_t cfg{};
    cfg.gridDim = dim3((unsigned)p.seqs.NC * (SPLIT ? 2u : 1u), (unsigned)p.H);
    cfg.blockDim = dim3(kThreads);
    cfg.dynamicSmemBytes = smem;
    cfg.stream = stream;
    cfg.attrs = cluster;
    cfg.numAttrs = SPLIT ? 1 : 0;
    return cfg;
}

template <class T, int BK, int BV, int NS, bool GATED, bool SPLIT>
static cudaError_t launch_bwd_async(const BwdParams& p, cudaStream_t stream) {
    using L = Bwd2Smem<T, BK, BV, NS, GATED>; // KZ = GATED, as in the kernel
    static_assert(L::bytes <= 227 * 1024, "shared memory");
    auto kernel = GATED && p.anchors ? chunk_bwd_dqkv2_kernel<T, BK, BV, NS, GATED, GATED, SPLIT>
                                     : chunk_bwd_dqkv2_kernel<T, BK, BV, NS, GATED, false, SPLIT>;
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)L::bytes);
    if (err != cudaSuccess) return err;
    if (p.seqs.NC == 0) return cudaSuccess;
    cudaLaunchAttribute cluster;
    const cudaLaunchConfig_t cfg = bwd2_config<SPLIT>(p, L::bytes, stream, &cluster);
    return cudaLaunchKernelEx(&cfg, kernel, p);
}

template <class T, int BK, bool GATED>
static cudaError_t launch_bwd(const BwdParams& p, cudaStream_t stream) {
    constexpr int BV = kBwdBV;
    if constexpr (sizeof(T) == 2 && BK <= 128) {
        return launch_bwd_async<T, BK, BV, 3, GATED, false>(p, stream);
    } else {
        using L = BwdSmem<T, BK, BV>;
        static_assert(L::bytes <= 227 * 1024, "shared memory");
        return launch_smem(chunk_bwd_dqkv_kernel<T, BK, BV, GATED>, dim3(p.seqs.NC, p.H), L::bytes, stream, p);
    }
}

template <class T, bool GATED> static cudaError_t launch_bwd_bk(const BwdParams& p, cudaStream_t stream) {
    switch (key_tile(p.K)) {
    case 64: return launch_bwd<T, 64, GATED>(p, stream);
    case 128: return launch_bwd<T, 128, GATED>(p, stream);
    case 256:
        if constexpr (sizeof(T) == 2) {
            if (p.key_slice == 128) return launch_bwd_async<T, 128, kBwdBV, 3, GATED, true>(p, stream);
            return launch_bwd<T, 256, GATED>(p, stream);
        }
        [[fallthrough]];
    default: return cudaErrorInvalidValue;
    }
}

// Whether the key-split kernel runs on the current device: its binary has clusters (sm_90 on) and a cluster of two
// of its blocks fits.
static bool split_runs() {
    using L = Bwd2Smem<bf16, 128, kBwdBV, 3, true>;
    auto kernel = chunk_bwd_dqkv2_kernel<bf16, 128, kBwdBV, 3, true, true, true>;
    cudaFuncAttributes a{};
    BwdParams p{};
    p.seqs.NC = 1, p.H = 1;
    cudaLaunchAttribute cluster;
    const cudaLaunchConfig_t cfg = bwd2_config<true>(p, L::bytes, nullptr, &cluster);
    int clusters = 0;
    if (cudaFuncGetAttributes(&a, kernel) != cudaSuccess || a.binaryVersion < 90 ||
        cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)L::bytes) != cudaSuccess ||
        cudaOccupancyMaxActiveClusters(&clusters, kernel, &cfg) != cudaSuccess || clusters < 1) {
        (void)cudaGetLastError();
        return false;
    }
    return true;
}

// bf16 keys over 128 take the key-split cp.async kernel where it runs (asked once per device); else (and fp32) one
// block owns all the keys.
int chunk_bwd_dqkv_key_slice(int dtype, int64_t K) {
    if (dtype != 1 || key_tile(K) != 256) return (int)K;
    static std::atomic<int> known[64]; // per device: 0 not asked yet, 1 runs, 2 does not
    int dev = 0;
    if (cudaGetDevice(&dev) != cudaSuccess || dev < 0 || dev >= 64) {
        (void)cudaGetLastError();
        return split_runs() ? 128 : (int)K;
    }
    if (known[dev].load() == 0) known[dev].store(split_runs() ? 1 : 2);
    return known[dev].load() == 1 ? 128 : (int)K;
}

bool chunk_bwd_dqkv_fuses_dg(int dtype, int key_slice) {
    return dtype == 1 && key_tile(key_slice) != 0 && key_tile(key_slice) <= 128;
}

cudaError_t launch_chunk_bwd_dqkv(const BwdParams& p, int dtype, bool gated, cudaStream_t stream) {
    if (chunk_bwd_dqkv_wg_fits(p, dtype, gated)) return launch_chunk_bwd_dqkv_wg(p, stream);
    if (dtype == 1) return gated ? launch_bwd_bk<bf16, true>(p, stream) : launch_bwd_bk<bf16, false>(p, stream);
    return gated ? launch_bwd_bk<float, true>(p, stream) : launch_bwd_bk<float, false>(p, stream);
}

} // namespace gla

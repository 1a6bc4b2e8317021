/*
 * chunk_common.cuh — the pieces of one 64-token chunk shared by the chunk stages (GUIDE §2): the intra-chunk
 * attention matrix A with secondary chunking, the output tile o = A v + (q e^G) h, and the warp tiling of a
 * BK x BV state with its rank-64 update. Every function is called by all 256 threads of a block.
 *
 * Secondary chunking (paper §4.3): the 64x64 A splits into 4x4 blocks of 16x16. Block (i, j), i > j, is a
 * tensor-core product of q_i e^{G - G[j_end]} and k_j e^{G[j_end] - G}: both exponents <= 0 for the rows
 * involved. A diagonal block is factored around r = G before sub-chunk i, (q e^{G-r})(k e^{r-G}) on 3xTF32,
 * when the gate drops by at most kFactorLimit within the sub-chunk; otherwise each entry takes its exact
 * exp(G[t] - G[s]) and only for s <= t, so no positive exponent of a masked entry is ever evaluated.
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
    static constexpr size_t bytes_misc = sizeof(float) * 4 * BK + 16 * sizeof(int);
};

// Gate reference of sub-chunk i: the cumulative gate just before it (0 for the first).
__device__ __forceinline__ float gref(const float* G, int ld, int i, int c) {
    return i == 0 ? 0.f : G[(16 * i - 1) * ld + c];
}

// A[t][s] = scale * sum_c q[t,c] k[s,c] exp(G[t,c] - G[s,c]) for s <= t, 0 above the diagonal of each diagonal
// block (blocks above the block diagonal are not written and never read).
template <class T, int BK, bool GATED>
__device__ void compute_A(const T* __restrict__ q_s, const T* __restrict__ k_s, const float* __restrict__ G_s,
                          const int* __restrict__ flags, T* __restrict__ A_s, float scale) {
    using C = ChunkTiles<T, BK>;
    constexpr int LQ = C::LQ, LG = C::LG, LA = C::LA;
    using M = Mma<T>;
    using MF = Mma<float>;
    const int w = warp_id(), i = w >> 1, half = w & 1;

    for (int j = half; j < i; j += 2) {
        FragC acc[2];
        acc[0].zero();
        acc[1].zero();
        const float* Ge = G_s + (16 * j + 15) * LG; // reference: last row of sub-chunk j
#pragma unroll 2
        for (int kk = 0; kk < BK / 16; kk++) {
            const int c0 = 16 * kk;
            auto a = M::make_a([&](int r, int c) {
                const int t = 16 * i + r;
                return to_f(q_s[t * LQ + c0 + c]) * gexp<GATED>(G_s[t * LG + c0 + c] - Ge[c0 + c]);
            });
#pragma unroll
            for (int nt = 0; nt < 2; nt++) {
                auto b = M::make_b([&](int kr, int n) {
                    const int s = 16 * j + 8 * nt + n;
                    return to_f(k_s[s * LQ + c0 + kr]) * gexp<GATED>(Ge[c0 + kr] - G_s[s * LG + c0 + kr]);
                });
                M::mma(acc[nt], a, b);
            }
        }
        store_c(A_s, LA, 16 * i, 16 * j, acc[0], scale);
        store_c(A_s, LA, 16 * i, 16 * j + 8, acc[1], scale);
    }

    if ((i & 1) == half) { // diagonal block (i, i)
        FragC acc[2];
        acc[0].zero();
        acc[1].zero();
        if (flags[i]) {
#pragma unroll 2
            for (int kk = 0; kk < BK / 16; kk++) {
                const int c0 = 16 * kk;
                auto a = MF::make_a([&](int r, int c) {
                    const int t = 16 * i + r;
                    return to_f(q_s[t * LQ + c0 + c]) * gexp<GATED>(G_s[t * LG + c0 + c] - gref(G_s, LG, i, c0 + c));
                });
#pragma unroll
                for (int nt = 0; nt < 2; nt++) {
                    auto b = MF::make_b([&](int kr, int n) {
                        const int s = 16 * i + 8 * nt + n;
                        return to_f(k_s[s * LQ + c0 + kr]) *
                               gexp<GATED>(gref(G_s, LG, i, c0 + kr) - G_s[s * LG + c0 + kr]);
                    });
                    MF::mma(acc[nt], a, b);
                }
            }
        } else {
#pragma unroll
            for (int nt = 0; nt < 2; nt++) {
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const int t = 16 * i + c_row(e), s = 16 * i + 8 * nt + c_col(e);
                    float sum = 0.f;
                    if (s <= t) {
                        for (int c = 0; c < BK; c++)
                            sum += to_f(q_s[t * LQ + c]) * to_f(k_s[s * LQ + c]) *
                                   __expf(G_s[t * LG + c] - G_s[s * LG + c]);
                    }
                    acc[nt].x[e] = sum;
                }
            }
        }
#pragma unroll
        for (int nt = 0; nt < 2; nt++)
#pragma unroll
            for (int e = 0; e < 4; e++)
                if (8 * nt + c_col(e) > c_row(e)) acc[nt].x[e] = 0.f;
        store_c(A_s, LA, 16 * i, 16 * i, acc[0], scale);
        store_c(A_s, LA, 16 * i, 16 * i + 8, acc[1], scale);
    }
}

// One BV-column tile of the chunk output, warp (i, half) writing rows 16i.. and columns half*BV/2..:
//   o = A v + scale (q e^G) h,   h = H_s (BK x BV, the state entering the chunk, as T).
template <class T, int BK, int BV, bool GATED>
__device__ void chunk_o_tile(const T* __restrict__ q_s, const float* __restrict__ G_s, const T* __restrict__ A_s,
                             const T* __restrict__ v_s, const T* __restrict__ H_s, T* __restrict__ o,
                             int64_t ostride, int nrows, int v0, int V, float scale) {
    using C = ChunkTiles<T, BK>;
    constexpr int LQ = C::LQ, LG = C::LG, LA = C::LA, LV = pitch<T>(BV);
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
#pragma unroll 2
    for (int kk = 0; kk < BK / 16; kk++) {
        const int c0 = 16 * kk;
        auto a = M::make_a([&](int r, int c) {
            const int t = 16 * i + r;
            return to_f(q_s[t * LQ + c0 + c]) * gexp<GATED>(G_s[t * LG + c0 + c]) * scale;
        });
#pragma unroll
        for (int np = 0; np < NT / 2; np++) {
            typename M::B b[2];
            M::ld_b_kn(b, H_s + c0 * LV + col0 + 16 * np, LV);
            M::mma(acc[2 * np], a, b[0]);
            M::mma(acc[2 * np + 1], a, b[1]);
        }
    }
#pragma unroll
    for (int n = 0; n < NT; n++)
#pragma unroll
        for (int e = 0; e < 4; e++) {
            const int r = 16 * i + c_row(e), col = v0 + col0 + 8 * n + c_col(e);
            if (r < nrows && col < V) o[r * ostride + col] = from_f<T>(acc[n].x[e]);
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
    // The state as T into a shared BK x BV tile (the B operand of the next chunk's q h).
    __device__ __forceinline__ void store_shared(T* H_s) const {
#pragma unroll
        for (int m = 0; m < MT; m++)
#pragma unroll
            for (int n = 0; n < NT; n++) store_c(H_s, LV, row(m), col(n), s[m][n], 1.f);
    }
    // s = decay * s + (X * F)^T Y over the 64 rows of the chunk, with decay = e^{G_L} per channel and
    //   forward (REV false): X = k, F = e^{G_L - G[t]}        (state after the chunk)
    //   reverse (REV true):  X = q, F = xscale * e^{G[t]}      (gradient of the state before the chunk)
    template <bool REV>
    __device__ __forceinline__ void update(const T* __restrict__ X_s, const float* __restrict__ G_s,
                                           const T* __restrict__ Y_s, bool decay, float xscale) {
        using M = Mma<T>;
        constexpr int LQ = ChunkTiles<T, BK>::LQ, LG = ChunkTiles<T, BK>::LG;
        const float* GL = G_s + (kChunk - 1) * LG;
        if (decay) {
#pragma unroll
            for (int m = 0; m < MT; m++)
#pragma unroll
                for (int n = 0; n < NT; n++)
#pragma unroll
                    for (int e = 0; e < 4; e++) s[m][n].x[e] *= gexp<GATED>(GL[row(m) + c_row(e)]);
        }
#pragma unroll
        for (int kk = 0; kk < kChunk / 16; kk++) {
            typename M::A a[MT];
#pragma unroll
            for (int m = 0; m < MT; m++) {
                const int r0 = row(m);
                a[m] = M::make_a([&](int r, int c) {
                    const int ch = r0 + r, t = 16 * kk + c;
                    const float x = to_f(X_s[t * LQ + ch]);
                    if constexpr (REV) return x * gexp<GATED>(G_s[t * LG + ch]) * xscale;
                    else return x * gexp<GATED>(GL[ch] - G_s[t * LG + ch]);
                });
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

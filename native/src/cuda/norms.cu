/*
 * norms.cu — RMSNorm and the gated RMSNorm (forward, backward) and the row reductions bias_grad and sum_squares
 * on the GPU.
 *
 * Norms: a team of TPR threads per row (32..256, the least whose lanes hold the row in two groups of 4 columns;
 * a block of 256 threads holds 256 / TPR teams). A lane owns the same columns in every row, so the weight, and in the
 * backward its running sums of the weight gradient dn·x̂, stay in its registers, and every input of a row (x, dy,
 * z, dx when accumulating) is requested at once, before the row's one sum (warp shuffles, then the team's warps in
 * order through shared memory). The grid is what the GPU holds at once, each block taking rows in a fixed stride;
 * the backward's blocks then add their teams' sums in team order into partials[block] and column_finish adds the
 * blocks in block order, in double, to dweight: deterministic on a given GPU (the grid follows its multiprocessors),
 * no atomics. Rows wider than 4096 or not aligned for 16-byte (fp32) or 8-byte (bf16) vector loads are read from
 * memory in each pass, their weight gradient by column_partials (a second read of the inputs).
 * H200, 16384 x 2048 (fp32 x, dy and dx accumulated): the backward took 0.303 ms with a warp per row, the row in
 * registers and the weight-gradient sums in shared memory — one block of 8 warps per SM (200 registers a thread,
 * 64 KiB of shared memory), stalled on its loads 60% of the time; 0.140 ms with teams (90% of its bytes' time).
 * At the 1.3B model's shapes, one step: the norms' time 39 -> 26 ms (`gla bench train --profile`).
 * bias_grad: column_partials (fixed blocks of rows per column) then column_finish. sum_squares: fixed chunks of
 * kSumChunk elements summed in double per block, then the chunk sums in order by one thread; the result is copied
 * to the host after the stream is synchronized.
 * Tested by native/tests/test_layers_cuda.c against the cpu backend.
 */
#include "cuda_common.cuh"

#include <type_traits>

namespace {

constexpr int kRowThreads = 256, kRowWarps = kRowThreads / 32; // norms: a block of teams, a team per row
constexpr int kColThreads = 256;
constexpr int64_t kSumChunk = 65536;
constexpr int kSumThreads = 256;
constexpr int64_t kMinBlockRows = 64, kMaxRowBlocks = 256;    // the row blocks of column_partials
constexpr int kFinishWarps = 32;                              // column_finish: warps per 32 columns
static_assert(kSumThreads % 32 == 0, "whole warps");

__device__ inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

/* The gated norm's gate: swish(z) = z·sigmoid(z). */
__device__ inline float swishf_(float z) { return z * sigmoidf_(z); }

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/* Sum over the block in a fixed order (warp shuffles, then warp sums in order); every thread gets the result.
 * `shared` holds 32 values; it is reused, so the block synchronizes before returning. */
template <class T> __device__ T block_sum(T v, T* shared) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_down_sync(0xffffffffu, v, o);
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32, warps = blockDim.x / 32;
    __syncthreads();
    if (lane == 0) shared[warp] = v;
    __syncthreads();
    T total = 0;
    for (int w = 0; w < warps; w++) total += shared[w];
    __syncthreads();
    return total;
}

/* Elements j .. j+3 of a row of `width` (VEC: one 16- or 8-byte load; else each element, zero past the end). */
template <class T, bool VEC> __device__ inline void load4(const T* row, int64_t j, int64_t width, float v[4]) {
    if constexpr (VEC && std::is_same_v<T, float>) {
        const float4 f = *reinterpret_cast<const float4*>(row + j);
        v[0] = f.x, v[1] = f.y, v[2] = f.z, v[3] = f.w;
    } else if constexpr (VEC) {
        const uint2 u = *reinterpret_cast<const uint2*>(row + j);
        const float2 a = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&u.x));
        const float2 b = __bfloat1622float2(*reinterpret_cast<const __nv_bfloat162*>(&u.y));
        v[0] = a.x, v[1] = a.y, v[2] = b.x, v[3] = b.y;
    } else {
#pragma unroll
        for (int e = 0; e < 4; e++) {
            if constexpr (std::is_same_v<T, float>) v[e] = j + e < width ? row[j + e] : 0.0f;
            else v[e] = j + e < width ? __bfloat162float(row[j + e]) : 0.0f;
        }
    }
}

template <class T, bool VEC> __device__ inline void store4(T* row, int64_t j, int64_t width, const float v[4]) {
    if constexpr (VEC && std::is_same_v<T, float>) {
        *reinterpret_cast<float4*>(row + j) = make_float4(v[0], v[1], v[2], v[3]);
    } else if constexpr (VEC) {
        const __nv_bfloat162 a = __floats2bfloat162_rn(v[0], v[1]), b = __floats2bfloat162_rn(v[2], v[3]);
        uint2 u;
        u.x = *reinterpret_cast<const unsigned*>(&a), u.y = *reinterpret_cast<const unsigned*>(&b);
        *reinterpret_cast<uint2*>(row + j) = u;
    } else {
#pragma unroll
        for (int e = 0; e < 4; e++)
            if (j + e < width) {
                if constexpr (std::is_same_v<T, float>) row[j + e] = v[e];
                else row[j + e] = __float2bfloat16_rn(v[e]);
            }
    }
}

/* Lane t of a row's team of TPR threads takes the 4-column groups j = 4t + 4·TPR·g: g < G (rows of at most
 * 4·TPR·G columns, a multiple of 4, vector loads), or, with G == 0, as many as the width needs. */
#define FOR_TEAM_GROUPS(TPR, G, g, j, width)                                                                       \
    _Pragma("unroll") for (int g = 0;                                                                               \
                           G > 0 ? g < G : 4 * (int64_t)(threadIdx.x % TPR) + 4 * (int64_t)TPR * g < (width); g++) \
        if (const int64_t j = 4 * (int64_t)(threadIdx.x % TPR) + 4 * (int64_t)TPR * g; j < (width))

/* A lane's part of a row: with G > 0 its groups loaded once into registers (fill), else read at every get. */
template <class T, int TPR, int G, bool VEC> struct LaneRow {
    float v[G > 0 ? G : 1][4];
    const T* row;
    int64_t width;
    __device__ void fill(const T* r, int64_t w) {
        row = r, width = w;
        if constexpr (G > 0) FOR_TEAM_GROUPS(TPR, G, g, j, w) load4<T, true>(row, j, w, v[g]);
    }
    __device__ void get(int g, int64_t j, float out[4]) const {
        if constexpr (G > 0) {
#pragma unroll
            for (int e = 0; e < 4; e++) out[e] = v[g][e];
        } else {
            load4<T, VEC>(row, j, width, out);
        }
    }
};

/* The sum of v over each team, in a fixed order (shuffles, then the team's warps in order), in every lane of the
 * team. Every thread of the block calls it once a pass: with teams wider than a warp it holds a barrier, and
 * `red` keeps two rounds of warp sums (a thread one pass ahead writes the other half, never one still read). */
template <int TPR> __device__ float team_sum(float v, float* red, unsigned pass) {
    v = warp_sum(v);
    if constexpr (TPR == 32) {
        return v;
    } else {
        float* sums = red + (pass & 1) * kRowWarps;
        if (threadIdx.x % 32 == 0) sums[threadIdx.x / 32] = v;
        __syncthreads();
        const float* team = sums + threadIdx.x / TPR * (TPR / 32);
        float s = 0.0f;
#pragma unroll
        for (int k = 0; k < TPR / 32; k++) s += team[k];
        return s;
    }
}

/* The rows of block b: b·teams + team, then every gridDim·teams rows; `pass` counts them, alike in every lane of
 * the block (rows past the end are not live but still take part in team_sum). */
#define FOR_BLOCK_ROWS(TPR, r, live, pass, rows)                                                                 \
    for (int64_t r##0 = (int64_t)blockIdx.x * (kRowThreads / TPR), pass = 0; r##0 < (rows);                      \
         r##0 += (int64_t)gridDim.x * (kRowThreads / TPR), pass++)                                               \
        if (const int64_t r = r##0 + threadIdx.x / TPR; true)                                                     \
            if (const bool live = r < (rows); true)

template <class TX, class TY, int TPR, int G, bool VEC>
__global__ void __launch_bounds__(kRowThreads) norm_fwd_kernel(gla_norm_args a) {
    __shared__ float red[2 * kRowWarps];
    const int64_t w = a.width;
    LaneRow<float, TPR, G, VEC> wt;
    wt.fill(a.weight, w);
    FOR_BLOCK_ROWS(TPR, r, live, pass, a.rows) {
        LaneRow<TX, TPR, G, VEC> x, z;
        float ss = 0.0f;
        if (live) {
            x.fill(static_cast<const TX*>(a.x) + r * w, w);
            if (a.z) z.fill(static_cast<const TX*>(a.z) + r * w, w);
            FOR_TEAM_GROUPS(TPR, G, g, j, w) {
                float v[4];
                x.get(g, j, v);
                ss += v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3];
            }
        }
        const float rstd = rsqrtf(team_sum<TPR>(ss, red, (unsigned)pass) / (float)w + a.eps);
        if (!live) continue;
        if (threadIdx.x % TPR == 0) a.rstd[r] = rstd;
        FOR_TEAM_GROUPS(TPR, G, g, j, w) {
            float v[4], ws[4], zv[4];
            x.get(g, j, v);
            wt.get(g, j, ws);
            if (a.z) z.get(g, j, zv);
#pragma unroll
            for (int e = 0; e < 4; e++) {
                v[e] = v[e] * rstd * ws[e];
                if (a.z) v[e] *= swishf_(zv[e]);
            }
            store4<TY, VEC>(static_cast<TY*>(a.y) + r * w, j, w, v);
        }
    }
}

/* dx = rstd·(dn·w − x̂·mean(dn·w·x̂)) with dn = dy (plain) or dy·swish(z) (gated); gated: dz = dy·x̂·w·swish'(z).
 * With partials (G > 0 only): partials[block, j] = Σ dn·x̂ over the block's rows (each lane's rows in order, then
 * the teams in order; shared memory holds the teams' sums, [teams][width] floats). */
template <class TX, class TD, int TPR, int G, bool VEC>
__global__ void __launch_bounds__(kRowThreads) norm_bwd_kernel(gla_norm_args a, float* partials) {
    extern __shared__ __align__(16) float team_dw[];
    __shared__ float red[2 * kRowWarps];
    constexpr int kTeams = kRowThreads / TPR;
    const int64_t w = a.width;
    LaneRow<float, TPR, G, VEC> wt;
    wt.fill(a.weight, w);
    float dw[G > 0 ? G : 1][4] = {};
    FOR_BLOCK_ROWS(TPR, r, live, pass, a.rows) {
        LaneRow<TX, TPR, G, VEC> x, z;
        LaneRow<float, TPR, G, VEC> dy;
        LaneRow<TD, TPR, G, VEC> dx_in;
        TD* dx = static_cast<TD*>(a.dx) + r * w;
        float rstd = 0.0f, dot = 0.0f;
        if (live) {
            rstd = a.rstd[r];
            x.fill(static_cast<const TX*>(a.x) + r * w, w);
            dy.fill(a.dy + r * w, w);
            if (a.z) z.fill(static_cast<const TX*>(a.z) + r * w, w);
            if (a.accumulate_dx) dx_in.fill(dx, w);
            FOR_TEAM_GROUPS(TPR, G, g, j, w) {
                float v[4], d[4], ws[4], zv[4];
                x.get(g, j, v);
                dy.get(g, j, d);
                wt.get(g, j, ws);
                if (a.z) z.get(g, j, zv);
#pragma unroll
                for (int e = 0; e < 4; e++) dot += (a.z ? d[e] * swishf_(zv[e]) : d[e]) * ws[e] * (v[e] * rstd);
            }
        }
        const float mean = team_sum<TPR>(dot, red, (unsigned)pass) / (float)w;
        if (!live) continue;
        FOR_TEAM_GROUPS(TPR, G, g, j, w) {
            float v[4], d[4], ws[4], zv[4], out[4], dz[4];
            x.get(g, j, v);
            dy.get(g, j, d);
            wt.get(g, j, ws);
            if (a.z) z.get(g, j, zv);
            if (a.accumulate_dx) dx_in.get(g, j, out);
#pragma unroll
            for (int e = 0; e < 4; e++) {
                const float xhat = v[e] * rstd;
                float dn = d[e];
                if (a.z) {
                    const float s = sigmoidf_(zv[e]);
                    dn = d[e] * (zv[e] * s);
                    dz[e] = d[e] * xhat * ws[e] * (s + zv[e] * s * (1.0f - s));
                }
                const float grad = rstd * (dn * ws[e] - xhat * mean);
                out[e] = a.accumulate_dx ? out[e] + grad : grad;
                if constexpr (G > 0) dw[g][e] += dn * xhat;
            }
            store4<TD, VEC>(dx, j, w, out);
            if (a.z) store4<TD, VEC>(static_cast<TD*>(a.dz) + r * w, j, w, dz);
        }
    }
    if constexpr (G > 0) {
        if (!partials) return;
        float* sums = kTeams == 1 ? partials + (int64_t)blockIdx.x * w : team_dw + (int64_t)(threadIdx.x / TPR) * w;
        FOR_TEAM_GROUPS(TPR, G, g, j, w) store4<float, true>(sums, j, w, dw[g]);
        if constexpr (kTeams > 1) {
            __syncthreads(); // every team's sums are in shared memory
            for (int64_t j = threadIdx.x; j < w; j += kRowThreads) {
                float s = 0.0f;
                for (int k = 0; k < kTeams; k++) s += team_dw[k * w + j];
                partials[(int64_t)blockIdx.x * w + j] = s;
            }
        }
    }
}

/* The per-element terms of the column sums. */
struct NormWeightTerm { /* dweight: dn·x̂ */
    gla_norm_args a;
    __device__ float operator()(int64_t r, int64_t j) const {
        const int64_t i = r * a.width + j;
        float dn = a.dy[i];
        if (a.z) {
            const float z = gla_cuda_load(a.z, a.xz_dtype, i);
            dn *= swishf_(z);
        }
        return dn * (gla_cuda_load(a.x, a.xz_dtype, i) * a.rstd[r]);
    }
};

struct BiasTerm { /* dbias: dy */
    const float* dy;
    int64_t width;
    __device__ float operator()(int64_t r, int64_t j) const { return dy[r * width + j]; }
};

/* partials[b, j] = Σ_{r in block b, in order} term(r, j). grid: x column tiles (grid-stride), y row blocks. */
template <class Term>
__global__ void column_partials(Term term, int64_t rows, int64_t width, int64_t block_rows, float* partials) {
    for (int64_t b = blockIdx.y; b * block_rows < rows; b += gridDim.y) {
        const int64_t r0 = b * block_rows, r1 = r0 + block_rows < rows ? r0 + block_rows : rows;
        for (int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; j < width; j += (int64_t)gridDim.x * blockDim.x) {
            float s = 0.0f;
            for (int64_t r = r0; r < r1; r++) s += term(r, j);
            partials[b * width + j] = s;
        }
    }
}

/* out[j] += Σ_b partials[b, j] in double: a block takes 32 columns, its warp k the blocks b ≡ k (mod kFinishWarps)
 * in order, then the warps' sums are added in warp order. Coalesced: a warp reads 32 consecutive columns. */
__global__ void __launch_bounds__(32 * kFinishWarps) column_finish(const float* partials, int64_t blocks,
                                                                   int64_t width, float* out) {
    __shared__ double sums[kFinishWarps][32];
    const int lane = threadIdx.x % 32, warp = threadIdx.x / 32;
    for (int64_t j0 = (int64_t)blockIdx.x * 32; j0 < width; j0 += (int64_t)gridDim.x * 32) {
        const int64_t j = j0 + lane;
        double s = 0.0;
        if (j < width) {
#pragma unroll 4
            for (int64_t b = warp; b < blocks; b += kFinishWarps) s += partials[b * width + j];
        }
        sums[warp][lane] = s;
        __syncthreads();
        if (warp == 0 && j < width) {
            double t = out[j];
            for (int k = 0; k < kFinishWarps; k++) t += sums[k][lane];
            out[j] = (float)t;
        }
        __syncthreads();
    }
}

/* The row blocks of the column sums: at least kMinBlockRows rows each, at most kMaxRowBlocks blocks. */
int64_t row_block_rows(int64_t rows) {
    int64_t block_rows = (rows + kMaxRowBlocks - 1) / kMaxRowBlocks;
    return block_rows < kMinBlockRows ? kMinBlockRows : block_rows;
}

gla_status finish_columns(const char* fn, float* partials, int64_t blocks, int64_t width, float* out,
                          cudaStream_t stream) {
    column_finish<<<gla_cuda_grid(width, 32), 32 * kFinishWarps, 0, stream>>>(partials, blocks, width, out);
    const cudaError_t e = cudaGetLastError();
    (void)cudaFreeAsync(partials, stream);
    return gla_cuda_error(fn, e, "column_finish kernel");
}

/* out[width] += Σ_rows term(r, ·), deterministically (see the file comment). */
template <class Term>
gla_status column_sums(const char* fn, Term term, int64_t rows, int64_t width, float* out, cudaStream_t stream) {
    const int64_t block_rows = row_block_rows(rows), blocks = (rows + block_rows - 1) / block_rows;
    float* partials = nullptr;
    GLA_CUDA_CHECK(fn, cudaMallocAsync(&partials, (size_t)(blocks * width) * sizeof(float), stream),
                   "cudaMallocAsync (column partial sums)");
    const dim3 grid(gla_cuda_grid(width, kColThreads), (unsigned)blocks);
    column_partials<<<grid, kColThreads, 0, stream>>>(term, rows, width, block_rows, partials);
    const cudaError_t e = cudaGetLastError();
    if (e != cudaSuccess) {
        (void)cudaFreeAsync(partials, stream);
        return gla_cuda_error(fn, e, "column_partials kernel");
    }
    return finish_columns(fn, partials, blocks, width, out, stream);
}

/* Whether the 4-element loads and stores may be 16-byte (fp32) or 8-byte (bf16) vectors. */
bool vec_ok(const void* p, int32_t dtype) {
    return p == nullptr || (uintptr_t)p % (dtype == GLA_DTYPE_BF16 ? 8 : 16) == 0;
}

/* A team of TPR threads a row, each with G groups of 4 columns in registers (see the file comment). */
struct RowTeams {
    int tpr, groups;
};

RowTeams row_teams(int64_t width, bool vec) {
    if (vec)
        for (int tpr = 32; tpr <= kRowThreads; tpr *= 2)
            if (width <= 8 * tpr) return {tpr, 2};
    if (vec && width <= 16 * kRowThreads) return {kRowThreads, 4};
    return {kRowThreads, 0};
}

/* KERNEL<TX, TY, TPR, G, VEC> for the teams of row_teams. */
#define ROW_KERNEL(KERNEL, TX, TY, teams, vec)                                                                      \
    (teams.groups == 0   ? (vec ? KERNEL<TX, TY, kRowThreads, 0, true> : KERNEL<TX, TY, kRowThreads, 0, false>)     \
     : teams.groups == 4 ? KERNEL<TX, TY, kRowThreads, 4, true>                                                    \
     : teams.tpr == 32   ? KERNEL<TX, TY, 32, 2, true>                                                             \
     : teams.tpr == 64   ? KERNEL<TX, TY, 64, 2, true>                                                             \
     : teams.tpr == 128  ? KERNEL<TX, TY, 128, 2, true>                                                            \
                         : KERNEL<TX, TY, kRowThreads, 2, true>)

/* The grid of a row kernel: as many blocks as the GPU holds at once, at most one per team of rows. */
cudaError_t row_grid(const gla_context* context, const void* kernel, RowTeams teams, int64_t rows, size_t smem,
                     unsigned* grid) {
    int per_sm = 0;
    const cudaError_t e = cudaOccupancyMaxActiveBlocksPerMultiprocessor(&per_sm, kernel, kRowThreads, smem);
    if (e != cudaSuccess) return e;
    const int64_t team_rows = (rows + kRowThreads / teams.tpr - 1) / (kRowThreads / teams.tpr);
    const int64_t resident = (int64_t)(per_sm > 0 ? per_sm : 1) * gla_cuda_multiprocessors(context);
    *grid = (unsigned)(team_rows < resident ? team_rows : resident);
    return cudaSuccess;
}

bool norm_vec(const gla_norm_args& a, bool backward) {
    bool vec = a.width % 4 == 0 && vec_ok(a.x, a.xz_dtype) && vec_ok(a.z, a.xz_dtype) && vec_ok(a.weight, GLA_DTYPE_F32);
    if (backward) return vec && vec_ok(a.dy, GLA_DTYPE_F32) && vec_ok(a.dx, a.dxz_dtype) && vec_ok(a.dz, a.dxz_dtype);
    return vec && vec_ok(a.y, a.y_dtype);
}

template <class TX, class TY>
cudaError_t launch_norm_fwd(const gla_context* context, const gla_norm_args& a, cudaStream_t stream) {
    const bool vec = norm_vec(a, false);
    const RowTeams teams = row_teams(a.width, vec);
    const auto kernel = ROW_KERNEL(norm_fwd_kernel, TX, TY, teams, vec);
    unsigned grid = 0;
    const cudaError_t e = row_grid(context, (const void*)kernel, teams, a.rows, 0, &grid);
    if (e != cudaSuccess) return e;
    kernel<<<grid, kRowThreads, 0, stream>>>(a);
    return cudaGetLastError();
}

/* The backward. With the rows in registers it also sums the weight gradient, by block, into *partials
 * ([*blocks][width], allocated on the stream); else *partials stays null. */
template <class TX, class TD>
cudaError_t launch_norm_bwd(const gla_context* context, const gla_norm_args& a, float** partials, unsigned* blocks,
                            cudaStream_t stream) {
    const bool vec = norm_vec(a, true);
    const RowTeams teams = row_teams(a.width, vec);
    const auto kernel = ROW_KERNEL(norm_bwd_kernel, TX, TD, teams, vec);
    const size_t smem = teams.groups > 0 && teams.tpr < kRowThreads ? sizeof(float) * (kRowThreads / teams.tpr) * a.width : 0;
    cudaError_t e = row_grid(context, (const void*)kernel, teams, a.rows, smem, blocks);
    if (e == cudaSuccess && teams.groups > 0)
        e = cudaMallocAsync(partials, (size_t)*blocks * (size_t)a.width * sizeof(float), stream);
    if (e != cudaSuccess) return e;
    kernel<<<*blocks, kRowThreads, smem, stream>>>(a, *partials);
    return cudaGetLastError();
}

__global__ void sum_squares_chunks(const float* x, int64_t count, double* partials) {
    __shared__ double shared[32];
    const int64_t chunks = (count + kSumChunk - 1) / kSumChunk;
    for (int64_t c = blockIdx.x; c < chunks; c += gridDim.x) {
        const int64_t end = (c + 1) * kSumChunk < count ? (c + 1) * kSumChunk : count;
        double s = 0.0;
        for (int64_t i = c * kSumChunk + threadIdx.x; i < end; i += blockDim.x) s += (double)x[i] * x[i];
        s = block_sum(s, shared);
        if (threadIdx.x == 0) partials[c] = s;
    }
}

__global__ void sum_in_order(const double* partials, int64_t n, double* out) {
    double s = 0.0;
    for (int64_t i = 0; i < n; i++) s += partials[i];
    *out = s;
}

} // namespace

gla_status gla_cuda_norm_fwd(gla_context* context, const gla_norm_args* a) {
    const char* fn = a->z ? "gla_gated_rms_norm_fwd" : "gla_rms_norm_fwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    const bool xb = a->xz_dtype == GLA_DTYPE_BF16, yb = a->y_dtype == GLA_DTYPE_BF16;
    const cudaError_t e = xb ? (yb ? launch_norm_fwd<__nv_bfloat16, __nv_bfloat16>(context, *a, stream)
                                   : launch_norm_fwd<__nv_bfloat16, float>(context, *a, stream))
                             : (yb ? launch_norm_fwd<float, __nv_bfloat16>(context, *a, stream)
                                   : launch_norm_fwd<float, float>(context, *a, stream));
    return gla_cuda_error(fn, e, "norm_fwd kernel");
}

gla_status gla_cuda_norm_bwd(gla_context* context, const gla_norm_args* a) {
    const char* fn = a->z ? "gla_gated_rms_norm_bwd" : "gla_rms_norm_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    float* partials = nullptr;
    unsigned blocks = 0;
    const bool xb = a->xz_dtype == GLA_DTYPE_BF16, db = a->dxz_dtype == GLA_DTYPE_BF16;
    const cudaError_t e =
        xb ? (db ? launch_norm_bwd<__nv_bfloat16, __nv_bfloat16>(context, *a, &partials, &blocks, stream)
                 : launch_norm_bwd<__nv_bfloat16, float>(context, *a, &partials, &blocks, stream))
           : (db ? launch_norm_bwd<float, __nv_bfloat16>(context, *a, &partials, &blocks, stream)
                 : launch_norm_bwd<float, float>(context, *a, &partials, &blocks, stream));
    if (e != cudaSuccess) {
        if (partials) (void)cudaFreeAsync(partials, stream);
        return gla_cuda_error(fn, e, "norm_bwd kernel");
    }
    if (partials) return finish_columns(fn, partials, blocks, a->width, a->dweight, stream);
    return column_sums(fn, NormWeightTerm{*a}, a->rows, a->width, a->dweight, stream);
}

gla_status gla_cuda_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias) {
    static const char fn[] = "gla_bias_grad";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return column_sums(fn, BiasTerm{dy, width}, rows, width, dbias, gla_cuda_stream(context));
}

gla_status gla_cuda_sum_squares(gla_context* context, int64_t count, const float* x, double* sum) {
    static const char fn[] = "gla_sum_squares";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    const int64_t chunks = (count + kSumChunk - 1) / kSumChunk;
    double* partials = nullptr; /* [chunks] partial sums, then the total */
    GLA_CUDA_CHECK(fn, cudaMallocAsync(&partials, (size_t)(chunks + 1) * sizeof(double), stream),
                   "cudaMallocAsync (partial sums)");
    sum_squares_chunks<<<gla_cuda_grid(chunks, 1), kSumThreads, 0, stream>>>(x, count, partials);
    cudaError_t e = cudaGetLastError();
    if (e == cudaSuccess) {
        sum_in_order<<<1, 1, 0, stream>>>(partials, chunks, partials + chunks);
        e = cudaGetLastError();
    }
    double result = 0.0;
    if (e == cudaSuccess) e = cudaMemcpyAsync(&result, partials + chunks, sizeof result, cudaMemcpyDeviceToHost, stream);
    (void)cudaFreeAsync(partials, stream);
    if (e == cudaSuccess) e = cudaStreamSynchronize(stream);
    if (e != cudaSuccess) return gla_cuda_error(fn, e, "sum_squares kernels");
    *sum = result;
    return GLA_OK;
}

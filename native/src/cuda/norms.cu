/*
 * norms.cu — RMSNorm and the gated RMSNorm (forward, backward) and the row reductions bias_grad and sum_squares
 * on the GPU.
 *
 * Norms: one warp per row (rows of 256..2048 in the models: the row's sum by warp shuffles, no block barriers),
 * 16-byte loads of 4 elements per lane when the width is a multiple of 4 and every pointer aligned, one element
 * per lane otherwise; rows of up to 2048 such elements stay in registers between the sum and the outputs (LaneRow),
 * wider or unaligned ones are read again. The backward
 * sums the weight gradient dn·x̂ over rows in the same launch: a block owns a fixed range of rows, its warps take
 * every kWarps-th row and add into their own row of shared memory, then the block adds its warps' rows in warp
 * order into partials[block]; column_finish adds the blocks in block order, in double, to dweight. Deterministic,
 * no atomics. Rows wider than the shared memory allows take column_partials instead (a second read of the inputs).
 * bias_grad: column_partials (fixed blocks of rows per column) then column_finish. sum_squares: fixed chunks of
 * kSumChunk elements summed in double per block, then the chunk sums in order by one thread; the result is copied
 * to the host after the stream is synchronized.
 * Tested by native/tests/test_layers_cuda.c against the cpu backend.
 */
#include "cuda_common.cuh"

#include <type_traits>

namespace {

constexpr int kWarps = 8, kRowThreads = 32 * kWarps;         // norms: a warp per row
constexpr int kColThreads = 256;
constexpr int64_t kSumChunk = 65536;
constexpr int kSumThreads = 256;
constexpr int64_t kMinBlockRows = 64, kMaxRowBlocks = 256;    // the row blocks of the column sums
constexpr int kFinishWarps = 32;                              // column_finish: warps per 32 columns
constexpr size_t kMaxNormSmem = 96 * 1024;                    // the backward's per-warp weight-gradient rows
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

/* A lane's part of a row: the 4-element groups at 4·lane + 128·g. With N > 0 (rows of at most 128·N elements, a
 * multiple of 4, vector loads) the groups are loaded once into registers; with N == 0 every get reads memory. */
template <class T, int N, bool VEC> struct LaneRow {
    float v[N > 0 ? N : 1][4];
    const T* row;
    int64_t width;
    __device__ void fill(const T* r, int64_t w) {
        row = r, width = w;
        if constexpr (N > 0) {
#pragma unroll
            for (int g = 0; g < N; g++) {
                const int64_t j = 4 * (threadIdx.x % 32) + 128 * g;
                if (j < w) load4<T, true>(row, j, w, v[g]);
            }
        }
    }
    __device__ void get(int g, int64_t j, float out[4]) const {
        if constexpr (N > 0) {
#pragma unroll
            for (int e = 0; e < 4; e++) out[e] = v[g][e];
        } else {
            load4<T, VEC>(row, j, width, out);
        }
    }
};

/* The loop over a lane's groups g with first element j: unrolled over N groups, or while j < width (N == 0). */
#define FOR_LANE_GROUPS(N, g, j, width)                                                                             \
    _Pragma("unroll") for (int g = 0; N > 0 ? g < N : 4 * (int64_t)(threadIdx.x % 32) + 128 * (int64_t)g < (width); \
                           g++)                                                                                     \
        if (const int64_t j = 4 * (int64_t)(threadIdx.x % 32) + 128 * (int64_t)g; j < (width))

template <class TX, class TY, int N, bool VEC>
__global__ void __launch_bounds__(kRowThreads) norm_fwd_kernel(gla_norm_args a) {
    const int64_t w = a.width;
    for (int64_t r = (int64_t)blockIdx.x * kWarps + threadIdx.x / 32; r < a.rows; r += (int64_t)gridDim.x * kWarps) {
        LaneRow<TX, N, VEC> x;
        x.fill(static_cast<const TX*>(a.x) + r * w, w);
        const TX* z = a.z ? static_cast<const TX*>(a.z) + r * w : nullptr;
        float ss = 0.0f;
        FOR_LANE_GROUPS(N, g, j, w) {
            float v[4];
            x.get(g, j, v);
            ss += v[0] * v[0] + v[1] * v[1] + v[2] * v[2] + v[3] * v[3];
        }
        const float rstd = rsqrtf(warp_sum(ss) / (float)w + a.eps);
        if (threadIdx.x % 32 == 0) a.rstd[r] = rstd;
        FOR_LANE_GROUPS(N, g, j, w) {
            float v[4], wt[4], zv[4];
            x.get(g, j, v);
            load4<float, VEC>(a.weight, j, w, wt);
            if (z) load4<TX, VEC>(z, j, w, zv);
#pragma unroll
            for (int e = 0; e < 4; e++) {
                v[e] = v[e] * rstd * wt[e];
                if (z) v[e] *= swishf_(zv[e]);
            }
            store4<TY, VEC>(static_cast<TY*>(a.y) + r * w, j, w, v);
        }
    }
}

/* dx = rstd·(dn·w − x̂·mean(dn·w·x̂)) with dn = dy (plain) or dy·swish(z) (gated); gated: dz = dy·x̂·w·swish'(z).
 * With partials: the rows of block b are block_rows from b·block_rows, and partials[b, j] = Σ_rows dn·x̂. */
template <class TX, class TD, int N, bool VEC>
__global__ void __launch_bounds__(kRowThreads) norm_bwd_kernel(gla_norm_args a, int64_t block_rows, float* partials) {
    extern __shared__ float acc[]; // [kWarps][width]: each warp's weight-gradient sums (with partials)
    const int64_t w = a.width;
    const int warp = threadIdx.x / 32;
    float* mine = acc + (int64_t)warp * w;
    const int64_t blocks = (a.rows + block_rows - 1) / block_rows;
    for (int64_t b = blockIdx.x; b < blocks; b += gridDim.x) {
        if (partials) {
            for (int64_t j = threadIdx.x % 32; j < w; j += 32) mine[j] = 0.0f;
            __syncwarp(); // lanes add into columns other lanes zeroed
        }
        const int64_t r1 = (b + 1) * block_rows < a.rows ? (b + 1) * block_rows : a.rows;
        for (int64_t r = b * block_rows + warp; r < r1; r += kWarps) {
            LaneRow<TX, N, VEC> x;
            LaneRow<float, N, VEC> dy;
            x.fill(static_cast<const TX*>(a.x) + r * w, w);
            dy.fill(a.dy + r * w, w);
            const TX* z = a.z ? static_cast<const TX*>(a.z) + r * w : nullptr;
            const float rstd = a.rstd[r];
            float dot = 0.0f;
            FOR_LANE_GROUPS(N, g, j, w) {
                float v[4], d[4], wt[4], zv[4];
                x.get(g, j, v);
                dy.get(g, j, d);
                load4<float, VEC>(a.weight, j, w, wt);
                if (z) load4<TX, VEC>(z, j, w, zv);
#pragma unroll
                for (int e = 0; e < 4; e++) dot += (z ? d[e] * swishf_(zv[e]) : d[e]) * wt[e] * (v[e] * rstd);
            }
            const float mean = warp_sum(dot) / (float)w;
            TD* dx = static_cast<TD*>(a.dx) + r * w;
            FOR_LANE_GROUPS(N, g, j, w) {
                float v[4], d[4], wt[4], zv[4], out[4], dz[4];
                x.get(g, j, v);
                dy.get(g, j, d);
                load4<float, VEC>(a.weight, j, w, wt);
                if (z) load4<TX, VEC>(z, j, w, zv);
                if (a.accumulate_dx) load4<TD, VEC>(dx, j, w, out);
#pragma unroll
                for (int e = 0; e < 4; e++) {
                    const float xhat = v[e] * rstd;
                    float dn = d[e];
                    if (z) {
                        const float s = sigmoidf_(zv[e]);
                        dn = d[e] * (zv[e] * s);
                        dz[e] = d[e] * xhat * wt[e] * (s + zv[e] * s * (1.0f - s));
                    }
                    const float grad = rstd * (dn * wt[e] - xhat * mean);
                    out[e] = a.accumulate_dx ? out[e] + grad : grad;
                    if (partials && j + e < w) mine[j + e] += dn * xhat;
                }
                store4<TD, VEC>(dx, j, w, out);
                if (z) store4<TD, VEC>(static_cast<TD*>(a.dz) + r * w, j, w, dz);
            }
        }
        if (partials) {
            __syncthreads(); // every warp's sums of this block are in shared memory
            for (int64_t j = threadIdx.x; j < w; j += blockDim.x) {
                float sum = 0.0f;
                for (int k = 0; k < kWarps; k++) sum += acc[k * w + j];
                partials[b * w + j] = sum;
            }
            __syncthreads(); // before the next block's rows overwrite the sums
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

/* Groups of 4 per lane for a row held in registers (LaneRow): the least power of two N with 128·N >= width,
 * up to 16 (rows of 2048); 0 when the row is wider or the loads cannot be vectors. */
int row_groups(int64_t width, bool vec) {
    if (!vec) return 0;
    for (int n = 1; n <= 16; n *= 2)
        if (width <= 128 * n) return n;
    return 0;
}

/* Launches KERNEL<TX, TY, N, VEC> for the N of row_groups. */
#define LAUNCH_ROWS(KERNEL, TX, TY, n, vec, grid, smem, stream, ...)                                                \
    [&]() -> cudaError_t {                                                                                          \
        auto k = n == 1    ? KERNEL<TX, TY, 1, true>                                                                \
                 : n == 2  ? KERNEL<TX, TY, 2, true>                                                                \
                 : n == 4  ? KERNEL<TX, TY, 4, true>                                                                \
                 : n == 8  ? KERNEL<TX, TY, 8, true>                                                                \
                 : n == 16 ? KERNEL<TX, TY, 16, true>                                                               \
                 : vec     ? KERNEL<TX, TY, 0, true>                                                                \
                           : KERNEL<TX, TY, 0, false>;                                                              \
        if ((smem) > 48 * 1024) {                                                                                   \
            const cudaError_t e = cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)(smem)); \
            if (e != cudaSuccess) return e;                                                                         \
        }                                                                                                           \
        k<<<grid, kRowThreads, smem, stream>>>(__VA_ARGS__);                                                        \
        return cudaGetLastError();                                                                                  \
    }()

template <class TX, class TY>
cudaError_t launch_norm_fwd(const gla_norm_args& a, cudaStream_t stream) {
    const bool vec = a.width % 4 == 0 && vec_ok(a.x, a.xz_dtype) && vec_ok(a.z, a.xz_dtype) &&
                     vec_ok(a.weight, GLA_DTYPE_F32) && vec_ok(a.y, a.y_dtype);
    const int n = row_groups(a.width, vec);
    return LAUNCH_ROWS(norm_fwd_kernel, TX, TY, n, vec, gla_cuda_grid(a.rows, kWarps), 0, stream, a);
}

template <class TX, class TD>
cudaError_t launch_norm_bwd(const gla_norm_args& a, int64_t block_rows, float* partials, cudaStream_t stream) {
    const bool vec = a.width % 4 == 0 && vec_ok(a.x, a.xz_dtype) && vec_ok(a.z, a.xz_dtype) &&
                     vec_ok(a.weight, GLA_DTYPE_F32) && vec_ok(a.dy, GLA_DTYPE_F32) && vec_ok(a.dx, a.dxz_dtype) &&
                     vec_ok(a.dz, a.dxz_dtype);
    const int n = row_groups(a.width, vec);
    const size_t smem = partials ? sizeof(float) * kWarps * a.width : 0;
    const int64_t blocks = partials ? (a.rows + block_rows - 1) / block_rows : (a.rows + kWarps - 1) / kWarps;
    const unsigned grid = (unsigned)(blocks < 65535 * 32 ? blocks : 65535 * 32);
    return LAUNCH_ROWS(norm_bwd_kernel, TX, TD, n, vec, grid, smem, stream, a, partials ? block_rows : kWarps,
                       partials);
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
    const cudaError_t e = xb ? (yb ? launch_norm_fwd<__nv_bfloat16, __nv_bfloat16>(*a, stream)
                                   : launch_norm_fwd<__nv_bfloat16, float>(*a, stream))
                             : (yb ? launch_norm_fwd<float, __nv_bfloat16>(*a, stream)
                                   : launch_norm_fwd<float, float>(*a, stream));
    return gla_cuda_error(fn, e, "norm_fwd kernel");
}

gla_status gla_cuda_norm_bwd(gla_context* context, const gla_norm_args* a) {
    const char* fn = a->z ? "gla_gated_rms_norm_bwd" : "gla_rms_norm_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    // The weight gradient in the same launch when each warp's row of sums fits in shared memory.
    const bool fused = sizeof(float) * kWarps * a->width <= kMaxNormSmem;
    const int64_t block_rows = row_block_rows(a->rows), blocks = (a->rows + block_rows - 1) / block_rows;
    float* partials = nullptr;
    if (fused)
        GLA_CUDA_CHECK(fn, cudaMallocAsync(&partials, (size_t)(blocks * a->width) * sizeof(float), stream),
                       "cudaMallocAsync (column partial sums)");
    const bool xb = a->xz_dtype == GLA_DTYPE_BF16, db = a->dxz_dtype == GLA_DTYPE_BF16;
    const cudaError_t e = xb ? (db ? launch_norm_bwd<__nv_bfloat16, __nv_bfloat16>(*a, block_rows, partials, stream)
                                   : launch_norm_bwd<__nv_bfloat16, float>(*a, block_rows, partials, stream))
                             : (db ? launch_norm_bwd<float, __nv_bfloat16>(*a, block_rows, partials, stream)
                                   : launch_norm_bwd<float, float>(*a, block_rows, partials, stream));
    if (e != cudaSuccess) {
        if (partials) (void)cudaFreeAsync(partials, stream);
        return gla_cuda_error(fn, e, "norm_bwd kernel");
    }
    if (fused) return finish_columns(fn, partials, blocks, a->width, a->dweight, stream);
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

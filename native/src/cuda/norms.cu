/*
 * norms.cu — RMSNorm and the gated RMSNorm (forward, backward) and the row reductions bias_grad and sum_squares
 * on the GPU.
 *
 * Norms: one block of kRowThreads per row (grid-stride over rows): the row's sums by a block reduction in a fixed
 * order, then the elementwise outputs. Weight and bias gradients are deterministic without atomics, in two kernels:
 * column_partials sums fixed blocks of rows per column (the same partition as the cpu backend: at least 64 rows per
 * block, at most 256 blocks) into stream-ordered scratch, then column_finish adds the block sums in block order, in
 * double, to the output. sum_squares: fixed chunks of kSumChunk elements summed in double per block, then the chunk
 * sums in order by one thread; the result is copied to the host after the stream is synchronized.
 * Tested by native/tests/test_layers_cuda.c against the cpu backend.
 */
#include "cuda_common.cuh"

namespace {

constexpr int kRowThreads = 256;
constexpr int kColThreads = 256;
constexpr int64_t kSumChunk = 65536;
constexpr int kSumThreads = 256;
static_assert(kRowThreads % 32 == 0 && kSumThreads % 32 == 0, "whole warps");

__device__ inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

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

__global__ void norm_fwd_kernel(gla_norm_args a) {
    __shared__ float shared[32];
    const int64_t w = a.width;
    for (int64_t r = blockIdx.x; r < a.rows; r += gridDim.x) {
        float ss = 0.0f;
        for (int64_t j = threadIdx.x; j < w; j += blockDim.x) {
            const float x = gla_cuda_load(a.x, a.xz_dtype, r * w + j);
            ss += x * x;
        }
        ss = block_sum(ss, shared);
        const float rstd = rsqrtf(ss / (float)w + a.eps);
        if (threadIdx.x == 0) a.rstd[r] = rstd;
        for (int64_t j = threadIdx.x; j < w; j += blockDim.x) {
            const int64_t i = r * w + j;
            float v = gla_cuda_load(a.x, a.xz_dtype, i) * rstd * a.weight[j];
            if (a.z) {
                const float z = gla_cuda_load(a.z, a.xz_dtype, i);
                v *= z * sigmoidf_(z);
            }
            gla_cuda_store(a.y, a.y_dtype, i, v);
        }
    }
}

/* dn = dy (plain) or dy·swish(z) (gated): the gradient reaching the normalized x̂·w. */
__device__ inline float norm_dn(const gla_norm_args& a, int64_t i) {
    if (!a.z) return a.dy[i];
    const float z = gla_cuda_load(a.z, a.xz_dtype, i);
    return a.dy[i] * (z * sigmoidf_(z));
}

/* dx = rstd·(dn·w − x̂·mean(dn·w·x̂)); gated: dz = dy·x̂·w·swish'(z). */
__global__ void norm_bwd_kernel(gla_norm_args a) {
    __shared__ float shared[32];
    const int64_t w = a.width;
    for (int64_t r = blockIdx.x; r < a.rows; r += gridDim.x) {
        const float rstd = a.rstd[r];
        float dot = 0.0f;
        for (int64_t j = threadIdx.x; j < w; j += blockDim.x) {
            const int64_t i = r * w + j;
            dot += norm_dn(a, i) * a.weight[j] * (gla_cuda_load(a.x, a.xz_dtype, i) * rstd);
        }
        const float mean = block_sum(dot, shared) / (float)w;
        for (int64_t j = threadIdx.x; j < w; j += blockDim.x) {
            const int64_t i = r * w + j;
            const float xhat = gla_cuda_load(a.x, a.xz_dtype, i) * rstd;
            const float d = rstd * (norm_dn(a, i) * a.weight[j] - xhat * mean);
            gla_cuda_store(a.dx, a.dxz_dtype, i, a.accumulate_dx ? gla_cuda_load(a.dx, a.dxz_dtype, i) + d : d);
            if (a.z) {
                const float z = gla_cuda_load(a.z, a.xz_dtype, i), s = sigmoidf_(z);
                gla_cuda_store(a.dz, a.dxz_dtype, i, a.dy[i] * xhat * a.weight[j] * (s + z * s * (1.0f - s)));
            }
        }
    }
}

/* The per-element terms of the column sums. */
struct NormWeightTerm { /* dweight: dn·x̂ */
    gla_norm_args a;
    __device__ float operator()(int64_t r, int64_t j) const {
        const int64_t i = r * a.width + j;
        return norm_dn(a, i) * (gla_cuda_load(a.x, a.xz_dtype, i) * a.rstd[r]);
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

/* out[j] += Σ_b partials[b, j], block order, in double. */
__global__ void column_finish(const float* partials, int64_t blocks, int64_t width, float* out) {
    for (int64_t j = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; j < width; j += (int64_t)gridDim.x * blockDim.x) {
        double s = out[j];
        for (int64_t b = 0; b < blocks; b++) s += partials[b * width + j];
        out[j] = (float)s;
    }
}

/* out[width] += Σ_rows term(r, ·), deterministically (see the file comment). */
template <class Term>
gla_status column_sums(const char* fn, Term term, int64_t rows, int64_t width, float* out, cudaStream_t stream) {
    int64_t block_rows = (rows + 255) / 256;
    if (block_rows < 64) block_rows = 64;
    const int64_t blocks = (rows + block_rows - 1) / block_rows;
    float* partials = nullptr;
    GLA_CUDA_CHECK(fn, cudaMallocAsync(&partials, (size_t)(blocks * width) * sizeof(float), stream),
                   "cudaMallocAsync (column partial sums)");
    const dim3 grid(gla_cuda_grid(width, kColThreads), (unsigned)blocks);
    column_partials<<<grid, kColThreads, 0, stream>>>(term, rows, width, block_rows, partials);
    cudaError_t e = cudaGetLastError();
    if (e == cudaSuccess) {
        column_finish<<<gla_cuda_grid(width, kColThreads), kColThreads, 0, stream>>>(partials, blocks, width, out);
        e = cudaGetLastError();
    }
    (void)cudaFreeAsync(partials, stream);
    return gla_cuda_error(fn, e, "column sum kernels");
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
    norm_fwd_kernel<<<gla_cuda_grid(a->rows, 1), kRowThreads, 0, gla_cuda_stream(context)>>>(*a);
    return gla_cuda_error(fn, cudaGetLastError(), "norm_fwd kernel");
}

gla_status gla_cuda_norm_bwd(gla_context* context, const gla_norm_args* a) {
    const char* fn = a->z ? "gla_gated_rms_norm_bwd" : "gla_rms_norm_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    norm_bwd_kernel<<<gla_cuda_grid(a->rows, 1), kRowThreads, 0, stream>>>(*a);
    GLA_CUDA_CHECK(fn, cudaGetLastError(), "norm_bwd kernel");
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

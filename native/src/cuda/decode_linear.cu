/*
 * decode_linear.cu — gla_decode_linear on the GPU: every product of one call in one launch. With a few rows the
 * products are bound by reading the weights once, so the kernel is a batched GEMV built around the weight stream:
 *
 *   The features (rows of W) of all outputs form one index range [0, total). A block of kWarps warps takes
 *   kWarps / split consecutive features at a time, split warps per feature, each summing an interleaved share of the
 *   feature's columns (split > 1 when there are too few features to keep enough loads in flight: o_proj and
 *   down_proj of one token); one wave of blocks loops over all features. Per block:
 *     1. the norm prologues' 1/rms of every (row, group) of x, into shared memory: each group summed by a fixed set
 *        of warps, their sums added in a fixed order (deterministic);
 *     2. per column tile of KT: f(x) [MT, KT] into shared memory in fp32 (MT = rows rounded up to a power of two,
 *        the extra rows zero); when in fits one tile (up to 6144 / MT columns: every 340M call), once for all the
 *        block's features;
 *     3. each warp streams its weight row with 16-byte loads (8 bf16 or 4 fp32 per lane), kUnroll of them issued
 *        before their arithmetic, MT fp32 sums per lane; then warp shuffles, with split > 1 the warps' sums in warp
 *        order through shared memory, and the epilogue (bias, gate, residual): one store per (row, feature).
 *   The 16-byte loads need every weight 16-byte aligned and in a multiple of 8 (bf16) or 4 (fp32); otherwise the
 *   same kernel reads one element per lane.
 * Limits (GLA_ERROR_UNSUPPORTED): in <= INT32_MAX; rows · in / norm_width <= kMaxNormGroups.
 * Tested by native/tests/test_layers_cuda.c against the cpu backend; timed against cuBLAS by the kernel lab
 * (native/bench/cuda: gla_cuda_lab decode_linear).
 */
#include "cuda_common.cuh"

#include <algorithm>
#include <type_traits>

namespace {

constexpr int kWarps = 8, kThreads = 32 * kWarps;
constexpr int kUnroll = 4;
constexpr int kTileFloats = 6144;    // the f(x) tile, MT x KT fp32: 24 KiB
constexpr int kMaxNormGroups = 2048; // (row, group) pairs of a norm: their 1/rms and partial sums, 16 KiB
constexpr int kBlocksPerSm = 4;      // the most blocks resident (64 registers a thread): one wave, each block
                                     // looping over features, pays the per-block work (1/rms, f(x)) once
static_assert((kWarps & (kWarps - 1)) == 0, "split, a power of two, divides the block's warps");
static_assert(kTileFloats % (8 * 16) == 0, "a tile row of any MT is a whole number of 8-float vectors");

struct Params {
    int rows, in, norm_width, groups; // groups: in / norm_width with a norm prologue, else 0
    int prologue, epilogue;
    float eps, gate_normalizer, gate_clamp_min;
    const float* x;
    const float* z;
    const float* norm_weight;
    int count;
    int split, tile;                                   // warps per feature; KT
    int64_t start[GLA_DECODE_LINEAR_MAX_OUTPUTS + 1];  // first feature of each output; start[count] = total
    gla_linear_output out[GLA_DECODE_LINEAR_MAX_OUTPUTS];
};

__device__ inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

__device__ inline float warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}

/* Warps that sum one (row, group) pair of the norm: all of them shared out over few pairs. */
__device__ inline int warps_per_pair(int pairs) {
    int s = 1;
    while (s * 2 * pairs <= kWarps) s *= 2;
    return s;
}

/* rstd[m * groups + g] = 1 / rms of group g of row m of x. */
__device__ __forceinline__ void norm_scales(const Params& p, float* rstd, float* partial) {
    const int pairs = p.rows * p.groups, per = warps_per_pair(pairs);
    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32, sub = warp % per;
    for (int q = warp / per; q < pairs; q += kWarps / per) {
        const int m = q / p.groups, g = q % p.groups;
        const float* x = p.x + (int64_t)m * p.in + (int64_t)g * p.norm_width;
        float ss = 0.0f;
        for (int j = sub * 32 + lane; j < p.norm_width; j += 32 * per) ss += x[j] * x[j];
        ss = warp_sum(ss);
        if (lane == 0) partial[q * per + sub] = ss;
    }
    __syncthreads();
    for (int q = threadIdx.x; q < pairs; q += kThreads) {
        float ss = 0.0f;
        for (int s = 0; s < per; s++) ss += partial[q * per + s];
        rstd[q] = rsqrtf(ss / (float)p.norm_width + p.eps);
    }
    __syncthreads();
}

/* f(x)[m, k], in the arithmetic of the unfused ops (norms.cu, elementwise.cu). */
__device__ __forceinline__ float input(const Params& p, const float* rstd, int m, int k) {
    const int64_t i = (int64_t)m * p.in + k;
    const float x = p.x[i];
    switch (p.prologue) {
    case GLA_PROLOGUE_NONE: return x;
    case GLA_PROLOGUE_SWIGLU: return x * sigmoidf_(x) * p.z[i];
    default: {
        const int g = k / p.norm_width;
        float v = x * rstd[m * p.groups + g] * p.norm_weight[k - g * p.norm_width];
        if (p.prologue == GLA_PROLOGUE_GATED_RMS_NORM) {
            const float z = p.z[i];
            v *= z * sigmoidf_(z);
        }
        return v;
    }
    }
}

/* tile [MT, KT] = f(x)[:, k0 .. k0 + KT), zero beyond in and in the rows past p.rows. */
template <int MT> __device__ __forceinline__ void fill_tile(const Params& p, const float* rstd, float* tile, int k0) {
    const int len = min(p.tile, p.in - k0);
    for (int m = 0; m < MT; m++)
        for (int kk = threadIdx.x; kk < p.tile; kk += kThreads)
            tile[m * p.tile + kk] = m < p.rows && kk < len ? input(p, rstd, m, k0 + kk) : 0.0f;
}

/* Weights: fp32 as float, bf16 as its raw bits. VEC: 16 bytes per lane, else one element. */
template <class W, bool VEC> struct WeightLoad {
    static constexpr int V = VEC ? 16 / (int)sizeof(W) : 1;
    using Raw = typename std::conditional<VEC, uint4, W>::type;
    static __device__ Raw load(const W* p) {
        if constexpr (VEC) return __ldg(reinterpret_cast<const uint4*>(p));
        else return __ldg(p);
    }
    static __device__ void unpack(const Raw& r, float (&f)[V]) {
        if constexpr (!VEC) {
            if constexpr (sizeof(W) == 2) f[0] = __uint_as_float((uint32_t)r << 16);
            else f[0] = r;
        } else {
            const uint32_t u[4] = {r.x, r.y, r.z, r.w};
            for (int i = 0; i < 4; i++) {
                if constexpr (sizeof(W) == 2) {
                    f[2 * i] = __uint_as_float(u[i] << 16);
                    f[2 * i + 1] = __uint_as_float(u[i] & 0xffff0000u);
                } else {
                    f[i] = __uint_as_float(u[i]);
                }
            }
        }
    }
};

/* acc[m] += Σ over this warp's share of the tile's columns of w[k] · tile[m, k]. */
template <class W, int MT, bool VEC>
__device__ __forceinline__ void accumulate(const W* w, const float* tile, int ld, int len, int sub, int split, float (&acc)[MT]) {
    using L = WeightLoad<W, VEC>;
    constexpr int V = L::V;
    const int chunks = len / V, stride = 32 * split;
    for (int c0 = sub * 32 + threadIdx.x % 32; c0 < chunks; c0 += kUnroll * stride) {
        typename L::Raw raw[kUnroll] = {};
#pragma unroll
        for (int u = 0; u < kUnroll; u++)
            if (c0 + u * stride < chunks) raw[u] = L::load(w + (int64_t)(c0 + u * stride) * V);
#pragma unroll
        for (int u = 0; u < kUnroll; u++) {
            const int c = c0 + u * stride;
            if (c >= chunks) continue;
            float wf[V];
            L::unpack(raw[u], wf);
#pragma unroll
            for (int m = 0; m < MT; m++) {
                const float* t = tile + m * ld + c * V;
                if constexpr (V % 4 == 0) {
#pragma unroll
                    for (int i = 0; i < V; i += 4) {
                        const float4 x = *reinterpret_cast<const float4*>(t + i);
                        acc[m] += wf[i] * x.x + wf[i + 1] * x.y + wf[i + 2] * x.z + wf[i + 3] * x.w;
                    }
                } else {
                    acc[m] += wf[0] * t[0];
                }
            }
        }
    }
}

/* Shared memory in floats: rstd and the partial sums of the norm, the tile, the warps' sums. The tile starts on a
 * 16-byte boundary. */
__host__ __device__ inline int tile_offset(int pairs) {
    return (pairs + (pairs > kWarps ? pairs : kWarps) + 3) / 4 * 4;
}
inline size_t shared_bytes(int pairs, int mt, int tile) {
    return (size_t)(tile_offset(pairs) + mt * tile + kWarps * mt) * sizeof(float);
}

template <class W, int MT, bool VEC>
__global__ void __launch_bounds__(kThreads) decode_linear_kernel(const __grid_constant__ Params p) {
    extern __shared__ float4 shared4[];
    float* const shared = reinterpret_cast<float*>(shared4);
    const int pairs = p.rows * p.groups;
    float* const rstd = shared;
    float* const tile = shared + tile_offset(pairs);
    float* const sums = tile + MT * p.tile;
    if (pairs > 0) norm_scales(p, rstd, rstd + pairs);
    const bool one_tile = p.in <= p.tile; // then f(x) is computed once for all of the block's features
    if (one_tile) {
        fill_tile<MT>(p, rstd, tile, 0);
        __syncthreads();
    }

    const int warp = threadIdx.x / 32, lane = threadIdx.x % 32;
    const int per_block = kWarps / p.split, sub = warp % p.split;
    const int64_t total = p.start[p.count];
    for (int64_t f0 = (int64_t)blockIdx.x * per_block; f0 < total; f0 += (int64_t)gridDim.x * per_block) {
        const int64_t f = f0 + warp / p.split;
        const bool active = f < total;
        int o = 0;
        while (active && f >= p.start[o + 1]) o++;
        const int64_t n = f - p.start[o];
        const W* wrow = static_cast<const W*>(p.out[o].weight) + (active ? n * p.in : 0);
        float acc[MT];
#pragma unroll
        for (int m = 0; m < MT; m++) acc[m] = 0.0f;
        for (int k0 = 0; k0 < p.in; k0 += p.tile) {
            if (!one_tile) {
                __syncthreads(); // every warp is done with the previous tile
                fill_tile<MT>(p, rstd, tile, k0);
                __syncthreads();
            }
            if (active) accumulate<W, MT, VEC>(wrow + k0, tile, p.tile, min(p.tile, p.in - k0), sub, p.split, acc);
        }
#pragma unroll
        for (int m = 0; m < MT; m++) acc[m] = warp_sum(acc[m]);
        if (p.split > 1) {
            if (lane == 0)
#pragma unroll
                for (int m = 0; m < MT; m++) sums[warp * MT + m] = acc[m];
            __syncthreads();
            if (sub == 0)
#pragma unroll
                for (int m = 0; m < MT; m++) {
                    float s = 0.0f;
                    for (int w = 0; w < p.split; w++) s += sums[(warp + w) * MT + m];
                    acc[m] = s;
                }
            __syncthreads(); // sums is free for the next features
        }
        if (!active || sub != 0 || lane >= p.rows) continue;
        float v = acc[0]; // lane m stores row m
#pragma unroll
        for (int m = 1; m < MT; m++)
            if (lane == m) v = acc[m];
        const gla_linear_output& out = p.out[o];
        if (out.bias) v += out.bias[n];
        if (p.epilogue == GLA_EPILOGUE_LOG_SIGMOID_GATE)
            v = gla_log_sigmoid_gate(v, p.gate_normalizer, p.gate_clamp_min);
        const int64_t at = (int64_t)lane * out.out + n;
        if (out.residual) v += out.residual[at];
        out.y[at] = v;
    }
}

template <class W, bool VEC> cudaError_t launch(const Params& p, int mt, unsigned grid, cudaStream_t stream) {
    const size_t smem = shared_bytes(p.rows * p.groups, mt, p.tile);
    switch (mt) {
    case 1: decode_linear_kernel<W, 1, VEC><<<grid, kThreads, smem, stream>>>(p); break;
    case 2: decode_linear_kernel<W, 2, VEC><<<grid, kThreads, smem, stream>>>(p); break;
    case 4: decode_linear_kernel<W, 4, VEC><<<grid, kThreads, smem, stream>>>(p); break;
    case 8: decode_linear_kernel<W, 8, VEC><<<grid, kThreads, smem, stream>>>(p); break;
    default: decode_linear_kernel<W, 16, VEC><<<grid, kThreads, smem, stream>>>(p); break;
    }
    return cudaGetLastError();
}

} // namespace

static_assert(GLA_DECODE_LINEAR_MAX_ROWS == 16, "decode_linear_kernel is instantiated for MT up to 16");

gla_status gla_cuda_decode_linear(gla_context* context, const gla_decode_linear_args* a) {
    static const char fn[] = "gla_decode_linear";
    const gla_linear_dims& d = a->dims;
    if (d.in > INT32_MAX)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: dims.in = %lld exceeds INT32_MAX, the largest the cuda backend "
                         "takes", fn, (long long)d.in);
    const bool norm = d.prologue == GLA_PROLOGUE_RMS_NORM || d.prologue == GLA_PROLOGUE_GATED_RMS_NORM;
    const int64_t groups = norm ? d.in / d.norm_width : 0;
    if (d.rows * groups > kMaxNormGroups)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: rows*in/norm_width = %lld norm groups exceed the %d the cuda "
                         "backend keeps on chip", fn, (long long)(d.rows * groups), kMaxNormGroups);
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;

    Params p{};
    p.rows = (int)d.rows, p.in = (int)d.in, p.norm_width = norm ? (int)d.norm_width : 0, p.groups = (int)groups;
    p.prologue = d.prologue, p.epilogue = d.epilogue;
    p.eps = d.eps, p.gate_normalizer = d.gate_normalizer, p.gate_clamp_min = d.gate_clamp_min;
    p.x = a->x, p.z = a->z, p.norm_weight = a->norm_weight, p.count = a->count;
    const bool bf16 = d.weight_dtype == GLA_DTYPE_BF16;
    const int vec_elems = bf16 ? 8 : 4;
    bool vec = d.in % vec_elems == 0;
    for (int i = 0; i < a->count; i++) {
        p.out[i] = a->outputs[i];
        p.start[i + 1] = p.start[i] + a->outputs[i].out;
        vec = vec && reinterpret_cast<uintptr_t>(a->outputs[i].weight) % 16 == 0;
    }
    const int64_t total = p.start[p.count];

    int mt = 1;
    while (mt < p.rows) mt *= 2;
    const int64_t in8 = (d.in + 7) / 8 * 8;
    p.tile = (int)(in8 < kTileFloats / mt ? (in8 > 0 ? in8 : 8) : kTileFloats / mt);
    // Twice the warps per feature while they all stay resident (one warp per feature leaves warps idle: fewer
    // loads in flight) and each lane keeps at least two loads of a row.
    const int64_t chunks = (d.in + (vec ? vec_elems : 1) - 1) / (vec ? vec_elems : 1);
    const int sms = gla_cuda_multiprocessors(context);
    const int64_t resident = (int64_t)sms * kBlocksPerSm * kWarps;
    p.split = 1;
    while (p.split < kWarps && total * p.split * 2 <= resident && chunks >= 2 * 32 * 2 * p.split) p.split *= 2;
    const unsigned grid = std::min<unsigned>(gla_cuda_grid(total, kWarps / p.split), (unsigned)(sms * kBlocksPerSm));

    const cudaStream_t stream = gla_cuda_stream(context);
    cudaError_t e;
    if (bf16) e = vec ? launch<uint16_t, true>(p, mt, grid, stream) : launch<uint16_t, false>(p, mt, grid, stream);
    else e = vec ? launch<float, true>(p, mt, grid, stream) : launch<float, false>(p, mt, grid, stream);
    return gla_cuda_error(fn, e, "decode_linear kernel");
}

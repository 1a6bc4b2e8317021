/*
 * elementwise.cu — the elementwise layer ops on the GPU: SwiGLU, the log-sigmoid forget gate, add, scale, AdamW
 * (vectorized grid-stride loops), grouped heads, bias_add and casts (scalar grid-stride loops).
 *
 * Layer-op pointers are only element-aligned (gla.h), so the vector loop (float4, 4 elements per thread) runs only
 * when every pointer of the call is 16-byte aligned; it covers count rounded down to 4 and a scalar loop does the
 * tail, or everything otherwise. The arithmetic is the cpu backend's (cpu_layers.c).
 * Tested by native/tests/test_layers_cuda.c against the cpu backend.
 */
#include "cuda_common.cuh"

#include <cuda_bf16.h>

namespace {

constexpr int kThreads = 256;

template <int N> struct Vec {
    float v[N];
};

template <int N> __device__ inline Vec<N> load(const float* p) {
    Vec<N> r;
    if constexpr (N == 4) {
        const float4 t = *reinterpret_cast<const float4*>(p);
        r.v[0] = t.x, r.v[1] = t.y, r.v[2] = t.z, r.v[3] = t.w;
    } else {
        for (int k = 0; k < N; k++) r.v[k] = p[k];
    }
    return r;
}

template <int N> __device__ inline void store(float* p, const Vec<N>& r) {
    if constexpr (N == 4) *reinterpret_cast<float4*>(p) = make_float4(r.v[0], r.v[1], r.v[2], r.v[3]);
    else
        for (int k = 0; k < N; k++) p[k] = r.v[k];
}

/* A layer-op tensor of the caller's element type (F32 or BF16), loaded and stored as fp32 groups of N. */
struct Typed {
    void* p;
    int32_t dtype;
};

template <int N> __device__ inline Vec<N> load(Typed t, int64_t i) {
    if (t.dtype != GLA_DTYPE_BF16) return load<N>(static_cast<const float*>(t.p) + i);
    Vec<N> r;
    const __nv_bfloat16* s = static_cast<const __nv_bfloat16*>(t.p) + i;
    if constexpr (N % 2 == 0) {
        for (int k = 0; k < N; k += 2) {
            const float2 f = __bfloat1622float2(reinterpret_cast<const __nv_bfloat162*>(s)[k / 2]);
            r.v[k] = f.x, r.v[k + 1] = f.y;
        }
    } else {
        for (int k = 0; k < N; k++) r.v[k] = __bfloat162float(s[k]);
    }
    return r;
}

template <int N> __device__ inline void store(Typed t, int64_t i, const Vec<N>& r) {
    if (t.dtype != GLA_DTYPE_BF16) return store<N>(static_cast<float*>(t.p) + i, r);
    __nv_bfloat16* d = static_cast<__nv_bfloat16*>(t.p) + i;
    if constexpr (N % 2 == 0) {
        for (int k = 0; k < N; k += 2)
            reinterpret_cast<__nv_bfloat162*>(d)[k / 2] = __floats2bfloat162_rn(r.v[k], r.v[k + 1]);
    } else {
        for (int k = 0; k < N; k++) d[k] = __float2bfloat16_rn(r.v[k]);
    }
}

inline bool aligned16(const void* p) { return reinterpret_cast<uintptr_t>(p) % 16 == 0; }

/* Elements [begin, end) in groups of N: op.apply<N>(i) handles i .. i+N-1 ((end - begin) is a multiple of N). */
template <int N, class Op> __global__ void elementwise(Op op, int64_t begin, int64_t end) {
    const int64_t stride = (int64_t)gridDim.x * blockDim.x * N;
    for (int64_t i = begin + ((int64_t)blockIdx.x * blockDim.x + threadIdx.x) * N; i < end; i += stride)
        op.template apply<N>(i);
}

/* The float4 loop over the aligned bulk, the scalar loop over the rest. */
template <class Op> cudaError_t launch(const Op& op, int64_t count, bool aligned, cudaStream_t stream) {
    const int64_t bulk = aligned ? count / 4 * 4 : 0;
    if (bulk > 0) {
        elementwise<4><<<gla_cuda_grid(bulk / 4, kThreads), kThreads, 0, stream>>>(op, 0, bulk);
        cudaError_t e = cudaGetLastError();
        if (e != cudaSuccess) return e;
    }
    if (count > bulk) elementwise<1><<<gla_cuda_grid(count - bulk, kThreads), kThreads, 0, stream>>>(op, bulk, count);
    return cudaGetLastError();
}

__device__ inline float sigmoidf_(float x) { return 1.0f / (1.0f + expf(-x)); }

struct SwigluFwd {
    Typed a, b, y;
    template <int N> __device__ void apply(int64_t i) const {
        const Vec<N> va = load<N>(a, i), vb = load<N>(b, i);
        Vec<N> o;
        for (int k = 0; k < N; k++) o.v[k] = va.v[k] * sigmoidf_(va.v[k]) * vb.v[k];
        store<N>(y, i, o);
    }
};

struct SwigluBwd {
    const float* dy;
    Typed a, b, da, db;
    template <int N> __device__ void apply(int64_t i) const {
        const Vec<N> g = load<N>(dy + i), va = load<N>(a, i), vb = load<N>(b, i);
        Vec<N> oa, ob;
        for (int k = 0; k < N; k++) {
            const float s = sigmoidf_(va.v[k]), x = va.v[k];
            oa.v[k] = g.v[k] * vb.v[k] * (s + x * s * (1.0f - s));
            ob.v[k] = g.v[k] * x * s;
        }
        store<N>(da, i, oa);
        store<N>(db, i, ob);
    }
};

struct GateFwd {
    Typed z;
    float normalizer, clamp_min;
    float* g;
    template <int N> __device__ void apply(int64_t i) const {
        const Vec<N> vz = load<N>(z, i);
        Vec<N> o;
        for (int k = 0; k < N; k++) o.v[k] = gla_log_sigmoid_gate(vz.v[k], normalizer, clamp_min);
        store<N>(g + i, o);
    }
};

struct GateBwd {
    const float* dg;
    Typed z;
    float normalizer, clamp_min;
    Typed dz;
    template <int N> __device__ void apply(int64_t i) const {
        const Vec<N> vg = load<N>(dg + i), vz = load<N>(z, i);
        Vec<N> o;
        for (int k = 0; k < N; k++)
            o.v[k] = gla_log_sigmoid_scaled(vz.v[k], normalizer) < clamp_min ? 0.0f
                                                                              : vg.v[k] / normalizer * sigmoidf_(-vz.v[k]);
        store<N>(dz, i, o);
    }
};

struct Add {
    const float *a, *b;
    float* out;
    template <int N> __device__ void apply(int64_t i) const {
        const Vec<N> va = load<N>(a + i), vb = load<N>(b + i);
        Vec<N> o;
        for (int k = 0; k < N; k++) o.v[k] = va.v[k] + vb.v[k];
        store<N>(out + i, o);
    }
};

struct Scale {
    float factor;
    float* x;
    template <int N> __device__ void apply(int64_t i) const {
        Vec<N> v = load<N>(x + i);
        for (int k = 0; k < N; k++) v.v[k] *= factor;
        store<N>(x + i, v);
    }
};

struct Adamw {
    float *param, *m, *v;
    const float* grad;
    gla_adamw_args s;
    template <int N> __device__ void apply(int64_t i) const {
        Vec<N> p = load<N>(param + i), vm = load<N>(m + i), vv = load<N>(v + i);
        const Vec<N> g = load<N>(grad + i);
        for (int k = 0; k < N; k++) {
            vm.v[k] = vm.v[k] + s.one_minus_beta1 * (g.v[k] - vm.v[k]);
            vv.v[k] = vv.v[k] * s.beta2 + s.one_minus_beta2 * g.v[k] * g.v[k];
            const float denom = sqrtf(vv.v[k]) / s.bias2_sqrt + s.eps;
            p.v[k] = p.v[k] * s.decay - s.step_size * (vm.v[k] / denom);
        }
        store<N>(m + i, vm);
        store<N>(v + i, vv);
        store<N>(param + i, p);
    }
};

/* out [rows, heads·hd] from in [rows, kv·hd]: out head h is in head h / groups. One thread per output element. */
template <class T>
__global__ void repeat_heads_fwd_kernel(int64_t rows, int64_t kv, int64_t groups, int64_t hd, const T* in, T* out) {
    const int64_t heads = kv * groups, total = rows * heads * hd, stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const int64_t e = t % hd, h = t / hd % heads, r = t / (hd * heads);
        out[t] = in[(r * kv + h / groups) * hd + e];
    }
}

/* din [rows, kv·hd] = Σ over each kv head's groups (in order) of dout. One thread per din element. */
__global__ void repeat_heads_bwd_kernel(int64_t rows, int64_t kv, int64_t groups, int64_t hd, const float* dout,
                                        float* din) {
    const int64_t heads = kv * groups, total = rows * kv * hd, stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const int64_t e = t % hd, j = t / hd % kv, r = t / (hd * kv);
        const float* src = dout + (r * heads + j * groups) * hd + e;
        float s = src[0];
        for (int64_t g = 1; g < groups; g++) s += src[g * hd];
        din[t] = s;
    }
}

__global__ void bias_add_kernel(int64_t rows, int64_t width, const float* bias, void* y, int32_t y_dtype) {
    const int64_t total = rows * width, stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride)
        gla_cuda_store(y, y_dtype, t, gla_cuda_load(y, y_dtype, t) + bias[t % width]);
}

__global__ void f32_to_bf16(int64_t count, const float* src, __nv_bfloat16* dst) {
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride)
        dst[i] = __float2bfloat16_rn(src[i]);
}

__global__ void bf16_to_f32(int64_t count, const __nv_bfloat16* src, float* dst) {
    const int64_t stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < count; i += stride)
        dst[i] = __bfloat162float(src[i]);
}

/* Sets the device, launches, reports. */
template <class Op> gla_status run(const char* fn, gla_context* context, const Op& op, int64_t count, bool aligned) {
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, launch(op, count, aligned, gla_cuda_stream(context)), "elementwise kernel");
}

} // namespace

/* An input as Typed (which holds one pointer type for inputs and outputs). */
static Typed input(const void* p, int32_t dtype) { return Typed{const_cast<void*>(p), dtype}; }

gla_status gla_cuda_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b, int32_t ab_dtype,
                               void* y, int32_t y_dtype) {
    const SwigluFwd op{input(a, ab_dtype), input(b, ab_dtype), Typed{y, y_dtype}};
    return run("gla_swiglu_fwd", context, op, count, aligned16(a) && aligned16(b) && aligned16(y));
}

gla_status gla_cuda_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                               int32_t ab_dtype, void* da, void* db, int32_t dab_dtype) {
    const bool al = aligned16(dy) && aligned16(a) && aligned16(b) && aligned16(da) && aligned16(db);
    const SwigluBwd op{dy, input(a, ab_dtype), input(b, ab_dtype), Typed{da, dab_dtype}, Typed{db, dab_dtype}};
    return run("gla_swiglu_bwd", context, op, count, al);
}

gla_status gla_cuda_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                         float normalizer, float clamp_min, float* g) {
    return run("gla_log_sigmoid_gate_fwd", context, GateFwd{input(z, z_dtype), normalizer, clamp_min, g}, count,
               aligned16(z) && aligned16(g));
}

gla_status gla_cuda_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                         int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                         int32_t dz_dtype) {
    const GateBwd op{dg, input(z, z_dtype), normalizer, clamp_min, Typed{dz, dz_dtype}};
    return run("gla_log_sigmoid_gate_bwd", context, op, count, aligned16(dg) && aligned16(z) && aligned16(dz));
}

gla_status gla_cuda_add(gla_context* context, int64_t count, const float* a, const float* b, float* out) {
    return run("gla_add", context, Add{a, b, out}, count, aligned16(a) && aligned16(b) && aligned16(out));
}

gla_status gla_cuda_scale(gla_context* context, int64_t count, float factor, float* x) {
    return run("gla_scale", context, Scale{factor, x}, count, aligned16(x));
}

gla_status gla_cuda_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                          float* exp_avg_sq, const gla_adamw_args* scalars) {
    const bool al = aligned16(param) && aligned16(grad) && aligned16(exp_avg) && aligned16(exp_avg_sq);
    return run("gla_adamw", context, Adamw{param, exp_avg, exp_avg_sq, grad, *scalars}, count, al);
}

gla_status gla_cuda_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                     int64_t head_dim, const void* in, void* out, int32_t dtype) {
    static const char fn[] = "gla_repeat_heads_fwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const unsigned grid = gla_cuda_grid(rows * kv_heads * groups * head_dim, kThreads);
    const cudaStream_t stream = gla_cuda_stream(context);
    if (dtype == GLA_DTYPE_BF16)
        repeat_heads_fwd_kernel<<<grid, kThreads, 0, stream>>>(rows, kv_heads, groups, head_dim,
                                                               static_cast<const __nv_bfloat16*>(in),
                                                               static_cast<__nv_bfloat16*>(out));
    else
        repeat_heads_fwd_kernel<<<grid, kThreads, 0, stream>>>(rows, kv_heads, groups, head_dim,
                                                               static_cast<const float*>(in), static_cast<float*>(out));
    return gla_cuda_error(fn, cudaGetLastError(), "repeat_heads_fwd kernel");
}

gla_status gla_cuda_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                     int64_t head_dim, const float* dout, float* din) {
    static const char fn[] = "gla_repeat_heads_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    repeat_heads_bwd_kernel<<<gla_cuda_grid(rows * kv_heads * head_dim, kThreads), kThreads, 0,
                              gla_cuda_stream(context)>>>(rows, kv_heads, groups, head_dim, dout, din);
    return gla_cuda_error(fn, cudaGetLastError(), "repeat_heads_bwd kernel");
}

gla_status gla_cuda_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                             int32_t y_dtype) {
    static const char fn[] = "gla_bias_add";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    bias_add_kernel<<<gla_cuda_grid(rows * width, kThreads), kThreads, 0, gla_cuda_stream(context)>>>(rows, width,
                                                                                                     bias, y, y_dtype);
    return gla_cuda_error(fn, cudaGetLastError(), "bias_add kernel");
}

gla_status gla_cuda_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                         int32_t dst_dtype) {
    static const char fn[] = "gla_cast";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    if (src_dtype == dst_dtype) {
        const size_t bytes = (size_t)count * (src_dtype == GLA_DTYPE_BF16 ? 2 : 4);
        return gla_cuda_error(fn, cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToDevice, stream),
                              "cudaMemcpyAsync");
    }
    if (src_dtype == GLA_DTYPE_F32)
        f32_to_bf16<<<gla_cuda_grid(count, kThreads), kThreads, 0, stream>>>(count, static_cast<const float*>(src),
                                                                            static_cast<__nv_bfloat16*>(dst));
    else
        bf16_to_f32<<<gla_cuda_grid(count, kThreads), kThreads, 0, stream>>>(
            count, static_cast<const __nv_bfloat16*>(src), static_cast<float*>(dst));
    return gla_cuda_error(fn, cudaGetLastError(), "cast kernel");
}

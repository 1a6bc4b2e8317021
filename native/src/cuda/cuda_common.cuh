/*
 * cuda_common.cuh — helpers shared by the cuda backend's .cu files (device.cu, ops.cu / the kernel stages):
 * CUDA error → gla_status with a message naming the public function, the context's stream and device, the
 * backend's per-context state, and launch helpers for the layer ops.
 */
#ifndef GLA_CUDA_COMMON_CUH
#define GLA_CUDA_COMMON_CUH

#include "cuda_backend.h"

#include <cuda_bf16.h>
#include <cuda_runtime.h>

/* Turns a CUDA runtime error into a status and this thread's message ("fn: what failed: name (text)").
 * cudaErrorMemoryAllocation becomes GLA_ERROR_OUT_OF_MEMORY, every other error GLA_ERROR_DEVICE. Clears the
 * runtime's non-sticky last error so the next call starts clean. */
static inline gla_status gla_cuda_error(const char* fn, cudaError_t err, const char* what) {
    if (err == cudaSuccess) return GLA_OK;
    (void)cudaGetLastError();
    return gla_error(err == cudaErrorMemoryAllocation ? GLA_ERROR_OUT_OF_MEMORY : GLA_ERROR_DEVICE,
                     "%s: %s failed: %s (%s)", fn, what, cudaGetErrorName(err), cudaGetErrorString(err));
}

static inline cudaStream_t gla_cuda_stream(const gla_context* context) {
    return static_cast<cudaStream_t>(context->stream);
}

/* Makes the context's device current on the calling thread (any thread may call into the library). */
static inline gla_status gla_cuda_set_device(const char* fn, const gla_context* context) {
    return gla_cuda_error(fn, cudaSetDevice(context->device), "cudaSetDevice");
}

/* The cuda backend's per-context state (context->cuda), created by gla_cuda_context_init, released by
 * gla_cuda_context_release. */
struct gla_cuda_state {
    cudaStream_t owned_stream = nullptr; /* made by gla_graph_begin for a context without a stream (graph.cu) */
    /* cuBLAS (blas.cu): the handle, its workspace, and the stream last set on it */
    void* blas = nullptr;
    void* blas_workspace = nullptr;
    cudaStream_t blas_stream = nullptr;
    /* host index uploads (vocab.cu): pinned staging, and an event after the last copy out of it */
    void* staging = nullptr;
    size_t staging_bytes = 0;
    cudaEvent_t staging_done = nullptr;
};

static inline gla_cuda_state* gla_cuda_state_of(const gla_context* context) {
    return static_cast<gla_cuda_state*>(context->cuda);
}

/* blas.cu: frees the context's cuBLAS handle and workspace; makes them ready for capture (graph.cu). */
void gla_cuda_blas_release(gla_cuda_state* state);
gla_status gla_cuda_blas_prepare(const char* fn, gla_context* context);
/* vocab.cu: frees the staging buffer and its event. */
void gla_cuda_staging_release(gla_cuda_state* state);
/* graph.cu: ends a capture left open (the context is released while recording) and drops its graph. */
void gla_cuda_abandon_capture(gla_context* context);
/* graph.cu: GLA_OK unless the context is recording and ptr (named `name`) is not page-locked host memory, which a
 * graph cannot copy from or to at replay. */
gla_status gla_cuda_check_recordable_host(const char* fn, const gla_context* context, const void* ptr,
                                          const char* name);

/* Grid size for a grid-stride loop over n items with `threads` per block (at least 1 block, at most 65535 x 32,
 * enough to fill any GPU; the loops cover the rest). */
static inline unsigned gla_cuda_grid(int64_t n, int threads) {
    int64_t b = (n + threads - 1) / threads;
    if (b < 1) b = 1;
    if (b > 65535 * 32) b = 65535 * 32;
    return (unsigned)b;
}

/* The context's device's multiprocessors (132 if the driver will not say: the grids sized by it stay valid). */
static inline int gla_cuda_multiprocessors(const gla_context* context) {
    int sms = 0;
    if (cudaDeviceGetAttribute(&sms, cudaDevAttrMultiProcessorCount, context->device) != cudaSuccess) {
        (void)cudaGetLastError();
        sms = 132;
    }
    return sms;
}

/* Element i of a layer-op tensor of either dtype (gla.h: F32 or BF16) as fp32, and its store (bf16: round to
 * nearest even). The dtype is uniform over a launch, so the branch costs nothing measurable in these memory-bound
 * kernels. */
__device__ inline float gla_cuda_load(const void* p, int32_t dtype, int64_t i) {
    return dtype == GLA_DTYPE_BF16 ? __bfloat162float(static_cast<const __nv_bfloat16*>(p)[i])
                                   : static_cast<const float*>(p)[i];
}

__device__ inline void gla_cuda_store(void* p, int32_t dtype, int64_t i, float v) {
    if (dtype == GLA_DTYPE_BF16) static_cast<__nv_bfloat16*>(p)[i] = __float2bfloat16_rn(v);
    else static_cast<float*>(p)[i] = v;
}

/* logsigmoid(z) / normalizer with logsigmoid(z) = min(z, 0) − log1p(e^−|z|), exact for large |z| of either sign, and
 * the GLA layer's log gate max(clamp_min, that), as the cpu backend computes them: the gate op, the decoding
 * products' gate epilogue and the decoding step's gate projection share them. */
__device__ inline float gla_log_sigmoid_scaled(float z, float normalizer) {
    return (fminf(z, 0.0f) - log1pf(expf(-fabsf(z)))) / normalizer;
}

__device__ inline float gla_log_sigmoid_gate(float z, float normalizer, float clamp_min) {
    return fmaxf(gla_log_sigmoid_scaled(z, normalizer), clamp_min);
}

/* Returns the error of the last launch (with its status and message) from an op function. */
#define GLA_CUDA_CHECK(fn, call, what)                                                                             \
    do {                                                                                                          \
        cudaError_t e_ = (call);                                                                                  \
        if (e_ != cudaSuccess) return gla_cuda_error(fn, e_, what);                                               \
    } while (0)

#endif /* GLA_CUDA_COMMON_CUH */

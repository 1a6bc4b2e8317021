/*
 * cuda_common.cuh — helpers shared by the cuda backend's .cu files (device.cu, ops.cu / the kernel stages):
 * CUDA error → gla_status with a message naming the public function, the context's stream and device.
 */
#ifndef GLA_CUDA_COMMON_CUH
#define GLA_CUDA_COMMON_CUH

#include "cuda_backend.h"

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

#endif /* GLA_CUDA_COMMON_CUH */

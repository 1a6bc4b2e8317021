/*
 * cuda_backend.h — the cuda backend's entry points, as gla.c's backend table (gla_internal.h) calls them.
 * C-compatible: included by gla.c (C) and the .cu files. Arguments arrive fully validated (gla_internal.h
 * lists what that guarantees); tensor pointers are device memory aligned to GLA_CUDA_TENSOR_ALIGN (16) bytes,
 * cu_seqlens is host memory.
 *
 * device.cu: devices, contexts, streams, memory (all asynchronous work goes on context->stream).
 * ops.cu (replaced by the kernel stage files chunk_fwd_*.cu, ...): the ops. Contract of each op function:
 *   - run asynchronously on the context's stream (cudaStream_t)context->stream on device context->device
 *     (make it current with gla_cuda_set_device first), return GLA_OK once enqueued;
 *   - gla_cuda_workspace_size(op, dims) returns the device scratch the op needs; an op called with
 *     workspace == NULL and workspace_bytes == 0 allocates its own (stream-ordered) and frees it;
 *   - report failures with gla_error(status, "gla_<op>: ...") — GLA_ERROR_UNSUPPORTED for a valid request it
 *     does not implement, GLA_ERROR_DEVICE (via gla_cuda_error, cuda_common.cuh) for CUDA runtime errors.
 */
#ifndef GLA_CUDA_BACKEND_H
#define GLA_CUDA_BACKEND_H

#include "../gla_internal.h"

#ifdef __cplusplus
extern "C" {
#endif

/* device.cu */
gla_status gla_cuda_device_count(int32_t* count);
gla_status gla_cuda_device_info(int32_t device, gla_device_info* info);
gla_status gla_cuda_context_init(gla_context* context);
gla_status gla_cuda_context_release(gla_context* context);
gla_status gla_cuda_set_stream(gla_context* context, void* stream);
gla_status gla_cuda_synchronize(gla_context* context);
gla_status gla_cuda_malloc(gla_context* context, int64_t bytes, void** ptr);
gla_status gla_cuda_free(gla_context* context, void* ptr);
gla_status gla_cuda_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes);
gla_status gla_cuda_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind);
gla_status gla_cuda_host_alloc(gla_context* context, int64_t bytes, void** ptr);
gla_status gla_cuda_host_free(gla_context* context, void* ptr);

/* ops.cu */
gla_status gla_cuda_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes);
gla_status gla_cuda_chunk_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
gla_status gla_cuda_chunk_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
gla_status gla_cuda_recurrent_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
gla_status gla_cuda_recurrent_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
gla_status gla_cuda_decode_step(gla_context* context, const gla_dims* dims, const gla_decode_args* args);

#ifdef __cplusplus
}
#endif

#endif /* GLA_CUDA_BACKEND_H */

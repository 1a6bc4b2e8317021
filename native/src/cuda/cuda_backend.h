/*
 * cuda_backend.h — the cuda backend's entry points, as gla.c's backend table (gla_internal.h) calls them.
 * C-compatible: included by gla.c (C) and the .cu files. Arguments arrive fully validated (gla_internal.h
 * lists what that guarantees); tensor pointers are device memory aligned to GLA_CUDA_TENSOR_ALIGN (16) bytes,
 * cu_seqlens is host memory.
 *
 * device.cu: devices, contexts, streams, memory (all asynchronous work goes on context->stream).
 * The layer ops (blas.cu, norms.cu, elementwise.cu, vocab.cu, decode_linear.cu) and graphs (graph.cu) follow the
 * same contract; their pointers need only element alignment (gla_internal.h).
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

/* blas.cu: gemm through cuBLAS, loaded at run time */
gla_status gla_cuda_gemm(gla_context* context, const gla_gemm_args* args);

/* norms.cu: the norms and the row reductions (bias_grad, sum_squares) */
gla_status gla_cuda_norm_fwd(gla_context* context, const gla_norm_args* args);
gla_status gla_cuda_norm_bwd(gla_context* context, const gla_norm_args* args);
gla_status gla_cuda_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias);
gla_status gla_cuda_sum_squares(gla_context* context, int64_t count, const float* x, double* sum);

/* elementwise.cu */
gla_status gla_cuda_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b,
                               int32_t ab_dtype, void* y, int32_t y_dtype);
gla_status gla_cuda_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                               int32_t ab_dtype, void* da, void* db, int32_t dab_dtype);
gla_status gla_cuda_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                         float normalizer, float clamp_min, float* g);
gla_status gla_cuda_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                         int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                         int32_t dz_dtype);
gla_status gla_cuda_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                     int64_t head_dim, const void* in, void* out, int32_t dtype);
gla_status gla_cuda_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                     int64_t head_dim, const float* dout, float* din);
gla_status gla_cuda_add(gla_context* context, int64_t count, const float* a, const float* b, float* out);
gla_status gla_cuda_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                             int32_t y_dtype);
gla_status gla_cuda_scale(gla_context* context, int64_t count, float factor, float* x);
gla_status gla_cuda_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                         int32_t dst_dtype);
gla_status gla_cuda_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                          float* exp_avg_sq, const gla_adamw_args* scalars);

/* vocab.cu: embedding and cross-entropy (host ids/targets uploaded through a pinned staging buffer) */
gla_status gla_cuda_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                  const float* table, float* out);
gla_status gla_cuda_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                  const int32_t* ids, const float* dout, int32_t padding_idx, float* dtable);
gla_status gla_cuda_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                  const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                  int32_t logits_dtype);

/* decode_linear.cu: the fused products of decoding */
gla_status gla_cuda_decode_linear(gla_context* context, const gla_decode_linear_args* args);

/* graph.cu: CUDA graphs by stream capture */
gla_status gla_cuda_graph_begin(gla_context* context);
gla_status gla_cuda_graph_end(gla_context* context, gla_graph** graph);
gla_status gla_cuda_graph_launch(gla_context* context, const gla_graph* graph);
gla_status gla_cuda_graph_destroy(gla_graph* graph);

#ifdef __cplusplus
}
#endif

#endif /* GLA_CUDA_BACKEND_H */

/*
 * cpu_backend.h — the cpu backend's entry points, as gla.c's backend table (gla_internal.h) calls them.
 * Memory is 64-byte aligned host memory; "device" 0 is the host; ops run on OpenMP threads of the caller.
 */
#ifndef GLA_CPU_BACKEND_H
#define GLA_CPU_BACKEND_H

#include "../gla_internal.h"

uint32_t gla_cpu_feature_bits(void);

gla_status gla_cpu_device_count(int32_t* count);
gla_status gla_cpu_device_info(int32_t device, gla_device_info* info);
gla_status gla_cpu_context_init(gla_context* context);
gla_status gla_cpu_context_release(gla_context* context);
gla_status gla_cpu_set_stream(gla_context* context, void* stream);
gla_status gla_cpu_synchronize(gla_context* context);
gla_status gla_cpu_malloc(gla_context* context, int64_t bytes, void** ptr);
gla_status gla_cpu_free(gla_context* context, void* ptr);
gla_status gla_cpu_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes);
gla_status gla_cpu_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind);
gla_status gla_cpu_host_alloc(gla_context* context, int64_t bytes, void** ptr);
gla_status gla_cpu_host_free(gla_context* context, void* ptr);
gla_status gla_cpu_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes);
gla_status gla_cpu_chunk_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
gla_status gla_cpu_chunk_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
gla_status gla_cpu_recurrent_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
gla_status gla_cpu_recurrent_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
gla_status gla_cpu_decode_step(gla_context* context, const gla_dims* dims, const gla_decode_args* args);

/* Threads for an op with `items` independent units of work: the context's count (0: the OpenMP default), at most
 * `items`, at most 4 per processor, at least 1. */
int gla_cpu_threads(const gla_context* context, int64_t items);

/* cpu_backend.c: gemm (per-ISA kernels) and graphs (unsupported) */
gla_status gla_cpu_gemm(gla_context* context, const gla_gemm_args* args);
gla_status gla_cpu_graph_begin(gla_context* context);
gla_status gla_cpu_graph_end(gla_context* context, gla_graph** graph);
gla_status gla_cpu_graph_launch(gla_context* context, const gla_graph* graph);
gla_status gla_cpu_graph_destroy(gla_graph* graph);

/* cpu_layers.c: the other layer ops */
gla_status gla_cpu_norm_fwd(gla_context* context, const gla_norm_args* args);
gla_status gla_cpu_norm_bwd(gla_context* context, const gla_norm_args* args);
gla_status gla_cpu_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b,
                              int32_t ab_dtype, void* y, int32_t y_dtype);
gla_status gla_cpu_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                              int32_t ab_dtype, void* da, void* db, int32_t dab_dtype);
gla_status gla_cpu_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                        float normalizer, float clamp_min, float* g);
/* g [rows, out] = the gate projection of gla_decode_step_gate_proj (out = H*K). */
void gla_cpu_gate_proj(const gla_gate_proj* gate, int64_t rows, int64_t out, float* g);
gla_status gla_cpu_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                        int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                        int32_t dz_dtype);
gla_status gla_cpu_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                    int64_t head_dim, const void* in, void* out, int32_t dtype);
gla_status gla_cpu_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                    int64_t head_dim, const float* dout, float* din);
gla_status gla_cpu_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                 const float* table, float* out);
gla_status gla_cpu_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                 const float* dout, int32_t padding_idx, float* dtable);
gla_status gla_cpu_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                 const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                 int32_t logits_dtype);
gla_status gla_cpu_add(gla_context* context, int64_t count, const float* a, const float* b, float* out);
gla_status gla_cpu_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                            int32_t y_dtype);
gla_status gla_cpu_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias);
gla_status gla_cpu_scale(gla_context* context, int64_t count, float factor, float* x);
gla_status gla_cpu_sum_squares(gla_context* context, int64_t count, const float* x, double* sum);
gla_status gla_cpu_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                        int32_t dst_dtype);
gla_status gla_cpu_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                         float* exp_avg_sq, const gla_adamw_args* scalars);
gla_status gla_cpu_decode_linear(gla_context* context, const gla_decode_linear_args* args);

#endif /* GLA_CPU_BACKEND_H */

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

#endif /* GLA_CPU_BACKEND_H */

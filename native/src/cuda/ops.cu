/*
 * ops.cu — the cuda backend's ops (cuda_backend.h). Not implemented yet: every op reports
 * GLA_ERROR_UNSUPPORTED, so callers fall back to the cpu backend. The kernel stage files (chunk_fwd_*.cu,
 * chunk_bwd_*.cu, recurrent_*.cu) replace this file; the contract they implement is in cuda_backend.h.
 */
#include "cuda_common.cuh"

static gla_status not_implemented(const char* fn) {
    return gla_error(GLA_ERROR_UNSUPPORTED, "%s: not implemented on the cuda backend yet", fn);
}

gla_status gla_cuda_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes) {
    (void)context;
    (void)dims;
    *bytes = 0;
    return not_implemented(gla_op_function_name(op));
}

gla_status gla_cuda_chunk_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args) {
    (void)context, (void)dims, (void)args;
    return not_implemented("gla_chunk_fwd");
}

gla_status gla_cuda_chunk_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args) {
    (void)context, (void)dims, (void)args;
    return not_implemented("gla_chunk_bwd");
}

gla_status gla_cuda_recurrent_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args) {
    (void)context, (void)dims, (void)args;
    return not_implemented("gla_recurrent_fwd");
}

gla_status gla_cuda_recurrent_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args) {
    (void)context, (void)dims, (void)args;
    return not_implemented("gla_recurrent_bwd");
}

gla_status gla_cuda_decode_step(gla_context* context, const gla_dims* dims, const gla_decode_args* args) {
    (void)context, (void)dims, (void)args;
    return not_implemented("gla_decode_step");
}

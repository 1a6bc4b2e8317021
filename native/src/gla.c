/*
 * gla.c — the public entry points of libgla4j: argument validation, dispatch to a backend, error text.
 *
 * Every gla.h function follows the same shape: clear this thread's error, validate every argument with one
 * small check_* helper per rule (each message names the function and the argument), then call the backend
 * table of the context (gla_internal.h). Backends therefore never see invalid input. Nothing here aborts.
 * The layer ops and graphs have their entry points in gla_layers.c, with the same shape.
 * Tested by native/tests/test_bad_args.c (every rule) and the parity tests (the happy paths).
 */
#include "gla_internal.h"
#include "cpu/cpu_backend.h"
#ifdef GLA_HAVE_CUDA
#include "cuda/cuda_backend.h"
#endif

#include <inttypes.h>
#include <math.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

/* ---- errors ---- */

static _Thread_local char last_error[512];

gla_status gla_error(gla_status status, const char* format, ...) {
    va_list args;
    va_start(args, format);
    vsnprintf(last_error, sizeof last_error, format, args);
    va_end(args);
    return status;
}

void gla_clear_error(void) { last_error[0] = '\0'; }

GLA_API gla_status gla_get_last_error(const char** message) {
    if (message == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_get_last_error: message must not be NULL");
    *message = last_error;
    return GLA_OK;
}

GLA_API gla_status gla_status_name(int32_t status, const char** name) {
    static const char* const names[] = {
        "GLA_OK", "GLA_ERROR_INVALID_ARGUMENT", "GLA_ERROR_UNSUPPORTED", "GLA_ERROR_OUT_OF_MEMORY",
        "GLA_ERROR_BACKEND_UNAVAILABLE", "GLA_ERROR_DEVICE", "GLA_ERROR_INTERNAL"};
    gla_clear_error();
    if (name == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_status_name: name must not be NULL");
    if (status < 0 || status >= (int32_t)(sizeof names / sizeof names[0])) {
        *name = NULL;
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_status_name: status %" PRId32 " is not a gla_status", status);
    }
    *name = names[status];
    return GLA_OK;
}

const char* gla_op_function_name(int32_t op) {
    switch (op) {
    case GLA_OP_CHUNK_FWD: return "gla_chunk_fwd";
    case GLA_OP_CHUNK_BWD: return "gla_chunk_bwd";
    case GLA_OP_RECURRENT_FWD: return "gla_recurrent_fwd";
    case GLA_OP_RECURRENT_BWD: return "gla_recurrent_bwd";
    case GLA_OP_DECODE_STEP: return "gla_decode_step";
    default: return "gla_workspace_size";
    }
}

/* ---- library ---- */

GLA_API gla_status gla_version(int32_t* major, int32_t* minor, int32_t* patch) {
    gla_clear_error();
    if (major == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_version: major must not be NULL");
    if (minor == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_version: minor must not be NULL");
    if (patch == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_version: patch must not be NULL");
    *major = GLA_VERSION_MAJOR;
    *minor = GLA_VERSION_MINOR;
    *patch = GLA_VERSION_PATCH;
    return GLA_OK;
}

GLA_API gla_status gla_cpu_features(uint32_t* features) {
    gla_clear_error();
    if (features == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_cpu_features: features must not be NULL");
    *features = gla_cpu_feature_bits();
    return GLA_OK;
}

/* ---- backends ---- */

static const gla_backend_ops cpu_backend = {
    "cpu",
    gla_cpu_device_count, gla_cpu_device_info, gla_cpu_context_init, gla_cpu_context_release,
    gla_cpu_set_stream, gla_cpu_synchronize,
    gla_cpu_malloc, gla_cpu_free, gla_cpu_memset, gla_cpu_memcpy, gla_cpu_host_alloc, gla_cpu_host_free,
    gla_cpu_workspace_size, gla_cpu_chunk_fwd, gla_cpu_chunk_bwd, gla_cpu_recurrent_fwd, gla_cpu_recurrent_bwd,
    gla_cpu_decode_step,
    gla_cpu_gemm, gla_cpu_norm_fwd, gla_cpu_norm_bwd, gla_cpu_swiglu_fwd, gla_cpu_swiglu_bwd,
    gla_cpu_log_sigmoid_gate_fwd, gla_cpu_log_sigmoid_gate_bwd, gla_cpu_repeat_heads_fwd, gla_cpu_repeat_heads_bwd,
    gla_cpu_embedding_fwd, gla_cpu_embedding_bwd, gla_cpu_cross_entropy, gla_cpu_add, gla_cpu_bias_add,
    gla_cpu_bias_grad, gla_cpu_scale, gla_cpu_sum_squares, gla_cpu_cast, gla_cpu_adamw, gla_cpu_decode_linear,
    gla_cpu_graph_begin, gla_cpu_graph_end, gla_cpu_graph_launch, gla_cpu_graph_destroy,
};

#ifdef GLA_HAVE_CUDA
static const gla_backend_ops cuda_backend = {
    "cuda",
    gla_cuda_device_count, gla_cuda_device_info, gla_cuda_context_init, gla_cuda_context_release,
    gla_cuda_set_stream, gla_cuda_synchronize,
    gla_cuda_malloc, gla_cuda_free, gla_cuda_memset, gla_cuda_memcpy, gla_cuda_host_alloc, gla_cuda_host_free,
    gla_cuda_workspace_size, gla_cuda_chunk_fwd, gla_cuda_chunk_bwd, gla_cuda_recurrent_fwd, gla_cuda_recurrent_bwd,
    gla_cuda_decode_step,
    gla_cuda_gemm, gla_cuda_norm_fwd, gla_cuda_norm_bwd, gla_cuda_swiglu_fwd, gla_cuda_swiglu_bwd,
    gla_cuda_log_sigmoid_gate_fwd, gla_cuda_log_sigmoid_gate_bwd, gla_cuda_repeat_heads_fwd,
    gla_cuda_repeat_heads_bwd, gla_cuda_embedding_fwd, gla_cuda_embedding_bwd, gla_cuda_cross_entropy, gla_cuda_add,
    gla_cuda_bias_add, gla_cuda_bias_grad, gla_cuda_scale, gla_cuda_sum_squares, gla_cuda_cast, gla_cuda_adamw,
    gla_cuda_decode_linear,
    gla_cuda_graph_begin, gla_cuda_graph_end, gla_cuda_graph_launch, gla_cuda_graph_destroy,
};
#endif

/* The backend table for a gla_backend value: NULL with the error set when unknown or not built. */
const gla_backend_ops* gla_backend_table(const char* fn, int32_t backend) {
    if (backend == GLA_BACKEND_CPU) return &cpu_backend;
    if (backend == GLA_BACKEND_CUDA) {
#ifdef GLA_HAVE_CUDA
        return &cuda_backend;
#else
        gla_error(GLA_ERROR_BACKEND_UNAVAILABLE, "%s: backend %" PRId32 " (cuda) is not built into this library", fn,
                  backend);
        return NULL;
#endif
    }
    gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: backend must be %d (cpu) or %d (cuda), got %" PRId32, fn,
              GLA_BACKEND_CPU, GLA_BACKEND_CUDA, backend);
    return NULL;
}

static gla_status check_backend_value(const char* fn, int32_t backend) {
    if (backend != GLA_BACKEND_CPU && backend != GLA_BACKEND_CUDA)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: backend must be %d (cpu) or %d (cuda), got %" PRId32, fn,
                         GLA_BACKEND_CPU, GLA_BACKEND_CUDA, backend);
    return GLA_OK;
}

GLA_API gla_status gla_backend_available(int32_t backend, int32_t* available) {
    gla_clear_error();
    gla_status s = check_backend_value("gla_backend_available", backend);
    if (s != GLA_OK) return s;
    if (available == NULL)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_backend_available: available must not be NULL");
    *available = 0;
#ifndef GLA_HAVE_CUDA
    if (backend == GLA_BACKEND_CUDA) return GLA_OK;
#endif
    const gla_backend_ops* ops = gla_backend_table("gla_backend_available", backend);
    int32_t count = 0;
    if ((s = ops->device_count(&count)) != GLA_OK) return s;
    *available = count > 0;
    return GLA_OK;
}

GLA_API gla_status gla_device_count(int32_t backend, int32_t* count) {
    gla_clear_error();
    gla_status s = check_backend_value("gla_device_count", backend);
    if (s != GLA_OK) return s;
    if (count == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_device_count: count must not be NULL");
    *count = 0;
#ifndef GLA_HAVE_CUDA
    if (backend == GLA_BACKEND_CUDA) return GLA_OK; /* not built: no devices */
#endif
    return gla_backend_table("gla_device_count", backend)->device_count(count);
}

/* Checks that device is an existing device of the backend. */
static gla_status check_device(const char* fn, const gla_backend_ops* ops, int32_t device) {
    int32_t count = 0;
    gla_status s = ops->device_count(&count);
    if (s != GLA_OK) return s;
    if (device < 0 || device >= count) {
        if (count == 0)
            return gla_error(GLA_ERROR_BACKEND_UNAVAILABLE, "%s: device %" PRId32 " is not available: the %s backend has no devices",
                             fn, device, ops->name);
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: device must be in [0, %" PRId32 "] for the %s backend, got %" PRId32,
                         fn, count - 1, ops->name, device);
    }
    return GLA_OK;
}

GLA_API gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info* info) {
    static const char fn[] = "gla_device_info_get";
    gla_clear_error();
    const gla_backend_ops* ops = gla_backend_table(fn, backend);
    if (ops == NULL) return backend == GLA_BACKEND_CUDA ? GLA_ERROR_BACKEND_UNAVAILABLE : GLA_ERROR_INVALID_ARGUMENT;
    if (info == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: info must not be NULL", fn);
    gla_status s = check_device(fn, ops, device);
    if (s != GLA_OK) return s;
    memset(info, 0, sizeof *info);
    return ops->device_info(device, info);
}

/* ---- context ---- */

gla_status gla_check_context(const char* fn, const gla_context* context) {
    if (context == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: context must not be NULL", fn);
    if (context->backend != GLA_BACKEND_CPU && context->backend != GLA_BACKEND_CUDA)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: context is not a live gla_context", fn);
    return GLA_OK;
}

/* While a context records a graph, calls that read host memory, allocate or wait cannot be recorded. */
gla_status gla_check_not_recording(const char* fn, const gla_context* context, const char* why) {
    if (context->recording)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: not allowed while the context is recording a graph "
                         "(between gla_graph_begin and gla_graph_end): %s", fn, why);
    return GLA_OK;
}

/* The backend table of a checked context (a context is only ever created for a built backend). */
const gla_backend_ops* gla_context_ops(const gla_context* context) {
#ifdef GLA_HAVE_CUDA
    if (context->backend == GLA_BACKEND_CUDA) return &cuda_backend;
#endif
    return &cpu_backend;
}

GLA_API gla_status gla_context_create(int32_t backend, int32_t device, gla_context** context) {
    static const char fn[] = "gla_context_create";
    gla_clear_error();
    if (context == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: context must not be NULL", fn);
    *context = NULL;
    const gla_backend_ops* ops = gla_backend_table(fn, backend);
    if (ops == NULL) return backend == GLA_BACKEND_CUDA ? GLA_ERROR_BACKEND_UNAVAILABLE : GLA_ERROR_INVALID_ARGUMENT;
    gla_status s = check_device(fn, ops, device);
    if (s != GLA_OK) return s;
    gla_context* c = (gla_context*)calloc(1, sizeof *c);
    if (c == NULL) return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate the context", fn);
    c->backend = backend;
    c->device = device;
    if ((s = ops->context_init(c)) != GLA_OK) {
        free(c);
        return s;
    }
    *context = c;
    return GLA_OK;
}

GLA_API gla_status gla_context_destroy(gla_context* context) {
    gla_clear_error();
    if (context == NULL) return GLA_OK; /* like free(NULL) */
    gla_status s = gla_check_context("gla_context_destroy", context);
    if (s != GLA_OK) return s;
    s = gla_context_ops(context)->context_release(context);
    free(context);
    return s;
}

GLA_API gla_status gla_context_backend(const gla_context* context, int32_t* backend) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_context_backend", context);
    if (s != GLA_OK) return s;
    if (backend == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_context_backend: backend must not be NULL");
    *backend = context->backend;
    return GLA_OK;
}

GLA_API gla_status gla_context_set_stream(gla_context* context, void* stream) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_context_set_stream", context);
    if (s != GLA_OK) return s;
    if ((s = gla_check_not_recording("gla_context_set_stream", context, "the recording stream cannot change")) != GLA_OK)
        return s;
    return gla_context_ops(context)->set_stream(context, stream);
}

GLA_API gla_status gla_context_set_threads(gla_context* context, int32_t threads) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_context_set_threads", context);
    if (s != GLA_OK) return s;
    if (threads < 0 || threads > GLA_MAX_THREADS)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_context_set_threads: threads must be in [0, %d], got %" PRId32,
                         GLA_MAX_THREADS, threads);
    context->threads = threads;
    return GLA_OK;
}

GLA_API gla_status gla_synchronize(gla_context* context) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_synchronize", context);
    if (s != GLA_OK) return s;
    if ((s = gla_check_not_recording("gla_synchronize", context, "recorded work does not run until the graph is launched"))
        != GLA_OK)
        return s;
    return gla_context_ops(context)->synchronize(context);
}

/* ---- memory ---- */

static gla_status check_bytes(const char* fn, int64_t bytes) {
    if (bytes < 0) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: bytes must be >= 0, got %" PRId64, fn, bytes);
    return GLA_OK;
}

static gla_status check_not_null(const char* fn, const char* name, const void* ptr) {
    if (ptr == NULL) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: %s must not be NULL", fn, name);
    return GLA_OK;
}

/* gla_malloc and gla_host_alloc: 0 bytes gives NULL. */
static gla_status allocate(const char* fn, gla_context* context, int64_t bytes, void** ptr, int host) {
    gla_status s = gla_check_context(fn, context);
    if (s != GLA_OK) return s;
    if ((s = check_not_null(fn, "ptr", ptr)) != GLA_OK) return s;
    *ptr = NULL;
    if ((s = gla_check_not_recording(fn, context, "allocation synchronizes with the device")) != GLA_OK) return s;
    if ((s = check_bytes(fn, bytes)) != GLA_OK) return s;
    if (bytes == 0) return GLA_OK;
    const gla_backend_ops* ops = gla_context_ops(context);
    return host ? ops->host_alloc(context, bytes, ptr) : ops->malloc_fn(context, bytes, ptr);
}

GLA_API gla_status gla_malloc(gla_context* context, int64_t bytes, void** ptr) {
    gla_clear_error();
    return allocate("gla_malloc", context, bytes, ptr, 0);
}

GLA_API gla_status gla_host_alloc(gla_context* context, int64_t bytes, void** ptr) {
    gla_clear_error();
    return allocate("gla_host_alloc", context, bytes, ptr, 1);
}

GLA_API gla_status gla_free(gla_context* context, void* ptr) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_free", context);
    if (s != GLA_OK) return s;
    if ((s = gla_check_not_recording("gla_free", context, "freeing synchronizes with the device")) != GLA_OK) return s;
    return ptr == NULL ? GLA_OK : gla_context_ops(context)->free_fn(context, ptr);
}

GLA_API gla_status gla_host_free(gla_context* context, void* ptr) {
    gla_clear_error();
    gla_status s = gla_check_context("gla_host_free", context);
    if (s != GLA_OK) return s;
    if ((s = gla_check_not_recording("gla_host_free", context, "freeing synchronizes with the device")) != GLA_OK) return s;
    return ptr == NULL ? GLA_OK : gla_context_ops(context)->host_free(context, ptr);
}

GLA_API gla_status gla_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes) {
    static const char fn[] = "gla_memset";
    gla_clear_error();
    gla_status s = gla_check_context(fn, context);
    if (s != GLA_OK) return s;
    if ((s = check_bytes(fn, bytes)) != GLA_OK) return s;
    if (bytes == 0) return GLA_OK;
    if ((s = check_not_null(fn, "ptr", ptr)) != GLA_OK) return s;
    return gla_context_ops(context)->memset_fn(context, ptr, value, bytes);
}

GLA_API gla_status gla_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind) {
    static const char fn[] = "gla_memcpy";
    gla_clear_error();
    gla_status s = gla_check_context(fn, context);
    if (s != GLA_OK) return s;
    if (kind < GLA_COPY_HOST_TO_DEVICE || kind > GLA_COPY_HOST_TO_HOST)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: kind must be a gla_copy in [0, 3], got %" PRId32, fn, kind);
    if ((s = check_bytes(fn, bytes)) != GLA_OK) return s;
    if (bytes == 0) return GLA_OK;
    if ((s = check_not_null(fn, "dst", dst)) != GLA_OK) return s;
    if ((s = check_not_null(fn, "src", src)) != GLA_OK) return s;
    if (kind == GLA_COPY_HOST_TO_HOST &&
        (s = gla_check_not_recording(fn, context, "a host to host copy cannot be recorded")) != GLA_OK)
        return s;
    return gla_context_ops(context)->memcpy_fn(context, dst, src, bytes, kind);
}

/* ---- op validation ---- */

static gla_status check_dim(const char* fn, const char* name, int64_t value, int64_t lo, int64_t hi) {
    if (value < lo || value > hi) {
        if (hi == INT64_MAX)
            return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->%s must be >= %" PRId64 ", got %" PRId64, fn, name,
                             lo, value);
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->%s must be in [%" PRId64 ", %" PRId64 "], got %" PRId64,
                         fn, name, lo, hi, value);
    }
    return GLA_OK;
}

static gla_status check_enum(const char* fn, const char* name, int32_t value, int32_t hi, const char* values) {
    if (value < 0 || value > hi)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->%s must be one of %s, got %" PRId32, fn, name, values,
                         value);
    return GLA_OK;
}

/* Checks that the product of four dims, times an element size, fits in int64. */
static gla_status check_size(const char* fn, const char* what, int64_t a, int64_t b, int64_t c, int64_t d,
                             int64_t element_bytes) {
    int64_t n;
    if (gla_mul_i64(a, b, &n) || gla_mul_i64(n, c, &n) || gla_mul_i64(n, d, &n) || gla_mul_i64(n, element_bytes, &n))
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims give %s = %" PRId64 "*%" PRId64 "*%" PRId64 "*%" PRId64
                         " elements of %" PRId64 " bytes, which overflows int64", fn, what, a, b, c, d, element_bytes);
    return GLA_OK;
}

static int64_t dtype_bytes(int32_t dtype) { return dtype == GLA_DTYPE_BF16 ? 2 : 4; }

/* All rules on dims alone: ranges, enums, 64-bit sizes of every tensor. */
static gla_status check_dims(const char* fn, const gla_dims* dims) {
    gla_status s;
    if ((s = check_not_null(fn, "dims", dims)) != GLA_OK) return s;
    if ((s = check_dim(fn, "batch", dims->batch, 1, INT64_MAX)) != GLA_OK) return s;
    if ((s = check_dim(fn, "seq_len", dims->seq_len, 1, INT64_MAX)) != GLA_OK) return s;
    if ((s = check_dim(fn, "heads", dims->heads, 1, INT64_MAX)) != GLA_OK) return s;
    if ((s = check_dim(fn, "key_dim", dims->key_dim, 1, GLA_MAX_HEAD_DIM)) != GLA_OK) return s;
    if ((s = check_dim(fn, "value_dim", dims->value_dim, 1, GLA_MAX_HEAD_DIM)) != GLA_OK) return s;
    if ((s = check_dim(fn, "num_seqs", dims->num_seqs, 0, INT64_MAX)) != GLA_OK) return s;
    if (!isfinite(dims->scale))
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->scale must be finite, got %g", fn, (double)dims->scale);
    if ((s = check_enum(fn, "dtype", dims->dtype, GLA_DTYPE_BF16, "0 (f32), 1 (bf16)")) != GLA_OK) return s;
    if ((s = check_enum(fn, "gate", dims->gate, GLA_GATE_HEAD, "0 (channel), 1 (none), 2 (head)")) != GLA_OK) return s;
    if ((s = check_enum(fn, "algorithm", dims->algorithm, GLA_ALGORITHM_NON_MATERIALIZE,
                        "0 (auto), 1 (materialize), 2 (non-materialize)")) != GLA_OK)
        return s;
    if (dims->num_seqs > 0 && dims->batch != 1)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->batch must be 1 with variable-length sequences "
                         "(num_seqs = %" PRId64 "), got %" PRId64, fn, dims->num_seqs, dims->batch);
    int64_t eb = dtype_bytes(dims->dtype);
    int64_t states = dims->num_seqs > 0 ? dims->num_seqs : dims->batch;
    if ((s = check_size(fn, "q/k (batch*seq_len*heads*key_dim)", dims->batch, dims->seq_len, dims->heads,
                        dims->key_dim, 4)) != GLA_OK)
        return s; /* 4 bytes also covers g [B,T,H,K] fp32 and bf16 q, k */
    if ((s = check_size(fn, "v/o (batch*seq_len*heads*value_dim)", dims->batch, dims->seq_len, dims->heads,
                        dims->value_dim, eb > 4 ? eb : 4)) != GLA_OK)
        return s;
    if ((s = check_size(fn, "states ((batch|num_seqs)*heads*key_dim*value_dim)", states, dims->heads, dims->key_dim,
                        dims->value_dim, 4)) != GLA_OK)
        return s;
    return GLA_OK;
}

/* Alignment a tensor pointer needs on the context's backend. */
static uintptr_t tensor_alignment(const gla_context* context, int64_t element_bytes) {
    return context->backend == GLA_BACKEND_CUDA ? GLA_CUDA_TENSOR_ALIGN : (uintptr_t)element_bytes;
}

/* A tensor argument: NULL allowed only when optional; aligned to its element (cpu) or 16 bytes (cuda). */
static gla_status check_tensor(const char* fn, const gla_context* context, const char* name, const void* ptr,
                               int64_t element_bytes, int required) {
    if (ptr == NULL) {
        if (required) return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: %s must not be NULL", fn, name);
        return GLA_OK;
    }
    uintptr_t align = tensor_alignment(context, element_bytes);
    if ((uintptr_t)ptr % align != 0)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: %s (%p) must be aligned to %u bytes", fn, name, ptr,
                         (unsigned)align);
    return GLA_OK;
}

/* g and dg exist exactly when the op is gated. */
static gla_status check_gate_tensor(const char* fn, const gla_context* context, const gla_dims* dims,
                                    const char* name, const void* ptr) {
    if (dims->gate == GLA_GATE_NONE) {
        if (ptr != NULL)
            return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: %s must be NULL when dims->gate is GLA_GATE_NONE", fn, name);
        return GLA_OK;
    }
    return check_tensor(fn, context, name, ptr, 4, 1);
}

/* cu_seqlens: NULL with num_seqs == 0, or num_seqs + 1 non-decreasing host offsets from 0 to seq_len. */
static gla_status check_cu_seqlens(const char* fn, const gla_dims* dims, const int64_t* cu_seqlens) {
    if (cu_seqlens == NULL) {
        if (dims->num_seqs != 0)
            return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: cu_seqlens must not be NULL when dims->num_seqs is %" PRId64,
                             fn, dims->num_seqs);
        return GLA_OK;
    }
    if (dims->num_seqs < 1)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->num_seqs must be >= 1 with cu_seqlens, got %" PRId64,
                         fn, dims->num_seqs);
    if ((uintptr_t)cu_seqlens % sizeof(int64_t) != 0)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: cu_seqlens (%p) must be aligned to 8 bytes", fn,
                         (const void*)cu_seqlens);
    if (cu_seqlens[0] != 0)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: cu_seqlens[0] must be 0, got %" PRId64, fn, cu_seqlens[0]);
    for (int64_t i = 1; i <= dims->num_seqs; i++)
        if (cu_seqlens[i] < cu_seqlens[i - 1])
            return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: cu_seqlens must be non-decreasing, but cu_seqlens[%" PRId64
                             "] = %" PRId64 " < cu_seqlens[%" PRId64 "] = %" PRId64, fn, i, cu_seqlens[i], i - 1,
                             cu_seqlens[i - 1]);
    if (cu_seqlens[dims->num_seqs] != dims->seq_len)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: cu_seqlens[num_seqs = %" PRId64 "] must equal dims->seq_len = %"
                         PRId64 ", got %" PRId64, fn, dims->num_seqs, dims->seq_len, cu_seqlens[dims->num_seqs]);
    return GLA_OK;
}

/* workspace: NULL with 0 bytes (the backend allocates), or >= the backend's size for this op, 64-byte aligned. */
static gla_status check_workspace(const char* fn, const gla_context* context, int32_t op, const gla_dims* dims,
                                  const void* workspace, int64_t workspace_bytes) {
    if (workspace_bytes < 0)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: workspace_bytes must be >= 0, got %" PRId64, fn, workspace_bytes);
    if (workspace == NULL) {
        if (workspace_bytes != 0)
            return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: workspace_bytes must be 0 when workspace is NULL, got %"
                             PRId64, fn, workspace_bytes);
        return GLA_OK;
    }
    if ((uintptr_t)workspace % GLA_WORKSPACE_ALIGN != 0)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: workspace (%p) must be aligned to %d bytes", fn, workspace,
                         GLA_WORKSPACE_ALIGN);
    int64_t need = 0;
    gla_status s = gla_context_ops(context)->workspace_size(context, op, dims, &need);
    if (s != GLA_OK) return s;
    if (workspace_bytes < need)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: workspace_bytes must be >= %" PRId64
                         " (gla_workspace_size) for these dims, got %" PRId64, fn, need, workspace_bytes);
    return GLA_OK;
}

/* While recording, a chunk or recurrent op cannot read cu_seqlens (host memory) nor allocate its workspace. */
static gla_status check_recordable(const char* fn, const gla_context* context, const int64_t* cu_seqlens,
                                   const void* workspace) {
    gla_status s;
    if (cu_seqlens != NULL &&
        (s = gla_check_not_recording(fn, context, "cu_seqlens is host memory read at call time")) != GLA_OK)
        return s;
    if (workspace == NULL &&
        (s = gla_check_not_recording(fn, context, "pass a workspace (gla_workspace_size) so that nothing is allocated"))
            != GLA_OK)
        return s;
    return GLA_OK;
}

/* The rules shared by the forward ops (chunk and recurrent). */
static gla_status check_fwd(const char* fn, int32_t op, const gla_context* context, const gla_dims* dims,
                            const gla_fwd_args* a) {
    gla_status s;
    if ((s = gla_check_context(fn, context)) != GLA_OK) return s;
    if ((s = check_dims(fn, dims)) != GLA_OK) return s;
    int64_t eb = dtype_bytes(dims->dtype);
    if ((s = check_tensor(fn, context, "q", a->q, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "k", a->k, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "v", a->v, eb, 1)) != GLA_OK) return s;
    if ((s = check_gate_tensor(fn, context, dims, "g", a->g)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "h0", a->h0, 4, 0)) != GLA_OK) return s;
    if ((s = check_cu_seqlens(fn, dims, a->cu_seqlens)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "o", a->o, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "ht", a->ht, 4, 0)) != GLA_OK) return s;
    if ((s = check_recordable(fn, context, a->cu_seqlens, a->workspace)) != GLA_OK) return s;
    return check_workspace(fn, context, op, dims, a->workspace, a->workspace_bytes);
}

/* The rules shared by the backward ops. */
static gla_status check_bwd(const char* fn, int32_t op, const gla_context* context, const gla_dims* dims,
                            const gla_bwd_args* a) {
    gla_status s;
    if ((s = gla_check_context(fn, context)) != GLA_OK) return s;
    if ((s = check_dims(fn, dims)) != GLA_OK) return s;
    int64_t eb = dtype_bytes(dims->dtype);
    if ((s = check_tensor(fn, context, "q", a->q, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "k", a->k, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "v", a->v, eb, 1)) != GLA_OK) return s;
    if ((s = check_gate_tensor(fn, context, dims, "g", a->g)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "h0", a->h0, 4, 0)) != GLA_OK) return s;
    if ((s = check_cu_seqlens(fn, dims, a->cu_seqlens)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dout", a->dout, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dht", a->dht, 4, 0)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dq", a->dq, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dk", a->dk, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dv", a->dv, eb, 1)) != GLA_OK) return s;
    if ((s = check_gate_tensor(fn, context, dims, "dg", a->dg)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "dh0", a->dh0, 4, 0)) != GLA_OK) return s;
    if (a->dh0 != NULL && a->h0 == NULL)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dh0 must be NULL when h0 is NULL (there is no initial state "
                         "to differentiate)", fn);
    if ((s = check_recordable(fn, context, a->cu_seqlens, a->workspace)) != GLA_OK) return s;
    return check_workspace(fn, context, op, dims, a->workspace, a->workspace_bytes);
}

/* ---- ops ---- */

GLA_API gla_status gla_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes) {
    static const char fn[] = "gla_workspace_size";
    gla_clear_error();
    gla_status s;
    if ((s = gla_check_context(fn, context)) != GLA_OK) return s;
    if (op < GLA_OP_CHUNK_FWD || op > GLA_OP_DECODE_STEP)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: op must be a gla_op in [0, 4], got %" PRId32, fn, op);
    if ((s = check_not_null(fn, "bytes", bytes)) != GLA_OK) return s;
    *bytes = 0;
    if ((s = check_dims(fn, dims)) != GLA_OK) return s;
    if (op == GLA_OP_DECODE_STEP) {
        if ((s = check_dim(fn, "seq_len", dims->seq_len, 1, 1)) != GLA_OK) return s;
        if ((s = check_dim(fn, "num_seqs", dims->num_seqs, 0, 0)) != GLA_OK) return s;
    }
    return gla_context_ops(context)->workspace_size(context, op, dims, bytes);
}

GLA_API gla_status gla_chunk_fwd(gla_context* context, const gla_dims* dims, const void* q, const void* k,
                                 const void* v, const float* g, const float* h0, const int64_t* cu_seqlens, void* o,
                                 float* ht, void* workspace, int64_t workspace_bytes) {
    gla_clear_error();
    gla_fwd_args a = {q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes};
    gla_status s = check_fwd("gla_chunk_fwd", GLA_OP_CHUNK_FWD, context, dims, &a);
    if (s != GLA_OK) return s;
    return gla_context_ops(context)->chunk_fwd(context, dims, &a);
}

GLA_API gla_status gla_recurrent_fwd(gla_context* context, const gla_dims* dims, const void* q, const void* k,
                                     const void* v, const float* g, const float* h0, const int64_t* cu_seqlens,
                                     void* o, float* ht, void* workspace, int64_t workspace_bytes) {
    gla_clear_error();
    gla_fwd_args a = {q, k, v, g, h0, cu_seqlens, o, ht, workspace, workspace_bytes};
    gla_status s = check_fwd("gla_recurrent_fwd", GLA_OP_RECURRENT_FWD, context, dims, &a);
    if (s != GLA_OK) return s;
    return gla_context_ops(context)->recurrent_fwd(context, dims, &a);
}

GLA_API gla_status gla_chunk_bwd(gla_context* context, const gla_dims* dims, const void* q, const void* k,
                                 const void* v, const float* g, const float* h0, const int64_t* cu_seqlens,
                                 const void* dout, const float* dht, void* dq, void* dk, void* dv, float* dg,
                                 float* dh0, void* workspace, int64_t workspace_bytes) {
    gla_clear_error();
    gla_bwd_args a = {q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes};
    gla_status s = check_bwd("gla_chunk_bwd", GLA_OP_CHUNK_BWD, context, dims, &a);
    if (s != GLA_OK) return s;
    return gla_context_ops(context)->chunk_bwd(context, dims, &a);
}

GLA_API gla_status gla_recurrent_bwd(gla_context* context, const gla_dims* dims, const void* q, const void* k,
                                     const void* v, const float* g, const float* h0, const int64_t* cu_seqlens,
                                     const void* dout, const float* dht, void* dq, void* dk, void* dv, float* dg,
                                     float* dh0, void* workspace, int64_t workspace_bytes) {
    gla_clear_error();
    gla_bwd_args a = {q, k, v, g, h0, cu_seqlens, dout, dht, dq, dk, dv, dg, dh0, workspace, workspace_bytes};
    gla_status s = check_bwd("gla_recurrent_bwd", GLA_OP_RECURRENT_BWD, context, dims, &a);
    if (s != GLA_OK) return s;
    return gla_context_ops(context)->recurrent_bwd(context, dims, &a);
}

/* gla_decode_step and gla_decode_step_gate_proj: everything but the gates. */
static gla_status check_decode(const char* fn, const gla_context* context, const gla_dims* dims, const void* q,
                               const void* k, const void* v, const float* state, const void* o) {
    gla_status s;
    if ((s = gla_check_context(fn, context)) != GLA_OK) return s;
    if ((s = check_dims(fn, dims)) != GLA_OK) return s;
    if ((s = check_dim(fn, "seq_len", dims->seq_len, 1, 1)) != GLA_OK) return s;
    if ((s = check_dim(fn, "num_seqs", dims->num_seqs, 0, 0)) != GLA_OK) return s;
    int64_t eb = dtype_bytes(dims->dtype);
    if ((s = check_tensor(fn, context, "q", q, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "k", k, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "v", v, eb, 1)) != GLA_OK) return s;
    if ((s = check_tensor(fn, context, "state", state, 4, 1)) != GLA_OK) return s;
    return check_tensor(fn, context, "o", o, eb, 1);
}

GLA_API gla_status gla_decode_step(gla_context* context, const gla_dims* dims, const void* q, const void* k,
                                   const void* v, const float* g, float* state, void* o) {
    static const char fn[] = "gla_decode_step";
    gla_clear_error();
    gla_status s;
    if ((s = check_decode(fn, context, dims, q, k, v, state, o)) != GLA_OK) return s;
    if ((s = check_gate_tensor(fn, context, dims, "g", g)) != GLA_OK) return s;
    gla_decode_args a = {q, k, v, g, state, o, NULL};
    return gla_context_ops(context)->decode_step(context, dims, &a);
}

GLA_API gla_status gla_decode_step_gate_proj(gla_context* context, const gla_dims* dims, const void* q,
                                             const void* k, const void* v, const gla_gate_proj* gate, float* state,
                                             void* o) {
    static const char fn[] = "gla_decode_step_gate_proj";
    gla_clear_error();
    gla_status s;
    if ((s = check_decode(fn, context, dims, q, k, v, state, o)) != GLA_OK) return s;
    if (dims->gate != GLA_GATE_CHANNEL)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: dims->gate must be GLA_GATE_CHANNEL (%d), got %" PRId32, fn,
                         GLA_GATE_CHANNEL, dims->gate);
    if ((s = gla_check_gate_proj(fn, gate)) != GLA_OK) return s;
    gla_decode_args a = {q, k, v, NULL, state, o, gate};
    return gla_context_ops(context)->decode_step(context, dims, &a);
}

/*
 * gla_internal.h — the interface between gla.c (argument validation, dispatch, error text) and the backends
 * (cpu/, cuda/). Not installed, not part of the ABI.
 *
 * Every public op in gla.h is validated completely in gla.c before a backend sees it, so a backend entry point
 * may rely on:
 *   - context != NULL and context->backend is the backend being called;
 *   - dims != NULL, every dim in range (B, T, H >= 1; 1 <= K, V <= GLA_MAX_HEAD_DIM; num_seqs >= 0), scale
 *     finite, dtype/gate/algorithm known enum values, and every element and byte count of every tensor fits in
 *     int64 (so B*T*H*max(K,V)*4 and (B|N)*H*K*V*4 can be computed without overflow);
 *   - required pointers non-NULL, optional ones NULL or set, all aligned as gla.h documents;
 *   - g == NULL and dg == NULL exactly when dims->gate == GLA_GATE_NONE; dh0 != NULL implies h0 != NULL;
 *   - cu_seqlens (host memory) either NULL with num_seqs == 0, or batch == 1, num_seqs >= 1 and cu_seqlens
 *     holding num_seqs + 1 non-decreasing offsets from 0 to seq_len;
 *   - workspace either NULL with workspace_bytes == 0 (the backend allocates its own scratch) or at least
 *     the backend's own workspace_size for this op and dims, 64-byte aligned;
 *   - decode_step: seq_len == 1, num_seqs == 0.
 * A backend reports a failure with gla_error(), naming the public function, and returns its status.
 */
#ifndef GLA_INTERNAL_H
#define GLA_INTERNAL_H

#include "gla.h"

#ifdef __cplusplus
extern "C" {
#endif

/* Largest key_dim / value_dim accepted. The cpu backend keeps a K x V fp32 state per (sequence, head) and
 * thread; 4096 bounds that at 64 MiB and covers every head size in use (the paper's largest is 512). */
#define GLA_MAX_HEAD_DIM 4096

/* Largest thread count gla_context_set_threads accepts. */
#define GLA_MAX_THREADS 4096

/* Required alignment of a caller-provided workspace, in bytes. */
#define GLA_WORKSPACE_ALIGN 64

/* Required alignment of tensor pointers on the cuda backend, in bytes (cpu: the element size). */
#define GLA_CUDA_TENSOR_ALIGN 16

struct gla_context {
    int32_t backend; /* gla_backend */
    int32_t device;  /* cuda device ordinal; 0 on cpu */
    int32_t threads; /* cpu: OpenMP threads for ops, 0 = the OpenMP default */
    void* stream;    /* cuda: cudaStream_t, NULL = the default stream; cpu: NULL */
};

/* Tensors of gla_chunk_fwd / gla_recurrent_fwd (see gla.h for shapes). */
typedef struct gla_fwd_args {
    const void* q;
    const void* k;
    const void* v;
    const float* g;             /* NULL iff gate == GLA_GATE_NONE */
    const float* h0;            /* optional */
    const int64_t* cu_seqlens;  /* optional, host memory on every backend */
    void* o;
    float* ht;                  /* optional */
    void* workspace;            /* NULL with workspace_bytes 0: allocate internally */
    int64_t workspace_bytes;
} gla_fwd_args;

/* Tensors of gla_chunk_bwd / gla_recurrent_bwd. */
typedef struct gla_bwd_args {
    const void* q;
    const void* k;
    const void* v;
    const float* g;             /* NULL iff gate == GLA_GATE_NONE */
    const float* h0;            /* optional */
    const int64_t* cu_seqlens;  /* optional, host memory */
    const void* dout;
    const float* dht;           /* optional */
    void* dq;
    void* dk;
    void* dv;
    float* dg;                  /* NULL iff gate == GLA_GATE_NONE */
    float* dh0;                 /* optional, only with h0 */
    void* workspace;
    int64_t workspace_bytes;
} gla_bwd_args;

/* Tensors of gla_decode_step. */
typedef struct gla_decode_args {
    const void* q;
    const void* k;
    const void* v;
    const float* g;   /* NULL iff gate == GLA_GATE_NONE */
    float* state;     /* [B,H,K,V], read then overwritten */
    void* o;
} gla_decode_args;

/* One backend: what gla.c dispatches to after validation. Every function returns a gla_status and sets the
 * thread's error message on failure. */
typedef struct gla_backend_ops {
    const char* name;
    gla_status (*device_count)(int32_t* count);
    gla_status (*device_info)(int32_t device, gla_device_info* info); /* device already range-checked */
    gla_status (*context_init)(gla_context* context);                 /* after backend/device are set */
    gla_status (*context_release)(gla_context* context);
    gla_status (*set_stream)(gla_context* context, void* stream);
    gla_status (*synchronize)(gla_context* context);
    gla_status (*malloc_fn)(gla_context* context, int64_t bytes, void** ptr); /* bytes > 0 */
    gla_status (*free_fn)(gla_context* context, void* ptr);                   /* ptr != NULL */
    gla_status (*memset_fn)(gla_context* context, void* ptr, int32_t value, int64_t bytes);
    gla_status (*memcpy_fn)(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind);
    gla_status (*host_alloc)(gla_context* context, int64_t bytes, void** ptr); /* bytes > 0 */
    gla_status (*host_free)(gla_context* context, void* ptr);                  /* ptr != NULL */
    gla_status (*workspace_size)(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes);
    gla_status (*chunk_fwd)(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
    gla_status (*chunk_bwd)(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
    gla_status (*recurrent_fwd)(gla_context* context, const gla_dims* dims, const gla_fwd_args* args);
    gla_status (*recurrent_bwd)(gla_context* context, const gla_dims* dims, const gla_bwd_args* args);
    gla_status (*decode_step)(gla_context* context, const gla_dims* dims, const gla_decode_args* args);
} gla_backend_ops;

/* Sets the calling thread's last-error message (printf format; start it with the public function's name)
 * and returns status. */
gla_status gla_error(gla_status status, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* Name of a public op, for messages: "gla_chunk_fwd" for GLA_OP_CHUNK_FWD, ... */
const char* gla_op_function_name(int32_t op);

/* Checked int64 arithmetic for size computations: returns 0 and stores the result, or 1 on overflow. */
static inline int gla_mul_i64(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }
static inline int gla_add_i64(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }

#ifdef __cplusplus
}
#endif

#endif /* GLA_INTERNAL_H */

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
 *   - decode_step: seq_len == 1, num_seqs == 0; with gate_proj: gate == GLA_GATE_CHANNEL, g NULL, gate_proj's
 *     in and weight set and aligned (bias optional), rank in [1, GLA_GATE_PROJ_MAX_RANK], weight_dtype known,
 *     normalizer finite > 0, clamp_min finite or -INFINITY.
 * The layer ops (gemm ... adamw) may rely on:
 *   - every count (rows, width, count, m, n, k, vocab, ...) >= 0 and > 0 where the op has anything to do: gla.c
 *     returns GLA_OK without calling the backend when an op has nothing to compute (rows == 0 or width == 0,
 *     count == 0, m == 0 or n == 0); every element count and byte count of every tensor fits in int64;
 *   - the pointers of tensors with elements non-NULL and aligned to their element size (4 bytes fp32, 2 bytes bf16,
 *     4 bytes int32); optional ones (dlogits) NULL or such a pointer;
 *   - enum values known (transpose, dtype); leading dims at least the row widths; cuda: m, n, k and the leading
 *     dims <= INT32_MAX; eps and normalizer finite and > 0; clamp_min finite or -INFINITY;
 *   - ids (host) each in [0, vocab); targets (host) each -100 or in [0, vocab); padding_idx -1 or in [0, vocab);
 *   - gemm: k may be 0 (C = beta·C; beta == 0 writes zeros without reading C; a and b may then be NULL); alpha
 *     may be 0 (the same, a and b not read, as in BLAS);
 *   - decode_linear: 1 <= rows <= GLA_DECODE_LINEAR_MAX_ROWS, in >= 0, 1 <= count <= GLA_DECODE_LINEAR_MAX_OUTPUTS
 *     and every output's out >= 1 (gla_layers.c drops the empty ones); prologue, epilogue and weight_dtype known;
 *     with a norm prologue norm_width >= 1 divides in and eps is finite > 0; with the gate epilogue its scalars are
 *     as gla_log_sigmoid_gate_fwd's; z is NULL unless the prologue is the gated norm or SwiGLU, norm_weight NULL
 *     unless it is a norm, and when in > 0 those two (where used), x and every weight are non-NULL; y non-NULL;
 *   - while context->recording, only ops that neither read host arrays at call time, nor allocate with a host
 *     sync, nor wait are called: no embedding_bwd, cross_entropy, sum_squares, synchronize, set_stream,
 *     malloc/free, host_alloc/free, host-to-host memcpy, graph_begin/launch, and chunk or recurrent ops only with
 *     a workspace and without cu_seqlens. embedding_fwd (its ids unchecked) and host-side memcpy are called; the
 *     backend records them only from page-locked host memory. Backends may allocate stream-ordered scratch (cudaMallocAsync / cudaFreeAsync), which CUDA
 *     records as graph memory nodes.
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
    int32_t backend;   /* gla_backend */
    int32_t device;    /* cuda device ordinal; 0 on cpu */
    int32_t threads;   /* cpu: OpenMP threads for ops, 0 = the OpenMP default */
    int32_t recording; /* 1 between a successful gla_graph_begin and gla_graph_end (set by gla.c) */
    void* stream;      /* cuda: cudaStream_t, NULL = the default stream; cpu: NULL */
    void* cuda;        /* cuda: the backend's own per-context state (cuda/cuda_common.cuh), NULL on cpu */
};

/* A recorded graph (gla_graph_end). Only the cuda backend makes them. */
struct gla_graph {
    int32_t backend; /* gla_backend of the context that recorded it */
    int32_t device;
    void* exec;      /* cuda: cudaGraphExec_t */
};

/* gla_gemm, validated (see gla.h): C[m,n] = alpha·op(A)·op(B) + beta·C. */
typedef struct gla_gemm_args {
    int32_t trans_a, trans_b; /* gla_transpose */
    int64_t m, n, k;
    float alpha, beta;
    const void* a;
    int64_t lda;
    const void* b;
    int64_t ldb;
    int32_t ab_dtype; /* gla_dtype */
    void* c;
    int64_t ldc;
    int32_t c_dtype;  /* gla_dtype */
} gla_gemm_args;

/* gla_rms_norm_* and gla_gated_rms_norm_* (z == NULL: the plain norm), rows x width. Forward: x, z, weight, eps
 * in; y, rstd out. Backward: dy, x, z, weight, rstd in; dx (+= with accumulate_dx), dz (gated), dweight += out. */
typedef struct gla_norm_args {
    int64_t rows, width;
    const void* x;
    const void* z;
    int32_t xz_dtype; /* gla_dtype of x and z */
    const float* weight;
    float eps;
    void* y;
    int32_t y_dtype;  /* gla_dtype of y */
    float* rstd;
    const float* dy;
    void* dx;
    int32_t accumulate_dx;
    void* dz;
    int32_t dxz_dtype; /* gla_dtype of dx and dz (backward) */
    float* dweight;
} gla_norm_args;

/* gla_decode_linear, validated: the dims as passed, and the outputs that have any features (count of them, a copy
 * in gla_layers.c's frame, valid during the call). */
typedef struct gla_decode_linear_args {
    gla_linear_dims dims;
    const float* x;
    const float* z;
    const float* norm_weight;
    gla_linear_output outputs[GLA_DECODE_LINEAR_MAX_OUTPUTS];
    int32_t count;
} gla_decode_linear_args;

/* gla_adamw's scalars, as passed. */
typedef struct gla_adamw_args {
    float step_size, bias2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps, decay;
} gla_adamw_args;

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
    const float* g;   /* NULL iff gate == GLA_GATE_NONE or gate_proj is set */
    float* state;     /* [B,H,K,V], read then overwritten */
    void* o;
    const gla_gate_proj* gate_proj; /* gla_decode_step_gate_proj: the channel gates made from it; else NULL */
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
    /* layer ops (gla.h "layer ops"; the guarantees are listed at the top of this file) */
    gla_status (*gemm)(gla_context* context, const gla_gemm_args* args);
    gla_status (*norm_fwd)(gla_context* context, const gla_norm_args* args);
    gla_status (*norm_bwd)(gla_context* context, const gla_norm_args* args);
    gla_status (*swiglu_fwd)(gla_context* context, int64_t count, const void* a, const void* b,
                             int32_t ab_dtype, void* y, int32_t y_dtype);
    gla_status (*swiglu_bwd)(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                             int32_t ab_dtype, void* da, void* db, int32_t dab_dtype);
    gla_status (*log_sigmoid_gate_fwd)(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                       float normalizer, float clamp_min, float* g);
    gla_status (*log_sigmoid_gate_bwd)(gla_context* context, int64_t count, const float* dg, const void* z,
                                       int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                       int32_t dz_dtype);
    gla_status (*repeat_heads_fwd)(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                   int64_t head_dim, const void* in, void* out, int32_t dtype);
    gla_status (*repeat_heads_bwd)(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                   int64_t head_dim, const float* dout, float* din);
    gla_status (*embedding_fwd)(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                const float* table, float* out);
    gla_status (*embedding_bwd)(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                const float* dout, int32_t padding_idx, float* dtable);
    gla_status (*cross_entropy)(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                int32_t logits_dtype);
    gla_status (*add)(gla_context* context, int64_t count, const float* a, const float* b, float* out);
    gla_status (*bias_add)(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                           int32_t y_dtype);
    gla_status (*bias_grad)(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias);
    gla_status (*scale)(gla_context* context, int64_t count, float factor, float* x);
    gla_status (*sum_squares)(gla_context* context, int64_t count, const float* x, double* sum);
    gla_status (*cast)(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                       int32_t dst_dtype);
    gla_status (*adamw)(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                        float* exp_avg_sq, const gla_adamw_args* scalars);
    gla_status (*decode_linear)(gla_context* context, const gla_decode_linear_args* args);
    /* graphs: begin (context not recording), end (context recording; the backend ends the capture even when it
     * fails and returns a graph only on success; gla.c clears the flag), launch (graph of this backend and
     * device, context not recording), destroy (graph != NULL). */
    gla_status (*graph_begin)(gla_context* context);
    gla_status (*graph_end)(gla_context* context, gla_graph** graph);
    gla_status (*graph_launch)(gla_context* context, const gla_graph* graph);
    gla_status (*graph_destroy)(gla_graph* graph);
} gla_backend_ops;

/* Sets the calling thread's last-error message (printf format; start it with the public function's name)
 * and returns status. */
gla_status gla_error(gla_status status, const char* format, ...)
#if defined(__GNUC__)
    __attribute__((format(printf, 2, 3)))
#endif
    ;

/* gla.c's helpers for the entry points in gla_layers.c: clear this thread's error; check that context is a live
 * context; its backend table; refuse (naming `why`) while the context records a graph. */
void gla_clear_error(void);
gla_status gla_check_context(const char* fn, const gla_context* context);
const gla_backend_ops* gla_context_ops(const gla_context* context);
/* The table of a gla_backend value; NULL (error set, naming fn) when unknown or not built. */
const gla_backend_ops* gla_backend_table(const char* fn, int32_t backend);
gla_status gla_check_not_recording(const char* fn, const gla_context* context, const char* why);
/* gla_layers.c: the rules of a gla_gate_proj (gla.h), for gla_decode_step_gate_proj. */
gla_status gla_check_gate_proj(const char* fn, const gla_gate_proj* gate);

/* Name of a public op, for messages: "gla_chunk_fwd" for GLA_OP_CHUNK_FWD, ... */
const char* gla_op_function_name(int32_t op);

/* Checked int64 arithmetic for size computations: returns 0 and stores the result, or 1 on overflow. */
static inline int gla_mul_i64(int64_t a, int64_t b, int64_t* out) { return __builtin_mul_overflow(a, b, out); }
static inline int gla_add_i64(int64_t a, int64_t b, int64_t* out) { return __builtin_add_overflow(a, b, out); }

#ifdef __cplusplus
}
#endif

#endif /* GLA_INTERNAL_H */

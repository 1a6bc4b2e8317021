/*
 * gla.h — the whole C ABI of libgla4j: Gated Linear Attention kernels with a CPU and a CUDA backend.
 *
 * Conventions (see README.md, "The C ABI"):
 *  - Every function returns a gla_status; on failure gla_get_last_error() gives a message, kept per
 *    thread, that names the function and the offending argument. Nothing a caller passes aborts the
 *    process: null pointers, bad dims, 64-bit overflow, unknown enum values, misaligned pointers and
 *    unavailable backends are all reported as statuses.
 *  - Layouts are row-major and contiguous: q, k, g [B,T,H,K]; v, o [B,T,H,V]; states [B,H,K,V] fp32.
 *    A per-head gate (GLA_GATE_HEAD) is [B,T,H]. Gates are natural-log forget gates, fp32.
 *  - Buffers must hold what the dims say; the library cannot see their sizes (the Java layer checks).
 *  - Alignment: tensor pointers to their element size on cpu (2 bytes bf16, 4 fp32, 8 cu_seqlens) and to 16
 *    bytes on cuda (cu_seqlens: 8); a caller-provided workspace to 64 bytes. gla_malloc satisfies all of these.
 *    On the cpu backend every pointer is host memory; on cuda every tensor pointer is device memory,
 *    except cu_seqlens, which is always a host array (it is validated, then copied as needed).
 *  - Variable-length batches follow the FlashAttention convention: batch = 1, seq_len = total tokens,
 *    cu_seqlens[num_seqs + 1] int64 with cu_seqlens[0] = 0, non-decreasing, cu_seqlens[num_seqs] =
 *    seq_len; initial and final states are then per sequence, [num_seqs,H,K,V].
 */
#ifndef GLA_H
#define GLA_H

#include <stddef.h>
#include <stdint.h>

#if defined(_WIN32)
#define GLA_API __declspec(dllexport)
#else
#define GLA_API __attribute__((visibility("default")))
#endif

#ifdef __cplusplus
extern "C" {
#endif

#define GLA_VERSION_MAJOR 0
#define GLA_VERSION_MINOR 1
#define GLA_VERSION_PATCH 0

/* Status codes. */
typedef enum gla_status {
    GLA_OK = 0,
    GLA_ERROR_INVALID_ARGUMENT = 1, /* a null pointer, bad dim, bad enum value, misalignment, ... */
    GLA_ERROR_UNSUPPORTED = 2,      /* valid, but this backend does not implement it */
    GLA_ERROR_OUT_OF_MEMORY = 3,
    GLA_ERROR_BACKEND_UNAVAILABLE = 4, /* e.g. cuda not built in, or no such device */
    GLA_ERROR_DEVICE = 5,           /* a CUDA runtime error; the message carries its text */
    GLA_ERROR_INTERNAL = 6
} gla_status;

typedef enum gla_backend {
    GLA_BACKEND_CPU = 0,
    GLA_BACKEND_CUDA = 1
} gla_backend;

/* Element type of q, k, v, o and of dq, dk, dv, do. Gates, their gradients and states are fp32. */
typedef enum gla_dtype {
    GLA_DTYPE_F32 = 0,
    GLA_DTYPE_BF16 = 1 /* raw bfloat16 bits in a uint16_t */
} gla_dtype;

typedef enum gla_gate {
    GLA_GATE_CHANNEL = 0, /* g [B,T,H,K]: one log gate per key channel (GLA) */
    GLA_GATE_NONE = 1,    /* no gate: g must be NULL (FlashLinearAttention, ungated linear attention) */
    GLA_GATE_HEAD = 2     /* g [B,T,H]: one scalar log gate per head and step */
} gla_gate;

/* Forward algorithm of the chunk op on backends that have several (cpu ignores it). */
typedef enum gla_algorithm {
    GLA_ALGORITHM_AUTO = 0,
    GLA_ALGORITHM_MATERIALIZE = 1,     /* chunk states written to memory, chunks in parallel */
    GLA_ALGORITHM_NON_MATERIALIZE = 2  /* states kept on chip, sequential over chunks */
} gla_algorithm;

typedef enum gla_op {
    GLA_OP_CHUNK_FWD = 0,
    GLA_OP_CHUNK_BWD = 1,
    GLA_OP_RECURRENT_FWD = 2,
    GLA_OP_RECURRENT_BWD = 3,
    GLA_OP_DECODE_STEP = 4
} gla_op;

typedef enum gla_copy {
    GLA_COPY_HOST_TO_DEVICE = 0,
    GLA_COPY_DEVICE_TO_HOST = 1,
    GLA_COPY_DEVICE_TO_DEVICE = 2,
    GLA_COPY_HOST_TO_HOST = 3
} gla_copy;

/* CPU feature bits reported by gla_cpu_features. */
#define GLA_CPU_AVX2 1u
#define GLA_CPU_FMA 2u
#define GLA_CPU_AVX512F 4u

/* Problem dims and dtypes of one op call. 64 bytes, no padding. */
typedef struct gla_dims {
    int64_t batch;     /* B (1 with cu_seqlens) */
    int64_t seq_len;   /* T (total tokens with cu_seqlens) */
    int64_t heads;     /* H */
    int64_t key_dim;   /* K */
    int64_t value_dim; /* V */
    int64_t num_seqs;  /* N with cu_seqlens, else 0 */
    float scale;       /* multiplies q·k; finite. Usually K^-0.5 */
    int32_t dtype;     /* gla_dtype */
    int32_t gate;      /* gla_gate */
    int32_t algorithm; /* gla_algorithm */
} gla_dims;

typedef struct gla_device_info {
    char name[256];
    int64_t total_memory; /* bytes */
    int64_t free_memory;  /* bytes, at the time of the query */
    int32_t compute_major;
    int32_t compute_minor;
    int32_t multiprocessors;
    int32_t reserved;
} gla_device_info;

typedef struct gla_context gla_context; /* opaque: backend, device, stream, thread count */

/* ---- library ---- */
GLA_API gla_status gla_version(int32_t* major, int32_t* minor, int32_t* patch);
/* The calling thread's last error message ("" when none); valid until this thread's next call. */
GLA_API gla_status gla_get_last_error(const char** message);
GLA_API gla_status gla_status_name(int32_t status, const char** name);
GLA_API gla_status gla_cpu_features(uint32_t* features);

/* ---- backends and devices ---- */
GLA_API gla_status gla_backend_available(int32_t backend, int32_t* available);
GLA_API gla_status gla_device_count(int32_t backend, int32_t* count);
GLA_API gla_status gla_device_info_get(int32_t backend, int32_t device, gla_device_info* info);

/* ---- context ---- */
GLA_API gla_status gla_context_create(int32_t backend, int32_t device, gla_context** context);
GLA_API gla_status gla_context_destroy(gla_context* context);
GLA_API gla_status gla_context_backend(const gla_context* context, int32_t* backend);
/* cuda: a cudaStream_t (NULL = the default stream); cpu: must be NULL. */
GLA_API gla_status gla_context_set_stream(gla_context* context, void* stream);
/* cpu: OpenMP threads for this context's ops (0 = the OpenMP default; at most 4 per processor are used);
 * results are deterministic for a given thread count. cuda: ignored. */
GLA_API gla_status gla_context_set_threads(gla_context* context, int32_t threads);
GLA_API gla_status gla_synchronize(gla_context* context);

/* ---- memory (device memory on cuda, 64-byte aligned host memory on cpu) ---- */
GLA_API gla_status gla_malloc(gla_context* context, int64_t bytes, void** ptr);
GLA_API gla_status gla_free(gla_context* context, void* ptr);
GLA_API gla_status gla_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes);
/* Asynchronous on the context's stream for cuda; kind is a gla_copy. While a graph records, a copy to or from the
 * host needs page-locked host memory (gla_host_alloc) and runs at each replay; host to host is refused. */
GLA_API gla_status gla_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind);
/* Page-locked host memory (plain aligned memory on cpu). */
GLA_API gla_status gla_host_alloc(gla_context* context, int64_t bytes, void** ptr);
GLA_API gla_status gla_host_free(gla_context* context, void* ptr);

/* ---- ops ----
 * workspace: scratch of at least gla_workspace_size bytes in the context's memory, or NULL with
 * workspace_bytes 0 to let the library allocate (and free) it per call. */
GLA_API gla_status gla_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes);

/* o = GLA(q, k, v, g) chunkwise. h0 [B|N,H,K,V] optional (NULL = zeros); ht optional final state;
 * cu_seqlens optional (host). */
GLA_API gla_status gla_chunk_fwd(gla_context* context, const gla_dims* dims,
                                 const void* q, const void* k, const void* v, const float* g,
                                 const float* h0, const int64_t* cu_seqlens,
                                 void* o, float* ht,
                                 void* workspace, int64_t workspace_bytes);

/* Gradients of the chunk op. dout [B,T,H,V] required; dht optional (gradient of the final state);
 * dq, dk, dv required; dg required when gated (NULL when GLA_GATE_NONE); dh0 optional (requires h0). */
GLA_API gla_status gla_chunk_bwd(gla_context* context, const gla_dims* dims,
                                 const void* q, const void* k, const void* v, const float* g,
                                 const float* h0, const int64_t* cu_seqlens,
                                 const void* dout, const float* dht,
                                 void* dq, void* dk, void* dv, float* dg, float* dh0,
                                 void* workspace, int64_t workspace_bytes);

/* The token-by-token form (the ground truth), same arguments as the chunk op. */
GLA_API gla_status gla_recurrent_fwd(gla_context* context, const gla_dims* dims,
                                     const void* q, const void* k, const void* v, const float* g,
                                     const float* h0, const int64_t* cu_seqlens,
                                     void* o, float* ht,
                                     void* workspace, int64_t workspace_bytes);

GLA_API gla_status gla_recurrent_bwd(gla_context* context, const gla_dims* dims,
                                     const void* q, const void* k, const void* v, const float* g,
                                     const float* h0, const int64_t* cu_seqlens,
                                     const void* dout, const float* dht,
                                     void* dq, void* dk, void* dv, float* dg, float* dh0,
                                     void* workspace, int64_t workspace_bytes);

/* One decoding step, in place: dims.seq_len must be 1 and cu_seqlens is not used.
 * q, k, g [B,1,H,K]; v, o [B,1,H,V]; state [B,H,K,V] read and overwritten with the new state. */
GLA_API gla_status gla_decode_step(gla_context* context, const gla_dims* dims,
                                   const void* q, const void* k, const void* v, const float* g,
                                   float* state, void* o);

#define GLA_GATE_PROJ_MAX_RANK 64

/* The GLA layer's gate for one token per sequence: the second, low-rank product of gk_proj and its log-sigmoid
 * (GUIDE §3), g[b, h*K + c] = max(clamp_min, log_sigmoid(in[b,:] · weight[h*K + c,:] + bias[h*K + c]) / normalizer).
 * In the context's memory: in [B, rank] fp32, weight [H*K, rank] of weight_dtype (fp32 or bf16), bias [H*K] fp32
 * or NULL. 1 <= rank <= GLA_GATE_PROJ_MAX_RANK; normalizer finite and > 0; clamp_min finite or -INFINITY. */
typedef struct gla_gate_proj {
    const float* in;
    const void* weight;
    const float* bias;
    int32_t rank;
    int32_t weight_dtype;
    float normalizer;
    float clamp_min;
} gla_gate_proj;

/* gla_decode_step with channel gates (dims.gate == GLA_GATE_CHANNEL) made in the same launch from gate instead of
 * read from g: one launch less per layer and step. Equals gla_decode_linear's gate epilogue followed by
 * gla_decode_step up to the order of the fp32 sums. */
GLA_API gla_status gla_decode_step_gate_proj(gla_context* context, const gla_dims* dims,
                                             const void* q, const void* k, const void* v, const gla_gate_proj* gate,
                                             float* state, void* o);

/* ---- layer ops: the rest of the GLA Transformer (GUIDE §3), so that a whole model runs on one backend ----
 * Tensors are contiguous row-major fp32 in the context's memory (device memory on cuda) unless stated; "rows ×
 * width" means rows of width elements. The activations a model stores between its forward and backward may be bf16
 * (mixed precision): each op takes a dtype (F32 or BF16) for those tensors, after the last pointer it types, as
 * gla_gemm does; arithmetic is fp32 whatever they are, and bf16 outputs are rounded to nearest even once. Pointers
 * need element alignment only (4 bytes fp32, 2 bytes bf16) on every backend. Every count may be 0 (nothing happens;
 * pointers may then be NULL). Outputs may not overlap inputs unless stated. Sums over rows (weight gradients, norms)
 * are deterministic on every backend: fixed partitions added in a fixed order, so equal inputs give equal bits at
 * any thread count. Integer index arrays (ids, targets) are host memory and validated (each id in range) before
 * anything runs, as cu_seqlens is. */

typedef enum gla_transpose {
    GLA_TRANSPOSE_NONE = 0,
    GLA_TRANSPOSE = 1
} gla_transpose;

/* C = alpha·op(A)·op(B) + beta·C, row-major: op(A) [M,K], op(B) [K,N], C [M,N] with ldc >= N. A is [M,K] with
 * lda >= K, or with trans_a [K,M] with lda >= M; B likewise ([K,N], or [N,K] with trans_b). ab_dtype: the type of A
 * and B (F32 or BF16); c_dtype: the type of C (F32 or BF16). Accumulation is fp32; fp32 inputs are multiplied in
 * full fp32 (no TF32). beta == 0: C is only written (NaN there does not propagate).
 * cuda: cuBLAS, loaded at run time on first use (libcublas.so.13 or .12, or the file named by GLA4J_CUBLAS);
 * GLA_ERROR_BACKEND_UNAVAILABLE names the files tried when it is missing. M, N, K and the leading dims must fit
 * in int32 there. cpu: blocked loops. */
GLA_API gla_status gla_gemm(gla_context* context, int32_t trans_a, int32_t trans_b,
                            int64_t m, int64_t n, int64_t k, float alpha,
                            const void* a, int64_t lda, const void* b, int64_t ldb, int32_t ab_dtype,
                            float beta, void* c, int64_t ldc, int32_t c_dtype);

/* y = x / rms(x) · weight per row, rms = sqrt(mean(x²) + eps); rstd [rows] = 1 / rms (saved for backward).
 * y_dtype: the type of y. */
GLA_API gla_status gla_rms_norm_fwd(gla_context* context, int64_t rows, int64_t width, const float* x,
                                    const float* weight, float eps, void* y, int32_t y_dtype, float* rstd);
/* dx = (or += with accumulate_dx) d/dx; dweight += Σ_rows dy·x·rstd. */
GLA_API gla_status gla_rms_norm_bwd(gla_context* context, int64_t rows, int64_t width, const float* dy,
                                    const float* x, const float* weight, const float* rstd,
                                    float* dx, int32_t accumulate_dx, float* dweight);

/* The output gate of GLA: y = x / rms(x) · weight · swish(z), swish(z) = z·sigmoid(z); rstd as above.
 * xz_dtype: the type of x and z; y_dtype: of y. */
GLA_API gla_status gla_gated_rms_norm_fwd(gla_context* context, int64_t rows, int64_t width, const void* x,
                                          const void* z, int32_t xz_dtype, const float* weight, float eps, void* y,
                                          int32_t y_dtype, float* rstd);
/* dx, dz written; dweight += Σ_rows. xz_dtype: the type of x and z; dxz_dtype: of dx and dz. */
GLA_API gla_status gla_gated_rms_norm_bwd(gla_context* context, int64_t rows, int64_t width, const float* dy,
                                          const void* x, const void* z, int32_t xz_dtype, const float* weight,
                                          const float* rstd, void* dx, void* dz, int32_t dxz_dtype, float* dweight);

/* y = silu(a)·b elementwise (the SwiGLU MLP); backward writes da, db. ab_dtype: the type of a and b; y_dtype: of y;
 * dab_dtype: of da and db. */
GLA_API gla_status gla_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b,
                                  int32_t ab_dtype, void* y, int32_t y_dtype);
GLA_API gla_status gla_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a,
                                  const void* b, int32_t ab_dtype, void* da, void* db, int32_t dab_dtype);

/* The forget gate: g = max(logsigmoid(z) / normalizer, clamp_min) (clamp_min = -INFINITY for none; normalizer
 * finite and > 0). Backward: dz = dg / normalizer · sigmoid(-z) where the clamp is not active, else 0. z_dtype: the
 * type of z, dz_dtype of dz (g, the gate the kernels take, and dg are fp32). */
GLA_API gla_status gla_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                            float normalizer, float clamp_min, float* g);
GLA_API gla_status gla_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                            int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                            int32_t dz_dtype);

/* Grouped-query heads: in [rows, kv_heads·head_dim] → out [rows, kv_heads·groups·head_dim], out head h = in head
 * h / groups; dtype: the type of in and out. Backward: din = Σ over each head's groups of dout. */
GLA_API gla_status gla_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                        int64_t head_dim, const void* in, void* out, int32_t dtype);
GLA_API gla_status gla_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                        int64_t head_dim, const float* dout, float* din);

/* out[r] = table[ids[r]]: ids [rows] int32 host memory, each in [0, vocab); table [vocab, width]. While a graph
 * records, ids must be page-locked (gla_host_alloc): the graph copies it each time it runs, so a replay embeds the
 * ids it then holds, and an id outside [0, vocab) there gives a row of NaN (checked on the device). */
GLA_API gla_status gla_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                     const int32_t* ids, const float* table, float* out);
/* dtable[ids[r]] += dout[r] for every r with ids[r] != padding_idx (-1: none), rows of one id added in order. */
GLA_API gla_status gla_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                     const int32_t* ids, const float* dout, int32_t padding_idx, float* dtable);

/* Softmax cross-entropy per row: losses[r] = logsumexp(logits[r]) - logits[r, targets[r]], 0 where targets[r] is
 * -100 (ignored). targets [rows] int32 host memory, each -100 or in [0, vocab). With dlogits (may equal logits:
 * in place) also dlogits[r] = grad_scale · (softmax(logits[r]) - onehot(targets[r])), zero rows where ignored.
 * logits_dtype: the type of logits and dlogits; losses are fp32. */
GLA_API gla_status gla_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                     const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                     int32_t logits_dtype);

/* out = a + b elementwise (out may equal a or b). */
GLA_API gla_status gla_add(gla_context* context, int64_t count, const float* a, const float* b, float* out);
/* y[r] += bias for every row r of y [rows, width]; y_dtype: the type of y. */
GLA_API gla_status gla_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                                int32_t y_dtype);
/* dbias += Σ_rows dy. */
GLA_API gla_status gla_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias);
/* x = x · factor. */
GLA_API gla_status gla_scale(gla_context* context, int64_t count, float factor, float* x);
/* *sum = Σ x² accumulated in double (host result; waits for the context's stream). */
GLA_API gla_status gla_sum_squares(gla_context* context, int64_t count, const float* x, double* sum);
/* dst = src converted (F32 ↔ BF16, round to nearest even; equal types copy). */
GLA_API gla_status gla_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                            int32_t dst_dtype);

/* One AdamW update, elementwise, torch's arithmetic (the caller computes the scalars in double):
 *   m += one_minus_beta1·(g − m);  v = v·beta2 + one_minus_beta2·g²;
 *   param = param·decay − step_size · m / (√v / bias2_sqrt + eps)
 * with step_size = lr / (1 − β1ᵗ), bias2_sqrt = √(1 − β2ᵗ), decay = 1 − lr·weight_decay (1 for none). */
GLA_API gla_status gla_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                             float* exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1,
                             float beta2, float one_minus_beta2, float eps, float decay);

/* ---- decoding: the matrix products of a few rows, fused with what surrounds them ----
 * A decoding step multiplies one row per sequence by every weight matrix: it reads each weight once and is bound by
 * launches, not arithmetic. gla_decode_linear does in one launch what the layer ops above need several for: up to
 * GLA_DECODE_LINEAR_MAX_OUTPUTS products that share one input, with the input's transform (a norm, SwiGLU) in front
 * and the bias, the log-sigmoid gate and a residual add behind:
 *     y_i = epilogue(f(x)·W_iᵀ + bias_i) + residual_i         x [rows, in], W_i [out_i, in], y_i [rows, out_i]
 * x, z, the norm weight, biases, residuals and outputs are fp32; the weights fp32 or bf16 (weight_dtype);
 * f(x) is computed in fp32 and not rounded; every product accumulates in fp32. Batches larger than
 * GLA_DECODE_LINEAR_MAX_ROWS rows go through gla_gemm and the layer ops. */

#define GLA_DECODE_LINEAR_MAX_ROWS 16
#define GLA_DECODE_LINEAR_MAX_OUTPUTS 8

/* f(x), per row of x [rows, in]; the norms work on groups of norm_width consecutive elements (norm_width = in: the
 * whole row; = head size: per head), with norm_weight [norm_width] applied to every group. */
typedef enum gla_prologue {
    GLA_PROLOGUE_NONE = 0,           /* f(x) = x */
    GLA_PROLOGUE_RMS_NORM = 1,       /* f(x) = x / rms(x) · norm_weight, as gla_rms_norm_fwd */
    GLA_PROLOGUE_GATED_RMS_NORM = 2, /* f(x) = x / rms(x) · norm_weight · swish(z), as gla_gated_rms_norm_fwd */
    GLA_PROLOGUE_SWIGLU = 3          /* f(x) = silu(x) · z, as gla_swiglu_fwd */
} gla_prologue;

/* Applied to f(x)·Wᵀ + bias, before the residual. */
typedef enum gla_epilogue {
    GLA_EPILOGUE_NONE = 0,
    GLA_EPILOGUE_LOG_SIGMOID_GATE = 1 /* max(logsigmoid(·) / gate_normalizer, gate_clamp_min), as the gate op */
} gla_epilogue;

/* The sizes and scalars of one gla_decode_linear call. 48 bytes, no padding. */
typedef struct gla_linear_dims {
    int64_t rows;          /* 0 .. GLA_DECODE_LINEAR_MAX_ROWS */
    int64_t in;            /* input features (>= 0) */
    int64_t norm_width;    /* the norm prologues: >= 1 and dividing in; otherwise not read */
    int32_t prologue;      /* gla_prologue */
    int32_t epilogue;      /* gla_epilogue */
    int32_t weight_dtype;  /* gla_dtype of every weight */
    float eps;             /* the norm prologues: finite and > 0; otherwise not read */
    float gate_normalizer; /* GLA_EPILOGUE_LOG_SIGMOID_GATE: finite and > 0; otherwise not read */
    float gate_clamp_min;  /* GLA_EPILOGUE_LOG_SIGMOID_GATE: finite, or -INFINITY for none; otherwise not read */
} gla_linear_dims;

/* One product of gla_decode_linear. 40 bytes, no padding. */
typedef struct gla_linear_output {
    const void* weight;    /* W [out, in] of dims.weight_dtype */
    const float* bias;     /* [out], or NULL */
    const float* residual; /* [rows, out] added after the epilogue, or NULL; may be y itself (in place) */
    float* y;              /* [rows, out] */
    int64_t out;           /* output features (>= 0) */
} gla_linear_output;

/* The products y_i of outputs[0 .. count) (count <= GLA_DECODE_LINEAR_MAX_OUTPUTS). outputs is host memory read
 * during the call, also while recording a graph (the recording keeps the pointers it held). z [rows, in] is the gate
 * of GLA_PROLOGUE_GATED_RMS_NORM and the second factor of GLA_PROLOGUE_SWIGLU, NULL for the others; norm_weight
 * [norm_width] is required by the norm prologues and NULL for the others. The outputs may not overlap x, z, the
 * weights or each other (a residual may be its own y). Results may differ in the last bits between backends and from
 * the unfused ops (the order of the fp32 sums). */
GLA_API gla_status gla_decode_linear(gla_context* context, const gla_linear_dims* dims, const float* x, const float* z,
                                     const float* norm_weight, const gla_linear_output* outputs, int32_t count);

/* ---- graphs: record a sequence of ops once, replay it with one launch (cuda: CUDA graphs) ----
 * Between begin and end, ops are recorded on the context's stream, not run; the context must have a stream of its
 * own (gla_context_set_stream with a non-NULL stream, or the one gla_graph_begin creates when it has none; the
 * context then keeps using it). Calls that read host arrays at call time (targets, cu_seqlens, embedding_bwd's ids),
 * allocate or free (gla_malloc, gla_free, gla_host_alloc, gla_host_free, workspace-less chunk ops), copy to or from
 * pageable host memory, change the stream, or wait for results (gla_sum_squares, gla_synchronize) are refused while
 * recording; gla_memcpy and gla_embedding_fwd with page-locked host memory are recorded (see them); the layer ops'
 * own stream-ordered scratch is recorded with the graph. Begin and end on the same thread. A replay reads and
 * writes the same pointers as the recording. cpu: GLA_ERROR_UNSUPPORTED. */
typedef struct gla_graph gla_graph;
GLA_API gla_status gla_graph_begin(gla_context* context);
GLA_API gla_status gla_graph_end(gla_context* context, gla_graph** graph);
GLA_API gla_status gla_graph_launch(gla_context* context, const gla_graph* graph);
GLA_API gla_status gla_graph_destroy(gla_graph* graph);

#ifdef __cplusplus
}
#endif

#endif /* GLA_H */

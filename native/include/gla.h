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
/* Asynchronous on the context's stream for cuda; kind is a gla_copy. */
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

#ifdef __cplusplus
}
#endif

#endif /* GLA_H */

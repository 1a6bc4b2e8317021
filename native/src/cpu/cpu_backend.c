/*
 * cpu_backend.c — the cpu backend: host memory, the workspace of each op, and the choice of kernel variant
 * (generic / AVX2 / AVX-512, by what the running CPU supports; cpu_isa.h).
 */
#include "cpu_backend.h"
#include "cpu_isa.h"

#include <inttypes.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

/* ---- CPU features and kernel choice ---- */

uint32_t gla_cpu_feature_bits(void) {
    uint32_t f = 0;
    __builtin_cpu_init();
    if (__builtin_cpu_supports("avx2")) f |= GLA_CPU_AVX2;
    if (__builtin_cpu_supports("fma")) f |= GLA_CPU_FMA;
    if (__builtin_cpu_supports("avx512f")) f |= GLA_CPU_AVX512F;
    return f;
}

typedef struct cpu_kernels {
    void (*recurrent_fwd)(const cpu_problem*, const gla_fwd_args*, float*, int);
    void (*recurrent_bwd)(const cpu_problem*, const gla_bwd_args*, float*, int);
    void (*chunk_fwd)(const cpu_problem*, const gla_fwd_args*, float*, int);
    void (*chunk_bwd)(const cpu_problem*, const gla_bwd_args*, float*, int);
    void (*gemm)(const gla_gemm_args*, float*, int);
} cpu_kernels;

#define GLA_CPU_KERNELS(isa)                                                                                       \
    { gla_cpu_recurrent_fwd_##isa, gla_cpu_recurrent_bwd_##isa, gla_cpu_chunk_fwd_##isa, gla_cpu_chunk_bwd_##isa,  \
      gla_cpu_gemm_##isa }

static const cpu_kernels kernels_generic = GLA_CPU_KERNELS(generic);
static const cpu_kernels kernels_avx2 = GLA_CPU_KERNELS(avx2);
static const cpu_kernels kernels_avx512 = GLA_CPU_KERNELS(avx512);

/* The widest variant the CPU runs: AVX-512 at Skylake-server level (F, VL, BW, DQ) plus FMA, else AVX2 + FMA,
 * else generic x86-64. The environment variable GLA4J_CPU_ISA=generic|avx2 selects a narrower one (the tests
 * run every variant this way); a variant the CPU lacks is never selected. */
static const cpu_kernels* select_kernels(void) {
    __builtin_cpu_init();
    const char* want = getenv("GLA4J_CPU_ISA");
    int avx512 = __builtin_cpu_supports("avx512f") && __builtin_cpu_supports("avx512vl") &&
                 __builtin_cpu_supports("avx512bw") && __builtin_cpu_supports("avx512dq") &&
                 __builtin_cpu_supports("fma");
    int avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (want != NULL && strcmp(want, "generic") == 0) return &kernels_generic;
    if (want != NULL && strcmp(want, "avx2") == 0) avx512 = 0;
    if (avx512) return &kernels_avx512;
    if (avx2) return &kernels_avx2;
    return &kernels_generic;
}

/* ---- devices, contexts ---- */

gla_status gla_cpu_device_count(int32_t* count) {
    *count = 1;
    return GLA_OK;
}

gla_status gla_cpu_device_info(int32_t device, gla_device_info* info) {
    (void)device;
    uint32_t f = gla_cpu_feature_bits();
    snprintf(info->name, sizeof info->name, "cpu (%s, %d OpenMP threads)",
             (f & GLA_CPU_AVX512F) ? "avx512" : (f & GLA_CPU_AVX2) ? "avx2" : "generic", omp_get_max_threads());
    info->multiprocessors = omp_get_num_procs();
    long page = sysconf(_SC_PAGESIZE), pages = sysconf(_SC_PHYS_PAGES), avail = sysconf(_SC_AVPHYS_PAGES);
    if (page > 0 && pages > 0) info->total_memory = (int64_t)page * pages;
    if (page > 0 && avail > 0) info->free_memory = (int64_t)page * avail;
    return GLA_OK;
}

gla_status gla_cpu_context_init(gla_context* context) {
    (void)context;
    return GLA_OK;
}

gla_status gla_cpu_context_release(gla_context* context) {
    (void)context;
    return GLA_OK;
}

gla_status gla_cpu_set_stream(gla_context* context, void* stream) {
    (void)context;
    if (stream != NULL)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "gla_context_set_stream: stream must be NULL on the cpu backend");
    return GLA_OK;
}

gla_status gla_cpu_synchronize(gla_context* context) {
    (void)context;
    return GLA_OK; /* cpu ops complete before they return */
}

/* The context's thread count (0: the OpenMP default), no more than 4 per processor — libgomp exits the process
 * when it cannot create a thread, so a large request must not reach it. */
static int64_t context_threads(const gla_context* context) {
    int64_t t = context->threads > 0 ? context->threads : omp_get_max_threads();
    int64_t most = 4 * (int64_t)omp_get_num_procs();
    if (most < omp_get_max_threads()) most = omp_get_max_threads();
    return t > most ? most : t;
}

int gla_cpu_threads(const gla_context* context, int64_t items) {
    int64_t t = context_threads(context);
    if (t > items) t = items;
    return t < 1 ? 1 : (int)t;
}

/* Threads for an op, and p->segments for the chunk ops: no more than there are units of work. */
static int plan_threads(const gla_context* context, int32_t op, cpu_problem* p) {
    const int64_t items = p->num_seqs * p->heads;
    int64_t t = context_threads(context);
    p->segments = 1;
    if (op == GLA_OP_CHUNK_FWD || op == GLA_OP_CHUNK_BWD) p->segments = cpu_segments(p, t);
    if (t > items * p->segments) t = items * p->segments;
    return t < 1 ? 1 : (int)t;
}

/* ---- memory ---- */

/* 64-byte aligned host memory; NULL when it cannot be had (bytes > 0). */
static void* aligned_host(int64_t bytes) {
    if ((uint64_t)bytes > SIZE_MAX - 63) return NULL;
    size_t size = ((size_t)bytes + 63) / 64 * 64;
    return aligned_alloc(64, size);
}

static gla_status allocate(const char* fn, int64_t bytes, void** ptr) {
    *ptr = aligned_host(bytes);
    if (*ptr == NULL)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate %" PRId64 " bytes of host memory", fn, bytes);
    return GLA_OK;
}

gla_status gla_cpu_malloc(gla_context* context, int64_t bytes, void** ptr) {
    (void)context;
    return allocate("gla_malloc", bytes, ptr);
}

gla_status gla_cpu_host_alloc(gla_context* context, int64_t bytes, void** ptr) {
    (void)context;
    return allocate("gla_host_alloc", bytes, ptr);
}

gla_status gla_cpu_free(gla_context* context, void* ptr) {
    (void)context;
    free(ptr);
    return GLA_OK;
}

gla_status gla_cpu_host_free(gla_context* context, void* ptr) {
    (void)context;
    free(ptr);
    return GLA_OK;
}

gla_status gla_cpu_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes) {
    (void)context;
    memset(ptr, value, (size_t)bytes);
    return GLA_OK;
}

gla_status gla_cpu_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind) {
    (void)context;
    (void)kind; /* host and "device" memory are the same on cpu */
    memmove(dst, src, (size_t)bytes);
    return GLA_OK;
}

/* ---- ops ---- */

static cpu_problem make_problem(const gla_dims* d, const int64_t* cu_seqlens) {
    cpu_problem p;
    p.batch = d->batch;
    p.seq_len = d->seq_len;
    p.heads = d->heads;
    p.key_dim = d->key_dim;
    p.value_dim = d->value_dim;
    p.kp = gla_cpu_pad(d->key_dim);
    p.vp = gla_cpu_pad(d->value_dim);
    p.num_seqs = d->num_seqs > 0 ? d->num_seqs : d->batch;
    p.segments = 1;
    p.cu_seqlens = cu_seqlens;
    p.scale = d->scale;
    p.dtype = d->dtype;
    p.gate = d->gate;
    return p;
}

/* Floats per thread of an op (after the shared part, see workspace_bytes); -1 on int64 overflow. */
static int64_t per_thread_floats(int32_t op, const cpu_problem* p) {
    switch (op) {
    case GLA_OP_CHUNK_FWD: return cpu_chunk_fwd_floats(p);
    case GLA_OP_CHUNK_BWD: return cpu_chunk_bwd_floats(p);
    case GLA_OP_RECURRENT_BWD: return cpu_recurrent_bwd_floats(p);
    default: return cpu_recurrent_fwd_floats(p); /* recurrent fwd, decode */
    }
}

/* Workspace bytes of an op with `threads` threads: the chunk ops' shared segment buffers, then one region per
 * thread. */
static gla_status workspace_bytes(const char* fn, int32_t op, const cpu_problem* p, int threads, int64_t* bytes) {
    int64_t floats = per_thread_floats(op, p), shared = 0;
    if (op == GLA_OP_CHUNK_FWD || op == GLA_OP_CHUNK_BWD) shared = cpu_chunk_shared_floats(p, op == GLA_OP_CHUNK_BWD);
    if (floats < 0 || shared < 0 || gla_mul_i64(floats, threads, bytes) || gla_add_i64(*bytes, shared, bytes) ||
        gla_mul_i64(*bytes, 4, bytes))
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: the cpu workspace for these dims overflows int64", fn);
    return GLA_OK;
}

gla_status gla_cpu_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes) {
    if (op == GLA_OP_DECODE_STEP) {
        *bytes = 0; /* gla_decode_step takes no workspace: its per-thread state copy is allocated per call */
        return GLA_OK;
    }
    cpu_problem p = make_problem(dims, NULL);
    int threads = plan_threads(context, op, &p);
    return workspace_bytes("gla_workspace_size", op, &p, threads, bytes);
}

/* The workspace of a call: the caller's (already checked to be large enough), or allocated here. */
static gla_status acquire_workspace(const char* fn, int32_t op, const cpu_problem* p, int threads, void* given,
                                    float** ws, void** owned) {
    *owned = NULL;
    if (given != NULL) {
        *ws = (float*)given;
        return GLA_OK;
    }
    int64_t bytes = 0;
    gla_status s = workspace_bytes(fn, op, p, threads, &bytes);
    if (s != GLA_OK) return s;
    *owned = aligned_host(bytes > 0 ? bytes : 64);
    if (*owned == NULL)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate a workspace of %" PRId64 " bytes", fn, bytes);
    *ws = (float*)*owned;
    return GLA_OK;
}

static gla_status run_fwd(gla_context* context, int32_t op, const gla_dims* dims, const gla_fwd_args* a) {
    const char* fn = gla_op_function_name(op);
    cpu_problem p = make_problem(dims, a->cu_seqlens);
    int threads = plan_threads(context, op, &p);
    float* ws = NULL;
    void* owned = NULL;
    gla_status s = acquire_workspace(fn, op, &p, threads, a->workspace, &ws, &owned);
    if (s != GLA_OK) return s;
    const cpu_kernels* k = select_kernels();
    (op == GLA_OP_CHUNK_FWD ? k->chunk_fwd : k->recurrent_fwd)(&p, a, ws, threads);
    free(owned);
    return GLA_OK;
}

static gla_status run_bwd(gla_context* context, int32_t op, const gla_dims* dims, const gla_bwd_args* a) {
    const char* fn = gla_op_function_name(op);
    cpu_problem p = make_problem(dims, a->cu_seqlens);
    int threads = plan_threads(context, op, &p);
    float* ws = NULL;
    void* owned = NULL;
    gla_status s = acquire_workspace(fn, op, &p, threads, a->workspace, &ws, &owned);
    if (s != GLA_OK) return s;
    const cpu_kernels* k = select_kernels();
    (op == GLA_OP_CHUNK_BWD ? k->chunk_bwd : k->recurrent_bwd)(&p, a, ws, threads);
    free(owned);
    return GLA_OK;
}

gla_status gla_cpu_chunk_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args) {
    return run_fwd(context, GLA_OP_CHUNK_FWD, dims, args);
}

gla_status gla_cpu_recurrent_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args) {
    return run_fwd(context, GLA_OP_RECURRENT_FWD, dims, args);
}

gla_status gla_cpu_chunk_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args) {
    return run_bwd(context, GLA_OP_CHUNK_BWD, dims, args);
}

gla_status gla_cpu_recurrent_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args) {
    return run_bwd(context, GLA_OP_RECURRENT_BWD, dims, args);
}

/* A decode step is one recurrent step per batch row with the state as both h0 and ht (read before written); with
 * a gate projection its gates are made first. */
gla_status gla_cpu_decode_step(gla_context* context, const gla_dims* dims, const gla_decode_args* args) {
    const char* fn = args->gate_proj ? "gla_decode_step_gate_proj" : "gla_decode_step";
    gla_fwd_args f = {args->q, args->k, args->v, args->g, args->state, NULL, args->o, args->state, NULL, 0};
    float* g = NULL;
    if (args->gate_proj) {
        const int64_t hk = dims->heads * dims->key_dim;
        g = (float*)malloc((size_t)(dims->batch * hk) * sizeof(float));
        if (g == NULL) return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate the gates", fn);
        gla_cpu_gate_proj(args->gate_proj, dims->batch, hk, g);
        f.g = g;
    }
    cpu_problem p = make_problem(dims, NULL);
    int threads = plan_threads(context, GLA_OP_DECODE_STEP, &p);
    float* ws = NULL;
    void* owned = NULL;
    gla_status s = acquire_workspace(fn, GLA_OP_DECODE_STEP, &p, threads, NULL, &ws, &owned);
    if (s == GLA_OK) {
        select_kernels()->recurrent_fwd(&p, &f, ws, threads);
        free(owned);
    }
    free(g);
    return s;
}

/* ---- gemm ---- */

gla_status gla_cpu_gemm(gla_context* context, const gla_gemm_args* g) {
    static const char fn[] = "gla_gemm";
    int64_t mc, nc;
    gla_cpu_gemm_tiles(g, (int)context_threads(context), &mc, &nc);
    const int64_t tiles = (g->m + mc - 1) / mc * ((g->n + nc - 1) / nc);
    const int threads = gla_cpu_threads(context, tiles);
    int64_t bytes;
    if (gla_mul_i64(gla_cpu_gemm_floats(g, threads), (int64_t)threads * 4, &bytes))
        return gla_error(GLA_ERROR_INTERNAL, "%s: the cpu workspace size overflows int64", fn);
    float* ws = (float*)aligned_host(bytes);
    if (ws == NULL)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate a workspace of %" PRId64 " bytes", fn, bytes);
    select_kernels()->gemm(g, ws, threads);
    free(ws);
    return GLA_OK;
}

/* ---- graphs: none on the cpu (ops run when called) ---- */

gla_status gla_cpu_graph_begin(gla_context* context) {
    (void)context;
    return gla_error(GLA_ERROR_UNSUPPORTED, "gla_graph_begin: the cpu backend has no graphs");
}

gla_status gla_cpu_graph_end(gla_context* context, gla_graph** graph) {
    (void)context, (void)graph;
    return gla_error(GLA_ERROR_UNSUPPORTED, "gla_graph_end: the cpu backend has no graphs");
}

gla_status gla_cpu_graph_launch(gla_context* context, const gla_graph* graph) {
    (void)context, (void)graph;
    return gla_error(GLA_ERROR_UNSUPPORTED, "gla_graph_launch: the cpu backend has no graphs");
}

gla_status gla_cpu_graph_destroy(gla_graph* graph) {
    (void)graph;
    return gla_error(GLA_ERROR_UNSUPPORTED, "gla_graph_destroy: the cpu backend has no graphs");
}

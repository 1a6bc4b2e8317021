/*
 * test_bad_args.c — every entry point of gla.h with every kind of bad argument: NULL pointers, zero, negative
 * and huge dims, sizes that overflow int64, unknown enum values, mismatched gate/gradient pointers, bad
 * cu_seqlens, misaligned pointers, short workspaces, unavailable backends. Each call must return the right
 * status and a message that starts with the function's name and names the argument — and the process must
 * survive all of it. CTest: bad_args.
 */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

/* Checks status and that the thread's message is "<fn>: ..." containing `needle`. */
static void expect(gla_status got, gla_status want, const char* fn, const char* needle, const char* what) {
    const char* msg = NULL;
    gla_get_last_error(&msg);
    CHECK(got == want, "%s: status %d, expected %d (message: %s)", what, (int)got, (int)want, msg ? msg : "(null)");
    if (want == GLA_OK) return;
    size_t n = strlen(fn);
    CHECK(msg != NULL && strncmp(msg, fn, n) == 0 && msg[n] == ':', "%s: message does not start with '%s:': %s", what,
          fn, msg ? msg : "(null)");
    CHECK(msg != NULL && strstr(msg, needle) != NULL, "%s: message does not mention '%s': %s", what, needle,
          msg ? msg : "(null)");
}

#define INVALID GLA_ERROR_INVALID_ARGUMENT

static void library_functions(void) {
    int32_t a, b, c;
    expect(gla_version(NULL, &b, &c), INVALID, "gla_version", "major", "version major");
    expect(gla_version(&a, NULL, &c), INVALID, "gla_version", "minor", "version minor");
    expect(gla_version(&a, &b, NULL), INVALID, "gla_version", "patch", "version patch");
    expect(gla_get_last_error(NULL), INVALID, "gla_get_last_error", "message", "last error");
    const char* name;
    expect(gla_status_name(99, &name), INVALID, "gla_status_name", "status", "status name 99");
    expect(gla_status_name(-1, &name), INVALID, "gla_status_name", "status", "status name -1");
    expect(gla_status_name(0, NULL), INVALID, "gla_status_name", "name", "status name NULL");
    expect(gla_cpu_features(NULL), INVALID, "gla_cpu_features", "features", "cpu features");
    expect(gla_backend_available(7, &a), INVALID, "gla_backend_available", "backend", "available 7");
    expect(gla_backend_available(GLA_BACKEND_CPU, NULL), INVALID, "gla_backend_available",
           "available", "available NULL");
    expect(gla_device_count(-1, &a), INVALID, "gla_device_count", "backend", "count -1");
    expect(gla_device_count(GLA_BACKEND_CPU, NULL), INVALID, "gla_device_count", "count", "count NULL");
    gla_device_info info;
    expect(gla_device_info_get(5, 0, &info), INVALID, "gla_device_info_get", "backend", "info backend");
    expect(gla_device_info_get(GLA_BACKEND_CPU, 1, &info), INVALID, "gla_device_info_get", "device", "info device");
    expect(gla_device_info_get(GLA_BACKEND_CPU, -1, &info), INVALID, "gla_device_info_get", "device", "info device -1");
    expect(gla_device_info_get(GLA_BACKEND_CPU, 0, NULL), INVALID, "gla_device_info_get", "info", "info NULL");
    int32_t cuda_devices = -1;
    CHECK_OK(gla_device_count(GLA_BACKEND_CUDA, &cuda_devices));
    if (cuda_devices == 0) {
        expect(gla_device_info_get(GLA_BACKEND_CUDA, 0, &info), GLA_ERROR_BACKEND_UNAVAILABLE, "gla_device_info_get",
               "cuda", "info cuda");
        gla_context* ctx = (gla_context*)&a;
        expect(gla_context_create(GLA_BACKEND_CUDA, 0, &ctx), GLA_ERROR_BACKEND_UNAVAILABLE, "gla_context_create",
               "cuda", "create cuda");
        CHECK(ctx == NULL, "a failed gla_context_create leaves *context NULL");
    }
}

static void context_functions(gla_context* ctx) {
    gla_context* c = NULL;
    int32_t b;
    expect(gla_context_create(GLA_BACKEND_CPU, 0, NULL), INVALID, "gla_context_create", "context", "create NULL");
    expect(gla_context_create(9, 0, &c), INVALID, "gla_context_create", "backend", "create backend");
    expect(gla_context_create(GLA_BACKEND_CPU, 3, &c), INVALID, "gla_context_create", "device", "create device");
    expect(gla_context_destroy(NULL), GLA_OK, "gla_context_destroy", "", "destroy NULL");
    expect(gla_context_backend(NULL, &b), INVALID, "gla_context_backend", "context", "backend ctx");
    expect(gla_context_backend(ctx, NULL), INVALID, "gla_context_backend", "backend", "backend NULL");
    expect(gla_context_set_stream(NULL, NULL), INVALID, "gla_context_set_stream", "context", "stream ctx");
    expect(gla_context_set_stream(ctx, (void*)&b), INVALID, "gla_context_set_stream", "stream", "cpu stream");
    expect(gla_context_set_threads(NULL, 1), INVALID, "gla_context_set_threads", "context", "threads ctx");
    expect(gla_context_set_threads(ctx, -1), INVALID, "gla_context_set_threads", "threads", "threads -1");
    expect(gla_context_set_threads(ctx, 1 << 20), INVALID, "gla_context_set_threads", "threads", "threads huge");
    expect(gla_synchronize(NULL), INVALID, "gla_synchronize", "context", "synchronize");
}

static void memory_functions(gla_context* ctx) {
    void* p = (void*)&p;
    char buf[64];
    expect(gla_malloc(NULL, 8, &p), INVALID, "gla_malloc", "context", "malloc ctx");
    expect(gla_malloc(ctx, 8, NULL), INVALID, "gla_malloc", "ptr", "malloc ptr");
    expect(gla_malloc(ctx, -1, &p), INVALID, "gla_malloc", "bytes", "malloc -1");
    CHECK(p == NULL, "a failed gla_malloc leaves *ptr NULL");
    expect(gla_malloc(ctx, INT64_MAX, &p), GLA_ERROR_OUT_OF_MEMORY, "gla_malloc", "bytes", "malloc huge");
    expect(gla_malloc(ctx, 0, &p), GLA_OK, "gla_malloc", "", "malloc 0");
    CHECK(p == NULL, "gla_malloc of 0 bytes gives NULL");
    expect(gla_host_alloc(NULL, 8, &p), INVALID, "gla_host_alloc", "context", "host_alloc ctx");
    expect(gla_host_alloc(ctx, 8, NULL), INVALID, "gla_host_alloc", "ptr", "host_alloc ptr");
    expect(gla_host_alloc(ctx, -5, &p), INVALID, "gla_host_alloc", "bytes", "host_alloc -5");
    expect(gla_host_alloc(ctx, INT64_MAX - 1, &p), GLA_ERROR_OUT_OF_MEMORY, "gla_host_alloc", "bytes", "host huge");
    expect(gla_free(NULL, buf), INVALID, "gla_free", "context", "free ctx");
    expect(gla_free(ctx, NULL), GLA_OK, "gla_free", "", "free NULL");
    expect(gla_host_free(NULL, buf), INVALID, "gla_host_free", "context", "host_free ctx");
    expect(gla_host_free(ctx, NULL), GLA_OK, "gla_host_free", "", "host_free NULL");
    expect(gla_memset(NULL, buf, 0, 8), INVALID, "gla_memset", "context", "memset ctx");
    expect(gla_memset(ctx, NULL, 0, 8), INVALID, "gla_memset", "ptr", "memset ptr");
    expect(gla_memset(ctx, buf, 0, -8), INVALID, "gla_memset", "bytes", "memset -8");
    expect(gla_memcpy(NULL, buf, buf + 8, 8, GLA_COPY_HOST_TO_HOST), INVALID, "gla_memcpy", "context", "memcpy ctx");
    expect(gla_memcpy(ctx, buf, buf + 8, 8, 4), INVALID, "gla_memcpy", "kind", "memcpy kind 4");
    expect(gla_memcpy(ctx, buf, buf + 8, 8, -1), INVALID, "gla_memcpy", "kind", "memcpy kind -1");
    expect(gla_memcpy(ctx, NULL, buf, 8, GLA_COPY_HOST_TO_HOST), INVALID, "gla_memcpy", "dst", "memcpy dst");
    expect(gla_memcpy(ctx, buf, NULL, 8, GLA_COPY_HOST_TO_HOST), INVALID, "gla_memcpy", "src", "memcpy src");
    expect(gla_memcpy(ctx, buf, buf + 8, -1, GLA_COPY_HOST_TO_HOST), INVALID, "gla_memcpy", "bytes", "memcpy -1");
}

/* ---- ops: a valid call, then one broken argument at a time ---- */

enum { B = 1, T = 5, H = 2, K = 4, V = 3 };

/* Buffers large enough for the valid dims (and for the varlen variants, which use T tokens), 64-byte aligned. */
typedef struct op_buffers {
    float q[B * T * H * K + 16], k[B * T * H * K + 16], v[B * T * H * V + 16], g[B * T * H * K + 16];
    float h0[4 * H * K * V + 16], o[B * T * H * V + 16], ht[4 * H * K * V + 16];
    float dout[B * T * H * V + 16], dht[4 * H * K * V + 16], dq[B * T * H * K + 16], dk[B * T * H * K + 16];
    float dv[B * T * H * V + 16], dg[B * T * H * K + 16], dh0[4 * H * K * V + 16];
    int64_t cu[8];
    _Alignas(64) char workspace[1 << 16];
} op_buffers;

/* The arguments of every op, so one broken field can be set per call. */
typedef struct op_args {
    gla_context* ctx;
    gla_dims dims;
    int null_dims; /* pass dims = NULL */
    const void *q, *k, *v;
    const float* g;
    const float* h0;
    const int64_t* cu;
    void* o;
    float* ht;
    const void* dout;
    const float* dht;
    void *dq, *dk, *dv;
    float *dg, *dh0;
    void* ws;
    int64_t ws_bytes;
    float* state;
} op_args;

static op_args valid_args(gla_context* ctx, op_buffers* b) {
    op_args a;
    memset(&a, 0, sizeof a);
    a.ctx = ctx;
    a.dims = test_dims(B, T, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    a.q = b->q, a.k = b->k, a.v = b->v, a.g = b->g, a.h0 = b->h0, a.o = b->o, a.ht = b->ht;
    a.dout = b->dout, a.dht = b->dht, a.dq = b->dq, a.dk = b->dk, a.dv = b->dv, a.dg = b->dg, a.dh0 = b->dh0;
    a.state = b->h0;
    return a;
}

static gla_status call(int op, const op_args* a) {
    const gla_dims* dims = a->null_dims ? NULL : &a->dims;
    switch (op) {
    case GLA_OP_CHUNK_FWD:
        return gla_chunk_fwd(a->ctx, dims, a->q, a->k, a->v, a->g, a->h0, a->cu, a->o, a->ht, a->ws, a->ws_bytes);
    case GLA_OP_RECURRENT_FWD:
        return gla_recurrent_fwd(a->ctx, dims, a->q, a->k, a->v, a->g, a->h0, a->cu, a->o, a->ht, a->ws,
                                 a->ws_bytes);
    case GLA_OP_CHUNK_BWD:
        return gla_chunk_bwd(a->ctx, dims, a->q, a->k, a->v, a->g, a->h0, a->cu, a->dout, a->dht, a->dq, a->dk,
                             a->dv, a->dg, a->dh0, a->ws, a->ws_bytes);
    case GLA_OP_RECURRENT_BWD:
        return gla_recurrent_bwd(a->ctx, dims, a->q, a->k, a->v, a->g, a->h0, a->cu, a->dout, a->dht, a->dq,
                                 a->dk, a->dv, a->dg, a->dh0, a->ws, a->ws_bytes);
    default:
        return gla_decode_step(a->ctx, dims, a->q, a->k, a->v, a->g, a->state, a->o);
    }
}

/* A mutation of the valid arguments and what it must produce. */
typedef struct mutation {
    const char* what;
    const char* needle;  /* the argument the message must name */
    int ops;             /* bit mask of the ops it applies to */
    gla_status status;
    void (*apply)(op_args* a, op_buffers* b);
} mutation;

#define FWD ((1 << GLA_OP_CHUNK_FWD) | (1 << GLA_OP_RECURRENT_FWD))
#define BWD ((1 << GLA_OP_CHUNK_BWD) | (1 << GLA_OP_RECURRENT_BWD))
#define DEC (1 << GLA_OP_DECODE_STEP)
#define ALL (FWD | BWD | DEC)
#define SEQ (FWD | BWD) /* ops over whole sequences */

static void m_ctx(op_args* a, op_buffers* b) { (void)b, a->ctx = NULL; }
static void m_dims(op_args* a, op_buffers* b) { (void)b, a->null_dims = 1; }
static void m_batch0(op_args* a, op_buffers* b) { (void)b, a->dims.batch = 0; }
static void m_seq_neg(op_args* a, op_buffers* b) { (void)b, a->dims.seq_len = -3; }
static void m_heads0(op_args* a, op_buffers* b) { (void)b, a->dims.heads = 0; }
static void m_key0(op_args* a, op_buffers* b) { (void)b, a->dims.key_dim = 0; }
static void m_key_big(op_args* a, op_buffers* b) { (void)b, a->dims.key_dim = 4097; }
static void m_value0(op_args* a, op_buffers* b) { (void)b, a->dims.value_dim = 0; }
static void m_value_neg(op_args* a, op_buffers* b) { (void)b, a->dims.value_dim = INT64_MIN; }
static void m_nseq_neg(op_args* a, op_buffers* b) { (void)b, a->dims.num_seqs = -1; }
static void m_scale_nan(op_args* a, op_buffers* b) { (void)b, a->dims.scale = NAN; }
static void m_scale_inf(op_args* a, op_buffers* b) { (void)b, a->dims.scale = INFINITY; }
static void m_dtype(op_args* a, op_buffers* b) { (void)b, a->dims.dtype = 2; }
static void m_gate(op_args* a, op_buffers* b) { (void)b, a->dims.gate = -1; }
static void m_algorithm(op_args* a, op_buffers* b) { (void)b, a->dims.algorithm = 3; }
static void m_overflow_bt(op_args* a, op_buffers* b) { (void)b, a->dims.batch = INT64_C(1) << 40, a->dims.seq_len = INT64_C(1) << 40; }
static void m_overflow_h(op_args* a, op_buffers* b) { (void)b, a->dims.heads = INT64_C(1) << 61; }
static void m_overflow_states(op_args* a, op_buffers* b) {
    (void)b, a->dims.batch = INT64_C(1) << 40, a->dims.key_dim = 4096, a->dims.value_dim = 4096;
}
static void m_q(op_args* a, op_buffers* b) { (void)b, a->q = NULL; }
static void m_k(op_args* a, op_buffers* b) { (void)b, a->k = NULL; }
static void m_v(op_args* a, op_buffers* b) { (void)b, a->v = NULL; }
static void m_o(op_args* a, op_buffers* b) { (void)b, a->o = NULL; }
static void m_g_null(op_args* a, op_buffers* b) { (void)b, a->g = NULL; }
static void m_g_ungated(op_args* a, op_buffers* b) { (void)b, a->dims.gate = GLA_GATE_NONE, a->dg = NULL; }
static void m_q_misaligned(op_args* a, op_buffers* b) { a->q = (const char*)b->q + 1; }
static void m_bf16_misaligned(op_args* a, op_buffers* b) { a->dims.dtype = GLA_DTYPE_BF16, a->v = (const char*)b->v + 1; }
static void m_g_misaligned(op_args* a, op_buffers* b) { a->g = (const float*)((const char*)b->g + 2); }
static void m_h0_misaligned(op_args* a, op_buffers* b) { a->h0 = (const float*)((const char*)b->h0 + 2); }
static void m_ht_misaligned(op_args* a, op_buffers* b) { a->ht = (float*)((char*)b->ht + 1); }
static void m_o_misaligned(op_args* a, op_buffers* b) { a->o = (char*)b->o + 3; }
static void m_nseq_no_cu(op_args* a, op_buffers* b) { (void)b, a->dims.num_seqs = 2; }
static void varlen(op_args* a, op_buffers* b, int64_t n, int64_t c1, int64_t c2, int64_t c3) {
    b->cu[0] = 0, b->cu[1] = c1, b->cu[2] = c2, b->cu[3] = c3;
    a->cu = b->cu;
    a->dims.num_seqs = n;
}
static void m_cu_nseq0(op_args* a, op_buffers* b) { varlen(a, b, 3, 2, 2, T), a->dims.num_seqs = 0; }
static void m_cu_batch(op_args* a, op_buffers* b) { varlen(a, b, 3, 2, 2, T), a->dims.batch = 2; }
static void m_cu_first(op_args* a, op_buffers* b) { varlen(a, b, 3, 2, 2, T), b->cu[0] = 1; }
static void m_cu_order(op_args* a, op_buffers* b) { varlen(a, b, 3, 3, 2, T); }
static void m_cu_last(op_args* a, op_buffers* b) { varlen(a, b, 3, 1, 2, T - 1); }
static void m_cu_misaligned(op_args* a, op_buffers* b) { varlen(a, b, 3, 2, 2, T), a->cu = (const int64_t*)((const char*)b->cu + 4); }
static void m_ws_bytes_no_ws(op_args* a, op_buffers* b) { (void)b, a->ws_bytes = 64; }
static void m_ws_bytes_neg(op_args* a, op_buffers* b) { a->ws = b->workspace, a->ws_bytes = -1; }
static void m_ws_short(op_args* a, op_buffers* b) { a->ws = b->workspace, a->ws_bytes = 64; }
static void m_ws_misaligned(op_args* a, op_buffers* b) { a->ws = b->workspace + 8, a->ws_bytes = sizeof b->workspace - 8; }
static void m_dout(op_args* a, op_buffers* b) { (void)b, a->dout = NULL; }
static void m_dq(op_args* a, op_buffers* b) { (void)b, a->dq = NULL; }
static void m_dk(op_args* a, op_buffers* b) { (void)b, a->dk = NULL; }
static void m_dv(op_args* a, op_buffers* b) { (void)b, a->dv = NULL; }
static void m_dg_null(op_args* a, op_buffers* b) { (void)b, a->dg = NULL; }
static void m_dg_ungated(op_args* a, op_buffers* b) { (void)b, a->dims.gate = GLA_GATE_NONE, a->g = NULL; }
static void m_dh0_no_h0(op_args* a, op_buffers* b) { (void)b, a->h0 = NULL; }
static void m_dht_misaligned(op_args* a, op_buffers* b) { a->dht = (const float*)((const char*)b->dht + 2); }
static void m_dq_misaligned(op_args* a, op_buffers* b) { a->dq = (char*)b->dq + 2; }
static void m_state(op_args* a, op_buffers* b) { (void)b, a->state = NULL; }
static void m_state_misaligned(op_args* a, op_buffers* b) { a->state = (float*)((char*)b->h0 + 1); }
static void m_decode_seq(op_args* a, op_buffers* b) { (void)b, a->dims.seq_len = 2; }
static void m_decode_nseq(op_args* a, op_buffers* b) { (void)b, a->dims.num_seqs = 1; }

static const mutation mutations[] = {
    {"context NULL", "context", ALL, INVALID, m_ctx},
    {"dims NULL", "dims", ALL, INVALID, m_dims},
    {"batch 0", "dims->batch", ALL, INVALID, m_batch0},
    {"seq_len -3", "dims->seq_len", ALL, INVALID, m_seq_neg},
    {"heads 0", "dims->heads", ALL, INVALID, m_heads0},
    {"key_dim 0", "dims->key_dim must be in [1, 4096], got 0", ALL, INVALID, m_key0},
    {"key_dim 4097", "dims->key_dim", ALL, INVALID, m_key_big},
    {"value_dim 0", "dims->value_dim", ALL, INVALID, m_value0},
    {"value_dim INT64_MIN", "dims->value_dim", ALL, INVALID, m_value_neg},
    {"num_seqs -1", "dims->num_seqs", ALL, INVALID, m_nseq_neg},
    {"scale NaN", "dims->scale", ALL, INVALID, m_scale_nan},
    {"scale inf", "dims->scale", ALL, INVALID, m_scale_inf},
    {"dtype 2", "dims->dtype", ALL, INVALID, m_dtype},
    {"gate -1", "dims->gate", ALL, INVALID, m_gate},
    {"algorithm 3", "dims->algorithm", ALL, INVALID, m_algorithm},
    {"batch*seq_len overflow", "overflows int64", SEQ, INVALID, m_overflow_bt},
    {"heads overflow", "overflows int64", ALL, INVALID, m_overflow_h},
    {"states overflow", "states", ALL, INVALID, m_overflow_states},
    {"q NULL", "q must not be NULL", ALL, INVALID, m_q},
    {"k NULL", "k must not be NULL", ALL, INVALID, m_k},
    {"v NULL", "v must not be NULL", ALL, INVALID, m_v},
    {"o NULL", "o must not be NULL", FWD | DEC, INVALID, m_o},
    {"g NULL while gated", "g must not be NULL", ALL, INVALID, m_g_null},
    {"g given while ungated", "g must be NULL", FWD | DEC, INVALID, m_g_ungated},
    {"q misaligned", "q (", ALL, INVALID, m_q_misaligned},
    {"bf16 v misaligned", "v (", ALL, INVALID, m_bf16_misaligned},
    {"g misaligned", "g (", ALL, INVALID, m_g_misaligned},
    {"h0 misaligned", "h0 (", SEQ, INVALID, m_h0_misaligned},
    {"ht misaligned", "ht (", FWD, INVALID, m_ht_misaligned},
    {"o misaligned", "o (", FWD | DEC, INVALID, m_o_misaligned},
    {"num_seqs without cu_seqlens", "cu_seqlens must not be NULL", SEQ, INVALID, m_nseq_no_cu},
    {"cu_seqlens with num_seqs 0", "dims->num_seqs", SEQ, INVALID, m_cu_nseq0},
    {"cu_seqlens with batch 2", "dims->batch", SEQ, INVALID, m_cu_batch},
    {"cu_seqlens[0] 1", "cu_seqlens[0]", SEQ, INVALID, m_cu_first},
    {"cu_seqlens decreasing", "non-decreasing", SEQ, INVALID, m_cu_order},
    {"cu_seqlens last", "cu_seqlens[num_seqs", SEQ, INVALID, m_cu_last},
    {"cu_seqlens misaligned", "cu_seqlens (", SEQ, INVALID, m_cu_misaligned},
    {"workspace_bytes without workspace", "workspace_bytes", SEQ, INVALID, m_ws_bytes_no_ws},
    {"workspace_bytes -1", "workspace_bytes", SEQ, INVALID, m_ws_bytes_neg},
    {"workspace too small", "workspace_bytes", SEQ, INVALID, m_ws_short},
    {"workspace misaligned", "workspace (", SEQ, INVALID, m_ws_misaligned},
    {"dout NULL", "dout", BWD, INVALID, m_dout},
    {"dq NULL", "dq", BWD, INVALID, m_dq},
    {"dk NULL", "dk", BWD, INVALID, m_dk},
    {"dv NULL", "dv", BWD, INVALID, m_dv},
    {"dg NULL while gated", "dg must not be NULL", BWD, INVALID, m_dg_null},
    {"dg given while ungated", "dg must be NULL", BWD, INVALID, m_dg_ungated},
    {"dh0 without h0", "dh0", BWD, INVALID, m_dh0_no_h0},
    {"dht misaligned", "dht (", BWD, INVALID, m_dht_misaligned},
    {"dq misaligned", "dq (", BWD, INVALID, m_dq_misaligned},
    {"state NULL", "state", DEC, INVALID, m_state},
    {"state misaligned", "state (", DEC, INVALID, m_state_misaligned},
    {"decode seq_len 2", "dims->seq_len", DEC, INVALID, m_decode_seq},
    {"decode num_seqs 1", "dims->num_seqs", DEC, INVALID, m_decode_nseq},
};

static void op_functions(gla_context* ctx) {
    static const char* names[] = {"gla_chunk_fwd", "gla_chunk_bwd", "gla_recurrent_fwd", "gla_recurrent_bwd",
                                  "gla_decode_step"};
    op_buffers* b = aligned_alloc(64, sizeof *b); /* the workspace member must be 64-byte aligned */
    if (b == NULL) return;
    memset(b, 0, sizeof *b);
    for (int op = 0; op <= GLA_OP_DECODE_STEP; op++) {
        op_args a = valid_args(ctx, b);
        if (op == GLA_OP_DECODE_STEP) a.dims.seq_len = 1;
        expect(call(op, &a), GLA_OK, names[op], "", "valid call");
        for (size_t m = 0; m < sizeof mutations / sizeof mutations[0]; m++) {
            if (!(mutations[m].ops & (1 << op))) continue;
            a = valid_args(ctx, b);
            if (op == GLA_OP_DECODE_STEP) a.dims.seq_len = 1;
            mutations[m].apply(&a, b);
            char what[160];
            snprintf(what, sizeof what, "%s, %s", names[op], mutations[m].what);
            expect(call(op, &a), mutations[m].status, names[op], mutations[m].needle, what);
        }
        a = valid_args(ctx, b);
        if (op == GLA_OP_DECODE_STEP) a.dims.seq_len = 1;
        expect(call(op, &a), GLA_OK, names[op], "", "valid call after the bad ones");
    }
    free(b);
}

static void workspace_size_function(gla_context* ctx) {
    static const char fn[] = "gla_workspace_size";
    gla_dims d = test_dims(B, T, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    int64_t bytes = -1;
    expect(gla_workspace_size(NULL, GLA_OP_CHUNK_FWD, &d, &bytes), INVALID, fn, "context", "ws context");
    expect(gla_workspace_size(ctx, 5, &d, &bytes), INVALID, fn, "op", "ws op 5");
    expect(gla_workspace_size(ctx, -1, &d, &bytes), INVALID, fn, "op", "ws op -1");
    expect(gla_workspace_size(ctx, GLA_OP_CHUNK_FWD, NULL, &bytes), INVALID, fn, "dims", "ws dims");
    expect(gla_workspace_size(ctx, GLA_OP_CHUNK_FWD, &d, NULL), INVALID, fn, "bytes", "ws bytes");
    expect(gla_workspace_size(ctx, GLA_OP_DECODE_STEP, &d, &bytes), INVALID, fn, "dims->seq_len", "ws decode T");
    d.key_dim = 0;
    expect(gla_workspace_size(ctx, GLA_OP_CHUNK_BWD, &d, &bytes), INVALID, fn, "dims->key_dim", "ws key_dim");
    /* dims that pass every tensor-size check, but whose chunk-backward workspace overflows int64 */
    d = test_dims(1, INT64_C(1) << 44, 1, 4096, 4096, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    expect(gla_workspace_size(ctx, GLA_OP_CHUNK_BWD, &d, &bytes), INVALID, fn, "overflows int64", "ws overflow");
}

/* A workspace the library cannot allocate: OUT_OF_MEMORY, nothing read or written. */
static void out_of_memory(gla_context* ctx) {
    gla_dims d = test_dims(1, INT64_C(1) << 38, 1, 256, 256, 0, GLA_DTYPE_F32, GLA_GATE_NONE);
    float x[4] = {0};
    expect(gla_chunk_bwd(ctx, &d, x, x, x, NULL, NULL, NULL, x, NULL, x, x, x, NULL, NULL, NULL, 0),
           GLA_ERROR_OUT_OF_MEMORY, "gla_chunk_bwd", "workspace", "chunk bwd huge workspace");
    expect(gla_recurrent_bwd(ctx, &d, x, x, x, NULL, NULL, NULL, x, NULL, x, x, x, NULL, NULL, NULL, 0),
           GLA_ERROR_OUT_OF_MEMORY, "gla_recurrent_bwd", "workspace", "recurrent bwd huge workspace");
}

/* ---- layer ops: one broken argument per call ---- */

static void layer_functions(gla_context* ctx) {
    _Alignas(64) float f[64] = {0};
    float* odd = (float*)((char*)f + 2); /* 2-byte aligned: fine for bf16, not for fp32 */
    int32_t ids[4] = {0, 1, 2, 3}, bad_ids[3] = {0, 7, 1}, targets[3] = {0, -100, 4}, bad_targets[3] = {1, -1, 0};
    double sum;
    const int64_t big = INT64_C(1) << 62;
    const char* fn = "gla_gemm";
    /* gemm */
    expect(gla_gemm(NULL, 0, 0, 2, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "context", "gemm ctx");
    expect(gla_gemm(ctx, 2, 0, 2, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "trans_a", "gemm trans_a");
    expect(gla_gemm(ctx, 0, -1, 2, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "trans_b", "gemm trans_b");
    expect(gla_gemm(ctx, 0, 0, -1, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "m must be >= 0", "gemm m");
    expect(gla_gemm(ctx, 0, 0, 2, -2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "n must be >= 0", "gemm n");
    expect(gla_gemm(ctx, 0, 0, 2, 2, -3, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "k must be >= 0", "gemm k");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, f, 2, f, 2, 5, 0, f, 2, 0), INVALID, fn, "ab_dtype", "gemm ab_dtype");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, -1), INVALID, fn, "c_dtype", "gemm c_dtype");
    expect(gla_gemm(ctx, 0, 0, 2, 3, 4, 1, f, 3, f, 3, 0, 0, f, 3, 0), INVALID, fn, "lda must be >= k", "gemm lda");
    expect(gla_gemm(ctx, 1, 0, 5, 3, 4, 1, f, 4, f, 3, 0, 0, f, 3, 0), INVALID, fn, "lda must be >= m", "gemm lda t");
    expect(gla_gemm(ctx, 0, 0, 2, 3, 4, 1, f, 4, f, 2, 0, 0, f, 3, 0), INVALID, fn, "ldb must be >= n", "gemm ldb");
    expect(gla_gemm(ctx, 0, 1, 2, 3, 4, 1, f, 4, f, 3, 0, 0, f, 3, 0), INVALID, fn, "ldb must be >= k", "gemm ldb t");
    expect(gla_gemm(ctx, 0, 0, 2, 3, 4, 1, f, 4, f, 3, 0, 0, f, 2, 0), INVALID, fn, "ldc", "gemm ldc");
    expect(gla_gemm(ctx, 0, 0, big, 2, 2, 1, f, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "overflows", "gemm overflow");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, NULL, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "a must not be NULL", "gemm a");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, f, 2, NULL, 2, 0, 0, f, 2, 0), INVALID, fn, "b must not be NULL", "gemm b");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, f, 2, f, 2, 0, 0, NULL, 2, 0), INVALID, fn, "c must not be NULL", "gemm c");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, odd, 2, f, 2, 0, 0, f, 2, 0), INVALID, fn, "a (", "gemm a misaligned");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, f, 2, f, 2, 0, 0, odd, 2, 0), INVALID, fn, "c (", "gemm c misaligned");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 2, 1, odd, 2, odd, 2, 1, 0, odd, 2, 1), GLA_OK, fn, "", "gemm bf16 2-aligned");
    expect(gla_gemm(ctx, 0, 0, 0, 2, 2, 1, NULL, 2, NULL, 2, 0, 0, NULL, 2, 0), GLA_OK, fn, "", "gemm m 0");
    expect(gla_gemm(ctx, 0, 0, 2, 2, 0, 1, NULL, 0, NULL, 2, 0, 0, f, 2, 0), GLA_OK, fn, "", "gemm k 0");
    /* norms */
    fn = "gla_rms_norm_fwd";
    expect(gla_rms_norm_fwd(NULL, 2, 2, f, f, 1e-6f, f, F32, f), INVALID, fn, "context", "rms ctx");
    expect(gla_rms_norm_fwd(ctx, -1, 2, f, f, 1e-6f, f, F32, f), INVALID, fn, "rows", "rms rows");
    expect(gla_rms_norm_fwd(ctx, 2, -2, f, f, 1e-6f, f, F32, f), INVALID, fn, "width", "rms width");
    expect(gla_rms_norm_fwd(ctx, big, big, f, f, 1e-6f, f, F32, f), INVALID, fn, "overflows", "rms overflow");
    expect(gla_rms_norm_fwd(ctx, 2, 2, NULL, f, 1e-6f, f, F32, f), INVALID, fn, "x must not be NULL", "rms x");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, NULL, 1e-6f, f, F32, f), INVALID, fn, "weight", "rms weight");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 0.0f, f, F32, f), INVALID, fn, "eps", "rms eps 0");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, NAN, f, F32, f), INVALID, fn, "eps", "rms eps NaN");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, INFINITY, f, F32, f), INVALID, fn, "eps", "rms eps inf");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 1e-6f, NULL, F32, f), INVALID, fn, "y must not be NULL", "rms y");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 1e-6f, f, F32, NULL), INVALID, fn, "rstd", "rms rstd");
    expect(gla_rms_norm_fwd(ctx, 2, 2, odd, f, 1e-6f, f, F32, f), INVALID, fn, "x (", "rms x misaligned");
    expect(gla_rms_norm_fwd(ctx, 0, 2, NULL, NULL, 1e-6f, NULL, F32, NULL), GLA_OK, fn, "", "rms rows 0");
    fn = "gla_rms_norm_bwd";
    expect(gla_rms_norm_bwd(ctx, 2, 2, NULL, f, f, f, f + 8, 0, f), INVALID, fn, "dy", "rms bwd dy");
    expect(gla_rms_norm_bwd(ctx, 2, 2, f, f, f, NULL, f + 8, 0, f), INVALID, fn, "rstd", "rms bwd rstd");
    expect(gla_rms_norm_bwd(ctx, 2, 2, f, f, f, f, NULL, 0, f), INVALID, fn, "dx", "rms bwd dx");
    expect(gla_rms_norm_bwd(ctx, 2, 2, f, f, f, f, f + 8, 0, NULL), INVALID, fn, "dweight", "rms bwd dweight");
    fn = "gla_gated_rms_norm_fwd";
    expect(gla_gated_rms_norm_fwd(ctx, 2, 2, f, NULL, F32, f, 1e-6f, f, F32, f), INVALID, fn,
           "z must not be NULL", "grms z");
    expect(gla_gated_rms_norm_fwd(ctx, 2, 2, f, f, F32, f, -1.0f, f, F32, f), INVALID, fn, "eps", "grms eps");
    fn = "gla_gated_rms_norm_bwd";
    expect(gla_gated_rms_norm_bwd(ctx, 2, 2, f, f, f, F32, f, f, f + 8, NULL, F32, f), INVALID, fn,
           "dz", "grms bwd dz");
    expect(gla_gated_rms_norm_bwd(ctx, 2, 2, f, f, odd, F32, f, f, f + 8, f + 16, F32, f), INVALID, fn,
           "z (", "grms z align");
    /* elementwise */
    fn = "gla_swiglu_fwd";
    expect(gla_swiglu_fwd(ctx, -1, f, f, F32, f, F32), INVALID, fn, "count", "swiglu count");
    expect(gla_swiglu_fwd(ctx, big, f, f, F32, f, F32), INVALID, fn, "overflows", "swiglu overflow");
    expect(gla_swiglu_fwd(ctx, 2, f, NULL, F32, f, F32), INVALID, fn, "b must not be NULL", "swiglu b");
    expect(gla_swiglu_fwd(ctx, 0, NULL, NULL, F32, NULL, F32), GLA_OK, fn, "", "swiglu 0");
    fn = "gla_swiglu_bwd";
    expect(gla_swiglu_bwd(ctx, 2, f, f, f, F32, f + 8, NULL, F32), INVALID, fn, "db", "swiglu bwd db");
    fn = "gla_log_sigmoid_gate_fwd";
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, F32, 0.0f, -INFINITY, f + 8), INVALID, fn, "normalizer", "gate norm 0");
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, F32, INFINITY, -INFINITY, f + 8), INVALID, fn, "normalizer", "gate inf");
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, F32, 16.0f, NAN, f + 8), INVALID, fn, "clamp_min", "gate clamp NaN");
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, F32, 16.0f, INFINITY, f + 8), INVALID, fn,
           "clamp_min", "gate clamp inf");
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, F32, 16.0f, -INFINITY, f + 8), GLA_OK, fn, "", "gate no clamp");
    fn = "gla_log_sigmoid_gate_bwd";
    expect(gla_log_sigmoid_gate_bwd(ctx, 2, f, f, F32, -2.0f, -1.0f, f + 8, F32), INVALID, fn,
           "normalizer", "gate bwd norm");
    expect(gla_log_sigmoid_gate_bwd(ctx, 2, f, f, F32, 16.0f, -1.0f, NULL, F32), INVALID, fn, "dz", "gate bwd dz");
    fn = "gla_repeat_heads_fwd";
    expect(gla_repeat_heads_fwd(ctx, 1, -1, 2, 2, f, f + 8, F32), INVALID, fn, "kv_heads", "repeat kv");
    expect(gla_repeat_heads_fwd(ctx, 1, 1, -2, 2, f, f + 8, F32), INVALID, fn, "groups", "repeat groups");
    expect(gla_repeat_heads_fwd(ctx, 1, 1, 2, -2, f, f + 8, F32), INVALID, fn, "head_dim", "repeat head_dim");
    expect(gla_repeat_heads_fwd(ctx, 1, big, big, 2, f, f + 8, F32), INVALID, fn, "overflows", "repeat overflow");
    expect(gla_repeat_heads_fwd(ctx, 1, 1, 2, 2, NULL, f + 8, F32), INVALID, fn, "in must", "repeat in");
    /* the activation dtypes (F32 or BF16; alignment by dtype) */
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 1e-6f, f, 2, f), INVALID, "gla_rms_norm_fwd",
           "y_dtype must be 0 (f32) or 1 (bf16), got 2", "rms y_dtype");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 1e-6f, odd, F32, f), INVALID, "gla_rms_norm_fwd", "y (", "rms y align");
    expect(gla_rms_norm_fwd(ctx, 2, 2, f, f, 1e-6f, odd, BF16, f + 8), GLA_OK, "gla_rms_norm_fwd", "", "rms bf16 y");
    expect(gla_gated_rms_norm_fwd(ctx, 2, 2, f, f, -1, f, 1e-6f, f + 8, F32, f + 16), INVALID,
           "gla_gated_rms_norm_fwd", "xz_dtype", "grms xz_dtype");
    expect(gla_gated_rms_norm_fwd(ctx, 2, 2, f, f, F32, f, 1e-6f, f + 8, 9, f + 16), INVALID,
           "gla_gated_rms_norm_fwd", "y_dtype", "grms y_dtype");
    expect(gla_gated_rms_norm_bwd(ctx, 2, 2, f, f, f, 3, f, f, f + 8, f + 16, F32, f), INVALID,
           "gla_gated_rms_norm_bwd", "xz_dtype", "grms bwd xz_dtype");
    expect(gla_gated_rms_norm_bwd(ctx, 2, 2, f, odd, f, F32, f, f, f + 8, f + 16, F32, f), INVALID,
           "gla_gated_rms_norm_bwd", "x (", "grms bwd x align");
    expect(gla_swiglu_fwd(ctx, 2, f, f, F32, f + 8, 7), INVALID, "gla_swiglu_fwd", "y_dtype", "swiglu y_dtype");
    expect(gla_swiglu_fwd(ctx, 2, f, f, 7, f + 8, F32), INVALID, "gla_swiglu_fwd", "ab_dtype", "swiglu ab_dtype");
    expect(gla_swiglu_bwd(ctx, 2, f, odd, f, F32, f + 8, f + 16, F32), INVALID, "gla_swiglu_bwd",
           "a (", "swiglu a align");
    expect(gla_swiglu_bwd(ctx, 2, f, f, f, -1, f + 8, f + 16, F32), INVALID, "gla_swiglu_bwd", "ab_dtype",
           "swiglu bwd ab_dtype");
    expect(gla_log_sigmoid_gate_fwd(ctx, 2, f, 3, 16.0f, -INFINITY, f + 8), INVALID, "gla_log_sigmoid_gate_fwd",
           "z_dtype", "gate z_dtype");
    expect(gla_log_sigmoid_gate_bwd(ctx, 2, f, odd, F32, 16.0f, -INFINITY, f + 8, F32), INVALID,
           "gla_log_sigmoid_gate_bwd", "z (", "gate bwd z align");
    expect(gla_repeat_heads_fwd(ctx, 1, 1, 2, 2, f, f + 8, 2), INVALID, "gla_repeat_heads_fwd", "dtype",
           "repeat dtype");
    expect(gla_repeat_heads_fwd(ctx, 1, 1, 2, 2, odd, f + 8, BF16), GLA_OK, "gla_repeat_heads_fwd", "",
           "repeat bf16");
    expect(gla_bias_add(ctx, 2, 2, f, f + 8, 5), INVALID, "gla_bias_add", "y_dtype", "bias_add y_dtype");
    expect(gla_swiglu_bwd(ctx, 2, f, f, f, F32, f + 8, f + 16, 2), INVALID, "gla_swiglu_bwd", "dab_dtype",
           "swiglu dab_dtype");
    expect(gla_gated_rms_norm_bwd(ctx, 2, 2, f, f, f, F32, f, f, f + 8, f + 16, 7, f + 24), INVALID,
           "gla_gated_rms_norm_bwd", "dxz_dtype", "grms bwd dxz_dtype");
    expect(gla_log_sigmoid_gate_bwd(ctx, 2, f, f, F32, 16.0f, -INFINITY, f + 8, -3), INVALID,
           "gla_log_sigmoid_gate_bwd", "dz_dtype", "gate bwd dz_dtype");
    fn = "gla_repeat_heads_bwd";
    expect(gla_repeat_heads_bwd(ctx, 1, 1, 2, 2, f, NULL), INVALID, fn, "din", "repeat din");
    /* embedding, cross-entropy */
    fn = "gla_embedding_fwd";
    expect(gla_embedding_fwd(ctx, 3, 2, -1, ids, f, f + 8), INVALID, fn, "vocab", "emb vocab");
    expect(gla_embedding_fwd(ctx, 3, 2, 4, NULL, f, f + 8), INVALID, fn, "ids must not be NULL", "emb ids");
    expect(gla_embedding_fwd(ctx, 3, 2, 4, bad_ids, f, f + 8), INVALID, fn, "ids[1] must be in [0, vocab = 4), got 7",
           "emb id out of range");
    expect(gla_embedding_fwd(ctx, 3, 2, big, ids, f, f + 8), INVALID, fn, "vocab*width", "emb overflow");
    expect(gla_embedding_fwd(ctx, 3, 2, 4, ids, NULL, f + 8), INVALID, fn, "table", "emb table");
    expect(gla_embedding_fwd(ctx, 3, 2, 4, ids, f, NULL), INVALID, fn, "out", "emb out");
    fn = "gla_embedding_bwd";
    expect(gla_embedding_bwd(ctx, 3, 2, 4, ids, f, -2, f + 8), INVALID, fn, "padding_idx", "emb pad -2");
    expect(gla_embedding_bwd(ctx, 3, 2, 4, ids, f, 4, f + 8), INVALID, fn, "padding_idx", "emb pad vocab");
    expect(gla_embedding_bwd(ctx, 3, 2, 4, bad_ids, f, -1, f + 8), INVALID, fn, "ids[1]", "emb bwd ids");
    expect(gla_embedding_bwd(ctx, 3, 2, 4, ids, f, 3, NULL), INVALID, fn, "dtable", "emb dtable");
    fn = "gla_cross_entropy";
    expect(gla_cross_entropy(ctx, 3, -5, f, targets, 1, f + 16, f + 32, F32), INVALID, fn, "vocab",
           "ce vocab");
    expect(gla_cross_entropy(ctx, 3, 5, NULL, targets, 1, f + 16, f + 32, F32), INVALID, fn, "logits",
           "ce logits");
    expect(gla_cross_entropy(ctx, 3, 5, f, NULL, 1, f + 16, f + 32, F32), INVALID, fn, "targets",
           "ce targets");
    expect(gla_cross_entropy(ctx, 3, 4, f, targets, 1, f + 16, f + 32, F32), INVALID, fn,
           "targets[2] must be -100 (ignored) or in [0, vocab = 4), got 4", "ce target range");
    expect(gla_cross_entropy(ctx, 3, 5, f, bad_targets, 1, f + 16, f + 32, F32), INVALID, fn, "targets[1]",
           "ce target -1");
    expect(gla_cross_entropy(ctx, 3, 5, f, targets, 1, NULL, f + 32, F32), INVALID, fn, "losses", "ce losses");
    expect(gla_cross_entropy(ctx, 3, 5, f, targets, 1, f + 16, odd, F32), INVALID, fn, "dlogits (",
           "ce dlogits align");
    expect(gla_cross_entropy(ctx, 3, 5, f, targets, 1, f + 16, NULL, 4), INVALID, fn, "logits_dtype",
           "ce logits_dtype");
    expect(gla_cross_entropy(ctx, 3, 5, odd, targets, 1, f + 16, odd, BF16), GLA_OK, fn, "", "ce bf16 in place");
    expect(gla_cross_entropy(ctx, 3, 5, f, targets, 1, f + 16, NULL, F32), GLA_OK, fn, "", "ce no dlogits");
    /* small ops */
    expect(gla_add(ctx, 2, f, NULL, f), INVALID, "gla_add", "b must not be NULL", "add b");
    expect(gla_add(ctx, -2, f, f, f), INVALID, "gla_add", "count", "add count");
    expect(gla_bias_add(ctx, 2, 2, NULL, f, F32), INVALID, "gla_bias_add", "bias", "bias_add bias");
    expect(gla_bias_add(ctx, 2, -1, f, f, F32), INVALID, "gla_bias_add", "width", "bias_add width");
    expect(gla_bias_grad(ctx, 2, 2, f, NULL), INVALID, "gla_bias_grad", "dbias", "bias_grad dbias");
    expect(gla_bias_grad(ctx, big, big, f, f), INVALID, "gla_bias_grad", "overflows", "bias_grad overflow");
    expect(gla_scale(ctx, 2, 2.0f, odd), INVALID, "gla_scale", "x (", "scale misaligned");
    expect(gla_sum_squares(ctx, 2, f, NULL), INVALID, "gla_sum_squares", "sum", "sum_squares sum");
    expect(gla_sum_squares(ctx, 2, NULL, &sum), INVALID, "gla_sum_squares", "x must not be NULL", "sum_squares x");
    expect(gla_cast(ctx, 2, f, 2, f + 8, 0), INVALID, "gla_cast", "src_dtype", "cast src_dtype");
    expect(gla_cast(ctx, 2, f, 0, f + 8, 9), INVALID, "gla_cast", "dst_dtype", "cast dst_dtype");
    expect(gla_cast(ctx, 2, odd, 0, f + 8, 1), INVALID, "gla_cast", "src (", "cast src misaligned");
    expect(gla_cast(ctx, 2, odd, 1, f + 8, 0), GLA_OK, "gla_cast", "", "cast bf16 src 2-aligned");
    fn = "gla_adamw";
    expect(gla_adamw(ctx, 2, f, f + 8, NULL, f + 24, 1e-3f, 1, 0.1f, 0.95f, 0.05f, 1e-8f, 1), INVALID, fn, "exp_avg",
           "adamw exp_avg");
    expect(gla_adamw(ctx, 2, f, f + 8, f + 16, f + 24, NAN, 1, 0.1f, 0.95f, 0.05f, 1e-8f, 1), INVALID, fn,
           "step_size", "adamw step_size");
    expect(gla_adamw(ctx, 2, f, f + 8, f + 16, f + 24, 1e-3f, 0, 0.1f, 0.95f, 0.05f, 1e-8f, 1), INVALID, fn,
           "bias2_sqrt", "adamw bias2_sqrt");
    expect(gla_adamw(ctx, 2, f, f + 8, f + 16, f + 24, 1e-3f, 1, 0.1f, 0.95f, 0.05f, 0.0f, 1), INVALID, fn, "eps",
           "adamw eps");
    expect(gla_adamw(ctx, 2, f, f + 8, f + 16, f + 24, 1e-3f, 1, 0.1f, 0.95f, 0.05f, 1e-8f, INFINITY), INVALID, fn,
           "decay", "adamw decay");
    /* decoding products */
    fn = "gla_decode_linear";
    const gla_linear_dims ok = {2, 4, 4, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_F32, 1e-6f, 16.0f,
                                -INFINITY};
    /* x [2, 4] = f; the second output with a bias and in place */
    const gla_linear_output outs[2] = {{f, NULL, NULL, f + 16, 3}, {f + 32, f + 56, f + 48, f + 48, 2}};
    gla_linear_dims d = ok;
    gla_linear_output o[2] = {outs[0], outs[1]};
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), GLA_OK, fn, "", "decode_linear valid");
    expect(gla_decode_linear(NULL, &d, f, NULL, f, o, 2), INVALID, fn, "context", "decode_linear ctx");
    expect(gla_decode_linear(ctx, NULL, f, NULL, f, o, 2), INVALID, fn, "dims must not be NULL", "dl dims");
    d.rows = GLA_DECODE_LINEAR_MAX_ROWS + 1;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.rows must be in [0, 16], got 17",
           "dl rows");
    d.rows = -1;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.rows", "dl rows -1");
    d = ok, d.in = -4;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.in must be >= 0", "dl in");
    d = ok, d.prologue = 4;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.prologue", "dl prologue");
    d = ok, d.epilogue = -1;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.epilogue", "dl epilogue");
    d = ok, d.weight_dtype = 2;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.weight_dtype", "dl weight_dtype");
    d = ok, d.norm_width = 0;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.norm_width must be >= 1", "dl nw 0");
    d = ok, d.norm_width = 3;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "must divide dims.in", "dl nw divides");
    d = ok, d.eps = 0.0f;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.eps", "dl eps");
    d = ok, d.prologue = GLA_PROLOGUE_NONE, d.norm_width = 0, d.eps = NAN; /* not read without a norm */
    expect(gla_decode_linear(ctx, &d, f, NULL, NULL, o, 2), GLA_OK, fn, "", "dl no norm: norm_width, eps unread");
    d = ok, d.epilogue = GLA_EPILOGUE_LOG_SIGMOID_GATE, d.gate_normalizer = 0.0f;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.gate_normalizer", "dl normalizer");
    d = ok, d.epilogue = GLA_EPILOGUE_LOG_SIGMOID_GATE, d.gate_clamp_min = NAN;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "dims.gate_clamp_min", "dl clamp");
    d = ok;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 9), INVALID, fn, "count must be in [0, 8], got 9", "dl count");
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, -1), INVALID, fn, "count", "dl count -1");
    expect(gla_decode_linear(ctx, &d, f, NULL, f, NULL, 2), INVALID, fn, "outputs must not be NULL", "dl outputs");
    expect(gla_decode_linear(ctx, &d, NULL, NULL, f, o, 2), INVALID, fn, "x must not be NULL", "dl x");
    expect(gla_decode_linear(ctx, &d, odd, NULL, f, o, 2), INVALID, fn, "x (", "dl x misaligned");
    expect(gla_decode_linear(ctx, &d, f, f, f, o, 2), INVALID, fn, "z must be NULL with prologue 1 (rms norm)",
           "dl z unused");
    expect(gla_decode_linear(ctx, &d, f, NULL, NULL, o, 2), INVALID, fn, "norm_weight must not be NULL", "dl nw");
    d.prologue = GLA_PROLOGUE_SWIGLU;
    expect(gla_decode_linear(ctx, &d, f, NULL, NULL, o, 2), INVALID, fn, "z must not be NULL", "dl z swiglu");
    expect(gla_decode_linear(ctx, &d, f, f, f, o, 2), INVALID, fn, "norm_weight must be NULL with prologue 3", "dl nw");
    d = ok, d.in = big;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "overflows", "dl in overflow");
    d = ok;
    o[1].out = -2;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[1].out must be >= 0", "dl out");
    o[1].out = big;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[1].weight (out*in)", "dl out overflow");
    o[1] = outs[1], o[0].weight = NULL;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[0].weight must not be NULL", "dl w");
    o[0].weight = odd;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[0].weight (", "dl w misaligned");
    d.weight_dtype = GLA_DTYPE_BF16;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), GLA_OK, fn, "", "dl bf16 weight 2-aligned");
    d = ok, o[0] = outs[0], o[1].bias = odd;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[1].bias (", "dl bias misaligned");
    o[1] = outs[1], o[1].residual = odd;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[1].residual (", "dl residual");
    o[1] = outs[1], o[1].y = NULL;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), INVALID, fn, "outputs[1].y must not be NULL", "dl y");
    o[1].out = 0, o[1].weight = NULL; /* an empty output needs no pointers */
    expect(gla_decode_linear(ctx, &d, f, NULL, f, o, 2), GLA_OK, fn, "", "dl empty output");
    d.rows = 0;
    expect(gla_decode_linear(ctx, &d, NULL, NULL, NULL, o, 2), GLA_OK, fn, "", "dl rows 0");
    d = ok, d.in = 0;
    expect(gla_decode_linear(ctx, &d, NULL, NULL, NULL, outs, 2), GLA_OK, fn, "", "dl in 0: y = bias + residual");
    d = ok;
    expect(gla_decode_linear(ctx, &d, f, NULL, f, NULL, 0), GLA_OK, fn, "", "dl count 0");
    /* graphs: none on the cpu */
    gla_graph* g = (gla_graph*)f;
    expect(gla_graph_begin(NULL), INVALID, "gla_graph_begin", "context", "graph_begin ctx");
    expect(gla_graph_begin(ctx), GLA_ERROR_UNSUPPORTED, "gla_graph_begin", "cpu backend has no graphs", "graph cpu");
    expect(gla_graph_end(ctx, NULL), INVALID, "gla_graph_end", "graph", "graph_end NULL");
    expect(gla_graph_end(ctx, &g), INVALID, "gla_graph_end", "not recording", "graph_end not recording");
    CHECK(g == NULL, "a failed gla_graph_end leaves *graph NULL");
    expect(gla_graph_launch(ctx, NULL), INVALID, "gla_graph_launch", "graph", "graph_launch NULL");
    expect(gla_graph_destroy(NULL), GLA_OK, "gla_graph_destroy", "", "graph_destroy NULL");
}

/* gla_decode_step_gate_proj: the decode step's rules (checked above through gla_decode_step, sharing the code) and
 * the gate projection's own. */
static void gate_proj_function(gla_context* ctx) {
    static const char fn[] = "gla_decode_step_gate_proj";
    static float q[8], k[8], v[8], state[2 * 4 * 4], o[8], in[6], w[4 * 3], bias[4];
    uint16_t* w16 = (uint16_t*)w;
    const gla_gate_proj ok = {in, w, bias, 3, GLA_DTYPE_F32, 16.0f, -INFINITY};
    gla_dims d = test_dims(2, 1, 1, 4, 4, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    gla_gate_proj gp = ok;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), GLA_OK, fn, "", "gate_proj valid");
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, NULL, state, o), INVALID, fn, "gate must not be NULL",
           "gate_proj NULL");
    d.gate = GLA_GATE_HEAD;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "dims->gate", "gate_proj head");
    d.gate = GLA_GATE_CHANNEL, d.seq_len = 2;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "dims->seq_len",
           "gate_proj seq_len");
    d.seq_len = 1;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, NULL, o), INVALID, fn, "state", "gate_proj state");
    gp.rank = 0;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->rank", "gate_proj rank 0");
    gp.rank = GLA_GATE_PROJ_MAX_RANK + 1;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->rank", "gate_proj rank");
    gp = ok, gp.weight_dtype = 7;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->weight_dtype",
           "gate_proj weight_dtype");
    gp = ok, gp.normalizer = 0;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->normalizer",
           "gate_proj normalizer");
    gp = ok, gp.clamp_min = NAN;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->clamp_min",
           "gate_proj clamp_min");
    gp = ok, gp.in = NULL;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->in", "gate_proj in");
    gp = ok, gp.weight = (const char*)w + 2;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->weight",
           "gate_proj weight misaligned");
    gp.weight_dtype = GLA_DTYPE_BF16, gp.weight = w16 + 1;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), GLA_OK, fn, "", "gate_proj bf16 2-aligned");
    gp = ok, gp.bias = (const float*)((const char*)bias + 1);
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), INVALID, fn, "gate->bias", "gate_proj bias");
    gp = ok, gp.bias = NULL;
    expect(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, state, o), GLA_OK, fn, "", "gate_proj without bias");
}

int main(void) {
    gla_context* ctx = NULL;
    CHECK_OK(gla_context_create(GLA_BACKEND_CPU, 0, &ctx));
    if (ctx == NULL) return test_finish("test_bad_args");
    library_functions();
    context_functions(ctx);
    memory_functions(ctx);
    workspace_size_function(ctx);
    op_functions(ctx);
    gate_proj_function(ctx);
    out_of_memory(ctx);
    layer_functions(ctx);
    CHECK_OK(gla_context_destroy(ctx));
    return test_finish("test_bad_args");
}

/*
 * test_parity.c — the native ops against the double reference (reference.c), through gla.h on the cpu backend:
 * forward (o, ht) and every gradient (dq, dk, dv, dg, dh0, with dht), fp32 and bf16, the three gate kinds,
 * awkward T, K, V, weak to very strong gates (down to -50 per step), with and without initial/final states,
 * variable-length batches with an empty sequence, explicit and internal workspaces, 1 and 2 threads.
 * Every output is NaN-poisoned before each call. Metric: relative RMS error (f32 outputs <= 1e-5, bf16
 * outputs <= 5e-3) and no NaN/inf.
 * Also: fewer items than threads (the chunk ops' segments), and bit-identical results across runs and threads.
 *   test_parity recurrent | chunk | decode | determinism | segments     (one CTest each: parity_recurrent, ...)
 */
#include "reference.h"
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL_F32 1e-5
#define TOL_BF16 5e-3

typedef struct pcase {
    int64_t b, t, h, k, v;
    int32_t dtype, gate;
    double g_lo, g_hi;         /* log gates drawn uniformly from [g_lo, g_hi] */
    int with_h0, with_ht;      /* initial state; final state output (and its gradient dht) */
    const int64_t* cu_seqlens; /* variable length: batch 1, t = cu_seqlens[num_seqs] */
    int64_t num_seqs;
    int threads;
    int explicit_workspace;
} pcase;

/* Host tensors of one case: double values (what the reference sees) and the native copies. */
typedef struct tensors {
    int64_t n_qk, n_v, n_g, n_s;
    double *q, *k, *v, *g, *h0, *dout, *dht;
    void *nq, *nk, *nv, *ndout;
    float *ng, *nh0, *ndht;
} tensors;

static size_t esize(int32_t dtype) { return dtype == GLA_DTYPE_BF16 ? 2 : 4; }

/* Random values, rounded to the native dtype; the double copy holds the rounded values. */
static void fill(test_rng* r, double* d, void* native, int64_t n, int32_t dtype, double lo, double hi, int normal) {
    for (int64_t i = 0; i < n; i++) {
        float f = (float)(normal ? rng_normal(r) : rng_uniform(r, lo, hi));
        if (dtype == GLA_DTYPE_BF16) {
            uint16_t b = test_f32_to_bf16(f);
            ((uint16_t*)native)[i] = b;
            d[i] = test_bf16_to_f32(b);
        } else {
            ((float*)native)[i] = f;
            d[i] = f;
        }
    }
}

static void make_tensors(const pcase* c, tensors* x, uint64_t seed) {
    test_rng r;
    rng_seed(&r, seed);
    const int64_t tokens = c->b * c->t, seqs = c->cu_seqlens ? c->num_seqs : c->b;
    const size_t es = esize(c->dtype);
    x->n_qk = tokens * c->h * c->k;
    x->n_v = tokens * c->h * c->v;
    x->n_g = c->gate == GLA_GATE_CHANNEL ? x->n_qk : c->gate == GLA_GATE_HEAD ? tokens * c->h : 0;
    x->n_s = seqs * c->h * c->k * c->v;
    x->q = test_malloc((size_t)x->n_qk * 8), x->nq = test_malloc((size_t)x->n_qk * es);
    x->k = test_malloc((size_t)x->n_qk * 8), x->nk = test_malloc((size_t)x->n_qk * es);
    x->v = test_malloc((size_t)x->n_v * 8), x->nv = test_malloc((size_t)x->n_v * es);
    x->dout = test_malloc((size_t)x->n_v * 8), x->ndout = test_malloc((size_t)x->n_v * es);
    x->g = test_malloc((size_t)x->n_g * 8), x->ng = test_malloc((size_t)x->n_g * 4);
    x->h0 = test_malloc((size_t)x->n_s * 8), x->nh0 = test_malloc((size_t)x->n_s * 4);
    x->dht = test_malloc((size_t)x->n_s * 8), x->ndht = test_malloc((size_t)x->n_s * 4);
    fill(&r, x->q, x->nq, x->n_qk, c->dtype, 0, 0, 1);
    fill(&r, x->k, x->nk, x->n_qk, c->dtype, 0, 0, 1);
    fill(&r, x->v, x->nv, x->n_v, c->dtype, 0, 0, 1);
    fill(&r, x->dout, x->ndout, x->n_v, c->dtype, 0, 0, 1);
    fill(&r, x->g, x->ng, x->n_g, GLA_DTYPE_F32, c->g_lo, c->g_hi, 0);
    fill(&r, x->h0, x->nh0, x->n_s, GLA_DTYPE_F32, 0, 0, 1);
    fill(&r, x->dht, x->ndht, x->n_s, GLA_DTYPE_F32, 0, 0, 1);
}

static void free_tensors(tensors* x) {
    free(x->q), free(x->k), free(x->v), free(x->g), free(x->h0), free(x->dout), free(x->dht);
    free(x->nq), free(x->nk), free(x->nv), free(x->ndout), free(x->ng), free(x->nh0), free(x->ndht);
}

static int64_t cases_run = 0;
static double worst_f32 = 0.0, worst_bf16 = 0.0;

static void expect_close(const char* what, const char* op, const pcase* c, const void* x, int32_t dtype,
                         const double* ref, int64_t n) {
    double e = rel_rms(x, dtype, ref, (size_t)n), tol = dtype == GLA_DTYPE_BF16 ? TOL_BF16 : TOL_F32;
    if (dtype == GLA_DTYPE_BF16 && e > worst_bf16) worst_bf16 = e;
    if (dtype == GLA_DTYPE_F32 && e > worst_f32) worst_f32 = e;
    CHECK(e <= tol, "%s %s: rel RMS %.3g > %.1g (B %lld T %lld H %lld K %lld V %lld dtype %d gate %d g [%g, %g] h0 %d "
          "ht %d varlen %lld threads %d)", op, what, e, tol, (long long)c->b, (long long)c->t, (long long)c->h,
          (long long)c->k, (long long)c->v, c->dtype, c->gate, c->g_lo, c->g_hi, c->with_h0, c->with_ht,
          (long long)c->num_seqs, c->threads);
}

/* Workspace for an op: NULL (internal) or gla_malloc'ed of the queried size. */
static void* workspace(gla_context* ctx, const pcase* c, int32_t op, const gla_dims* d, int64_t* bytes) {
    *bytes = 0;
    if (!c->explicit_workspace) return NULL;
    void* ws = NULL;
    CHECK_OK(gla_workspace_size(ctx, op, d, bytes));
    CHECK_OK(gla_malloc(ctx, *bytes, &ws));
    return ws;
}

/* Runs recurrent or chunk fwd + bwd of one case and compares everything with the reference. */
static void run_case(gla_context* ctx, const pcase* c, int chunk, uint64_t seed) {
    tensors x;
    make_tensors(c, &x, seed);
    const int gated = c->gate != GLA_GATE_NONE;
    ref_problem rp = {c->b, c->t, c->h, c->k, c->v, c->num_seqs, c->cu_seqlens, 0.0, c->gate};
    gla_dims d = test_dims(c->b, c->t, c->h, c->k, c->v, c->num_seqs, c->dtype, c->gate);
    rp.scale = d.scale;

    /* reference */
    double* o_ref = test_malloc((size_t)x.n_v * 8);
    double* ht_ref = test_malloc((size_t)x.n_s * 8);
    double *dq_ref = test_malloc((size_t)x.n_qk * 8), *dk_ref = test_malloc((size_t)x.n_qk * 8);
    double *dv_ref = test_malloc((size_t)x.n_v * 8), *dg_ref = test_malloc((size_t)x.n_g * 8);
    double* dh0_ref = test_malloc((size_t)x.n_s * 8);
    const double* h0 = c->with_h0 ? x.h0 : NULL;
    ref_forward(&rp, x.q, x.k, x.v, gated ? x.g : NULL, h0, o_ref, ht_ref);
    CHECK(ref_backward(&rp, x.q, x.k, x.v, gated ? x.g : NULL, h0, x.dout, c->with_ht ? x.dht : NULL, dq_ref, dk_ref,
                       dv_ref, dg_ref, dh0_ref) == 0, "reference out of memory");

    /* native */
    const size_t es = esize(c->dtype);
    void* o = test_malloc((size_t)x.n_v * es);
    float* ht = test_malloc((size_t)x.n_s * 4);
    void *dq = test_malloc((size_t)x.n_qk * es), *dk = test_malloc((size_t)x.n_qk * es), *dv = test_malloc((size_t)x.n_v * es);
    float *dg = test_malloc((size_t)x.n_g * 4), *dh0 = test_malloc((size_t)x.n_s * 4);
    const float* ng = gated ? x.ng : NULL;
    const float* nh0 = c->with_h0 ? x.nh0 : NULL;
    const char* op = chunk ? "chunk" : "recurrent";
    CHECK_OK(gla_context_set_threads(ctx, c->threads));

    poison(o, (size_t)x.n_v, c->dtype);
    poison_f32(ht, (size_t)x.n_s);
    int64_t wsb;
    void* ws = workspace(ctx, c, chunk ? GLA_OP_CHUNK_FWD : GLA_OP_RECURRENT_FWD, &d, &wsb);
    float* ht_arg = c->with_ht ? ht : NULL;
    if (chunk)
        CHECK_OK(gla_chunk_fwd(ctx, &d, x.nq, x.nk, x.nv, ng, nh0, c->cu_seqlens, o, ht_arg, ws, wsb));
    else
        CHECK_OK(gla_recurrent_fwd(ctx, &d, x.nq, x.nk, x.nv, ng, nh0, c->cu_seqlens, o, ht_arg, ws, wsb));
    CHECK_OK(gla_free(ctx, ws));
    expect_close("o", op, c, o, c->dtype, o_ref, x.n_v);
    if (c->with_ht) expect_close("ht", op, c, ht, GLA_DTYPE_F32, ht_ref, x.n_s);

    poison(dq, (size_t)x.n_qk, c->dtype), poison(dk, (size_t)x.n_qk, c->dtype), poison(dv, (size_t)x.n_v, c->dtype);
    poison_f32(dg, (size_t)x.n_g), poison_f32(dh0, (size_t)x.n_s);
    ws = workspace(ctx, c, chunk ? GLA_OP_CHUNK_BWD : GLA_OP_RECURRENT_BWD, &d, &wsb);
    const float* dht_arg = c->with_ht ? x.ndht : NULL;
    float* dg_arg = gated ? dg : NULL;
    float* dh0_arg = c->with_h0 ? dh0 : NULL;
    if (chunk)
        CHECK_OK(gla_chunk_bwd(ctx, &d, x.nq, x.nk, x.nv, ng, nh0, c->cu_seqlens, x.ndout, dht_arg, dq, dk, dv, dg_arg,
                               dh0_arg, ws, wsb));
    else
        CHECK_OK(gla_recurrent_bwd(ctx, &d, x.nq, x.nk, x.nv, ng, nh0, c->cu_seqlens, x.ndout, dht_arg, dq, dk, dv,
                                   dg_arg, dh0_arg, ws, wsb));
    CHECK_OK(gla_free(ctx, ws));
    expect_close("dq", op, c, dq, c->dtype, dq_ref, x.n_qk);
    expect_close("dk", op, c, dk, c->dtype, dk_ref, x.n_qk);
    expect_close("dv", op, c, dv, c->dtype, dv_ref, x.n_v);
    if (gated) expect_close("dg", op, c, dg, GLA_DTYPE_F32, dg_ref, x.n_g);
    if (c->with_h0) expect_close("dh0", op, c, dh0, GLA_DTYPE_F32, dh0_ref, x.n_s);
    cases_run++;

    free(o_ref), free(ht_ref), free(dq_ref), free(dk_ref), free(dv_ref), free(dg_ref), free(dh0_ref);
    free(o), free(ht), free(dq), free(dk), free(dv), free(dg), free(dh0);
    free_tensors(&x);
}

/* Gate ranges, weak to very strong; [-2.5, 0] puts sub-chunk decay spans around 20 (both intra-block paths);
 * [-1e30, -1e29] forgets everything at every step (every exp underflows to 0, nothing may become NaN). */
static const double gate_ranges[][2] = {{-0.1, 0.0}, {-1.0, -0.01}, {-2.5, 0.0}, {-50.0, 0.0}, {-50.0, -20.0},
                                        {-1e30, -1e29}};
#define N_GATE_RANGES (sizeof gate_ranges / sizeof gate_ranges[0])

static const int64_t cu_a[] = {0, 5, 5, 70, 200};         /* lengths 5, 0 (empty), 65, 130 */
static const int64_t cu_b[] = {0, 0, 64, 64, 127};         /* an empty first sequence, a whole chunk */

/* The fixed-length and variable-length cases, a subset of the full product that still covers every T, K, V,
 * dtype, gate kind and gate range. */
static void run_all(gla_context* ctx, int chunk) {
    static const int64_t shapes[][5] = {
        /* B, T, H, K, V */
        {2, 1, 2, 16, 16},  {1, 15, 2, 60, 100}, {2, 63, 1, 64, 64}, {1, 64, 2, 100, 60},
        {1, 65, 1, 128, 128}, {2, 100, 2, 16, 128}, {1, 1000, 1, 64, 64},
    };
    const int n_shapes = (int)(sizeof shapes / sizeof shapes[0]);
    uint64_t seed = 1;
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++)
            for (int s = 0; s < n_shapes; s++) {
                int variant = s + 3 * dtype + 5 * gate;
                /* the 1000-token sequence once per gate kind in f32, to bound run time */
                if (shapes[s][1] == 1000 && dtype != GLA_DTYPE_F32) continue;
                const double* gr = gate_ranges[variant % N_GATE_RANGES];
                pcase c = {shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], shapes[s][4], dtype, gate,
                           gate == GLA_GATE_NONE ? 0.0 : gr[0], gate == GLA_GATE_NONE ? 0.0 : gr[1],
                           variant % 2, (variant / 2) % 2, NULL, 0, 1 + variant % 2, variant % 3 == 0};
                run_case(ctx, &c, chunk, seed++);
            }
    /* variable length: every gate kind, both dtypes, states in and out */
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
            int variant = gate * 2 + dtype;
            const double* gr = gate_ranges[variant % N_GATE_RANGES];
            const int64_t* cu = variant % 2 ? cu_b : cu_a;
            int64_t num = variant % 2 ? 4 : 4;
            pcase c = {1, cu[num], 2, variant % 2 ? 60 : 64, variant % 2 ? 100 : 64, dtype, gate,
                       gate == GLA_GATE_NONE ? 0.0 : gr[0], gate == GLA_GATE_NONE ? 0.0 : gr[1],
                       1, 1, cu, num, 2, variant % 2};
            run_case(ctx, &c, chunk, seed++);
        }
}

/* Fewer (sequence, head) items than threads: the chunk ops split each item's chunks into segments (cpu
 * backend), so this covers the segment scan forward and backward, empty segments (sequences shorter than the
 * number of segments), and bit-identical repeats at a fixed thread count. */
static const int64_t cu_c[] = {0, 70, 70, 390}; /* 2, 0 and 5 chunks */

static void run_segments(gla_context* ctx) {
    uint64_t seed = 500;
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
            int variant = gate * 2 + dtype;
            const double* gr = gate_ranges[(variant + 1) % N_GATE_RANGES];
            double lo = gate == GLA_GATE_NONE ? 0.0 : gr[0], hi = gate == GLA_GATE_NONE ? 0.0 : gr[1];
            pcase fixed = {1, 1000, 1, 64, 48, dtype, gate, lo, hi, variant % 2, 1, NULL, 0, 3 + variant, variant % 2};
            run_case(ctx, &fixed, 1, seed++);
            pcase varlen = {1, cu_c[3], 1, 32, 64, dtype, gate, lo, hi, 1, 1, cu_c, 3, 7, 0};
            run_case(ctx, &varlen, 1, seed++);
        }
    /* the same call twice at 5 threads: bit-identical */
    pcase c = {1, 700, 1, 64, 64, GLA_DTYPE_F32, GLA_GATE_CHANNEL, -1.0, 0.0, 1, 1, NULL, 0, 5, 0};
    tensors x;
    make_tensors(&c, &x, 9);
    gla_dims d = test_dims(1, 700, 1, 64, 64, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    CHECK_OK(gla_context_set_threads(ctx, 5));
    float* out[2][4];
    const int64_t n[4] = {x.n_v, x.n_qk, x.n_v, x.n_s};
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < 4; i++) out[run][i] = test_malloc((size_t)n[i] * 4);
        float* scratch = test_malloc((size_t)x.n_qk * 4);
        CHECK_OK(gla_chunk_fwd(ctx, &d, x.nq, x.nk, x.nv, x.ng, x.nh0, NULL, out[run][0], out[run][3], NULL, 0));
        CHECK_OK(gla_chunk_bwd(ctx, &d, x.nq, x.nk, x.nv, x.ng, x.nh0, NULL, x.ndout, x.ndht, out[run][1], scratch,
                               out[run][2], scratch, NULL, NULL, 0));
        free(scratch);
    }
    static const char* names[4] = {"o", "dq", "dv", "ht"};
    for (int i = 0; i < 4; i++) {
        CHECK(memcmp(out[0][i], out[1][i], (size_t)n[i] * 4) == 0, "segmented chunk %s differs between two runs",
              names[i]);
        free(out[0][i]), free(out[1][i]);
    }
    free_tensors(&x);
    cases_run++;
}

/* A decode loop (state in place, T steps) gives the recurrent outputs and final state. */
static void run_decode(gla_context* ctx) {
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
            const int64_t B = 2, T = 9, H = 3, K = 60, V = 100;
            pcase c = {B, T, H, K, V, dtype, gate, gate == GLA_GATE_NONE ? 0.0 : -3.0, 0.0, 1, 1, NULL, 0, 2, 0};
            tensors x;
            make_tensors(&c, &x, 77 + (uint64_t)gate * 2 + (uint64_t)dtype);
            ref_problem rp = {B, T, H, K, V, 0, NULL, 0.0, gate};
            gla_dims d = test_dims(B, 1, H, K, V, 0, dtype, gate);
            rp.scale = d.scale;
            double* o_ref = test_malloc((size_t)x.n_v * 8);
            double* ht_ref = test_malloc((size_t)x.n_s * 8);
            ref_forward(&rp, x.q, x.k, x.v, gate == GLA_GATE_NONE ? NULL : x.g, x.h0, o_ref, ht_ref);
            const size_t es = esize(dtype);
            const int64_t gk = gate == GLA_GATE_CHANNEL ? K : 1;
            /* one step's [B,1,H,*] slices gathered from the [B,T,H,*] tensors */
            char* q = test_malloc((size_t)(B * H * K) * es), *k = test_malloc((size_t)(B * H * K) * es);
            char* v = test_malloc((size_t)(B * H * V) * es), *o = test_malloc((size_t)(B * H * V) * es);
            float* g = test_malloc((size_t)(B * H * gk) * 4);
            char* o_all = test_malloc((size_t)x.n_v * es);
            float* state = test_malloc((size_t)x.n_s * 4);
            memcpy(state, x.nh0, (size_t)x.n_s * 4);
            CHECK_OK(gla_context_set_threads(ctx, 2));
            for (int64_t t = 0; t < T; t++) {
                for (int64_t b = 0; b < B; b++) {
                    memcpy(q + b * H * K * es, (char*)x.nq + (b * T + t) * H * K * es, (size_t)(H * K) * es);
                    memcpy(k + b * H * K * es, (char*)x.nk + (b * T + t) * H * K * es, (size_t)(H * K) * es);
                    memcpy(v + b * H * V * es, (char*)x.nv + (b * T + t) * H * V * es, (size_t)(H * V) * es);
                    if (gate != GLA_GATE_NONE)
                        memcpy(g + b * H * gk, x.ng + (b * T + t) * H * gk, (size_t)(H * gk) * 4);
                }
                poison(o, (size_t)(B * H * V), dtype);
                CHECK_OK(gla_decode_step(ctx, &d, q, k, v, gate == GLA_GATE_NONE ? NULL : g, state, o));
                for (int64_t b = 0; b < B; b++)
                    memcpy(o_all + (b * T + t) * H * V * es, o + b * H * V * es, (size_t)(H * V) * es);
            }
            expect_close("o", "decode", &c, o_all, dtype, o_ref, x.n_v);
            expect_close("state", "decode", &c, state, GLA_DTYPE_F32, ht_ref, x.n_s);
            cases_run++;
            free(q), free(k), free(v), free(o), free(g), free(o_all), free(state), free(o_ref), free(ht_ref);
            free_tensors(&x);
        }
}

/* The same call with 1 and with 2 threads gives bit-identical results (chunk fwd and bwd). */
static void run_determinism(gla_context* ctx) {
    const int64_t B = 2, T = 150, H = 3, K = 64, V = 48;
    pcase c = {B, T, H, K, V, GLA_DTYPE_F32, GLA_GATE_CHANNEL, -1.0, 0.0, 1, 1, NULL, 0, 1, 0};
    tensors x;
    make_tensors(&c, &x, 5);
    gla_dims d = test_dims(B, T, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    float* out[2][5];
    const int64_t n[5] = {x.n_v, x.n_qk, x.n_qk, x.n_v, x.n_g};
    for (int run = 0; run < 2; run++) {
        for (int i = 0; i < 5; i++) out[run][i] = test_malloc((size_t)n[i] * 4);
        CHECK_OK(gla_context_set_threads(ctx, run + 1));
        CHECK_OK(gla_chunk_fwd(ctx, &d, x.nq, x.nk, x.nv, x.ng, x.nh0, NULL, out[run][0], NULL, NULL, 0));
        CHECK_OK(gla_chunk_bwd(ctx, &d, x.nq, x.nk, x.nv, x.ng, x.nh0, NULL, x.ndout, x.ndht, out[run][1], out[run][2],
                               out[run][3], out[run][4], NULL, NULL, 0));
    }
    static const char* names[5] = {"o", "dq", "dk", "dv", "dg"};
    for (int i = 0; i < 5; i++) {
        CHECK(memcmp(out[0][i], out[1][i], (size_t)n[i] * 4) == 0, "chunk %s differs between 1 and 2 threads", names[i]);
        free(out[0][i]), free(out[1][i]);
    }
    free_tensors(&x);
    cases_run++;
}

int main(int argc, char** argv) {
    const char* mode = argc > 1 ? argv[1] : "";
    gla_context* ctx = NULL;
    CHECK_OK(gla_context_create(GLA_BACKEND_CPU, 0, &ctx));
    if (ctx == NULL) return test_finish("test_parity");
    if (strcmp(mode, "recurrent") == 0)
        run_all(ctx, 0);
    else if (strcmp(mode, "chunk") == 0)
        run_all(ctx, 1);
    else if (strcmp(mode, "decode") == 0)
        run_decode(ctx);
    else if (strcmp(mode, "determinism") == 0)
        run_determinism(ctx);
    else if (strcmp(mode, "segments") == 0)
        run_segments(ctx);
    else
        CHECK(0, "usage: test_parity recurrent|chunk|decode|determinism|segments (got '%s')", mode);
    CHECK_OK(gla_context_destroy(ctx));
    printf("test_parity %s: %lld cases, worst rel RMS f32 %.3g, bf16 %.3g\n", mode, (long long)cases_run, worst_f32,
           worst_bf16);
    return test_finish("test_parity");
}

/*
 * cpu_chunk.h — the stages the chunk forward (cpu_chunk_fwd.c) and backward (cpu_chunk_bwd.c) share: loading a
 * chunk into padded fp32 tiles, the chunk-local cumulative log gate, and the per-sub-chunk factors of the
 * intra-chunk attention matrix A. Compiled per ISA with the kernel files.
 *
 * A chunk has C = 64 rows (the last one of a sequence fewer: it is zero-padded to R = a multiple of 16 rows, and
 * zero rows change nothing) split in sub-chunks of c = 16. G[t] = sum_{s<=t} g_s inside the chunk (fp32), and
 *   A[t,s] = scale * sum_k q[t,k] k[s,k] exp(G[t,k] - G[s,k])     (s <= t)
 * For query sub-chunk i (rows t0 = 16i ... t0+15) take the reference row r = t0 - 1 (G[-1] = 0) and
 *   Qs[t] = scale * q[t] * exp(G[t] - G[r])     Ks[s] = k[s] * exp(G[r] - G[s])
 * so that A[t,s] = Qs[t] . Ks[s]. For s in earlier sub-chunks (s <= r < t) both exponents are <= 0: nothing
 * overflows however strong the gates, and the block is a plain matmul. Inside the diagonal block (s, t > r)
 * Ks's exponent is positive, at most the sub-chunk's decay span max_k (G[r,k] - G[t0+15,k]); when that span is
 * <= GLA_CPU_FACTOR_SPAN the diagonal block is taken by the same matmul (every factor <= e^20, every product
 * finite, the masked entries s > t then set to 0 — never multiplied by 0). Otherwise the diagonal block is
 * computed exactly, per element and channel, with exp(G[t] - G[s]) only for s <= t.
 *
 * Every exponent is formed as a direct sum of the gates it spans (G[t] - G[r] = g[r+1] + ... + g[t]), never as
 * the difference of two cumulative sums: with gates of -50 per step G reaches -3200 in a chunk, where an fp32
 * difference of cumulative sums would carry an absolute error of ~2e-4 into every exp. Sums of same-signed gates
 * are accurate relative to themselves.
 */
#ifndef GLA_CPU_CHUNK_H
#define GLA_CPU_CHUNK_H

#include "cpu_simd.h"

#define C_ GLA_CPU_CHUNK
#define SUB_ GLA_CPU_SUB

/* Largest decay span of a sub-chunk for which its diagonal block is factored (e^20 ~ 5e8 is far from fp32's
 * limits; typical GLA gates span < 1 over 16 steps). */
#define GLA_CPU_FACTOR_SPAN 20.0f

/* fp32 tiles of one chunk, cpu_chunk_tiles_floats() floats in all (row strides kp, vp, or C for A-shaped and transposed tiles). */
typedef struct chunk_tiles {
    float *q, *k, *v;      /* [C,kp] x2, [C,vp]: the chunk's rows */
    float *graw, *g, *grev;/* [C,kp]: the log gates; G[t] = sum_{u<=t} g[u]; grev[s] = sum_{u>s} g[u] (= Γ - G[s]) */
    float *qs, *eq;        /* [SUB,kp]: Qs and exp(G[t] - G[r]) of the current query sub-chunk */
    float *ks, *ek;        /* [C,kp]: Ks and exp(G[r] - G[s]) of the current sub-chunk's keys */
    float *kst;            /* [kp,C]: Ks transposed, the B operand of Qs Ks^T */
    float *a;              /* [C,C]: A */
    float *egamma;         /* [kp]: exp(Γ), the chunk's total decay per channel */
    float *run;            /* [kp]: a running sum of gates */
} chunk_tiles;

static inline float* chunk_tiles_carve(chunk_tiles* t, const cpu_problem* p, float* ws) {
    t->q = ws, ws += C_ * p->kp;
    t->k = ws, ws += C_ * p->kp;
    t->graw = ws, ws += C_ * p->kp;
    t->g = ws, ws += C_ * p->kp;
    t->grev = ws, ws += C_ * p->kp;
    t->v = ws, ws += C_ * p->vp;
    t->qs = ws, ws += SUB_ * p->kp;
    t->eq = ws, ws += SUB_ * p->kp;
    t->ks = ws, ws += C_ * p->kp;
    t->ek = ws, ws += C_ * p->kp;
    t->kst = ws, ws += C_ * p->kp;
    t->a = ws, ws += C_ * C_;
    t->egamma = ws, ws += p->kp;
    t->run = ws, ws += p->kp;
    return ws;
}

/* ---- rows in and out: inline vector loops (a libc memcpy call per 512-byte row cost ~15% of the forward) ---- */

typedef uint16_t vh __attribute__((vector_size(VW * sizeof(uint16_t)))); /* VW bf16 values */
typedef uint32_t vu __attribute__((vector_size(VW * sizeof(uint32_t))));

static inline vf load_bf16(const uint16_t* src) {
    vh h;
    memcpy(&h, src, sizeof h);
    return (vf)(__builtin_convertvector(h, vu) << 16);
}

/* Round to nearest even, NaN kept quiet (as gla_f32_to_bf16). */
static inline void store_bf16(uint16_t* dst, vf x) {
    const vu u = (vu)x;
    const vu rounded = (u + 0x7fffu + ((u >> 16) & 1u)) >> 16;
    const vu quiet = (u >> 16) | 0x40u;
    const vu nan = (vu)((u & 0x7fffffffu) > 0x7f800000u);
    const vh h = __builtin_convertvector((nan & quiet) | (~nan & rounded), vh);
    memcpy(dst, &h, sizeof h);
}

/* dst[0..n) = src (f32 or bf16 elements from element offset), then zeros up to ld. */
static inline void row_in(float* restrict dst, int64_t ld, const void* src, int32_t dtype, int64_t offset, int64_t n) {
    int64_t x = 0;
    if (dtype == GLA_DTYPE_BF16) {
        const uint16_t* s = (const uint16_t*)src + offset;
        for (; x + VW <= n; x += VW) vstore(dst + x, load_bf16(s + x));
        for (; x < n; x++) dst[x] = gla_bf16_to_f32(s[x]);
    } else {
        const float* s = (const float*)src + offset;
        for (; x + VW <= n; x += VW) vstore(dst + x, vload(s + x));
        for (; x < n; x++) dst[x] = s[x];
    }
    for (; x < ld; x++) dst[x] = 0.0f;
}

/* dst (f32 or bf16, from element offset)[0..n) = src. */
static inline void row_out(void* dst, int32_t dtype, int64_t offset, const float* restrict src, int64_t n) {
    int64_t x = 0;
    if (dtype == GLA_DTYPE_BF16) {
        uint16_t* d = (uint16_t*)dst + offset;
        for (; x + VW <= n; x += VW) store_bf16(d + x, vload(src + x));
        for (; x < n; x++) d[x] = gla_f32_to_bf16(src[x]);
    } else {
        float* d = (float*)dst + offset;
        for (; x + VW <= n; x += VW) vstore(d + x, vload(src + x));
        for (; x < n; x++) d[x] = src[x];
    }
}

/* Loads n rows of a q/k/v-type tensor for head h from token `first` into a padded tile (rows up to R zeroed). */
static inline void load_tile(float* tile, int64_t ld, const void* src, int32_t dtype, int64_t heads, int64_t dim,
                             int64_t first, int64_t h, int64_t n, int64_t rows) {
    for (int64_t t = 0; t < rows; t++) {
        if (t < n)
            row_in(tile + t * ld, ld, src, dtype, ((first + t) * heads + h) * dim, dim);
        else
            for (int64_t x = 0; x < ld; x += VW) vstore(tile + t * ld + x, (vf){0});
    }
}

/* Stores n rows of a padded tile into a q/k/v-type tensor. */
static inline void store_tile(void* dst, int32_t dtype, int64_t heads, int64_t dim, int64_t first, int64_t h,
                              const float* tile, int64_t ld, int64_t n) {
    for (int64_t t = 0; t < n; t++) row_out(dst, dtype, ((first + t) * heads + h) * dim, tile + t * ld, dim);
}

/* The log gates of R rows (padding rows and channels 0), their chunk-local inclusive cumulative sum G (G[R-1] is
 * the chunk's total decay Γ) and the reverse sums grev[s] = g[s+1] + ... + g[R-1]. Ungated: all zeros. */
static inline void load_gates(chunk_tiles* t, const cpu_problem* p, const float* g, int64_t first, int64_t h,
                              int64_t n, int64_t rows) {
    const int64_t kp = p->kp;
    for (int64_t r = 0; r < rows; r++) {
        float* row = t->graw + r * kp;
        if (r < n && p->gate == GLA_GATE_CHANNEL) {
            row_in(row, kp, g, GLA_DTYPE_F32, ((first + r) * p->heads + h) * p->key_dim, p->key_dim);
        } else {
            const float x = r < n && p->gate == GLA_GATE_HEAD ? g[(first + r) * p->heads + h] : 0.0f;
            int64_t c = 0;
            for (; c < p->key_dim; c++) row[c] = x;
            for (; c < kp; c++) row[c] = 0.0f;
        }
    }
    memcpy(t->g, t->graw, (size_t)kp * sizeof(float));
    for (int64_t r = 1; r < rows; r++)
        for (int64_t i = 0; i < kp; i += VW)
            vstore(t->g + r * kp + i, vload(t->g + (r - 1) * kp + i) + vload(t->graw + r * kp + i));
    memset(t->grev + (rows - 1) * kp, 0, (size_t)kp * sizeof(float));
    for (int64_t r = rows - 2; r >= 0; r--)
        for (int64_t i = 0; i < kp; i += VW)
            vstore(t->grev + r * kp + i, vload(t->grev + (r + 1) * kp + i) + vload(t->graw + (r + 1) * kp + i));
}

/* Loads one chunk (n real rows, R padded rows) of q, k, v, g for head h. q may be NULL (not needed). */
static inline void load_chunk(chunk_tiles* t, const cpu_problem* p, const void* q, const void* k, const void* v,
                              const float* g, int64_t first, int64_t h, int64_t n, int64_t rows) {
    if (q != NULL) load_tile(t->q, p->kp, q, p->dtype, p->heads, p->key_dim, first, h, n, rows);
    load_tile(t->k, p->kp, k, p->dtype, p->heads, p->key_dim, first, h, n, rows);
    load_tile(t->v, p->vp, v, p->dtype, p->heads, p->value_dim, first, h, n, rows);
    load_gates(t, p, g, first, h, n, rows);
}

/* out[t] = x[t] * exp(sign * E[t]) * mul for `rows` rows of kp; the factors go to e_out when it is not NULL. */
static inline void scale_rows_exp(float* out, float* e_out, const float* x, const float* E, int64_t rows, int64_t kp,
                                  float mul, float sign) {
    const vf sv = vset1(sign);
    for (int64_t t = 0; t < rows; t++)
        for (int64_t i = 0; i < kp; i += VW) {
            vf e = vexp(sv * vload(E + t * kp + i));
            if (e_out != NULL) vstore(e_out + t * kp + i, e);
            vstore(out + t * kp + i, vload(x + t * kp + i) * e * mul);
        }
}

/* Transposes rows x cols of src (row stride lds) into dst (row stride ldd); rows and cols are multiples of VW.
 * Blocks of VW x VW are transposed in registers by log2(VW) rounds of two-input shuffles with constant masks,
 * each round swapping the off-diagonal sub-blocks of size d: a scalar transpose would write with a stride of 2^n
 * bytes, thrashing the cache sets, and cost more than the matmuls around it. */
#define TR_LO(d, j) (((j) & (d)) ? VW + (j) - (d) : (j)) /* lanes of the first row of a pair after a round */
#define TR_HI(d, j) (((j) & (d)) ? VW + (j) : (j) + (d)) /* lanes of the second row */
#if VW == 16
#define TR_MASK(M, d) {M(d, 0), M(d, 1), M(d, 2), M(d, 3), M(d, 4), M(d, 5), M(d, 6), M(d, 7), M(d, 8), M(d, 9),       \
                       M(d, 10), M(d, 11), M(d, 12), M(d, 13), M(d, 14), M(d, 15)}
#define TR_ROUNDS 4
#elif VW == 8
#define TR_MASK(M, d) {M(d, 0), M(d, 1), M(d, 2), M(d, 3), M(d, 4), M(d, 5), M(d, 6), M(d, 7)}
#define TR_ROUNDS 3
#else
#define TR_MASK(M, d) {M(d, 0), M(d, 1), M(d, 2), M(d, 3)}
#define TR_ROUNDS 2
#endif
static inline void transpose(float* dst, int64_t ldd, const float* src, int64_t lds, int64_t rows, int64_t cols) {
    static const vi lo[4] = {TR_MASK(TR_LO, 1), TR_MASK(TR_LO, 2), TR_MASK(TR_LO, 4), TR_MASK(TR_LO, 8)};
    static const vi hi[4] = {TR_MASK(TR_HI, 1), TR_MASK(TR_HI, 2), TR_MASK(TR_HI, 4), TR_MASK(TR_HI, 8)};
    for (int64_t r0 = 0; r0 < rows; r0 += VW)
        for (int64_t c0 = 0; c0 < cols; c0 += VW) {
            vf x[VW];
#pragma GCC unroll 16
            for (int i = 0; i < VW; i++) x[i] = vload(src + (r0 + i) * lds + c0);
#pragma GCC unroll 4
            for (int round = 0; round < TR_ROUNDS; round++) {
                const int d = 1 << round;
#pragma GCC unroll 16
                for (int i = 0; i < VW; i++)
                    if (!(i & d)) {
                        const vf a = x[i], b = x[i + d];
                        x[i] = __builtin_shuffle(a, b, lo[round]);
                        x[i + d] = __builtin_shuffle(a, b, hi[round]);
                    }
            }
#pragma GCC unroll 16
            for (int i = 0; i < VW; i++) vstore(dst + (c0 + i) * ldd + r0, x[i]);
        }
}

/* Prepares query sub-chunk i (rows t0 = 16i ...; reference row r = t0 - 1): Qs and eq = exp(G[t] - G[r]), and
 * Ks and ek = exp(G[r] - G[s]) for the key rows the matmul covers, and Ks^T. Returns that number of key rows:
 * 16i, or 16i + 16 when the diagonal block is factored (*factored set accordingly). */
static inline int64_t prepare_sub(chunk_tiles* t, const cpu_problem* p, int64_t i, int* factored) {
    const int64_t kp = p->kp, t0 = i * SUB_;
    float* run = t->run;
    /* queries: G[t] - G[r] = g[t0] + ... + g[t] */
    memset(run, 0, (size_t)kp * sizeof(float));
    for (int64_t r = 0; r < SUB_; r++)
        for (int64_t c = 0; c < kp; c += VW) {
            vf acc = vload(run + c) + vload(t->graw + (t0 + r) * kp + c), e = vexp(acc);
            vstore(run + c, acc);
            vstore(t->eq + r * kp + c, e);
            vstore(t->qs + r * kp + c, vload(t->q + (t0 + r) * kp + c) * e * p->scale);
        }
    /* the sub-chunk's decay span: max_k -(g[t0] + ... + g[t0+15]) */
    vf span = (vf){0};
    for (int64_t c = 0; c < kp; c += VW) span = vmax(span, -vload(run + c));
    float worst = 0.0f;
    for (int l = 0; l < VW; l++) worst = span[l] > worst ? span[l] : worst;
    *factored = worst <= GLA_CPU_FACTOR_SPAN;
    const int64_t cols = t0 + (*factored ? SUB_ : 0);
    /* earlier keys: G[r] - G[s] = g[s+1] + ... + g[r], summed from r down */
    memset(run, 0, (size_t)kp * sizeof(float));
    for (int64_t s = t0 - 1; s >= 0; s--)
        for (int64_t c = 0; c < kp; c += VW) {
            vf acc = vload(run + c), e = vexp(acc);
            vstore(t->ek + s * kp + c, e);
            vstore(t->ks + s * kp + c, vload(t->k + s * kp + c) * e);
            vstore(run + c, acc + vload(t->graw + s * kp + c));
        }
    /* the diagonal block's own keys, when factored: G[r] - G[s] = -(g[t0] + ... + g[s]) <= span */
    if (*factored) {
        memset(run, 0, (size_t)kp * sizeof(float));
        for (int64_t s = t0; s < t0 + SUB_; s++)
            for (int64_t c = 0; c < kp; c += VW) {
                vf acc = vload(run + c) + vload(t->graw + s * kp + c), e = vexp(-acc);
                vstore(run + c, acc);
                vstore(t->ek + s * kp + c, e);
                vstore(t->ks + s * kp + c, vload(t->k + s * kp + c) * e);
            }
    }
    transpose(t->kst, C_, t->ks, kp, cols, kp);
    return cols;
}

/* Runs body for the pairs s < row of row `row`'s diagonal block (sub-chunk from t0), s descending, for each
 * vector of channels c, with e = exp(G[row] - G[s]) = exp(g[s+1] + ... + g[row]) summed in t->run. */
#define FOR_EACH_DIAGONAL_PAIR(t, p, t0, row, s, c, e, body)                                                     \
    do {                                                                                                         \
        memset((t)->run, 0, (size_t)(p)->kp * sizeof(float));                                                   \
        for (int64_t s = (row) - 1; s >= (t0); s--)                                                              \
            for (int64_t c = 0; c < (p)->kp; c += VW) {                                                          \
                vf acc_ = vload((t)->run + c) + vload((t)->graw + (s + 1) * (p)->kp + c);                        \
                vstore((t)->run + c, acc_);                                                                      \
                const vf e = vexp(acc_);                                                                         \
                body;                                                                                            \
            }                                                                                                    \
    } while (0)

/* A rows of query sub-chunk i (columns 0 .. 16i+15; everything right of the diagonal 0), after prepare_sub. */
static inline void sub_attention(chunk_tiles* t, const cpu_problem* p, int64_t i, int64_t cols, int factored) {
    const int64_t kp = p->kp, t0 = i * SUB_;
    float* a = t->a + t0 * C_;
    if (cols > 0) gemm(SUB_, cols, kp, t->qs, kp, 1, t->kst, C_, a, C_, 0);
    for (int64_t r = 0; r < SUB_; r++) {
        const int64_t row = t0 + r;
        for (int64_t s = row + 1; s < t0 + SUB_; s++) a[r * C_ + s] = 0.0f;
        if (factored) continue;
        /* exact: A[row,row] (exp(0) = 1), then s < row; partial dot products collected per s */
        vf acc = (vf){0};
        for (int64_t c = 0; c < kp; c += VW) acc += vload(t->q + row * kp + c) * vload(t->k + row * kp + c);
        a[r * C_ + row] = p->scale * vsum(acc);
        for (int64_t s = t0; s < row; s++) a[r * C_ + s] = 0.0f;
        FOR_EACH_DIAGONAL_PAIR(t, p, t0, row, s, c, e, {
            vf d = vload(t->q + row * kp + c) * vload(t->k + s * kp + c) * e;
            a[r * C_ + s] += p->scale * vsum(d);
        });
    }
}

/* S_out = exp(Γ) * S_in (row-wise) + Kd^T V: the state leaving a chunk, given the decayed keys
 * kd = k exp(Γ - G) [R,kp]; also sets egamma = exp(Γ). S_out may be S_in. */
static inline void advance_state(chunk_tiles* t, const cpu_problem* p, float* S_out, const float* S_in,
                                 const float* kd, int64_t rows) {
    const int64_t kp = p->kp, vp = p->vp;
    const float* gamma = t->g + (rows - 1) * kp;
    for (int64_t c = 0; c < kp; c += VW) vstore(t->egamma + c, vexp(vload(gamma + c)));
    for (int64_t c = 0; c < kp; c++) {
        const vf e = vset1(t->egamma[c]);
        for (int64_t j = 0; j < vp; j += VW) vstore(S_out + c * vp + j, vload(S_in + c * vp + j) * e);
    }
    gemm(kp, vp, rows, kd, 1, kp, t->v, vp, S_out, vp, 1);
}

/* The state update with the decayed keys computed here (kd: [C,kp] scratch). */
static inline void update_state(chunk_tiles* t, const cpu_problem* p, float* S_out, const float* S_in, float* kd,
                                int64_t rows) {
    scale_rows_exp(kd, NULL, t->k, t->grev, rows, p->kp, 1.0f, 1.0f);
    advance_state(t, p, S_out, S_in, kd, rows);
}

/* ---- segments (cpu_segments in cpu_common.h) ---- */

/* Chunks [*begin, *end) of segment s of a sequence of `length` tokens. */
static inline void segment_chunks(const cpu_problem* p, int64_t length, int64_t s, int64_t* begin, int64_t* end) {
    const int64_t chunks = (length + C_ - 1) / C_;
    *begin = chunks * s / p->segments;
    *end = chunks * (s + 1) / p->segments;
}

/* A state [K,V] (or zeros when src is NULL) into a padded [kp,vp] tile. */
static inline void load_state(float* S, const cpu_problem* p, const float* src, int64_t index) {
    const int64_t K = p->key_dim, V = p->value_dim, vp = p->vp;
    memset(S, 0, (size_t)(p->kp * vp) * sizeof(float));
    if (src == NULL) return;
    for (int64_t i = 0; i < K; i++) memcpy(S + i * vp, src + (index * K + i) * V, (size_t)V * sizeof(float));
}

/* A padded [kp,vp] tile into a state [K,V]. */
static inline void store_state(float* dst, const cpu_problem* p, const float* S, int64_t index) {
    const int64_t K = p->key_dim, V = p->value_dim;
    for (int64_t i = 0; i < K; i++) memcpy(dst + (index * K + i) * V, S + i * p->vp, (size_t)V * sizeof(float));
}

/* The shared segment buffers of the workspace (cpu_chunk_shared_floats), per unit u = item * segments + s. */
typedef struct segment_buffers {
    float* enter;  /* [units][kp,vp]: the state entering the segment */
    float* own;    /* [units][kp,vp]: the segment's own contribution (to its leaving state, or bwd to dh) */
    float* dleave; /* [units][kp,vp]: bwd: dL/d(state leaving the segment) */
    float* decay;  /* [units][kp]: sum of the segment's log gates */
} segment_buffers;

static inline float* segment_buffers_carve(segment_buffers* b, const cpu_problem* p, float* ws, int backward) {
    const int64_t units = p->num_seqs * p->heads * p->segments, kv = p->kp * p->vp;
    if (p->segments <= 1) {
        b->enter = b->own = b->dleave = b->decay = NULL;
        return ws;
    }
    b->enter = ws, ws += units * kv;
    b->own = ws, ws += units * kv;
    b->dleave = NULL;
    if (backward) b->dleave = ws, ws += units * kv;
    b->decay = ws, ws += units * p->kp;
    return ws;
}

/* The state a segment (chunks [c_begin, c_end) of the sequence from token `first`) produces from a zero state,
 * and the sum of its log gates: decay sum. kd: [C,kp] scratch. */
static inline void segment_own_state(chunk_tiles* t, const cpu_problem* p, const void* k, const void* v,
                                     const float* g, int64_t first, int64_t length, int64_t h, int64_t c_begin,
                                     int64_t c_end, float* own, float* decay, float* kd) {
    memset(own, 0, (size_t)(p->kp * p->vp) * sizeof(float));
    memset(decay, 0, (size_t)p->kp * sizeof(float));
    for (int64_t c = c_begin; c < c_end; c++) {
        const int64_t c0 = c * C_, rows = length - c0 < C_ ? length - c0 : C_, R = (rows + SUB_ - 1) / SUB_ * SUB_;
        load_chunk(t, p, NULL, k, v, g, first + c0, h, rows, R);
        update_state(t, p, own, own, kd, R);
        for (int64_t i = 0; i < p->kp; i += VW) vstore(decay + i, vload(decay + i) + vload(t->g + (R - 1) * p->kp + i));
    }
}

/* out = exp(decay) * x (row-wise) + y, for [kp,vp] tiles. */
static inline void decay_add(float* out, const cpu_problem* p, const float* decay, const float* x, const float* y) {
    for (int64_t c = 0; c < p->kp; c++) {
        const vf e = vset1(vexp(vset1(decay[c]))[0]);
        for (int64_t j = 0; j < p->vp; j += VW)
            vstore(out + c * p->vp + j, e * vload(x + c * p->vp + j) + vload(y + c * p->vp + j));
    }
}

/* For every item, the state entering each segment: enter[0] = h0 (or zeros), enter[s+1] = exp(decay[s]) enter[s]
 * + own[s]. Run inside a parallel region (an omp for over items). */
static inline void segment_scan(const cpu_problem* p, const float* h0, segment_buffers* b) {
    const int64_t items = p->num_seqs * p->heads, kv = p->kp * p->vp, S = p->segments;
#pragma omp for schedule(static)
    for (int64_t i = 0; i < items; i++) {
        float* enter = b->enter + i * S * kv;
        load_state(enter, p, h0, i);
        for (int64_t s = 0; s + 1 < S; s++)
            decay_add(enter + (s + 1) * kv, p, b->decay + (i * S + s) * p->kp, enter + s * kv, b->own + (i * S + s) * kv);
    }
}

#endif /* GLA_CPU_CHUNK_H */

/*
 * cpu_common.h — what the cpu backend's files share: the validated problem description, the iteration over
 * (sequence, head) items, bf16 conversion, row loads/stores, and the per-thread workspace layout of each op.
 * ISA-independent; included by cpu_backend.c and by each kernel file (compiled once per ISA, see cpu_isa.h).
 */
#ifndef GLA_CPU_COMMON_H
#define GLA_CPU_COMMON_H

#include "../gla_internal.h"

#include <stdint.h>
#include <string.h>

/* Chunk length and sub-chunk length of the chunkwise algorithm (GUIDE §2). */
#define GLA_CPU_CHUNK 64
#define GLA_CPU_SUB 16
_Static_assert(GLA_CPU_CHUNK % GLA_CPU_SUB == 0, "a chunk is a whole number of sub-chunks");

/* Internal rows of K and V are padded with zeros to a multiple of this many floats (one AVX-512 vector), so
 * every vector loop and matmul tile is whole. Zero padding leaves every result unchanged. */
#define GLA_CPU_PAD 16

static inline int64_t gla_cpu_pad(int64_t n) { return (n + GLA_CPU_PAD - 1) / GLA_CPU_PAD * GLA_CPU_PAD; }

/* One validated op call, as the kernels see it. */
typedef struct cpu_problem {
    int64_t batch, seq_len, heads, key_dim, value_dim;
    int64_t kp, vp;               /* key_dim, value_dim padded to GLA_CPU_PAD */
    int64_t num_seqs;             /* sequences: num_seqs with cu_seqlens, else batch */
    int64_t segments;             /* chunk ops: contiguous runs of chunks per (sequence, head), see cpu_segments */
    const int64_t* cu_seqlens;    /* NULL: fixed length seq_len per batch row */
    float scale;
    int32_t dtype, gate;
} cpu_problem;

/* First token (global row in [0, batch*seq_len)) and length of sequence n. */
static inline void cpu_sequence(const cpu_problem* p, int64_t n, int64_t* first, int64_t* length) {
    if (p->cu_seqlens != NULL) {
        *first = p->cu_seqlens[n];
        *length = p->cu_seqlens[n + 1] - p->cu_seqlens[n];
    } else {
        *first = n * p->seq_len;
        *length = p->seq_len;
    }
}

/* ---- bf16: raw bits; round to nearest even on store, NaN kept quiet ---- */

static inline float gla_bf16_to_f32(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

static inline uint16_t gla_f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x0040u); /* NaN stays NaN */
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

/* Loads n elements of a q/k/v-type tensor (f32 or bf16) starting at element offset into fp32 dst. */
static inline void cpu_load_row(float* restrict dst, const void* src, int32_t dtype, int64_t offset, int64_t n) {
    if (dtype == GLA_DTYPE_BF16) {
        const uint16_t* s = (const uint16_t*)src + offset;
        for (int64_t i = 0; i < n; i++) dst[i] = gla_bf16_to_f32(s[i]);
    } else {
        memcpy(dst, (const float*)src + offset, (size_t)n * sizeof(float));
    }
}

/* Stores n fp32 values into a q/k/v-type tensor at element offset (bf16: round to nearest even). */
static inline void cpu_store_row(void* dst, int32_t dtype, int64_t offset, const float* restrict src, int64_t n) {
    if (dtype == GLA_DTYPE_BF16) {
        uint16_t* d = (uint16_t*)dst + offset;
        for (int64_t i = 0; i < n; i++) d[i] = gla_f32_to_bf16(src[i]);
    } else {
        memcpy((float*)dst + offset, src, (size_t)n * sizeof(float));
    }
}

/* Element i of a layer-op tensor of either dtype, as fp32; and its store (bf16: round to nearest even). */
static inline float cpu_load(const void* p, int32_t dtype, int64_t i) {
    return dtype == GLA_DTYPE_BF16 ? gla_bf16_to_f32(((const uint16_t*)p)[i]) : ((const float*)p)[i];
}

static inline void cpu_store(void* p, int32_t dtype, int64_t i, float v) {
    if (dtype == GLA_DTYPE_BF16) ((uint16_t*)p)[i] = gla_f32_to_bf16(v);
    else ((float*)p)[i] = v;
}

/* The log gate of token `token`, head h, as key_dim values (channel: copied; head: broadcast; none: 0). */
static inline void cpu_load_gate(float* restrict dst, const cpu_problem* p, const float* g, int64_t token, int64_t h) {
    if (p->gate == GLA_GATE_CHANNEL) {
        memcpy(dst, g + (token * p->heads + h) * p->key_dim, (size_t)p->key_dim * sizeof(float));
    } else {
        float x = p->gate == GLA_GATE_HEAD ? g[token * p->heads + h] : 0.0f;
        for (int64_t i = 0; i < p->key_dim; i++) dst[i] = x;
    }
}

/* ---- per-thread workspace (in floats; every region a multiple of 16 floats = 64 bytes) ----
 * Each returns -1 when the size overflows int64. The layouts themselves are in the kernel files. */

/* recurrent fwd (and decode, which is recurrent fwd with T = 1 in place): state S [K,Vp], rows q, k, gate [Kp], v, o [Vp]. */
static inline int64_t cpu_recurrent_fwd_floats(const cpu_problem* p) {
    return p->kp * p->vp + 3 * p->kp + 2 * p->vp;
}

/* recurrent bwd: S and dS [Kp,Vp], rows q, k, gate, dk, anchor [Kp], v, do, dv [Vp], and the state entering each
 * segment of GLA_CPU_CHUNK tokens of one sequence, ceil(T/C) x [Kp,Vp]. */
static inline int64_t cpu_recurrent_bwd_floats(const cpu_problem* p) {
    int64_t n, checkpoints;
    if (gla_mul_i64((p->seq_len + GLA_CPU_CHUNK - 1) / GLA_CPU_CHUNK, p->kp * p->vp, &checkpoints)) return -1;
    n = 2 * p->kp * p->vp + 5 * p->kp + 3 * p->vp;
    if (gla_add_i64(n, checkpoints, &n)) return -1;
    return n;
}

/* chunk tiles (cpu_chunk.h): q, k, graw, g, grev, ks, ek, kst [C,kp]; v [C,vp]; qs, eq [SUB,kp]; a [C,C];
 * egamma, run [kp]. */
static inline int64_t cpu_chunk_tiles_floats(const cpu_problem* p) {
    const int64_t c = GLA_CPU_CHUNK;
    return 8 * c * p->kp + c * p->vp + 2 * GLA_CPU_SUB * p->kp + c * c + 2 * p->kp;
}

/* chunk fwd: the tiles, state S [kp,vp], Qg and Kd [C,kp], O [C,vp]. */
static inline int64_t cpu_chunk_fwd_floats(const cpu_problem* p) {
    const int64_t c = GLA_CPU_CHUNK;
    return cpu_chunk_tiles_floats(p) + p->kp * p->vp + 2 * c * p->kp + c * p->vp;
}

/* chunk bwd: the tiles; dS, S^T, dS^T [kp,vp]; dQ, dK, T, Qg [C,kp]; dO, dV [C,vp], V^T [vp,C]; dA [C,C];
 * dG [C,kp]; the diagonal of dA [C]; and the recomputed states entering each chunk of one sequence plus its final
 * state, (ceil(T/C) + 1) x [kp,vp]. */
static inline int64_t cpu_chunk_bwd_floats(const cpu_problem* p) {
    const int64_t c = GLA_CPU_CHUNK, kv = p->kp * p->vp;
    int64_t states, n;
    if (gla_mul_i64((p->seq_len + c - 1) / c + 1, kv, &states)) return -1;
    n = cpu_chunk_tiles_floats(p) + 3 * kv + 5 * c * p->kp + 3 * c * p->vp + c * c + c;
    if (gla_add_i64(n, states, &n)) return -1;
    return n;
}

/* Segments of the chunk ops. With at least as many (sequence, head) items as threads, each item is one unit of
 * work (segments = 1). With fewer, each item's chunks are split into `segments` contiguous runs so that every
 * thread has work: the state entering each run is found first (each run's own state contribution in parallel,
 * then a short scan per item), then the runs are computed in parallel from their entering states. */
static inline int64_t cpu_segments(const cpu_problem* p, int64_t threads) {
    const int64_t items = p->num_seqs * p->heads, chunks = (p->seq_len + GLA_CPU_CHUNK - 1) / GLA_CPU_CHUNK;
    if (items >= threads) return 1;
    int64_t s = (threads + items - 1) / items;
    return s < chunks ? s : chunks;
}

/* chunk ops, shared across threads when segments > 1: per (item, segment) the entering state, the run's own
 * state contribution, the gradient of its leaving state (bwd) [kp,vp] each, and its summed log gate [kp]. */
static inline int64_t cpu_chunk_shared_floats(const cpu_problem* p, int backward) {
    int64_t n, units;
    if (p->segments <= 1) return 0;
    if (gla_mul_i64(p->num_seqs * p->heads, p->segments, &units)) return -1;
    n = (backward ? 3 : 2) * p->kp * p->vp + p->kp;
    if (gla_mul_i64(units, n, &n)) return -1;
    return n;
}

/* ---- gemm (cpu_gemm.c) ---- */

/* Micro-kernel rows and columns; largest tile of C per thread (MC x NC); K block. */
enum { GEMM_MR = 6, GEMM_NR = 16, GEMM_MC = 96, GEMM_KC = 256, GEMM_NC = 512 };
_Static_assert(GEMM_MC % GEMM_MR == 0 && GEMM_NC % GEMM_NR == 0, "tiles are whole micro-panels");

static inline int64_t gla_cpu_round_up(int64_t x, int64_t m) { return (x + m - 1) / m * m; }

/* Tile shape: at most MC x NC, no larger than C (rounded to micro-panels), and narrower (down to 4 micro-panels)
 * while there are fewer tiles than threads. The shape never changes a result (cpu_gemm.c). */
static inline void gla_cpu_gemm_tiles(const gla_gemm_args* g, int threads, int64_t* mc, int64_t* nc) {
    *mc = g->m < GEMM_MC ? gla_cpu_round_up(g->m, GEMM_MR) : GEMM_MC;
    *nc = g->n < GEMM_NC ? gla_cpu_round_up(g->n, GEMM_NR) : GEMM_NC;
    const int64_t tiles_m = (g->m + *mc - 1) / *mc;
    while (*nc > 4 * GEMM_NR && tiles_m * ((g->n + *nc - 1) / *nc) < threads) *nc = gla_cpu_round_up(*nc / 2, GEMM_NR);
}

/* Per-thread workspace of gemm in floats: packed A [MC, KC], packed B [KC, NC], the fp32 tile [MC, NC]. */
static inline int64_t gla_cpu_gemm_floats(const gla_gemm_args* g, int threads) {
    int64_t mc, nc;
    gla_cpu_gemm_tiles(g, threads, &mc, &nc);
    return gla_cpu_round_up(mc * GEMM_KC + nc * GEMM_KC + mc * nc, 16);
}

#endif /* GLA_CPU_COMMON_H */

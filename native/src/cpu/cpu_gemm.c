/*
 * cpu_gemm.c — gla_gemm on the cpu: C = alpha·op(A)·op(B) + beta·C, row-major, fp32 accumulation. Compiled once per
 * ISA (cpu_isa.h) and chosen at run time with the other kernels.
 *
 * Blocked the usual way (Goto/BLIS): C is cut into tiles of at most GEMM_MC x GEMM_NC; one thread computes a whole
 * tile, walking K in blocks of GEMM_KC. For each K block the tile's rows of op(A) are packed into micro-panels of
 * GEMM_MR rows and its columns of op(B) into micro-panels of GEMM_NR columns (bf16 widened, edges zero-padded), and a
 * GEMM_MR x GEMM_NR register micro-kernel (GCC vector extensions, one FMA per element with -ffp-contract=fast) adds
 * the block's products into an fp32 tile buffer. C is read and written once per tile at the end, so bf16 C is
 * rounded once and beta == 0 never reads C.
 * Every element of C is the same chain of operations whatever the tile shape or thread count (K blocks in order,
 * products within a block in order), so results are bit-identical across thread counts.
 * Tested by native/tests/test_layers.c (every transpose, lda > K, bf16, NaN in C with beta 0, 1 vs 4 threads).
 */
#include "cpu_isa.h"

#include <omp.h>
#include <stdlib.h>

typedef float vec8 __attribute__((vector_size(32)));
_Static_assert(GEMM_NR == 16, "the micro-kernel holds a row of the tile in two vec8");
_Static_assert(GEMM_MR <= GEMM_NR, "pack_panels keeps at most GEMM_NR row offsets");

/* Unaligned vector loads and stores (by pointer: vectors passed by value would change the generic build's ABI). */
#define LOAD8(v, p) memcpy(&(v), (p), sizeof(vec8))
#define STORE8(p, v) memcpy((p), &(v), sizeof(vec8))

/* acc [MR, NR] (ld NR) += Ap [kc, MR] · Bp [kc, NR]; first: acc = instead of +=. */
static inline void micro_kernel(int64_t kc, const float* restrict ap, const float* restrict bp, float* restrict acc,
                                int64_t ldacc, int first) {
    vec8 c[GEMM_MR][2];
    for (int i = 0; i < GEMM_MR; i++) c[i][0] = c[i][1] = (vec8){0};
    for (int64_t p = 0; p < kc; p++) {
        vec8 b0, b1;
        LOAD8(b0, bp + p * GEMM_NR);
        LOAD8(b1, bp + p * GEMM_NR + 8);
        for (int i = 0; i < GEMM_MR; i++) {
            const float a = ap[p * GEMM_MR + i];
            c[i][0] += a * b0;
            c[i][1] += a * b1;
        }
    }
    for (int i = 0; i < GEMM_MR; i++) {
        float* row = acc + i * ldacc;
        if (!first) {
            vec8 r0, r1;
            LOAD8(r0, row);
            LOAD8(r1, row + 8);
            c[i][0] += r0;
            c[i][1] += r1;
        }
        STORE8(row, c[i][0]);
        STORE8(row + 8, c[i][1]);
    }
}

static inline float load_element(const void* x, int bf16, int64_t at) {
    return bf16 ? gla_bf16_to_f32(((const uint16_t*)x)[at]) : ((const float*)x)[at];
}

/* Packs a block of a matrix into micro-panels of W "i" lines: dst[panel][p][W] = X(i0 + panel·W + w, p0 + p), zero
 * for i >= i0 + ni. X(i, p) is x[i·ld + p] when k_contiguous, else x[p·ld + i]; the loops read x along its rows
 * either way. always_inline so that each (bf16, k_contiguous, W) combination gets its own straight loops. */
static inline __attribute__((always_inline)) void pack_panels(const void* x, int bf16, int64_t ld, int k_contiguous,
                                                              int64_t i0, int64_t ni, int64_t p0, int64_t kc, int W,
                                                              float* restrict dst) {
    for (int64_t ir = 0; ir < ni; ir += W) {
        float* panel = dst + ir * kc;
        const int64_t w_valid = ni - ir < W ? ni - ir : W;
        if (k_contiguous) {
            /* all W source rows advance together: W sequential streams the prefetcher follows (one row at a time
             * would touch each 4 KiB page for only kc elements and wait on memory) */
            int64_t row[GEMM_NR];
            for (int64_t w = 0; w < w_valid; w++) row[w] = (i0 + ir + w) * ld + p0;
            for (int64_t p = 0; p < kc; p++) {
                for (int64_t w = 0; w < w_valid; w++) panel[p * W + w] = load_element(x, bf16, row[w] + p);
                for (int64_t w = w_valid; w < W; w++) panel[p * W + w] = 0.0f;
            }
        } else {
            for (int64_t p = 0; p < kc; p++) {
                const int64_t row = (p0 + p) * ld + i0 + ir;
                for (int64_t w = 0; w < w_valid; w++) panel[p * W + w] = load_element(x, bf16, row + w);
                for (int64_t w = w_valid; w < W; w++) panel[p * W + w] = 0.0f;
            }
        }
    }
}

/* op(A) rows [i0, i0+mc) x K columns [p0, p0+kc) into micro-panels of MR rows. A is [M,K] (K contiguous) or, with
 * trans_a, [K,M]. */
static void pack_a(const gla_gemm_args* g, int64_t i0, int64_t mc, int64_t p0, int64_t kc, float* restrict ap) {
    const int bf16 = g->ab_dtype == GLA_DTYPE_BF16;
    if (bf16 && g->trans_a) pack_panels(g->a, 1, g->lda, 0, i0, mc, p0, kc, GEMM_MR, ap);
    else if (bf16) pack_panels(g->a, 1, g->lda, 1, i0, mc, p0, kc, GEMM_MR, ap);
    else if (g->trans_a) pack_panels(g->a, 0, g->lda, 0, i0, mc, p0, kc, GEMM_MR, ap);
    else pack_panels(g->a, 0, g->lda, 1, i0, mc, p0, kc, GEMM_MR, ap);
}

/* op(B) K rows [p0, p0+kc) x columns [j0, j0+nc) into micro-panels of NR columns. B is [K,N] or, with trans_b,
 * [N,K] (K contiguous: weights stored [out, in]). */
static void pack_b(const gla_gemm_args* g, int64_t p0, int64_t kc, int64_t j0, int64_t nc, float* restrict bp) {
    const int bf16 = g->ab_dtype == GLA_DTYPE_BF16;
    if (bf16 && g->trans_b) pack_panels(g->b, 1, g->ldb, 1, j0, nc, p0, kc, GEMM_NR, bp);
    else if (bf16) pack_panels(g->b, 1, g->ldb, 0, j0, nc, p0, kc, GEMM_NR, bp);
    else if (g->trans_b) pack_panels(g->b, 0, g->ldb, 1, j0, nc, p0, kc, GEMM_NR, bp);
    else pack_panels(g->b, 0, g->ldb, 0, j0, nc, p0, kc, GEMM_NR, bp);
}

/* C tile [i0, i0+mc) x [j0, j0+nc) = alpha·acc + beta·C (acc NULL: alpha·op(A)·op(B) is 0). */
static void write_tile(const gla_gemm_args* g, int64_t i0, int64_t mc, int64_t j0, int64_t nc, const float* acc,
                       int64_t ldacc) {
    for (int64_t i = 0; i < mc; i++) {
        const int64_t row = (i0 + i) * g->ldc + j0;
        for (int64_t j = 0; j < nc; j++) {
            float v = acc ? g->alpha * acc[i * ldacc + j] : 0.0f;
            if (g->beta != 0.0f) {
                const float c = g->c_dtype == GLA_DTYPE_BF16 ? gla_bf16_to_f32(((const uint16_t*)g->c)[row + j])
                                                              : ((const float*)g->c)[row + j];
                v += g->beta * c;
            }
            if (g->c_dtype == GLA_DTYPE_BF16) ((uint16_t*)g->c)[row + j] = gla_f32_to_bf16(v);
            else ((float*)g->c)[row + j] = v;
        }
    }
}

void GLA_ISA_FN(gla_cpu_gemm)(const gla_gemm_args* g, float* workspace, int threads) {
    const int64_t m = g->m, n = g->n, k = g->k;
    int64_t mc_max, nc_max;
    gla_cpu_gemm_tiles(g, threads, &mc_max, &nc_max);
    const int64_t tiles_m = (m + mc_max - 1) / mc_max, tiles_n = (n + nc_max - 1) / nc_max;
    const int64_t per_thread = gla_cpu_gemm_floats(g, threads);
    const int no_product = k == 0 || g->alpha == 0.0f; /* BLAS: A and B are not read */
#pragma omp parallel num_threads(threads)
    {
        float* ws = workspace + (int64_t)omp_get_thread_num() * per_thread;
        float* ap = ws;
        float* bp = ap + mc_max * GEMM_KC;
        float* acc = bp + nc_max * GEMM_KC;
#pragma omp for schedule(static)
        for (int64_t t = 0; t < tiles_m * tiles_n; t++) {
            const int64_t i0 = t / tiles_n * mc_max, j0 = t % tiles_n * nc_max;
            const int64_t mc = m - i0 < mc_max ? m - i0 : mc_max, nc = n - j0 < nc_max ? n - j0 : nc_max;
            if (no_product) {
                write_tile(g, i0, mc, j0, nc, NULL, 0);
                continue;
            }
            const int64_t ldacc = gla_cpu_round_up(nc, GEMM_NR);
            for (int64_t p0 = 0; p0 < k; p0 += GEMM_KC) {
                const int64_t kc = k - p0 < GEMM_KC ? k - p0 : GEMM_KC;
                pack_a(g, i0, mc, p0, kc, ap);
                pack_b(g, p0, kc, j0, nc, bp);
                for (int64_t jr = 0; jr < nc; jr += GEMM_NR)
                    for (int64_t ir = 0; ir < mc; ir += GEMM_MR)
                        micro_kernel(kc, ap + ir * kc, bp + jr * kc, acc + ir * ldacc + jr, ldacc, p0 == 0);
            }
            write_tile(g, i0, mc, j0, nc, acc, ldacc);
        }
    }
}

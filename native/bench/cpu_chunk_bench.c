/*
 * cpu_chunk_bench.c — times gla_chunk_fwd and gla_chunk_fwd + gla_chunk_bwd on the cpu backend through gla.h,
 * at B=2, H=4, T=8192, K=V=128, fp32, per-channel gates (override: B H T K V on the command line), on
 * `threads` threads (default 2), and prints GFLOP/s (median of the timed runs).
 *   build: cmake --build <build> --target cpu_chunk_bench
 *   run:   OMP_PROC_BIND=close <build>/bench/cpu_chunk_bench [threads] [B H T K V]
 *          (GLA4J_CPU_ISA=generic|avx2 times a narrower kernel variant)
 *
 * FLOP convention (multiply-add = 2 FLOP; matmul work only, exps and elementwise work not counted), per head
 * and per chunk of C = 64 tokens:
 *   forward  = 2CKV (q h) + 2CKV (k^T v state update) + C^2 K (A = q k^T, causal half) + C^2 V (A v, causal half)
 *   backward = 2CKV (state recompute) + 4 x 2CKV (dq, dk, dv inter-chunk, dh) + 3 C^2 K (A recompute, dq, dk
 *              intra, causal halves) + 2 C^2 V (dA = do v^T, dv intra, causal halves)
 * i.e. per token and head: forward 4KV + C(K+V), backward 10KV + C(3K+2V).
 * On a shared machine the wall-clock figures drop when other processes take the cores; the "cpu" figures divide
 * by the process CPU time per thread instead (what the threads got), which is what the kernels achieve.
 */
#include "gla.h"

#include <math.h>
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define RUNS 5

static void die(const char* what, gla_status s) {
    const char* m = "";
    gla_get_last_error(&m);
    fprintf(stderr, "cpu_chunk_bench: %s failed (%d): %s\n", what, (int)s, m);
    exit(1);
}

#define CALL(x)                                                                                                   \
    do {                                                                                                          \
        gla_status s_ = (x);                                                                                      \
        if (s_ != GLA_OK) die(#x, s_);                                                                            \
    } while (0)

static double cpu_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int compare(const void* a, const void* b) {
    double x = *(const double*)a, y = *(const double*)b;
    return (x > y) - (x < y);
}

static float* buffer(gla_context* ctx, int64_t n, float lo, float hi, unsigned* seed) {
    void* p = NULL;
    CALL(gla_malloc(ctx, n * 4, &p));
    float* f = p;
    for (int64_t i = 0; i < n; i++) {
        *seed = *seed * 1664525u + 1013904223u;
        f[i] = lo + (hi - lo) * (float)(*seed >> 8) / 16777216.0f;
    }
    return f;
}

int main(int argc, char** argv) {
    int threads = argc > 1 ? atoi(argv[1]) : 2;
    int64_t B = 2, H = 4, T = 8192, K = 128, V = 128;
    if (argc > 6) B = atoll(argv[2]), H = atoll(argv[3]), T = atoll(argv[4]), K = atoll(argv[5]), V = atoll(argv[6]);
    gla_context* ctx = NULL;
    CALL(gla_context_create(GLA_BACKEND_CPU, 0, &ctx));
    CALL(gla_context_set_threads(ctx, threads));
    gla_dims d = {B, T, H, K, V, 0, (float)(1.0 / sqrt((double)K)), GLA_DTYPE_F32, GLA_GATE_CHANNEL,
                  GLA_ALGORITHM_AUTO};
    const int64_t nqk = B * T * H * K, nv = B * T * H * V;
    unsigned seed = 1;
    float *q = buffer(ctx, nqk, -1, 1, &seed), *k = buffer(ctx, nqk, -1, 1, &seed), *v = buffer(ctx, nv, -1, 1, &seed);
    float *g = buffer(ctx, nqk, -0.1f, 0.0f, &seed), *o = buffer(ctx, nv, 0, 0, &seed);
    float *dout = buffer(ctx, nv, -1, 1, &seed), *dq = buffer(ctx, nqk, 0, 0, &seed), *dk = buffer(ctx, nqk, 0, 0, &seed);
    float *dv = buffer(ctx, nv, 0, 0, &seed), *dg = buffer(ctx, nqk, 0, 0, &seed);
    int64_t fws = 0, bws = 0;
    void *wf = NULL, *wb = NULL;
    CALL(gla_workspace_size(ctx, GLA_OP_CHUNK_FWD, &d, &fws));
    CALL(gla_workspace_size(ctx, GLA_OP_CHUNK_BWD, &d, &bws));
    CALL(gla_malloc(ctx, fws, &wf));
    CALL(gla_malloc(ctx, bws, &wb));

    const double C = 64.0, tokens_heads = (double)(B * T * H);
    const double flop_fwd = tokens_heads * (4.0 * K * V + C * (K + V));
    const double flop_bwd = tokens_heads * (10.0 * K * V + C * (3.0 * K + 2.0 * V));
    double tf[RUNS], tb[RUNS], cf[RUNS], cb[RUNS];
    CALL(gla_chunk_fwd(ctx, &d, q, k, v, g, NULL, NULL, o, NULL, wf, fws)); /* warm-up */
    CALL(gla_chunk_bwd(ctx, &d, q, k, v, g, NULL, NULL, dout, NULL, dq, dk, dv, dg, NULL, wb, bws));
    for (int r = 0; r < RUNS; r++) {
        double t0 = omp_get_wtime(), c0 = cpu_seconds();
        CALL(gla_chunk_fwd(ctx, &d, q, k, v, g, NULL, NULL, o, NULL, wf, fws));
        double t1 = omp_get_wtime(), c1 = cpu_seconds();
        CALL(gla_chunk_bwd(ctx, &d, q, k, v, g, NULL, NULL, dout, NULL, dq, dk, dv, dg, NULL, wb, bws));
        double t2 = omp_get_wtime(), c2 = cpu_seconds();
        tf[r] = t1 - t0;
        tb[r] = t2 - t0;
        cf[r] = (c1 - c0) / threads;
        cb[r] = (c2 - c0) / threads;
    }
    qsort(tf, RUNS, sizeof(double), compare);
    qsort(tb, RUNS, sizeof(double), compare);
    qsort(cf, RUNS, sizeof(double), compare);
    qsort(cb, RUNS, sizeof(double), compare);
    uint32_t features = 0;
    gla_cpu_features(&features);
    const char* isa = getenv("GLA4J_CPU_ISA"); /* narrows the kernel variant, see cpu_backend.c */
    if (isa == NULL) isa = (features & GLA_CPU_AVX512F) ? "avx512" : (features & GLA_CPU_AVX2) ? "avx2" : "generic";
    printf("cpu_chunk_bench: B=%lld H=%lld T=%lld K=%lld V=%lld fp32, %d threads (%s)\n", (long long)B, (long long)H,
           (long long)T, (long long)K, (long long)V, threads, isa);
    printf("  chunk fwd      %8.2f ms  %7.1f GFLOP/s   (cpu %8.2f ms per thread, %7.1f GFLOP/s)\n", tf[RUNS / 2] * 1e3,
           flop_fwd / tf[RUNS / 2] * 1e-9, cf[RUNS / 2] * 1e3, flop_fwd / cf[RUNS / 2] * 1e-9);
    printf("  chunk fwd+bwd  %8.2f ms  %7.1f GFLOP/s   (cpu %8.2f ms per thread, %7.1f GFLOP/s)\n", tb[RUNS / 2] * 1e3,
           (flop_fwd + flop_bwd) / tb[RUNS / 2] * 1e-9, cb[RUNS / 2] * 1e3, (flop_fwd + flop_bwd) / cb[RUNS / 2] * 1e-9);
    void* bufs[] = {q, k, v, g, o, dout, dq, dk, dv, dg, wf, wb};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) CALL(gla_free(ctx, bufs[i]));
    CALL(gla_context_destroy(ctx));
    return 0;
}

/*
 * cpu_peak.c — measures this machine's fp32 FMA peak (GFLOP/s), the yardstick for the cpu kernels' efficiency.
 * Each thread runs chains of independent FMAs on register-resident vectors (enough chains to cover the FMA
 * latency on every port); 1 FMA = 2 FLOP per lane. Uses AVX-512 or AVX2 as the CPU supports (run-time check).
 *   build: cmake --build <build> --target cpu_peak      run: <build>/bench/cpu_peak [threads]
 * Prints the single-thread and the all-threads peak, each the best of 5 tries (the machine may be shared).
 */
#include <omp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>

#define CHAINS 24 /* independent accumulators: > latency (4) x FMA ports (2) with margin */
#define ITERS 20000000L

typedef float v16 __attribute__((vector_size(64)));
typedef float v8 __attribute__((vector_size(32)));

/* Returns the number of FLOPs performed; the result feeds *sink so the work is not optimized away. */
__attribute__((target("avx512f,fma"))) static double run_avx512(long iters, float* sink) {
    v16 acc[CHAINS];
    const v16 a = (v16){0} + 0.999999f, b = (v16){0} + 1e-7f;
    for (int i = 0; i < CHAINS; i++) acc[i] = (v16){0} + (float)i;
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 24
        for (int i = 0; i < CHAINS; i++) acc[i] = acc[i] * a + b;
        __asm__ volatile("" : "+v"(acc[0]), "+v"(acc[1]), "+v"(acc[2]), "+v"(acc[3]));
    }
    v16 s = (v16){0};
    for (int i = 0; i < CHAINS; i++) s += acc[i];
    *sink = s[0];
    return 2.0 * 16 * CHAINS * (double)iters;
}

__attribute__((target("avx2,fma"))) static double run_avx2(long iters, float* sink) {
    v8 acc[12];
    const v8 a = (v8){0} + 0.999999f, b = (v8){0} + 1e-7f;
    for (int i = 0; i < 12; i++) acc[i] = (v8){0} + (float)i;
    for (long it = 0; it < iters; it++) {
#pragma GCC unroll 12
        for (int i = 0; i < 12; i++) acc[i] = acc[i] * a + b;
        __asm__ volatile("" : "+x"(acc[0]), "+x"(acc[1]), "+x"(acc[2]), "+x"(acc[3]));
    }
    v8 s = (v8){0};
    for (int i = 0; i < 12; i++) s += acc[i];
    *sink = s[0];
    return 2.0 * 8 * 12 * (double)iters;
}

/* GFLOP/s with `threads` threads (each runs the full loop), one try. */
static double measure_once(int threads, int avx512) {
    double flops = 0.0, t0 = 0.0, t1 = 0.0;
    float sinks[256] = {0};
#pragma omp parallel num_threads(threads) reduction(+ : flops)
    {
        float* sink = &sinks[omp_get_thread_num() % 256];
        if (avx512) run_avx512(ITERS / 20, sink); else run_avx2(ITERS / 10, sink); /* warm up the clocks */
#pragma omp barrier
#pragma omp master
        t0 = omp_get_wtime();
        flops += avx512 ? run_avx512(ITERS, sink) : run_avx2(ITERS, sink);
#pragma omp barrier
#pragma omp master
        t1 = omp_get_wtime();
    }
    return flops / (t1 - t0) * 1e-9;
}

/* The best of several tries: the peak is what the hardware can do, so interference only ever lowers a try. */
static double measure(int threads, int avx512) {
    double best = 0.0;
    for (int i = 0; i < 5; i++) {
        double g = measure_once(threads, avx512);
        if (g > best) best = g;
    }
    return best;
}

int main(int argc, char** argv) {
    int threads = argc > 1 ? atoi(argv[1]) : omp_get_max_threads();
    if (threads < 1) threads = 1;
    __builtin_cpu_init();
    int avx512 = __builtin_cpu_supports("avx512f"), avx2 = __builtin_cpu_supports("avx2") && __builtin_cpu_supports("fma");
    if (!avx512 && !avx2) {
        printf("cpu_peak: neither AVX-512 nor AVX2+FMA; nothing to measure\n");
        return 0;
    }
    const char* isa = avx512 ? "avx512" : "avx2";
    double one = measure(1, avx512), all = measure(threads, avx512);
    printf("cpu_peak: fp32 FMA (%s) 1 thread %.1f GFLOP/s, %d threads %.1f GFLOP/s (%.1f per thread)\n", isa, one,
           threads, all, all / threads);
    return 0;
}

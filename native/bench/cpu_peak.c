/*
 * cpu_peak.c — measures this machine's fp32 FMA peak (GFLOP/s), the yardstick for the cpu kernels' efficiency.
 * Each thread runs 24 independent chains of register-to-register FMAs (inline assembly: more chains than
 * FMA latency x ports, nothing to spill); 1 FMA = 2 FLOP per lane. Uses AVX-512 or AVX2 as the CPU supports (run-time check).
 *   build: cmake --build <build> --target cpu_peak      run: <build>/bench/cpu_peak [threads]
 * Prints the single-thread and the all-threads peak, each the best of 5 tries, timed in each thread's own CPU
 * time (on a shared machine wall time also counts the time other processes hold the cores).
 */
#include <omp.h>
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#define ITERS 20000000L

/* Inline assembly, so that the compiler can neither spill the accumulators nor merge the chains. */
/* 24 independent chains of 512-bit FMAs (> latency 4 x 2 FMA ports, with margin). Returns the FLOPs. */
__attribute__((target("avx512f"))) static double run_avx512(long iters) {
    long n = iters;
    __asm__ volatile("vpxord %%zmm0, %%zmm0, %%zmm0\n\t"
                     "1:\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm0\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm1\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm2\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm3\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm4\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm5\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm6\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm7\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm8\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm9\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm10\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm11\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm12\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm13\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm14\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm15\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm16\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm17\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm18\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm19\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm20\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm21\n\t"
                     "vfmadd231ps %%zmm30, %%zmm31, %%zmm22\n\t vfmadd231ps %%zmm30, %%zmm31, %%zmm23\n\t"
                     "dec %0\n\t"
                     "jnz 1b\n\t"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                       "xmm11", "xmm12", "xmm13", "xmm14", "xmm15", "xmm16", "xmm17", "xmm18", "xmm19", "xmm20",
                       "xmm21", "xmm22", "xmm23", "cc");
    return 2.0 * 16 * 24 * (double)iters;
}

/* 12 independent chains of 256-bit FMAs. */
__attribute__((target("avx2,fma"))) static double run_avx2(long iters) {
    long n = iters;
    __asm__ volatile("1:\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm0\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm1\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm2\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm3\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm4\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm5\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm6\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm7\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm8\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm9\n\t"
                     "vfmadd231ps %%ymm14, %%ymm15, %%ymm10\n\t vfmadd231ps %%ymm14, %%ymm15, %%ymm11\n\t"
                     "dec %0\n\t"
                     "jnz 1b\n\t"
                     : "+r"(n)
                     :
                     : "xmm0", "xmm1", "xmm2", "xmm3", "xmm4", "xmm5", "xmm6", "xmm7", "xmm8", "xmm9", "xmm10",
                       "xmm11", "cc");
    return 2.0 * 8 * 12 * (double)iters;
}

/* CPU time of the calling thread: unlike wall time, it does not count the time other processes hold the core. */
static double thread_seconds(void) {
    struct timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* GFLOP/s with `threads` threads running at once, one try: the sum over threads of each one's FLOPs per second of
 * its own CPU time. */
static double measure_once(int threads, int avx512) {
    double total = 0.0;
#pragma omp parallel num_threads(threads) reduction(+ : total)
    {
        if (avx512) run_avx512(ITERS / 20); else run_avx2(ITERS / 10); /* warm up the clocks */
#pragma omp barrier
        double t0 = thread_seconds();
        double flops = avx512 ? run_avx512(ITERS) : run_avx2(ITERS);
        total += flops / (thread_seconds() - t0) * 1e-9;
    }
    return total;
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

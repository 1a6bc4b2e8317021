/* test_util.c — see test_util.h. */
#include "test_util.h"

#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int test_failures = 0;

int test_finish(const char* name) {
    if (test_failures == 0) {
        printf("%s: all checks passed\n", name);
        return 0;
    }
    printf("%s: %d check(s) failed\n", name, test_failures);
    return 1;
}

void rng_seed(test_rng* r, uint64_t seed) { r->state = seed * 0x9E3779B97F4A7C15ull + 0x1234567ull; }

static uint64_t rng_next(test_rng* r) {
    uint64_t x = r->state;
    x ^= x << 13;
    x ^= x >> 7;
    x ^= x << 17;
    r->state = x;
    return x;
}

double rng_uniform(test_rng* r, double lo, double hi) {
    return lo + (hi - lo) * ((double)(rng_next(r) >> 11) * (1.0 / 9007199254740992.0));
}

double rng_normal(test_rng* r) {
    double u1 = rng_uniform(r, 1e-12, 1.0), u2 = rng_uniform(r, 0.0, 1.0);
    return sqrt(-2.0 * log(u1)) * cos(6.283185307179586 * u2);
}

float* test_randn(test_rng* r, int64_t n, double scale) {
    float* x = test_malloc((size_t)n * sizeof(float));
    for (int64_t i = 0; i < n; i++) x[i] = (float)(scale * rng_normal(r));
    return x;
}

void* test_malloc(size_t n) {
    void* p = malloc(n > 0 ? n : 1);
    if (p == NULL) {
        fprintf(stderr, "test: out of memory (%zu bytes)\n", n);
        exit(2);
    }
    return p;
}

uint16_t test_f32_to_bf16(float f) {
    uint32_t u;
    memcpy(&u, &f, sizeof u);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 0x40u);
    u += 0x7fffu + ((u >> 16) & 1u);
    return (uint16_t)(u >> 16);
}

uint16_t* test_bf16_of(const float* x, int64_t n) {
    uint16_t* b = test_malloc((size_t)n * 2);
    for (int64_t i = 0; i < n; i++) b[i] = test_f32_to_bf16(x[i]);
    return b;
}

float test_bf16_to_f32(uint16_t b) {
    uint32_t u = (uint32_t)b << 16;
    float f;
    memcpy(&f, &u, sizeof f);
    return f;
}

void poison_f32(float* x, size_t n) {
    for (size_t i = 0; i < n; i++) x[i] = NAN;
}

void poison(void* x, size_t n, int32_t dtype) {
    if (dtype == GLA_DTYPE_BF16) {
        for (size_t i = 0; i < n; i++) ((uint16_t*)x)[i] = 0x7fc0u;
    } else {
        poison_f32((float*)x, n);
    }
}

double rel_rms(const void* x, int32_t dtype, const double* ref, size_t n) {
    double num = 0.0, den = 0.0;
    for (size_t i = 0; i < n; i++) {
        double xi = dtype == GLA_DTYPE_BF16 ? test_bf16_to_f32(((const uint16_t*)x)[i]) : ((const float*)x)[i];
        if (!isfinite(xi)) return INFINITY;
        num += (xi - ref[i]) * (xi - ref[i]);
        den += ref[i] * ref[i];
    }
    if (n == 0) return 0.0;
    return den > 0.0 ? sqrt(num / den) : sqrt(num / (double)n);
}

double rel_rms_f32(const float* x, const double* ref, size_t n) { return rel_rms(x, GLA_DTYPE_F32, ref, n); }

gla_dims test_dims(int64_t b, int64_t t, int64_t h, int64_t k, int64_t v, int64_t num_seqs, int32_t dtype,
                   int32_t gate) {
    gla_dims d;
    memset(&d, 0, sizeof d);
    d.batch = b;
    d.seq_len = t;
    d.heads = h;
    d.key_dim = k;
    d.value_dim = v;
    d.num_seqs = num_seqs;
    d.scale = (float)(1.0 / sqrt((double)k));
    d.dtype = dtype;
    d.gate = gate;
    d.algorithm = GLA_ALGORITHM_AUTO;
    return d;
}

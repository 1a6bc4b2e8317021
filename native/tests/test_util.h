/*
 * test_util.h — small helpers shared by the CTest programs: checks that count failures, a seeded RNG, bf16
 * rounding, NaN poisoning and the relative RMS metric.
 */
#ifndef GLA_TEST_UTIL_H
#define GLA_TEST_UTIL_H

#include "gla.h"

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

extern int test_failures;

/* Records a failure (with file:line) when cond is false; the test goes on. */
/* Short names for the element types in calls. */
enum { F32 = GLA_DTYPE_F32, BF16 = GLA_DTYPE_BF16 };

#define CHECK(cond, ...)                                                                                          \
    do {                                                                                                          \
        if (!(cond)) {                                                                                            \
            test_failures++;                                                                                      \
            fprintf(stderr, "FAIL %s:%d: ", __FILE__, __LINE__);                                                  \
            fprintf(stderr, __VA_ARGS__);                                                                         \
            fputc('\n', stderr);                                                                                  \
        }                                                                                                         \
    } while (0)

/* Checks that a gla call returned GLA_OK, printing the library's message otherwise. */
#define CHECK_OK(call)                                                                                            \
    do {                                                                                                          \
        gla_status s_ = (call);                                                                                   \
        if (s_ != GLA_OK) {                                                                                       \
            const char* m_ = "";                                                                                  \
            gla_get_last_error(&m_);                                                                              \
            CHECK(0, "%s returned %d: %s", #call, (int)s_, m_);                                                  \
        }                                                                                                         \
    } while (0)

/* Exit code of a test program: 0 when no CHECK failed. */
int test_finish(const char* name);

/* malloc that never returns NULL: out of memory ends the test program (exit 2). */
void* test_malloc(size_t n);

/* Deterministic xorshift RNG. */
typedef struct test_rng {
    uint64_t state;
} test_rng;
void rng_seed(test_rng* r, uint64_t seed);
double rng_uniform(test_rng* r, double lo, double hi); /* [lo, hi) */
double rng_normal(test_rng* r);
/* n floats of scale * N(0, 1) from r, in test_malloc memory. */
float* test_randn(test_rng* r, int64_t n, double scale);

uint16_t test_f32_to_bf16(float f); /* round to nearest even */
float test_bf16_to_f32(uint16_t b);
/* A new array of x's n values rounded to bf16 (free it). */
uint16_t* test_bf16_of(const float* x, int64_t n);

/* Fills n floats with NaN. */
void poison_f32(float* x, size_t n);
/* Fills n elements of a f32 or bf16 tensor with NaN. */
void poison(void* x, size_t n, int32_t dtype);

/* Relative RMS error of a native tensor (f32 or bf16) against a double reference:
 * sqrt(sum (x - r)^2 / sum r^2); +inf when x has a NaN or inf. With a zero reference, the absolute RMS. */
double rel_rms(const void* x, int32_t dtype, const double* ref, size_t n);
double rel_rms_f32(const float* x, const double* ref, size_t n);

/* gla_dims in one line. */
gla_dims test_dims(int64_t b, int64_t t, int64_t h, int64_t k, int64_t v, int64_t num_seqs, int32_t dtype,
                   int32_t gate);

#endif /* GLA_TEST_UTIL_H */

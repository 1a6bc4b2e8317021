/*
 * cpu_simd.h — vector building blocks of the cpu kernels, written once with GCC vector extensions and compiled
 * per ISA (cpu_isa.h): VW floats per vector (16 AVX-512, 8 AVX2, 4 SSE2), a vectorized exp, and a
 * register-blocked fp32 matmul micro-kernel. Every length handed to these is a multiple of GLA_CPU_PAD (16),
 * hence of VW: rows are zero-padded (cpu_common.h), so there are no tails and no masks.
 */
#ifndef GLA_CPU_SIMD_H
#define GLA_CPU_SIMD_H

#include "cpu_common.h"

#if defined(__AVX512F__)
#define VW 16
#define GEMM_NV 4 /* tile 4 rows x 4 vectors: 16 zmm accumulators */
#elif defined(__AVX2__)
#define VW 8
#define GEMM_NV 2 /* 4 x 2 ymm: 8 accumulators, room for loads in 16 registers */
#else
#define VW 4
#define GEMM_NV 2
#endif
_Static_assert(GLA_CPU_PAD % VW == 0, "padded rows are whole vectors");

typedef float vf __attribute__((vector_size(VW * sizeof(float))));
typedef int32_t vi __attribute__((vector_size(VW * sizeof(int32_t))));

static inline vf vload(const float* p) {
    vf v;
    memcpy(&v, p, sizeof v);
    return v;
}

static inline void vstore(float* p, vf v) { memcpy(p, &v, sizeof v); }

static inline vf vset1(float x) { return (vf){0} + x; }

/* mask ? a : b, lane-wise (mask lanes are all ones or all zeros, as comparisons give). */
static inline vf vselect(vi mask, vf a, vf b) { return (vf)((mask & (vi)a) | (~mask & (vi)b)); }

static inline float vsum(vf v) {
    float s = 0.0f;
    for (int i = 0; i < VW; i++) s += v[i];
    return s;
}

static inline vf vmax(vf a, vf b) { return vselect(a > b, a, b); }

/* exp(x), lane-wise, ~2 ulp: x = n ln2 + r, |r| <= ln2/2, a degree-6 polynomial for e^r, times 2^n.
 * exp(x) = 0 below ln(FLT_MIN) (where fp32 would only hold subnormals), +inf above 88.3, NaN stays NaN. */
static inline vf vexp(vf x) {
    const vf hi = vset1(88.3f), lo = vset1(-87.3f); /* 2^n stays a normal float for n in [-126, 127] */
    vi under = x < lo;
    vi over = x > hi;
    vf xc = vselect(over, hi, vselect(under, lo, x));
    const vf magic = vset1(12582912.0f); /* 1.5 * 2^23: adding it rounds to an integer in the low mantissa bits */
    vf t = xc * vset1(1.44269504088896341f) + magic;
    vi n = (vi)t - (vi)magic;
    vf nf = t - magic;
    vf r = xc - nf * vset1(0.693359375f);
    r = r - nf * vset1(-2.12194440e-4f);
    vf p = vset1(1.9875691500e-4f);
    p = p * r + vset1(1.3981999507e-3f);
    p = p * r + vset1(8.3334519073e-3f);
    p = p * r + vset1(4.1665795894e-2f);
    p = p * r + vset1(1.6666665459e-1f);
    p = p * r + vset1(5.0000001201e-1f);
    p = p * r * r + r + vset1(1.0f);
    vf scale = (vf)((n + 127) << 23);
    vf y = p * scale;
    y = vselect(over, vset1(__builtin_inff()), y);
    return vselect(under, vset1(0.0f), y);
}

/* ---- matmul: C[M,N] = (accumulate ? C : 0) + A B ----
 * A(i,p) = A[i*ars + p*acs] (row-major A: ars = lda, acs = 1; transposed: ars = 1, acs = lda); B row-major
 * [P,N] with row stride ldb; C row-major with row stride ldc. M % 4 == 0, N % VW == 0.
 * The micro-kernel keeps a 4 x NV-vector tile of C in registers over the whole P loop: per p it loads NV
 * vectors of B and broadcasts 4 elements of A, for 4*NV independent FMAs. */
#define GLA_DEFINE_TILE(NV)                                                                                         \
    static inline void tile4x##NV(int64_t P, const float* restrict A, int64_t ars, int64_t acs,                      \
                                  const float* restrict B, int64_t ldb, float* restrict C, int64_t ldc,              \
                                  int accumulate) {                                                                  \
        vf c0[NV], c1[NV], c2[NV], c3[NV];                                                                           \
        for (int j = 0; j < NV; j++) c0[j] = c1[j] = c2[j] = c3[j] = (vf){0};                                        \
        const float *a0 = A, *a1 = A + ars, *a2 = A + 2 * ars, *a3 = A + 3 * ars;                                   \
        for (int64_t p = 0; p < P; p++) {                                                                            \
            vf b[NV];                                                                                                \
            for (int j = 0; j < NV; j++) b[j] = vload(B + p * ldb + j * VW);                                         \
            const vf x0 = vset1(a0[p * acs]), x1 = vset1(a1[p * acs]), x2 = vset1(a2[p * acs]),                      \
                     x3 = vset1(a3[p * acs]);                                                                        \
            for (int j = 0; j < NV; j++) {                                                                           \
                c0[j] += x0 * b[j];                                                                                  \
                c1[j] += x1 * b[j];                                                                                  \
                c2[j] += x2 * b[j];                                                                                  \
                c3[j] += x3 * b[j];                                                                                  \
            }                                                                                                        \
        }                                                                                                            \
        for (int j = 0; j < NV; j++) {                                                                               \
            if (accumulate) {                                                                                        \
                c0[j] += vload(C + j * VW), c1[j] += vload(C + ldc + j * VW);                                        \
                c2[j] += vload(C + 2 * ldc + j * VW), c3[j] += vload(C + 3 * ldc + j * VW);                          \
            }                                                                                                        \
            vstore(C + j * VW, c0[j]), vstore(C + ldc + j * VW, c1[j]);                                              \
            vstore(C + 2 * ldc + j * VW, c2[j]), vstore(C + 3 * ldc + j * VW, c3[j]);                                \
        }                                                                                                            \
    }
GLA_DEFINE_TILE(1)
GLA_DEFINE_TILE(2)
#if GEMM_NV >= 4
GLA_DEFINE_TILE(3)
GLA_DEFINE_TILE(4)
#endif

static inline void gemm(int64_t M, int64_t N, int64_t P, const float* A, int64_t ars, int64_t acs, const float* B,
                        int64_t ldb, float* C, int64_t ldc, int accumulate) {
    /* Column panels outermost: a P x (NV*VW) panel of B stays in L1 while every row tile passes over it. */
    for (int64_t j0 = 0; j0 < N; j0 += GEMM_NV * VW) {
        const int64_t nv = (N - j0) / VW < GEMM_NV ? (N - j0) / VW : GEMM_NV;
        for (int64_t i0 = 0; i0 < M; i0 += 4) {
            const float* a = A + i0 * ars;
            float* c = C + i0 * ldc + j0;
            switch (nv) {
#if GEMM_NV >= 4
            case 4: tile4x4(P, a, ars, acs, B + j0, ldb, c, ldc, accumulate); break;
            case 3: tile4x3(P, a, ars, acs, B + j0, ldb, c, ldc, accumulate); break;
#endif
            case 2: tile4x2(P, a, ars, acs, B + j0, ldb, c, ldc, accumulate); break;
            default: tile4x1(P, a, ars, acs, B + j0, ldb, c, ldc, accumulate); break;
            }
        }
    }
}

#endif /* GLA_CPU_SIMD_H */

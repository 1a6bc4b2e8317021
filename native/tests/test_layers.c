/*
 * test_layers.c — the layer ops of gla.h on the cpu backend against plain double loops written here: gemm (every
 * transpose, leading dims larger than the rows, alpha/beta, beta 0 over NaN, k 0, bf16 inputs and outputs), the
 * norms and their gradients (accumulate_dx), SwiGLU, the log-sigmoid gate (with and without clamp), grouped heads,
 * embedding (padding_idx, repeated ids), cross-entropy (vocab 32000, ignored rows, dlogits in place), add (in place),
 * bias_add, bias_grad, scale, sum_squares, cast (exact round-to-nearest-even), AdamW, the fused decoding products
 * (every prologue, both epilogues, fp32 and bf16 weights, several outputs, in-place residual, in 0); with bf16
 * activations, bit for bit the fp32 op on the same values (bf16 outputs: its result rounded). Awkward sizes (rows 1,
 * 3, 37; widths 1, 5, 17, 1000); every output poisoned with NaN before each call. Metric: relative RMS error, fp32
 * outputs <= 1e-5, bf16 outputs <= 5e-3, no NaN. Then determinism: the reductions, gemm and the decoding products
 * give the same bits at 1 and 4 threads; the decoding step with its gate projection equals the gate product then the
 * step. CTest: layers.
 */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL_F32 1e-5
#define TOL_BF16 5e-3

static gla_context* ctx;
static test_rng rng;

static float* nans(int64_t n) {
    float* x = test_malloc((size_t)n * sizeof(float));
    poison_f32(x, (size_t)n);
    return x;
}

static double* dalloc(int64_t n) { return test_malloc((size_t)n * sizeof(double)); }

/* Checks a fp32 result against its double reference. */
static void expect_close(const char* what, const float* x, const double* ref, int64_t n, double tol) {
    double e = rel_rms_f32(x, ref, (size_t)n);
    CHECK(e <= tol, "%s: relative RMS error %.3g > %.1g", what, e, tol);
}

static double sigmoid(double x) { return 1.0 / (1.0 + exp(-x)); }

/* ---- gemm ---- */

static double elem(const void* x, int32_t dtype, int64_t at) {
    return dtype == GLA_DTYPE_BF16 ? test_bf16_to_f32(((const uint16_t*)x)[at]) : ((const float*)x)[at];
}

/* A matrix of rows x ld elements of dtype, random. */
static void* random_matrix(int64_t rows, int64_t ld, int32_t dtype) {
    void* x = test_malloc((size_t)(rows * ld) * 4);
    for (int64_t i = 0; i < rows * ld; i++) {
        float f = (float)rng_normal(&rng);
        if (dtype == GLA_DTYPE_BF16) ((uint16_t*)x)[i] = test_f32_to_bf16(f);
        else ((float*)x)[i] = f;
    }
    return x;
}

static void gemm_case(int ta, int tb, int64_t m, int64_t n, int64_t k, int32_t ab, int32_t cd, float alpha,
                      float beta) {
    const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
    void* a = random_matrix(ta ? k : m, lda, ab);
    void* b = random_matrix(tb ? n : k, ldb, ab);
    void* c = random_matrix(m, ldc, cd);
    if (beta == 0.0f) poison(c, (size_t)(m * ldc), cd); /* must not be read */
    double* ref = dalloc(m * n);
    for (int64_t i = 0; i < m; i++)
        for (int64_t j = 0; j < n; j++) {
            double s = 0.0;
            for (int64_t p = 0; p < k; p++)
                s += elem(a, ab, ta ? p * lda + i : i * lda + p) * elem(b, ab, tb ? j * ldb + p : p * ldb + j);
            ref[i * n + j] = alpha * s + (beta != 0.0f ? beta * elem(c, cd, i * ldc + j) : 0.0);
        }
    CHECK_OK(gla_gemm(ctx, ta, tb, m, n, k, alpha, a, lda, b, ldb, ab, beta, c, ldc, cd));
    /* compare the [m, n] part; the ldc padding must be untouched */
    float* got = test_malloc((size_t)(m * n) * sizeof(float));
    int pad_ok = 1;
    for (int64_t i = 0; i < m; i++) {
        for (int64_t j = 0; j < n; j++) got[i * n + j] = (float)elem(c, cd, i * ldc + j);
        for (int64_t j = n; j < ldc; j++) {
            double v = elem(c, cd, i * ldc + j);
            if (beta == 0.0f && !isnan(v)) pad_ok = 0;
        }
    }
    char what[160];
    snprintf(what, sizeof what, "gemm ta=%d tb=%d m=%lld n=%lld k=%lld ab=%d c=%d alpha=%g beta=%g", ta, tb,
             (long long)m, (long long)n, (long long)k, ab, cd, (double)alpha, (double)beta);
    expect_close(what, got, ref, m * n, cd == GLA_DTYPE_BF16 ? TOL_BF16 : (ab == GLA_DTYPE_BF16 ? 2e-6 : TOL_F32));
    CHECK(pad_ok, "%s: wrote into the ldc padding", what);
    free(a), free(b), free(c), free(ref), free(got);
}

static void test_gemm(void) {
    static const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 17}, {37, 17, 5}, {1, 1000, 37}, {37, 3, 1000},
                                        {100, 70, 300}, {5, 37, 0}};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_F32, 1.0f, 0.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_F32, 0.7f, 0.5f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_BF16, GLA_DTYPE_F32, -1.5f, 0.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_BF16, GLA_DTYPE_BF16, 1.0f, 1.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_BF16, 0.5f, 0.0f);
            }
    gemm_case(0, 1, 7, 9, 11, GLA_DTYPE_F32, GLA_DTYPE_F32, 0.0f, 0.25f); /* alpha 0: C = beta·C */
    /* alpha 0 with NaN in A: BLAS does not read A and B */
    float a[4] = {NAN, NAN, NAN, NAN}, b[4] = {1, 2, 3, 4}, c[4] = {1, 2, 3, 4};
    CHECK_OK(gla_gemm(ctx, 0, 0, 2, 2, 2, 0.0f, a, 2, b, 2, GLA_DTYPE_F32, 2.0f, c, 2, GLA_DTYPE_F32));
    CHECK(c[0] == 2 && c[1] == 4 && c[2] == 6 && c[3] == 8, "gemm alpha 0: C = beta·C, got %g %g %g %g", c[0], c[1],
          c[2], c[3]);
}

/* ---- norms ---- */

static void ref_norm_fwd(int64_t rows, int64_t w, const float* x, const float* z, const float* wt, float eps,
                         double* y, double* rstd) {
    for (int64_t r = 0; r < rows; r++) {
        double ss = 0.0;
        for (int64_t j = 0; j < w; j++) ss += (double)x[r * w + j] * x[r * w + j];
        rstd[r] = 1.0 / sqrt(ss / (double)w + eps);
        for (int64_t j = 0; j < w; j++) {
            double v = x[r * w + j] * rstd[r] * wt[j];
            if (z) v *= z[r * w + j] * sigmoid(z[r * w + j]);
            y[r * w + j] = v;
        }
    }
}

/* Gradients of sum(dy·y) by the chain rule, in double. dx0: dx's value before the call (accumulate). */
static void ref_norm_bwd(int64_t rows, int64_t w, float eps, const float* dy, const float* x, const float* z,
                         const float* wt, const float* dx0, const float* dw0, double* dx, double* dz, double* dw) {
    for (int64_t j = 0; j < w; j++) dw[j] = dw0[j];
    for (int64_t r = 0; r < rows; r++) {
        double ss = 0.0;
        for (int64_t j = 0; j < w; j++) ss += (double)x[r * w + j] * x[r * w + j];
        const double rstd = 1.0 / sqrt(ss / (double)w + eps);
        double dot = 0.0;
        for (int64_t j = 0; j < w; j++) {
            const int64_t i = r * w + j;
            const double sw = z ? z[i] * sigmoid(z[i]) : 1.0, dn = dy[i] * sw;
            dot += dn * wt[j] * x[i] * rstd;
        }
        for (int64_t j = 0; j < w; j++) {
            const int64_t i = r * w + j;
            const double xhat = x[i] * rstd, sw = z ? z[i] * sigmoid(z[i]) : 1.0, dn = dy[i] * sw;
            dx[i] = rstd * (dn * wt[j] - xhat * dot / (double)w) + (dx0 ? dx0[i] : 0.0);
            dw[j] += dn * xhat;
            if (z) {
                const double s = sigmoid(z[i]);
                dz[i] = dy[i] * xhat * wt[j] * (s + z[i] * s * (1.0 - s));
            }
        }
    }
}

static void test_norms(void) {
    static const int64_t rows_list[] = {1, 3, 37}, widths[] = {1, 5, 17, 1000};
    const float eps = 1e-6f;
    for (int ri = 0; ri < 3; ri++)
        for (int wi = 0; wi < 4; wi++)
            for (int gated = 0; gated < 2; gated++) {
                const int64_t rows = rows_list[ri], w = widths[wi], n = rows * w;
                float *x = test_randn(&rng, n, 1.0), *z = gated ? test_randn(&rng, n, 2.0) : NULL, *wt = test_randn(&rng, w, 1.0), *dy = test_randn(&rng, n, 1.0);
                float *y = nans(n), *rstd = nans(rows), *dx = nans(n), *dz = gated ? nans(n) : NULL;
                float* dw = test_randn(&rng, w, 1.0);
                float* dw0 = test_malloc((size_t)w * sizeof(float));
                memcpy(dw0, dw, (size_t)w * sizeof(float));
                double *ry = dalloc(n), *rrstd = dalloc(rows), *rdx = dalloc(n), *rdz = dalloc(n), *rdw = dalloc(w);
                char what[96];
                snprintf(what, sizeof what, "%srms_norm rows=%lld width=%lld", gated ? "gated_" : "", (long long)rows,
                         (long long)w);
                ref_norm_fwd(rows, w, x, z, wt, eps, ry, rrstd);
                if (gated) CHECK_OK(gla_gated_rms_norm_fwd(ctx, rows, w, x, z, F32, wt, eps, y, F32, rstd));
                else CHECK_OK(gla_rms_norm_fwd(ctx, rows, w, x, wt, eps, y, F32, rstd));
                expect_close(what, y, ry, n, TOL_F32);
                expect_close(what, rstd, rrstd, rows, TOL_F32);
                if (gated) {
                    ref_norm_bwd(rows, w, eps, dy, x, z, wt, NULL, dw0, rdx, rdz, rdw);
                    CHECK_OK(gla_gated_rms_norm_bwd(ctx, rows, w, dy, x, z, F32, wt, rstd, dx, dz, F32, dw));
                    expect_close("gated_rms_norm_bwd dz", dz, rdz, n, TOL_F32);
                } else {
                    /* accumulate: dx holds values to add to */
                    float* dx0 = test_randn(&rng, n, 1.0);
                    memcpy(dx, dx0, (size_t)n * sizeof(float));
                    ref_norm_bwd(rows, w, eps, dy, x, NULL, wt, dx0, dw0, rdx, rdz, rdw);
                    CHECK_OK(gla_rms_norm_bwd(ctx, rows, w, dy, x, wt, rstd, dx, 1, dw));
                    expect_close("rms_norm_bwd dx (accumulate)", dx, rdx, n, TOL_F32);
                    poison_f32(dx, (size_t)n);
                    memcpy(dw, dw0, (size_t)w * sizeof(float));
                    ref_norm_bwd(rows, w, eps, dy, x, NULL, wt, NULL, dw0, rdx, rdz, rdw);
                    CHECK_OK(gla_rms_norm_bwd(ctx, rows, w, dy, x, wt, rstd, dx, 0, dw));
                    free(dx0);
                }
                if (w > 1) {
                    expect_close(what, dx, rdx, n, TOL_F32);
                } else {
                    /* width 1: y = sign(x)·w up to eps, dx is the tiny difference of two terms of size |dy·w|·rstd;
                     * fp32 gets it to fp32 precision of those terms, not relative to itself */
                    double err = 0.0, size = 0.0;
                    for (int64_t r = 0; r < rows; r++) {
                        err = fmax(err, fabs(dx[r] - rdx[r]));
                        size = fmax(size, fabs((double)dy[r] * wt[0] * rstd[r]));
                    }
                    CHECK(err <= 1e-6 * size, "%s: dx error %.3g against terms of size %.3g", what, err, size);
                }
                expect_close(what, dw, rdw, w, TOL_F32);
                free(x), free(z), free(wt), free(dy), free(y), free(rstd), free(dx), free(dz), free(dw), free(dw0);
                free(ry), free(rrstd), free(rdx), free(rdz), free(rdw);
            }
}

/* ---- elementwise ---- */

static void test_elementwise(void) {
    static const int64_t counts[] = {1, 5, 17, 1000, 100003};
    for (int ci = 0; ci < 5; ci++) {
        const int64_t n = counts[ci];
        float *a = test_randn(&rng, n, 3.0), *b = test_randn(&rng, n, 1.0), *dy = test_randn(&rng, n, 1.0);
        float *y = nans(n), *da = nans(n), *db = nans(n);
        double *r1 = dalloc(n), *r2 = dalloc(n);
        /* swiglu */
        for (int64_t i = 0; i < n; i++) r1[i] = a[i] * sigmoid(a[i]) * b[i];
        CHECK_OK(gla_swiglu_fwd(ctx, n, a, b, F32, y, F32));
        expect_close("swiglu_fwd", y, r1, n, TOL_F32);
        for (int64_t i = 0; i < n; i++) {
            const double s = sigmoid(a[i]);
            r1[i] = dy[i] * b[i] * (s + a[i] * s * (1.0 - s));
            r2[i] = dy[i] * a[i] * s;
        }
        CHECK_OK(gla_swiglu_bwd(ctx, n, dy, a, b, F32, da, db, F32));
        expect_close("swiglu_bwd da", da, r1, n, TOL_F32);
        expect_close("swiglu_bwd db", db, r2, n, TOL_F32);
        /* log-sigmoid gate, normalizer 16, without and with a clamp */
        for (int clamp = 0; clamp < 2; clamp++) {
            const float cmin = clamp ? -0.1f : -INFINITY;
            poison_f32(y, (size_t)n), poison_f32(da, (size_t)n);
            for (int64_t i = 0; i < n; i++) {
                const double ls = -log1p(exp(-(double)a[i])) / 16.0;
                r1[i] = ls < cmin ? cmin : ls;
                r2[i] = (float)(-log1p(exp(-(double)a[i])) / 16.0) < cmin ? 0.0 : dy[i] / 16.0 * sigmoid(-a[i]);
            }
            CHECK_OK(gla_log_sigmoid_gate_fwd(ctx, n, a, F32, 16.0f, cmin, y));
            expect_close(clamp ? "log_sigmoid_gate_fwd (clamp)" : "log_sigmoid_gate_fwd", y, r1, n, TOL_F32);
            CHECK_OK(gla_log_sigmoid_gate_bwd(ctx, n, dy, a, F32, 16.0f, cmin, da, F32));
            expect_close(clamp ? "log_sigmoid_gate_bwd (clamp)" : "log_sigmoid_gate_bwd", da, r2, n, TOL_F32);
        }
        /* add, in place too */
        for (int64_t i = 0; i < n; i++) r1[i] = (double)a[i] + b[i];
        poison_f32(y, (size_t)n);
        CHECK_OK(gla_add(ctx, n, a, b, y));
        expect_close("add", y, r1, n, TOL_F32);
        memcpy(y, a, (size_t)n * sizeof(float));
        CHECK_OK(gla_add(ctx, n, y, b, y));
        expect_close("add in place", y, r1, n, TOL_F32);
        /* scale */
        for (int64_t i = 0; i < n; i++) r1[i] = a[i] * -0.375;
        memcpy(y, a, (size_t)n * sizeof(float));
        CHECK_OK(gla_scale(ctx, n, -0.375f, y));
        expect_close("scale", y, r1, n, TOL_F32);
        /* sum_squares */
        double ss = 0.0, got = -1.0;
        for (int64_t i = 0; i < n; i++) ss += (double)a[i] * a[i];
        CHECK_OK(gla_sum_squares(ctx, n, a, &got));
        CHECK(fabs(got - ss) <= 1e-12 * ss, "sum_squares n=%lld: %.17g, expected %.17g", (long long)n, got, ss);
        /* cast: exact round to nearest even and back */
        uint16_t* h = test_malloc((size_t)n * 2);
        for (int64_t i = 0; i < n; i++) h[i] = 0x7fc0u;
        CHECK_OK(gla_cast(ctx, n, a, GLA_DTYPE_F32, h, GLA_DTYPE_BF16));
        int exact = 1;
        for (int64_t i = 0; i < n; i++) exact &= h[i] == test_f32_to_bf16(a[i]);
        CHECK(exact, "cast f32 -> bf16 n=%lld: not round to nearest even", (long long)n);
        poison_f32(y, (size_t)n);
        CHECK_OK(gla_cast(ctx, n, h, GLA_DTYPE_BF16, y, GLA_DTYPE_F32));
        exact = 1;
        for (int64_t i = 0; i < n; i++) exact &= y[i] == test_bf16_to_f32(h[i]);
        CHECK(exact, "cast bf16 -> f32 n=%lld", (long long)n);
        poison_f32(y, (size_t)n);
        CHECK_OK(gla_cast(ctx, n, a, GLA_DTYPE_F32, y, GLA_DTYPE_F32));
        CHECK(memcmp(y, a, (size_t)n * 4) == 0, "cast f32 -> f32 copies");
        /* AdamW, torch's arithmetic in double */
        float *p = test_randn(&rng, n, 1.0), *m = test_randn(&rng, n, 0.1), *v = test_randn(&rng, n, 0.1);
        for (int64_t i = 0; i < n; i++) v[i] = v[i] * v[i];
        double *rp = dalloc(n), *rm = dalloc(n), *rv = dalloc(n);
        const double lr = 3e-4, wd = 0.1, b1 = 0.9, b2 = 0.95, step = 3;
        const double step_size = lr / (1 - pow(b1, step)), bias2_sqrt = sqrt(1 - pow(b2, step));
        for (int64_t i = 0; i < n; i++) {
            rm[i] = m[i] + (1 - b1) * (dy[i] - m[i]);
            rv[i] = v[i] * b2 + (1 - b2) * dy[i] * dy[i];
            rp[i] = p[i] * (1 - lr * wd) - step_size * rm[i] / (sqrt(rv[i]) / bias2_sqrt + 1e-8);
        }
        CHECK_OK(gla_adamw(ctx, n, p, dy, m, v, (float)step_size, (float)bias2_sqrt, (float)(1 - b1), (float)b2,
                           (float)(1 - b2), 1e-8f, (float)(1 - lr * wd)));
        expect_close("adamw param", p, rp, n, TOL_F32);
        expect_close("adamw exp_avg", m, rm, n, TOL_F32);
        expect_close("adamw exp_avg_sq", v, rv, n, TOL_F32);
        free(a), free(b), free(dy), free(y), free(da), free(db), free(r1), free(r2), free(h);
        free(p), free(m), free(v), free(rp), free(rm), free(rv);
    }
}

/* ---- rows: heads, bias ---- */

static void test_rows(void) {
    static const int64_t rows_list[] = {1, 3, 37}, widths[] = {1, 5, 17, 1000};
    for (int ri = 0; ri < 3; ri++)
        for (int wi = 0; wi < 4; wi++) {
            const int64_t rows = rows_list[ri], hd = widths[wi], kv = 3, groups = 2, n_in = rows * kv * hd,
                          n_out = n_in * groups;
            float *in = test_randn(&rng, n_in, 1.0), *out = nans(n_out), *dout = test_randn(&rng, n_out, 1.0), *din = nans(n_in);
            double *rout = dalloc(n_out), *rdin = dalloc(n_in);
            for (int64_t r = 0; r < rows; r++)
                for (int64_t h = 0; h < kv * groups; h++)
                    for (int64_t e = 0; e < hd; e++) {
                        rout[(r * kv * groups + h) * hd + e] = in[(r * kv + h / groups) * hd + e];
                    }
            for (int64_t r = 0; r < rows; r++)
                for (int64_t j = 0; j < kv; j++)
                    for (int64_t e = 0; e < hd; e++) {
                        double s = 0.0;
                        for (int64_t g = 0; g < groups; g++) s += dout[(r * kv * groups + j * groups + g) * hd + e];
                        rdin[(r * kv + j) * hd + e] = s;
                    }
            CHECK_OK(gla_repeat_heads_fwd(ctx, rows, kv, groups, hd, in, out, F32));
            expect_close("repeat_heads_fwd", out, rout, n_out, 0.0);
            CHECK_OK(gla_repeat_heads_bwd(ctx, rows, kv, groups, hd, dout, din));
            expect_close("repeat_heads_bwd", din, rdin, n_in, TOL_F32);
            /* bias_add, bias_grad over rows x hd */
            const int64_t n = rows * hd;
            float *bias = test_randn(&rng, hd, 1.0), *y = test_randn(&rng, n, 1.0), *db = test_randn(&rng, hd, 1.0);
            double *ry = dalloc(n), *rdb = dalloc(hd);
            for (int64_t i = 0; i < n; i++) ry[i] = (double)y[i] + bias[i % hd];
            for (int64_t j = 0; j < hd; j++) {
                rdb[j] = db[j];
                for (int64_t r = 0; r < rows; r++) rdb[j] += in[r * hd + j];
            }
            CHECK_OK(gla_bias_add(ctx, rows, hd, bias, y, F32));
            expect_close("bias_add", y, ry, n, TOL_F32);
            CHECK_OK(gla_bias_grad(ctx, rows, hd, in, db));
            expect_close("bias_grad", db, rdb, hd, TOL_F32);
            free(in), free(out), free(dout), free(din), free(rout), free(rdin), free(bias), free(y), free(db);
            free(ry), free(rdb);
        }
}

/* ---- bf16 activations ---- */

static float* widened(const uint16_t* b, int64_t n) {
    float* x = test_malloc((size_t)n * 4);
    for (int64_t i = 0; i < n; i++) x[i] = test_bf16_to_f32(b[i]);
    return x;
}

static uint16_t* bf16_nans(int64_t n) {
    uint16_t* b = test_malloc((size_t)n * 2);
    poison(b, (size_t)n, BF16);
    return b;
}

/* A bf16 output is the fp32 op's output rounded to nearest even, bit for bit. */
static void expect_rounded(const char* what, const uint16_t* got, const float* want, int64_t n) {
    int64_t bad = 0;
    for (int64_t i = 0; i < n; i++) bad += got[i] != test_f32_to_bf16(want[i]);
    CHECK(bad == 0, "%s: %lld of %lld bf16 outputs are not the fp32 result rounded", what, (long long)bad,
          (long long)n);
}

static void expect_same(const char* what, const float* got, const float* want, int64_t n) {
    CHECK(memcmp(got, want, (size_t)n * 4) == 0, "%s: bf16-input result differs from fp32 on the same values", what);
}

/* Each op with bf16 activations computes exactly what it computes in fp32 on the same (widened) values: the
 * backends load bf16 into fp32 and round bf16 outputs once at the store. */
static void test_bf16_activations(void) {
    const int64_t rows = 37, w = 203, n = rows * w, kv = 3, groups = 2, hd = 7;
    float *x = test_randn(&rng, n, 1.0), *z = test_randn(&rng, n, 2.0), *wt = test_randn(&rng, w, 1.0);
    float *dy = test_randn(&rng, n, 1.0), *bias = test_randn(&rng, w, 1.0);
    uint16_t *xb = test_bf16_of(x, n), *zb = test_bf16_of(z, n);
    float *xw = widened(xb, n), *zw = widened(zb, n);
    float *y = nans(n), *rstd = nans(rows), *rstd_b = nans(rows), *dx = nans(n), *dz = nans(n), *dx_b = nans(n),
          *dz_b = nans(n);
    float *dw = test_randn(&rng, w, 1.0), *dw_b = test_malloc((size_t)w * 4);
    memcpy(dw_b, dw, (size_t)w * 4);
    uint16_t* yb = bf16_nans(n);
    const float eps = 1e-6f;

    CHECK_OK(gla_rms_norm_fwd(ctx, rows, w, x, wt, eps, y, F32, rstd));
    CHECK_OK(gla_rms_norm_fwd(ctx, rows, w, x, wt, eps, yb, BF16, rstd_b));
    expect_rounded("rms_norm_fwd bf16 y", yb, y, n);
    expect_same("rms_norm_fwd rstd (bf16 y)", rstd_b, rstd, rows);

    poison_f32(y, (size_t)n), poison(yb, (size_t)n, BF16), poison_f32(rstd_b, (size_t)rows);
    CHECK_OK(gla_gated_rms_norm_fwd(ctx, rows, w, xw, zw, F32, wt, eps, y, F32, rstd));
    CHECK_OK(gla_gated_rms_norm_fwd(ctx, rows, w, xb, zb, BF16, wt, eps, yb, BF16, rstd_b));
    expect_rounded("gated_rms_norm_fwd bf16 y", yb, y, n);
    expect_same("gated_rms_norm_fwd rstd", rstd_b, rstd, rows);
    CHECK_OK(gla_gated_rms_norm_bwd(ctx, rows, w, dy, xw, zw, F32, wt, rstd, dx, dz, F32, dw));
    CHECK_OK(gla_gated_rms_norm_bwd(ctx, rows, w, dy, xb, zb, BF16, wt, rstd, dx_b, dz_b, F32, dw_b));
    expect_same("gated_rms_norm_bwd dx", dx_b, dx, n);
    expect_same("gated_rms_norm_bwd dz", dz_b, dz, n);
    expect_same("gated_rms_norm_bwd dweight", dw_b, dw, w);
    uint16_t *gb = bf16_nans(n), *gb2 = bf16_nans(n); /* bf16 gradients: the fp32 ones rounded */
    CHECK_OK(gla_gated_rms_norm_bwd(ctx, rows, w, dy, xb, zb, BF16, wt, rstd, gb, gb2, BF16, dw_b));
    expect_rounded("gated_rms_norm_bwd bf16 dx", gb, dx, n);
    expect_rounded("gated_rms_norm_bwd bf16 dz", gb2, dz, n);

    poison_f32(y, (size_t)n), poison(yb, (size_t)n, BF16), poison_f32(dx_b, (size_t)n), poison_f32(dz_b, (size_t)n);
    CHECK_OK(gla_swiglu_fwd(ctx, n, xw, zw, F32, y, F32));
    CHECK_OK(gla_swiglu_fwd(ctx, n, xb, zb, BF16, yb, BF16));
    expect_rounded("swiglu_fwd bf16", yb, y, n);
    CHECK_OK(gla_swiglu_bwd(ctx, n, dy, xw, zw, F32, dx, dz, F32));
    CHECK_OK(gla_swiglu_bwd(ctx, n, dy, xb, zb, BF16, dx_b, dz_b, F32));
    expect_same("swiglu_bwd da", dx_b, dx, n);
    expect_same("swiglu_bwd db", dz_b, dz, n);
    CHECK_OK(gla_swiglu_bwd(ctx, n, dy, xb, zb, BF16, gb, gb2, BF16));
    expect_rounded("swiglu_bwd bf16 da", gb, dx, n);
    expect_rounded("swiglu_bwd bf16 db", gb2, dz, n);

    poison_f32(dx_b, (size_t)n), poison_f32(dz_b, (size_t)n);
    CHECK_OK(gla_log_sigmoid_gate_fwd(ctx, n, zw, F32, 16.0f, -0.1f, dx));
    CHECK_OK(gla_log_sigmoid_gate_fwd(ctx, n, zb, BF16, 16.0f, -0.1f, dx_b));
    expect_same("log_sigmoid_gate_fwd (bf16 z)", dx_b, dx, n);
    CHECK_OK(gla_log_sigmoid_gate_bwd(ctx, n, dy, zw, F32, 16.0f, -0.1f, dz, F32));
    CHECK_OK(gla_log_sigmoid_gate_bwd(ctx, n, dy, zb, BF16, 16.0f, -0.1f, dz_b, F32));
    expect_same("log_sigmoid_gate_bwd (bf16 z)", dz_b, dz, n);
    CHECK_OK(gla_log_sigmoid_gate_bwd(ctx, n, dy, zb, BF16, 16.0f, -0.1f, gb, BF16));
    expect_rounded("log_sigmoid_gate_bwd bf16 dz", gb, dz, n);

    /* repeat_heads moves bf16 bits unchanged; bias_add rounds the fp32 sum */
    const int64_t n_in = rows * kv * hd;
    uint16_t* out = bf16_nans(n_in * groups);
    CHECK_OK(gla_repeat_heads_fwd(ctx, rows, kv, groups, hd, xb, out, BF16));
    int64_t bad = 0;
    for (int64_t r = 0; r < rows; r++)
        for (int64_t h = 0; h < kv * groups; h++)
            for (int64_t e = 0; e < hd; e++)
                bad += out[(r * kv * groups + h) * hd + e] != xb[(r * kv + h / groups) * hd + e];
    CHECK(bad == 0, "repeat_heads_fwd bf16: %lld elements differ", (long long)bad);
    memcpy(yb, xb, (size_t)n * 2);
    memcpy(y, xw, (size_t)n * 4);
    CHECK_OK(gla_bias_add(ctx, rows, w, bias, y, F32));
    CHECK_OK(gla_bias_add(ctx, rows, w, bias, yb, BF16));
    expect_rounded("bias_add bf16", yb, y, n);

    /* cross-entropy over bf16 logits, dlogits in place too; an ignored row */
    int32_t* targets = test_malloc((size_t)rows * 4);
    for (int64_t r = 0; r < rows; r++) targets[r] = (int32_t)((r * 7 + 2) % w);
    targets[3] = -100;
    float *losses = nans(rows), *losses_b = nans(rows);
    CHECK_OK(gla_cross_entropy(ctx, rows, w, zw, targets, 0.25f, losses, dx, F32));
    CHECK_OK(gla_cross_entropy(ctx, rows, w, zb, targets, 0.25f, losses_b, yb, BF16));
    expect_same("cross_entropy losses (bf16 logits)", losses_b, losses, rows);
    expect_rounded("cross_entropy bf16 dlogits", yb, dx, n);
    poison_f32(losses_b, (size_t)rows);
    CHECK_OK(gla_cross_entropy(ctx, rows, w, zb, targets, 0.25f, losses_b, zb, BF16));
    expect_same("cross_entropy losses (bf16, in place)", losses_b, losses, rows);
    expect_rounded("cross_entropy bf16 dlogits in place", zb, dx, n);

    free(x), free(z), free(wt), free(dy), free(bias), free(xb), free(zb), free(xw), free(zw), free(y), free(rstd);
    free(rstd_b), free(dx), free(dz), free(dx_b), free(dz_b), free(dw), free(dw_b), free(yb), free(out);
    free(targets), free(losses), free(losses_b), free(gb), free(gb2);
}

/* ---- embedding, cross-entropy ---- */

static void test_embedding(void) {
    const int64_t vocab = 11;
    static const int64_t rows_list[] = {1, 3, 37}, widths[] = {1, 5, 17, 1000};
    for (int ri = 0; ri < 3; ri++)
        for (int wi = 0; wi < 4; wi++) {
            const int64_t rows = rows_list[ri], w = widths[wi];
            int32_t* ids = test_malloc((size_t)rows * 4);
            for (int64_t r = 0; r < rows; r++) ids[r] = (int32_t)((r * 7 + 3) % vocab); /* repeats */
            float *table = test_randn(&rng, vocab * w, 1.0), *out = nans(rows * w), *dout = test_randn(&rng, rows * w, 1.0);
            double* ref = dalloc((rows > vocab ? rows : vocab) * w);
            for (int64_t r = 0; r < rows; r++)
                for (int64_t j = 0; j < w; j++) ref[r * w + j] = table[ids[r] * w + j];
            CHECK_OK(gla_embedding_fwd(ctx, rows, w, vocab, ids, table, out));
            expect_close("embedding_fwd", out, ref, rows * w, 0.0);
            for (int32_t pad = -1; pad <= 3; pad += 4) {
                float* dt = test_randn(&rng, vocab * w, 1.0);
                for (int64_t i = 0; i < vocab * w; i++) ref[i] = dt[i];
                for (int64_t r = 0; r < rows; r++)
                    if (ids[r] != pad)
                        for (int64_t j = 0; j < w; j++) ref[ids[r] * w + j] += dout[r * w + j];
                CHECK_OK(gla_embedding_bwd(ctx, rows, w, vocab, ids, dout, pad, dt));
                expect_close(pad < 0 ? "embedding_bwd" : "embedding_bwd (padding_idx 3)", dt, ref, vocab * w, TOL_F32);
                free(dt);
            }
            free(ids), free(table), free(out), free(dout), free(ref);
        }
}

static void test_cross_entropy(void) {
    static const int64_t shapes[][2] = {{1, 1}, {3, 5}, {37, 17}, {3, 32000}, {2, 1000}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
        for (int in_place = 0; in_place < 2; in_place++) {
            const int64_t rows = shapes[s][0], vocab = shapes[s][1], n = rows * vocab;
            float* logits = test_randn(&rng, n, 4.0);
            logits[0] += 30.0f; /* a large logit: the max must be subtracted */
            int32_t* targets = test_malloc((size_t)rows * 4);
            for (int64_t r = 0; r < rows; r++) targets[r] = (int32_t)((r * 13 + 1) % vocab);
            if (rows > 2) targets[1] = -100;
            const float grad_scale = 1.0f / (float)rows;
            double *rl = dalloc(rows), *rd = dalloc(n);
            for (int64_t r = 0; r < rows; r++) {
                const float* x = logits + r * vocab;
                if (targets[r] == -100) {
                    rl[r] = 0.0;
                    for (int64_t j = 0; j < vocab; j++) rd[r * vocab + j] = 0.0;
                    continue;
                }
                double mx = -INFINITY, sum = 0.0;
                for (int64_t j = 0; j < vocab; j++) mx = x[j] > mx ? x[j] : mx;
                for (int64_t j = 0; j < vocab; j++) sum += exp(x[j] - mx);
                const double lse = mx + log(sum);
                rl[r] = lse - x[targets[r]];
                for (int64_t j = 0; j < vocab; j++)
                    rd[r * vocab + j] = grad_scale * (exp(x[j] - lse) - (j == targets[r] ? 1.0 : 0.0));
            }
            float *losses = nans(rows), *dl = in_place ? logits : nans(n);
            char what[96];
            snprintf(what, sizeof what, "cross_entropy rows=%lld vocab=%lld%s", (long long)rows, (long long)vocab,
                     in_place ? " in place" : "");
            CHECK_OK(gla_cross_entropy(ctx, rows, vocab, logits, targets, grad_scale, losses, dl, F32));
            expect_close(what, losses, rl, rows, TOL_F32);
            expect_close(what, dl, rd, n, TOL_F32);
            if (!in_place) {
                poison_f32(losses, (size_t)rows);
                CHECK_OK(gla_cross_entropy(ctx, rows, vocab, logits, targets, grad_scale, losses, NULL, F32));
                expect_close("cross_entropy without dlogits", losses, rl, rows, TOL_F32);
                free(dl);
            }
            free(logits), free(targets), free(rl), free(rd), free(losses);
        }
}

/* ---- fused decoding products ---- */

/* f(x)[m, k] of gla.h's prologues, in double. */
static double decode_input(const gla_linear_dims* d, const float* x, const float* z, const float* nw, int64_t m,
                           int64_t k) {
    const int64_t i = m * d->in + k;
    switch (d->prologue) {
    case GLA_PROLOGUE_NONE: return x[i];
    case GLA_PROLOGUE_SWIGLU: return x[i] * sigmoid(x[i]) * z[i];
    default: {
        const int64_t g0 = k / d->norm_width * d->norm_width;
        double ss = 0.0;
        for (int64_t j = g0; j < g0 + d->norm_width; j++) ss += (double)x[m * d->in + j] * x[m * d->in + j];
        double v = x[i] / sqrt(ss / (double)d->norm_width + d->eps) * nw[k - g0];
        return d->prologue == GLA_PROLOGUE_GATED_RMS_NORM ? v * z[i] * sigmoid(z[i]) : v;
    }
    }
}

/* y_i of gla.h's formula, in double; residual0 holds each output's residual as it was before the call. */
static void ref_decode_linear(const gla_linear_dims* d, const float* x, const float* z, const float* nw,
                              const gla_linear_output* o, int count, float* const* residual0, double** ref) {
    for (int i = 0; i < count; i++)
        for (int64_t m = 0; m < d->rows; m++)
            for (int64_t n = 0; n < o[i].out; n++) {
                double v = 0.0;
                for (int64_t k = 0; k < d->in; k++)
                    v += decode_input(d, x, z, nw, m, k) * elem(o[i].weight, d->weight_dtype, n * d->in + k);
                if (o[i].bias) v += o[i].bias[n];
                if (d->epilogue == GLA_EPILOGUE_LOG_SIGMOID_GATE) {
                    v = (fmin(v, 0.0) - log1p(exp(-fabs(v)))) / d->gate_normalizer;
                    v = fmax(v, d->gate_clamp_min);
                }
                if (residual0[i]) v += residual0[i][m * o[i].out + n];
                ref[i][m * o[i].out + n] = v;
            }
}

/* Weights [out, in + 1] of a trained model's size (1/sqrt(in)), so that the products are O(1) as a gate's logits
 * are: the log-sigmoid epilogue turns the absolute rounding error of a large logit into relative error of its
 * output, which the relative metric would then charge to the op. */
static void* decode_weights(int64_t out, int64_t in, int32_t dtype) {
    void* w = random_matrix(out, in + 1, dtype);
    const float s = 1.0f / sqrtf((float)(in > 0 ? in : 1));
    for (int64_t i = 0; i < out * (in + 1); i++) {
        if (dtype == GLA_DTYPE_BF16) ((uint16_t*)w)[i] = test_f32_to_bf16(test_bf16_to_f32(((uint16_t*)w)[i]) * s);
        else ((float*)w)[i] *= s;
    }
    return w;
}

/* One call with three outputs of awkward widths: the first with a bias, the second with a residual of its own, the
 * third in place (residual = y) with a bias. */
static void decode_linear_case(int64_t rows, int64_t in, int64_t norm_width, int32_t prologue, int32_t epilogue,
                               int32_t wdtype) {
    static const int64_t outs[3] = {1, 37, 8};
    const gla_linear_dims d = {rows, in, norm_width, prologue, epilogue, wdtype, 1e-6f, 16.0f,
                               epilogue ? -0.2f : -INFINITY};
    const int norm = prologue == GLA_PROLOGUE_RMS_NORM || prologue == GLA_PROLOGUE_GATED_RMS_NORM;
    const int gated = prologue == GLA_PROLOGUE_GATED_RMS_NORM || prologue == GLA_PROLOGUE_SWIGLU;
    float *x = test_randn(&rng, rows * in + 1, 1.0), *z = gated ? test_randn(&rng, rows * in + 1, 2.0) : NULL;
    float* nw = norm ? test_randn(&rng, norm_width, 1.0) : NULL;
    gla_linear_output o[3];
    float* residual0[3];
    double* ref[3];
    for (int i = 0; i < 3; i++) {
        const int64_t n = rows * outs[i];
        o[i].weight = decode_weights(outs[i], in, wdtype);
        o[i].bias = i != 1 ? test_randn(&rng, outs[i], 1.0) : NULL;
        residual0[i] = i != 0 ? test_randn(&rng, n, 1.0) : NULL;
        o[i].y = i == 2 ? test_malloc((size_t)n * 4) : nans(n);
        if (i == 2) memcpy(o[i].y, residual0[i], (size_t)n * 4);
        o[i].residual = i == 2 ? o[i].y : residual0[i];
        o[i].out = outs[i];
        ref[i] = dalloc(n + 1);
    }
    ref_decode_linear(&d, x, z, nw, o, 3, residual0, ref);
    CHECK_OK(gla_decode_linear(ctx, &d, x, z, nw, o, 3));
    for (int i = 0; i < 3; i++) {
        char what[160];
        snprintf(what, sizeof what, "decode_linear rows=%lld in=%lld norm_width=%lld prologue=%d epilogue=%d "
                 "weights=%s output %d", (long long)rows, (long long)in, (long long)norm_width, prologue, epilogue,
                 wdtype ? "bf16" : "f32", i);
        expect_close(what, o[i].y, ref[i], rows * outs[i], TOL_F32);
        free((void*)o[i].weight), free((void*)o[i].bias), free(residual0[i]), free(o[i].y), free(ref[i]);
    }
    free(x), free(z), free(nw);
}

static void test_decode_linear(void) {
    /* in, norm_width: the whole row, heads of a row, in 0 (the products are the bias) */
    static const int64_t shapes[][2] = {{17, 17}, {1000, 250}, {24, 8}, {64, 64}, {0, 1}};
    static const int64_t rows_list[] = {1, 3, GLA_DECODE_LINEAR_MAX_ROWS};
    for (int prologue = GLA_PROLOGUE_NONE; prologue <= GLA_PROLOGUE_SWIGLU; prologue++)
        for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++)
            for (int ri = 0; ri < 3; ri++)
                for (int32_t wdtype = GLA_DTYPE_F32; wdtype <= GLA_DTYPE_BF16; wdtype++)
                    decode_linear_case(rows_list[ri], shapes[s][0], shapes[s][1], prologue,
                                       (prologue + ri) % 2 ? GLA_EPILOGUE_LOG_SIGMOID_GATE : GLA_EPILOGUE_NONE,
                                       wdtype);
    /* 1 and 4 threads: the same bits */
    const int64_t rows = 3, in = 300, out = 5000;
    const gla_linear_dims d = {rows, in, in, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_BF16, 1e-6f, 0, 0};
    float *x = test_randn(&rng, rows * in, 1.0), *nw = test_randn(&rng, in, 1.0);
    float *one = nans(rows * out), *four = nans(rows * out);
    void* w = random_matrix(out, in, GLA_DTYPE_BF16);
    gla_linear_output o = {w, NULL, NULL, one, out};
    CHECK_OK(gla_context_set_threads(ctx, 1));
    CHECK_OK(gla_decode_linear(ctx, &d, x, NULL, nw, &o, 1));
    o.y = four;
    CHECK_OK(gla_context_set_threads(ctx, 4));
    CHECK_OK(gla_decode_linear(ctx, &d, x, NULL, nw, &o, 1));
    CHECK(memcmp(one, four, (size_t)(rows * out) * 4) == 0, "decode_linear differs between 1 and 4 threads");
    CHECK_OK(gla_context_set_threads(ctx, 0));
    free(x), free(nw), free(one), free(four), free(w);
}

/* ---- the decoding step with its gate projection: equals the gate product (decode_linear) then the step ---- */

static void decode_gate_proj_case(int64_t B, int64_t H, int64_t K, int64_t V, int32_t rank, int32_t wdtype,
                                  int with_bias, float clamp_min) {
    const int64_t hk = H * K, nq = B * hk, nv = B * H * V, ns = B * H * K * V;
    float *q = test_randn(&rng, nq, 0.5), *k = test_randn(&rng, nq, 0.5), *v = test_randn(&rng, nv, 1.0);
    float *in = test_randn(&rng, B * rank, 1.0), *bias = with_bias ? test_randn(&rng, hk, 1.0) : NULL;
    float* state0 = test_randn(&rng, ns, 0.3);
    void* w = random_matrix(hk, rank, wdtype);
    float *g = nans(nq), *o_ref = nans(nv), *o = nans(nv), *s_ref = nans(ns), *s = nans(ns);
    memcpy(s_ref, state0, (size_t)ns * 4), memcpy(s, state0, (size_t)ns * 4);
    const gla_linear_dims ld = {B, rank, 0, GLA_PROLOGUE_NONE, GLA_EPILOGUE_LOG_SIGMOID_GATE, wdtype, 0, 16.0f,
                                clamp_min};
    const gla_linear_output gout = {w, bias, NULL, g, hk};
    CHECK_OK(gla_decode_linear(ctx, &ld, in, NULL, NULL, &gout, 1));
    const gla_dims d = test_dims(B, 1, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    CHECK_OK(gla_decode_step(ctx, &d, q, k, v, g, s_ref, o_ref));
    const gla_gate_proj gp = {in, w, bias, rank, wdtype, 16.0f, clamp_min};
    CHECK_OK(gla_decode_step_gate_proj(ctx, &d, q, k, v, &gp, s, o));
    char what[128];
    snprintf(what, sizeof what, "decode_step_gate_proj B%lld K%lld rank %d wdtype %d bias %d clamp %g o",
             (long long)B, (long long)K, rank, wdtype, with_bias, (double)clamp_min);
    double* ref = dalloc(ns);
    for (int64_t i = 0; i < nv; i++) ref[i] = o_ref[i];
    expect_close(what, o, ref, nv, TOL_F32);
    for (int64_t i = 0; i < ns; i++) ref[i] = s_ref[i];
    expect_close("decode_step_gate_proj state", s, ref, ns, TOL_F32);
    free(q), free(k), free(v), free(in), free(bias), free(state0), free(w), free(g), free(o_ref), free(o);
    free(s_ref), free(s), free(ref);
}

static void test_decode_gate_proj(void) {
    decode_gate_proj_case(1, 4, 128, 256, 16, GLA_DTYPE_BF16, 1, -INFINITY); /* the 340M model's */
    decode_gate_proj_case(3, 2, 20, 33, 5, GLA_DTYPE_F32, 0, -0.5f);
    decode_gate_proj_case(2, 1, 7, 9, GLA_GATE_PROJ_MAX_RANK, GLA_DTYPE_BF16, 0, -INFINITY);
}

/* ---- determinism: 1 and 4 threads give the same bits ---- */

static void run_reductions(int threads, const float* x, const float* dy, const float* wt, const float* rstd,
                           const int32_t* ids, int64_t rows, int64_t w, float* out) {
    /* out: dweight (w), bias grad (w), dtable (16 x w), dx (rows x w), gemm (rows x 33), sum (2 floats) */
    CHECK_OK(gla_context_set_threads(ctx, threads));
    float* dw = out;
    float* db = dw + w;
    float* dt = db + w;
    float* dx = dt + 16 * w;
    float* c = dx + rows * w;
    memset(dw, 0, (size_t)(2 + 16) * (size_t)w * sizeof(float));
    CHECK_OK(gla_rms_norm_bwd(ctx, rows, w, dy, x, wt, rstd, dx, 0, dw));
    CHECK_OK(gla_bias_grad(ctx, rows, w, dy, db));
    CHECK_OK(gla_embedding_bwd(ctx, rows, w, 16, ids, dy, -1, dt));
    CHECK_OK(gla_gemm(ctx, 0, 1, rows, 33, w, 1.0f, x, w, dy, w, GLA_DTYPE_F32, 0.0f, c, 33, GLA_DTYPE_F32));
    double sum = 0.0;
    CHECK_OK(gla_sum_squares(ctx, rows * w, x, &sum));
    memcpy(c + rows * 33, &sum, sizeof sum);
}

static void test_determinism(void) {
    const int64_t rows = 5000, w = 300, n = rows * w;
    float *x = test_randn(&rng, n, 1.0), *dy = test_randn(&rng, n, 1.0), *wt = test_randn(&rng, w, 1.0), *y = nans(n), *rstd = nans(rows);
    int32_t* ids = test_malloc((size_t)rows * 4);
    for (int64_t r = 0; r < rows; r++) ids[r] = (int32_t)((r * 5) % 16);
    CHECK_OK(gla_rms_norm_fwd(ctx, rows, w, x, wt, 1e-6f, y, F32, rstd));
    const int64_t total = 18 * w + n + rows * 33 + 2;
    float *one = nans(total), *four = nans(total);
    run_reductions(1, x, dy, wt, rstd, ids, rows, w, one);
    run_reductions(4, x, dy, wt, rstd, ids, rows, w, four);
    CHECK(memcmp(one, four, (size_t)total * sizeof(float)) == 0, "reductions and gemm differ between 1 and 4 threads");
    CHECK_OK(gla_context_set_threads(ctx, 0));
    free(x), free(dy), free(wt), free(y), free(rstd), free(ids), free(one), free(four);
}

int main(void) {
    rng_seed(&rng, 42);
    CHECK_OK(gla_context_create(GLA_BACKEND_CPU, 0, &ctx));
    if (ctx == NULL) return test_finish("test_layers");
    test_gemm();
    test_norms();
    test_elementwise();
    test_rows();
    test_bf16_activations();
    test_embedding();
    test_cross_entropy();
    test_decode_linear();
    test_decode_gate_proj();
    test_determinism();
    CHECK_OK(gla_context_destroy(ctx));
    return test_finish("test_layers");
}

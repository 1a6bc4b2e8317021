/*
 * test_layers_cuda.c — the layer ops of the cuda backend against the cpu backend (the same random inputs through
 * gla.h; device outputs poisoned with NaN before each call), the fused decoding products among them (the 340M
 * model's calls at 1, 4 and 16 rows, every row count and prologue, unaligned weights, in 0, the norm-group limit),
 * the decoding step with its gate projection,
 * the ops with bf16 activations (pointers 16-byte and 2-byte aligned), then graphs: a recorded sequence (norm, gemm,
 * SwiGLU, add, gate, AdamW, decode step, decoding product, chunk forward with a workspace) replayed equals direct
 * execution, a replay reads the inputs' current contents, every call that cannot be recorded is refused while
 * recording, and a graph that embeds ids from page-locked host memory and copies its result back there reads the
 * ids the host wrote before each replay.
 * Tolerances (relative RMS against the cpu): fp32 outputs 1e-5 (gemm fp32 1e-5: no TF32), bf16 outputs 5e-3;
 * embedding_bwd and casts bit-exact; sum_squares 1e-12. Without cuBLAS the gemm cases print why and are skipped.
 * Without a CUDA device the program prints SKIP and exits 77 (CTest: SKIP_RETURN_CODE). CTest: layers_cuda.
 */
#include "test_util.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

#define TOL_F32 1e-5
#define TOL_BF16 5e-3

static gla_context *cpu, *gpu;
static test_rng rng;
static int have_cublas = 1;

/* Device copy of host bytes (NULL for 0 bytes). */
static void* up(const void* host, int64_t bytes) {
    void* d = NULL;
    CHECK_OK(gla_malloc(gpu, bytes, &d));
    if (d && bytes > 0) CHECK_OK(gla_memcpy(gpu, d, host, bytes, GLA_COPY_HOST_TO_DEVICE));
    return d;
}

static float* up_f(const float* host, int64_t n) { return (float*)up(host, n * 4); }

static float* dev_nan(int64_t n) {
    float* h = test_malloc((size_t)n * 4);
    poison_f32(h, (size_t)n);
    float* d = up_f(h, n);
    free(h);
    return d;
}

/* Host copy of n floats of device memory (waits for the stream). */
static float* down(const void* dev, int64_t bytes) {
    float* h = test_malloc((size_t)bytes);
    CHECK_OK(gla_memcpy(gpu, h, dev, bytes, GLA_COPY_DEVICE_TO_HOST));
    CHECK_OK(gla_synchronize(gpu));
    return h;
}

/* Compares a device result with the cpu result (n floats). */
static void compare(const char* what, const float* dev, const float* want, int64_t n, double tol) {
    float* got = down(dev, n * 4);
    double* ref = test_malloc((size_t)n * sizeof(double));
    for (int64_t i = 0; i < n; i++) ref[i] = want[i];
    double e = rel_rms_f32(got, ref, (size_t)n);
    CHECK(e <= tol, "%s: cuda vs cpu relative RMS %.3g > %.1g", what, e, tol);
    free(got), free(ref);
}

static void compare_bits(const char* what, const void* dev, const void* want, int64_t bytes) {
    float* got = down(dev, bytes);
    CHECK(memcmp(got, want, (size_t)bytes) == 0, "%s: cuda and cpu bits differ", what);
    free(got);
}

static void gfree(void* d) { CHECK_OK(gla_free(gpu, d)); }

/* ---- gemm ---- */

static void* random_matrix(int64_t n, int32_t dtype) {
    void* x = test_malloc((size_t)n * 4);
    for (int64_t i = 0; i < n; i++) {
        float f = (float)rng_normal(&rng);
        if (dtype == GLA_DTYPE_BF16) ((uint16_t*)x)[i] = test_f32_to_bf16(f);
        else ((float*)x)[i] = f;
    }
    return x;
}

static void gemm_case(int ta, int tb, int64_t m, int64_t n, int64_t k, int32_t ab, int32_t cd, float alpha,
                      float beta) {
    if (!have_cublas) return;
    const int64_t lda = (ta ? m : k) + 3, ldb = (tb ? k : n) + 1, ldc = n + 2;
    const int64_t na = (ta ? k : m) * lda, nb = (tb ? n : k) * ldb, nc = m * ldc, eab = ab ? 2 : 4, ec = cd ? 2 : 4;
    void *a = random_matrix(na, ab), *b = random_matrix(nb, ab), *c = random_matrix(nc, cd);
    void *da = up(a, na * eab), *db = up(b, nb * eab), *dc = up(c, nc * ec);
    if (beta == 0.0f) { /* NaN in C must not propagate */
        void* p = test_malloc((size_t)(nc * ec));
        poison(p, (size_t)nc, cd);
        CHECK_OK(gla_memcpy(gpu, dc, p, nc * ec, GLA_COPY_HOST_TO_DEVICE));
        free(p);
    }
    gla_status s = gla_gemm(gpu, ta, tb, m, n, k, alpha, da, lda, db, ldb, ab, beta, dc, ldc, cd);
    if (s == GLA_ERROR_BACKEND_UNAVAILABLE) {
        const char* msg = "";
        gla_get_last_error(&msg);
        printf("SKIP gemm cases: cuBLAS is not available: %s\n", msg);
        have_cublas = 0;
    } else {
        CHECK_OK(s);
        CHECK_OK(gla_gemm(cpu, ta, tb, m, n, k, alpha, a, lda, b, ldb, ab, beta, c, ldc, cd));
        /* the [m, n] part, as fp32 */
        void* got = down(dc, nc * ec);
        float *gf = test_malloc((size_t)(m * n) * 4), *cf = test_malloc((size_t)(m * n) * 4);
        for (int64_t i = 0; i < m; i++)
            for (int64_t j = 0; j < n; j++) {
                const int64_t at = i * ldc + j;
                gf[i * n + j] = cd ? test_bf16_to_f32(((uint16_t*)got)[at]) : ((float*)got)[at];
                cf[i * n + j] = cd ? test_bf16_to_f32(((uint16_t*)c)[at]) : ((float*)c)[at];
            }
        double* ref = test_malloc((size_t)(m * n) * sizeof(double));
        for (int64_t i = 0; i < m * n; i++) ref[i] = cf[i];
        const double e = rel_rms_f32(gf, ref, (size_t)(m * n)), tol = cd ? TOL_BF16 : TOL_F32;
        CHECK(e <= tol, "gemm ta=%d tb=%d %lldx%lldx%lld ab=%d c=%d: cuda vs cpu relative RMS %.3g > %.1g", ta, tb,
              (long long)m, (long long)n, (long long)k, ab, cd, e, tol);
        free(got), free(gf), free(cf), free(ref);
    }
    free(a), free(b), free(c);
    gfree(da), gfree(db), gfree(dc);
}

static void test_gemm(void) {
    static const int64_t shapes[][3] = {{1, 1, 1}, {3, 5, 17}, {37, 17, 5}, {1, 1000, 37}, {37, 3, 1000},
                                        {256, 384, 512}, {5, 37, 0}};
    for (int ta = 0; ta < 2; ta++)
        for (int tb = 0; tb < 2; tb++)
            for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
                const int64_t m = shapes[s][0], n = shapes[s][1], k = shapes[s][2];
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_F32, 1.0f, 0.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_F32, 0.7f, 0.5f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_BF16, GLA_DTYPE_F32, -1.5f, 0.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_BF16, GLA_DTYPE_BF16, 1.0f, 1.0f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_BF16, 0.5f, 0.25f);
                gemm_case(ta, tb, m, n, k, GLA_DTYPE_F32, GLA_DTYPE_BF16, 0.5f, 0.0f);
            }
    gemm_case(0, 1, 7, 9, 11, GLA_DTYPE_F32, GLA_DTYPE_F32, 0.0f, 0.25f);
}

/* ---- norms, elementwise, rows ---- */

static void test_norms(void) {
    /* widths: odd ones (unaligned: read from memory in each pass), each team size's full and partial rows (256 and
     * 512, 1000, the models' 2048, 4000 with four groups a lane) and 5000 (too wide for registers: the separate
     * column sums); 3000 and 20001 rows: several rows a team (each lane's running weight-gradient sums, the team
     * sums' alternating halves) */
    static const int64_t rows_list[] = {1, 3, 37, 3000, 20001}, widths[] = {1, 5, 17, 256, 512, 1000, 2048, 4000, 5000};
    for (int ri = 0; ri < 5; ri++)
        for (int wi = 0; wi < 9; wi++)
            for (int gated = 0; gated < 2; gated++) {
                const int64_t rows = rows_list[ri], w = widths[wi], n = rows * w;
                if (n > 16000000) continue;
                float *x = test_randn(&rng, n, 1.0), *z = test_randn(&rng, n, 2.0), *wt = test_randn(&rng, w, 1.0), *dy = test_randn(&rng, n, 1.0);
                float *y = test_malloc((size_t)n * 4), *rstd = test_malloc((size_t)rows * 4), *dx = test_randn(&rng, n, 1.0);
                float *dz = test_malloc((size_t)n * 4), *dw = test_randn(&rng, w, 1.0);
                float *gx = up_f(x, n), *gz = up_f(z, n), *gwt = up_f(wt, w), *gdy = up_f(dy, n);
                float *gy = dev_nan(n), *grstd = dev_nan(rows), *gdx = up_f(dx, n), *gdz = dev_nan(n), *gdw = up_f(dw, w);
                char what[96];
                snprintf(what, sizeof what, "%srms_norm %lldx%lld", gated ? "gated_" : "", (long long)rows,
                         (long long)w);
                if (gated) {
                    CHECK_OK(gla_gated_rms_norm_fwd(cpu, rows, w, x, z, F32, wt, 1e-6f, y, F32, rstd));
                    CHECK_OK(gla_gated_rms_norm_fwd(gpu, rows, w, gx, gz, F32, gwt, 1e-6f, gy, F32, grstd));
                    CHECK_OK(gla_gated_rms_norm_bwd(cpu, rows, w, dy, x, z, F32, wt, rstd, dx, dz, F32, dw));
                    CHECK_OK(gla_gated_rms_norm_bwd(gpu, rows, w, gdy, gx, gz, F32, gwt, grstd, gdx, gdz, F32, gdw));
                    compare("gated_rms_norm_bwd dz", gdz, dz, n, TOL_F32);
                } else {
                    CHECK_OK(gla_rms_norm_fwd(cpu, rows, w, x, wt, 1e-6f, y, F32, rstd));
                    CHECK_OK(gla_rms_norm_fwd(gpu, rows, w, gx, gwt, 1e-6f, gy, F32, grstd));
                    CHECK_OK(gla_rms_norm_bwd(cpu, rows, w, dy, x, wt, rstd, dx, 1, dw));
                    CHECK_OK(gla_rms_norm_bwd(gpu, rows, w, gdy, gx, gwt, grstd, gdx, 1, gdw));
                }
                compare(what, gy, y, n, TOL_F32);
                compare(what, grstd, rstd, rows, TOL_F32);
                if (w > 1) compare(what, gdx, dx, n, TOL_F32); /* width 1: see test_layers.c */
                compare(what, gdw, dw, w, TOL_F32);
                free(x), free(z), free(wt), free(dy), free(y), free(rstd), free(dx), free(dz), free(dw);
                gfree(gx), gfree(gz), gfree(gwt), gfree(gdy), gfree(gy), gfree(grstd), gfree(gdx), gfree(gdz);
                gfree(gdw);
            }
}

static void test_elementwise(void) {
    static const int64_t counts[] = {1, 5, 17, 1000, 100003};
    for (int ci = 0; ci < 5; ci++)
        for (int offset = 0; offset < 2; offset++) { /* offset 1: pointers 4-byte aligned only (scalar loops) */
            const int64_t n = counts[ci];
            float *a = test_randn(&rng, n, 3.0), *b = test_randn(&rng, n, 1.0), *dy = test_randn(&rng, n, 1.0), *y = test_malloc((size_t)n * 4);
            float* y2 = test_malloc((size_t)n * 4);
            float *ga = dev_nan(n + 1), *gb = up_f(b, n), *gdy = up_f(dy, n), *gy = dev_nan(n + 1),
                  *gy2 = dev_nan(n + 1);
            float *pa = ga + offset, *py = gy + offset, *py2 = gy2 + offset;
            CHECK_OK(gla_memcpy(gpu, pa, a, n * 4, GLA_COPY_HOST_TO_DEVICE));
            CHECK_OK(gla_swiglu_fwd(cpu, n, a, b, F32, y, F32));
            CHECK_OK(gla_swiglu_fwd(gpu, n, pa, gb, F32, py, F32));
            compare("swiglu_fwd", py, y, n, TOL_F32);
            CHECK_OK(gla_swiglu_bwd(cpu, n, dy, a, b, F32, y, y2, F32));
            CHECK_OK(gla_swiglu_bwd(gpu, n, gdy, pa, gb, F32, py, py2, F32));
            compare("swiglu_bwd da", py, y, n, TOL_F32);
            compare("swiglu_bwd db", py2, y2, n, TOL_F32);
            for (int clamp = 0; clamp < 2; clamp++) {
                const float cmin = clamp ? -0.1f : -INFINITY;
                CHECK_OK(gla_log_sigmoid_gate_fwd(cpu, n, a, F32, 16.0f, cmin, y));
                CHECK_OK(gla_log_sigmoid_gate_fwd(gpu, n, pa, F32, 16.0f, cmin, py));
                compare("log_sigmoid_gate_fwd", py, y, n, TOL_F32);
                CHECK_OK(gla_log_sigmoid_gate_bwd(cpu, n, dy, a, F32, 16.0f, cmin, y, F32));
                CHECK_OK(gla_log_sigmoid_gate_bwd(gpu, n, gdy, pa, F32, 16.0f, cmin, py, F32));
                compare("log_sigmoid_gate_bwd", py, y, n, TOL_F32);
            }
            CHECK_OK(gla_add(cpu, n, a, b, y));
            CHECK_OK(gla_add(gpu, n, pa, gb, py));
            compare("add", py, y, n, TOL_F32);
            CHECK_OK(gla_scale(cpu, n, -0.375f, y));
            CHECK_OK(gla_scale(gpu, n, -0.375f, py));
            compare("scale", py, y, n, TOL_F32);
            double s_cpu = 0, s_gpu = 0;
            CHECK_OK(gla_sum_squares(cpu, n, a, &s_cpu));
            CHECK_OK(gla_sum_squares(gpu, n, pa, &s_gpu));
            CHECK(fabs(s_cpu - s_gpu) <= 1e-12 * s_cpu, "sum_squares n=%lld: cuda %.17g cpu %.17g", (long long)n,
                  s_gpu, s_cpu);
            /* casts: bit-exact both ways */
            uint16_t* h = test_malloc((size_t)n * 2);
            CHECK_OK(gla_cast(cpu, n, a, GLA_DTYPE_F32, h, GLA_DTYPE_BF16));
            CHECK_OK(gla_cast(gpu, n, pa, GLA_DTYPE_F32, py, GLA_DTYPE_BF16));
            compare_bits("cast f32 -> bf16", py, h, n * 2);
            CHECK_OK(gla_cast(cpu, n, h, GLA_DTYPE_BF16, y, GLA_DTYPE_F32));
            CHECK_OK(gla_cast(gpu, n, py, GLA_DTYPE_BF16, py2, GLA_DTYPE_F32));
            compare_bits("cast bf16 -> f32", py2, y, n * 4);
            /* AdamW */
            float *p = test_randn(&rng, n, 1.0), *m = test_randn(&rng, n, 0.1), *v = test_randn(&rng, n, 0.1);
            for (int64_t i = 0; i < n; i++) v[i] *= v[i];
            float *gp = up_f(p, n), *gm = up_f(m, n), *gv = up_f(v, n);
            CHECK_OK(gla_adamw(cpu, n, p, dy, m, v, 1e-3f, 0.3f, 0.1f, 0.95f, 0.05f, 1e-8f, 0.9999f));
            CHECK_OK(gla_adamw(gpu, n, gp, gdy, gm, gv, 1e-3f, 0.3f, 0.1f, 0.95f, 0.05f, 1e-8f, 0.9999f));
            compare("adamw param", gp, p, n, TOL_F32);
            compare("adamw exp_avg", gm, m, n, TOL_F32);
            compare("adamw exp_avg_sq", gv, v, n, TOL_F32);
            free(a), free(b), free(dy), free(y), free(y2), free(h), free(p), free(m), free(v);
            gfree(ga), gfree(gb), gfree(gdy), gfree(gy), gfree(gy2), gfree(gp), gfree(gm), gfree(gv);
        }
}

static void test_rows(void) {
    /* widths: odd ones (one element per lane), multiples of 4 (vector loads), the models' 256 and 2048, and 4000
     * (wider than the backward's shared weight-gradient sums: the separate column sums) */
    static const int64_t rows_list[] = {1, 3, 37, 3000}, widths[] = {1, 5, 17, 256, 1000, 2048, 4000};
    for (int ri = 0; ri < 4; ri++)
        for (int wi = 0; wi < 7; wi++) {
            const int64_t rows = rows_list[ri], hd = widths[wi], kv = 3, groups = 2, n_in = rows * kv * hd;
            if (n_in > 2000000) continue;
            float *in = test_randn(&rng, n_in, 1.0), *out = test_malloc((size_t)(n_in * groups) * 4), *din = test_malloc((size_t)n_in * 4);
            float *gin = up_f(in, n_in), *gout = dev_nan(n_in * groups), *gdin = dev_nan(n_in);
            CHECK_OK(gla_repeat_heads_fwd(cpu, rows, kv, groups, hd, in, out, F32));
            CHECK_OK(gla_repeat_heads_fwd(gpu, rows, kv, groups, hd, gin, gout, F32));
            compare_bits("repeat_heads_fwd", gout, out, n_in * groups * 4);
            CHECK_OK(gla_repeat_heads_bwd(cpu, rows, kv, groups, hd, out, din));
            CHECK_OK(gla_repeat_heads_bwd(gpu, rows, kv, groups, hd, gout, gdin));
            compare("repeat_heads_bwd", gdin, din, n_in, TOL_F32);
            const int64_t n = rows * hd;
            float *bias = test_randn(&rng, hd, 1.0), *db = test_randn(&rng, hd, 1.0);
            float *gbias = up_f(bias, hd), *gdb = up_f(db, hd);
            CHECK_OK(gla_bias_add(cpu, rows, hd, bias, in, F32));
            CHECK_OK(gla_bias_add(gpu, rows, hd, gbias, gin, F32));
            compare("bias_add", gin, in, n, TOL_F32);
            CHECK_OK(gla_bias_grad(cpu, rows, hd, in, db));
            CHECK_OK(gla_bias_grad(gpu, rows, hd, gin, gdb));
            compare("bias_grad", gdb, db, hd, TOL_F32);
            /* twice on the GPU: the same bits */
            float* first = down(gdb, hd * 4);
            CHECK_OK(gla_memcpy(gpu, gdb, bias, hd * 4, GLA_COPY_HOST_TO_DEVICE));
            CHECK_OK(gla_bias_grad(gpu, rows, hd, gin, gdb));
            float* again = down(gdb, hd * 4);
            CHECK_OK(gla_memcpy(gpu, gdb, bias, hd * 4, GLA_COPY_HOST_TO_DEVICE));
            CHECK_OK(gla_bias_grad(gpu, rows, hd, gin, gdb));
            float* third = down(gdb, hd * 4);
            CHECK(memcmp(again, third, (size_t)hd * 4) == 0, "bias_grad: two runs differ");
            free(first), free(again), free(third);
            free(in), free(out), free(din), free(bias), free(db);
            gfree(gin), gfree(gout), gfree(gdin), gfree(gbias), gfree(gdb);
        }
}

/* ---- embedding, cross-entropy ---- */

static void test_vocab(void) {
    static const int64_t rows_list[] = {1, 3, 37, 3000}, widths[] = {1, 5, 17, 1000};
    const int64_t vocab = 50;
    for (int ri = 0; ri < 4; ri++)
        for (int wi = 0; wi < 4; wi++) {
            const int64_t rows = rows_list[ri], w = widths[wi];
            int32_t* ids = test_malloc((size_t)rows * 4);
            for (int64_t r = 0; r < rows; r++) ids[r] = (int32_t)((r * 7 + 3) % vocab);
            float *table = test_randn(&rng, vocab * w, 1.0), *out = test_malloc((size_t)(rows * w) * 4), *dout = test_randn(&rng, rows * w, 1.0);
            float *gtable = up_f(table, vocab * w), *gout = dev_nan(rows * w), *gdout = up_f(dout, rows * w);
            CHECK_OK(gla_embedding_fwd(cpu, rows, w, vocab, ids, table, out));
            CHECK_OK(gla_embedding_fwd(gpu, rows, w, vocab, ids, gtable, gout));
            compare_bits("embedding_fwd", gout, out, rows * w * 4);
            CHECK_OK(gla_embedding_bwd(cpu, rows, w, vocab, ids, dout, 3, table));
            CHECK_OK(gla_embedding_bwd(gpu, rows, w, vocab, ids, gdout, 3, gtable));
            compare_bits("embedding_bwd (same order of additions)", gtable, table, vocab * w * 4);
            free(ids), free(table), free(out), free(dout);
            gfree(gtable), gfree(gout), gfree(gdout);
        }
    static const int64_t shapes[][2] = {{1, 1}, {3, 5}, {37, 17}, {3, 32000}, {64, 32768}};
    for (size_t s = 0; s < sizeof shapes / sizeof shapes[0]; s++) {
        const int64_t rows = shapes[s][0], vocab_n = shapes[s][1], n = rows * vocab_n;
        float *logits = test_randn(&rng, n, 4.0), *losses = test_malloc((size_t)rows * 4), *dl = test_malloc((size_t)n * 4);
        int32_t* targets = test_malloc((size_t)rows * 4);
        for (int64_t r = 0; r < rows; r++) targets[r] = (int32_t)((r * 13 + 1) % vocab_n);
        if (rows > 2) targets[1] = -100;
        float *glogits = up_f(logits, n), *glosses = dev_nan(rows), *gdl = dev_nan(n);
        CHECK_OK(gla_cross_entropy(cpu, rows, vocab_n, logits, targets, 0.5f, losses, dl, F32));
        CHECK_OK(gla_cross_entropy(gpu, rows, vocab_n, glogits, targets, 0.5f, glosses, gdl, F32));
        compare("cross_entropy losses", glosses, losses, rows, TOL_F32);
        compare("cross_entropy dlogits", gdl, dl, n, TOL_F32);
        float* nan_rows = test_malloc((size_t)rows * 4);
        poison_f32(nan_rows, (size_t)rows);
        CHECK_OK(gla_memcpy(gpu, glosses, nan_rows, rows * 4, GLA_COPY_HOST_TO_DEVICE));
        /* in place */
        CHECK_OK(gla_cross_entropy(gpu, rows, vocab_n, glogits, targets, 0.5f, glosses, glogits, F32));
        compare("cross_entropy losses (in place)", glosses, losses, rows, TOL_F32);
        compare("cross_entropy dlogits (in place)", glogits, dl, n, TOL_F32);
        free(logits), free(losses), free(dl), free(targets), free(nan_rows);
        gfree(glogits), gfree(glosses), gfree(gdl);
    }
}

/* ---- fused decoding products ---- */

/* One call on both backends: outputs of the given widths (a bias on the even ones, the odd ones in place), weights
 * offset by `offset` elements from a 16-byte boundary (1: the cuda kernel's one-element loads). */
static void decode_linear_case(int64_t rows, int64_t in, int64_t norm_width, int32_t prologue, int32_t epilogue,
                               int32_t wdtype, int count, const int64_t* outs, int offset) {
    const gla_linear_dims d = {rows, in, norm_width, prologue, epilogue, wdtype, 1e-6f, 16.0f,
                               epilogue ? -0.2f : -INFINITY};
    const int norm = prologue == GLA_PROLOGUE_RMS_NORM || prologue == GLA_PROLOGUE_GATED_RMS_NORM;
    const int gated = prologue == GLA_PROLOGUE_GATED_RMS_NORM || prologue == GLA_PROLOGUE_SWIGLU;
    const int64_t n_x = rows * in + 1, eb = wdtype ? 2 : 4;
    float *x = test_randn(&rng, n_x, 1.0), *z = test_randn(&rng, n_x, 2.0), *nw = test_randn(&rng, norm_width, 1.0);
    float *gx = up_f(x, n_x), *gz = gated ? up_f(z, n_x) : NULL, *gnw = norm ? up_f(nw, norm_width) : NULL;
    gla_linear_output host[GLA_DECODE_LINEAR_MAX_OUTPUTS], dev[GLA_DECODE_LINEAR_MAX_OUTPUTS];
    void* wbase[GLA_DECODE_LINEAR_MAX_OUTPUTS];
    for (int i = 0; i < count; i++) {
        const int64_t n = rows * outs[i], nwt = outs[i] * in + offset + 1;
        void* w = random_matrix(nwt, wdtype);
        float *bias = i % 2 == 0 ? test_randn(&rng, outs[i] + 1, 1.0) : NULL, *res = test_randn(&rng, n + 1, 1.0);
        wbase[i] = up(w, nwt * eb);
        float* y = i % 2 ? res : test_malloc((size_t)n * 4 + 4);
        host[i] = (gla_linear_output){(char*)w + offset * eb, bias, i % 2 ? res : NULL, y, outs[i]};
        dev[i] = (gla_linear_output){(char*)wbase[i] + offset * eb, bias ? up_f(bias, outs[i]) : NULL, NULL,
                                     i % 2 ? up_f(res, n) : dev_nan(n), outs[i]};
        dev[i].residual = i % 2 ? dev[i].y : NULL;
        if (i % 2 == 0) free(res);
    }
    CHECK_OK(gla_decode_linear(cpu, &d, x, gated ? z : NULL, norm ? nw : NULL, host, count));
    CHECK_OK(gla_decode_linear(gpu, &d, gx, gz, gnw, dev, count));
    for (int i = 0; i < count; i++) {
        char what[160];
        snprintf(what, sizeof what, "decode_linear rows=%lld in=%lld norm_width=%lld prologue=%d epilogue=%d %s "
                 "weights%s output %d", (long long)rows, (long long)in, (long long)norm_width, prologue, epilogue,
                 wdtype ? "bf16" : "f32", offset ? " (unaligned)" : "", i);
        compare(what, dev[i].y, host[i].y, rows * outs[i], TOL_F32);
        free((char*)host[i].weight - offset * eb), free((void*)host[i].bias), free(host[i].y);
        gfree(wbase[i]), gfree((void*)dev[i].bias), gfree(dev[i].y);
    }
    free(x), free(z), free(nw);
    gfree(gx), gfree(gz), gfree(gnw);
}

static void test_decode_linear(void) {
    /* the 340M model's calls at one token: attention inputs, the gate, o_proj, the MLP, down_proj, the head */
    static const int64_t attn[] = {512, 512, 1024, 16, 1024}, gate[] = {512}, one[] = {1024}, mlp[] = {2816, 2816},
                         head[] = {32000};
    for (int32_t wd = GLA_DTYPE_F32; wd <= GLA_DTYPE_BF16; wd++)
        for (int64_t rows = 1; rows <= GLA_DECODE_LINEAR_MAX_ROWS; rows *= 4) {
            decode_linear_case(rows, 1024, 1024, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, wd, 5, attn, 0);
            decode_linear_case(rows, 16, 16, GLA_PROLOGUE_NONE, GLA_EPILOGUE_LOG_SIGMOID_GATE, wd, 1, gate, 0);
            decode_linear_case(rows, 1024, 256, GLA_PROLOGUE_GATED_RMS_NORM, GLA_EPILOGUE_NONE, wd, 1, one, 0);
            decode_linear_case(rows, 1024, 1024, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, wd, 2, mlp, 0);
            decode_linear_case(rows, 2816, 2816, GLA_PROLOGUE_SWIGLU, GLA_EPILOGUE_NONE, wd, 1, one, 0);
            if (rows == 1)
                decode_linear_case(rows, 1024, 1024, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, wd, 1, head, 0);
        }
    /* awkward: every row count (each tile height), odd widths and unaligned weights (one-element loads), many norm
     * groups, in 0, eight outputs */
    static const int64_t odd[] = {1, 37, 8, 300, 5, 64, 3, 129};
    for (int64_t rows = 1; rows <= GLA_DECODE_LINEAR_MAX_ROWS; rows++)
        for (int32_t prologue = GLA_PROLOGUE_NONE; prologue <= GLA_PROLOGUE_SWIGLU; prologue++)
            decode_linear_case(rows, 1000, 250, prologue, (int32_t)(rows % 2), (int32_t)(rows % 3 == 0), 3, odd, 0);
    decode_linear_case(3, 1001, 7, GLA_PROLOGUE_GATED_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_BF16, 8, odd, 0);
    decode_linear_case(2, 4096, 4096, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_LOG_SIGMOID_GATE, GLA_DTYPE_F32, 8, odd, 1);
    decode_linear_case(5, 1024, 1024, GLA_PROLOGUE_NONE, GLA_EPILOGUE_NONE, GLA_DTYPE_BF16, 2, odd + 2, 1);
    decode_linear_case(16, 1024, 8, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_BF16, 1, odd + 3, 0);
    decode_linear_case(4, 0, 1, GLA_PROLOGUE_NONE, GLA_EPILOGUE_LOG_SIGMOID_GATE, GLA_DTYPE_F32, 3, odd, 0);
    /* more norm groups than the cuda backend keeps on chip: a clear refusal */
    const gla_linear_dims d = {16, 1024, 4, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_F32, 1e-6f, 0, 0};
    float *gx = dev_nan(16 * 1024), *gw = dev_nan(1024), *gy = dev_nan(16 * 4);
    const gla_linear_output o = {gx, NULL, NULL, gy, 4};
    const gla_status s = gla_decode_linear(gpu, &d, gx, NULL, gw, &o, 1);
    const char* msg = "";
    gla_get_last_error(&msg);
    CHECK(s == GLA_ERROR_UNSUPPORTED && strstr(msg, "norm groups") != NULL,
          "decode_linear with 4096 norm groups: status %d, message '%s'", (int)s, msg);
    gfree(gx), gfree(gw), gfree(gy);
}

/* ---- the decoding step with its gate projection, cuda against cpu ---- */

static void gate_proj_case(int64_t B, int64_t H, int64_t K, int64_t V, int32_t rank, int32_t wdtype, int with_bias,
                           float clamp_min) {
    const int64_t hk = H * K, nq = B * hk, nv = B * H * V, ns = B * H * K * V;
    float *q = test_randn(&rng, nq, 0.5), *k = test_randn(&rng, nq, 0.5), *v = test_randn(&rng, nv, 1.0);
    float *in = test_randn(&rng, B * rank, 1.0), *bias = with_bias ? test_randn(&rng, hk, 1.0) : NULL;
    float *state = test_randn(&rng, ns, 0.3), *w = test_randn(&rng, hk * rank, 1.0);
    void* wt = w;
    if (wdtype == GLA_DTYPE_BF16) wt = test_bf16_of(w, hk * rank);
    float *gq = up_f(q, nq), *gk = up_f(k, nq), *gv = up_f(v, nv), *gin = up_f(in, B * rank);
    float *gbias = bias ? up_f(bias, hk) : NULL, *gstate = up_f(state, ns), *go = dev_nan(nv);
    void* gw = up(wt, hk * rank * (wdtype == GLA_DTYPE_BF16 ? 2 : 4));
    float* o = test_malloc((size_t)nv * 4);
    const gla_dims d = test_dims(B, 1, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    const gla_gate_proj cp = {in, wt, bias, rank, wdtype, 16.0f, clamp_min};
    const gla_gate_proj gp = {gin, gw, gbias, rank, wdtype, 16.0f, clamp_min};
    CHECK_OK(gla_decode_step_gate_proj(cpu, &d, q, k, v, &cp, state, o));
    CHECK_OK(gla_decode_step_gate_proj(gpu, &d, gq, gk, gv, &gp, gstate, go));
    compare("decode_step_gate_proj o", go, o, nv, TOL_F32);
    compare("decode_step_gate_proj state", gstate, state, ns, TOL_F32);
    if (wt != w) free(wt);
    free(q), free(k), free(v), free(in), free(bias), free(state), free(w), free(o);
    gfree(gq), gfree(gk), gfree(gv), gfree(gin), gfree(gstate), gfree(go), gfree(gw);
    if (gbias) gfree(gbias);
}

static void test_decode_gate_proj(void) {
    gate_proj_case(1, 4, 128, 256, 16, GLA_DTYPE_BF16, 1, -INFINITY); /* the 340M model's */
    gate_proj_case(5, 3, 20, 70, 7, GLA_DTYPE_F32, 0, -0.25f);
}

/* ---- graphs ---- */

enum { GR = 8, GW = 256, GB = 2, GH = 2, GK = 64, GV = 64, GT = 64 };

typedef struct graph_bufs {
    float *x, *w, *y, *rstd, *proj, *wproj, *act, *res, *z, *g, *p, *grad, *m, *v, *dl, *dl2;
    float *q, *k, *vv, *gate, *state, *o, *cq, *co;
    void* ws;
    int64_t ws_bytes;
} graph_bufs;

/* The recorded sequence: a small layer forward, an optimizer step, a decode step, a chunk forward. */
static gla_status graph_ops(const graph_bufs* b) {
    gla_status s;
    gla_dims dec = test_dims(GB, 1, GH, GK, GV, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    gla_dims chunk = test_dims(1, GT, GH, GK, GV, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    if ((s = gla_rms_norm_fwd(gpu, GR, GW, b->x, b->w, 1e-6f, b->y, F32, b->rstd)) != GLA_OK) return s;
    if (have_cublas && (s = gla_gemm(gpu, 0, 1, GR, GW, GW, 1.0f, b->y, GW, b->wproj, GW, GLA_DTYPE_F32, 0.0f,
                                     b->proj, GW, GLA_DTYPE_F32)) != GLA_OK)
        return s;
    if ((s = gla_swiglu_fwd(gpu, GR * GW, b->proj, b->y, F32, b->act, F32)) != GLA_OK) return s;
    if ((s = gla_add(gpu, GR * GW, b->x, b->act, b->res)) != GLA_OK) return s;
    if ((s = gla_log_sigmoid_gate_fwd(gpu, GR * GW, b->res, F32, 16.0f, -INFINITY, b->z)) != GLA_OK) return s;
    if ((s = gla_bias_grad(gpu, GR, GW, b->res, b->g)) != GLA_OK) return s;
    if ((s = gla_adamw(gpu, GW, b->p, b->g, b->m, b->v, 1e-3f, 0.3f, 0.1f, 0.95f, 0.05f, 1e-8f, 0.999f)) != GLA_OK)
        return s;
    if ((s = gla_decode_step(gpu, &dec, b->q, b->k, b->vv, b->gate, b->state, b->o)) != GLA_OK) return s;
    /* the output table is this frame's: the recording keeps the pointers, not the table */
    const gla_linear_dims dl = {GR, GW, GW, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, GLA_DTYPE_F32, 1e-6f, 0, 0};
    const gla_linear_output outs[2] = {{b->wproj, b->w, NULL, b->dl, GW / 2}, {b->wproj, NULL, b->x, b->dl2, GW}};
    if ((s = gla_decode_linear(gpu, &dl, b->x, NULL, b->w, outs, 2)) != GLA_OK) return s;
    return gla_chunk_fwd(gpu, &chunk, b->cq, b->cq, b->cq, b->gate, NULL, NULL, b->co, NULL, b->ws, b->ws_bytes);
}

/* Every output of the sequence, poisoned, and the state inputs (which the sequence updates) reset. */
static void reset_graph_outputs(const graph_bufs* b, const float* state0, const float* p0) {
    const int64_t most = GT * GH * GV > GR * GW ? GT * GH * GV : GR * GW;
    float* nanbuf = test_malloc((size_t)most * 4);
    poison_f32(nanbuf, (size_t)most);
    float* const outs[] = {b->y, b->proj, b->act, b->res, b->z, b->dl, b->dl2};
    for (int i = 0; i < 7; i++) CHECK_OK(gla_memcpy(gpu, outs[i], nanbuf, GR * GW * 4, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(gla_memcpy(gpu, b->o, nanbuf, GB * GH * GV * 4, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(gla_memcpy(gpu, b->co, nanbuf, GT * GH * GV * 4, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(gla_memset(gpu, b->g, 0, GW * 4));
    CHECK_OK(gla_memset(gpu, b->m, 0, GW * 4));
    CHECK_OK(gla_memset(gpu, b->v, 0, GW * 4));
    CHECK_OK(gla_memcpy(gpu, b->state, state0, GB * GH * GK * GV * 4, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(gla_memcpy(gpu, b->p, p0, GW * 4, GLA_COPY_HOST_TO_DEVICE));
    free(nanbuf);
}

/* Host copy of every output, concatenated. */
static float* graph_outputs(const graph_bufs* b, int64_t* n) {
    float* const bufs[] = {b->y, b->proj, b->act, b->res, b->z, b->g, b->p, b->m, b->v, b->state, b->o, b->co,
                           b->dl, b->dl2};
    const int64_t sizes[] = {GR * GW, GR * GW, GR * GW, GR * GW, GR * GW, GW, GW, GW, GW, GB * GH * GK * GV,
                             GB * GH * GV, GT * GH * GV, GR * GW / 2, GR * GW};
    int64_t total = 0;
    for (int i = 0; i < 14; i++) total += sizes[i];
    float* all = test_malloc((size_t)total * 4);
    int64_t at = 0;
    for (int i = 0; i < 14; i++) {
        float* part = down(bufs[i], sizes[i] * 4);
        memcpy(all + at, part, (size_t)sizes[i] * 4);
        free(part);
        at += sizes[i];
    }
    *n = total;
    return all;
}

static void expect_refused(gla_status s, const char* what) {
    const char* msg = "";
    gla_get_last_error(&msg);
    CHECK(s == GLA_ERROR_INVALID_ARGUMENT && strstr(msg, "recording") != NULL,
          "%s while recording: status %d, message '%s'", what, (int)s, msg);
}

static void test_graphs(void) {
    graph_bufs b;
    float* x = test_randn(&rng, GR * GW, 1.0);
    float* w = test_randn(&rng, GW * GW, 0.05);
    float* state0 = test_randn(&rng, GB * GH * GK * GV, 0.1);
    float* p0 = test_randn(&rng, GW, 1.0);
    float* qkv = test_randn(&rng, GT * GH * GK, 0.3);
    float* gate = test_randn(&rng, GT * GH * GK, 0.1);
    for (int i = 0; i < GT * GH * GK; i++) gate[i] = -fabsf(gate[i]);
    b.x = up_f(x, GR * GW), b.w = up_f(w, GW), b.wproj = up_f(w, GW * GW);
    b.y = dev_nan(GR * GW), b.rstd = dev_nan(GR), b.proj = dev_nan(GR * GW), b.act = dev_nan(GR * GW);
    b.res = dev_nan(GR * GW), b.z = dev_nan(GR * GW), b.g = dev_nan(GW), b.p = dev_nan(GW), b.m = dev_nan(GW);
    b.v = dev_nan(GW), b.grad = NULL;
    b.q = up_f(qkv, GB * GH * GK), b.k = up_f(qkv + 7, GB * GH * GK), b.vv = up_f(qkv + 11, GB * GH * GV);
    b.gate = up_f(gate, GT * GH * GK), b.state = dev_nan(GB * GH * GK * GV), b.o = dev_nan(GB * GH * GV);
    b.cq = up_f(qkv, GT * GH * GK), b.co = dev_nan(GT * GH * GV), b.dl = dev_nan(GR * GW), b.dl2 = dev_nan(GR * GW);
    gla_dims chunk = test_dims(1, GT, GH, GK, GV, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    CHECK_OK(gla_workspace_size(gpu, GLA_OP_CHUNK_FWD, &chunk, &b.ws_bytes));
    b.ws = NULL;
    CHECK_OK(gla_malloc(gpu, b.ws_bytes > 0 ? b.ws_bytes : 64, &b.ws));
    if (b.ws_bytes == 0) b.ws_bytes = 64;

    /* direct */
    reset_graph_outputs(&b, state0, p0);
    CHECK_OK(graph_ops(&b));
    int64_t n = 0;
    float* direct = graph_outputs(&b, &n);

    /* recorded: nothing runs until launched */
    reset_graph_outputs(&b, state0, p0);
    CHECK_OK(gla_synchronize(gpu));
    CHECK_OK(gla_graph_begin(gpu));
    CHECK_OK(graph_ops(&b));
    /* refusals */
    double sum;
    void* ptr = NULL;
    int32_t ids[2] = {0, 1};
    int64_t cu[2] = {0, GT};
    float host[4] = {0};
    gla_graph* nested = NULL;
    gla_dims varlen = chunk;
    varlen.num_seqs = 1;
    expect_refused(gla_embedding_fwd(gpu, 2, GW, 2, ids, b.x, b.y), "embedding_fwd from pageable ids");
    expect_refused(gla_embedding_bwd(gpu, 2, GW, 2, ids, b.x, -1, b.y), "embedding_bwd");
    expect_refused(gla_cross_entropy(gpu, 2, GW, b.x, ids, 1.0f, b.g, NULL, F32), "cross_entropy");
    expect_refused(gla_sum_squares(gpu, GW, b.x, &sum), "sum_squares");
    expect_refused(gla_synchronize(gpu), "synchronize");
    expect_refused(gla_memcpy(gpu, b.y, host, 16, GLA_COPY_HOST_TO_DEVICE), "memcpy host to device");
    expect_refused(gla_memcpy(gpu, host, b.y, 16, GLA_COPY_DEVICE_TO_HOST), "memcpy device to host");
    expect_refused(gla_memcpy(gpu, host, host + 2, 8, GLA_COPY_HOST_TO_HOST), "memcpy host to host");
    expect_refused(gla_malloc(gpu, 64, &ptr), "malloc");
    expect_refused(gla_free(gpu, b.y), "free");
    expect_refused(gla_chunk_fwd(gpu, &chunk, b.cq, b.cq, b.cq, b.gate, NULL, NULL, b.co, NULL, NULL, 0),
                   "chunk_fwd without workspace");
    expect_refused(gla_chunk_fwd(gpu, &varlen, b.cq, b.cq, b.cq, b.gate, NULL, cu, b.co, NULL, b.ws, b.ws_bytes),
                   "chunk_fwd with cu_seqlens");
    expect_refused(gla_context_set_stream(gpu, NULL), "set_stream");
    expect_refused(gla_graph_begin(gpu), "graph_begin");
    gla_graph* g = NULL;
    CHECK_OK(gla_graph_end(gpu, &g));
    CHECK(g != NULL, "gla_graph_end gave no graph");
    const gla_status again = gla_graph_end(gpu, &nested);
    CHECK(again == GLA_ERROR_INVALID_ARGUMENT && nested == NULL, "a second gla_graph_end: status %d", (int)again);
    float* before = graph_outputs(&b, &n);
    CHECK(isnan(before[0]) && isnan(before[n - 1]), "recording ran the ops");
    free(before);

    /* replay = direct */
    CHECK_OK(gla_graph_launch(gpu, g));
    float* replay = graph_outputs(&b, &n);
    int64_t diff = 0;
    for (int64_t i = 0; i < n; i++) diff += memcmp(&replay[i], &direct[i], 4) != 0;
    CHECK(diff == 0, "graph replay differs from direct execution in %lld of %lld values", (long long)diff,
          (long long)n);
    /* a replay reads the current contents: new x, reset state, same result as direct with the new x */
    float* x2 = test_randn(&rng, GR * GW, 1.0);
    reset_graph_outputs(&b, state0, p0);
    CHECK_OK(gla_memcpy(gpu, b.x, x2, GR * GW * 4, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(graph_ops(&b));
    float* direct2 = graph_outputs(&b, &n);
    reset_graph_outputs(&b, state0, p0);
    CHECK_OK(gla_graph_launch(gpu, g));
    float* replay2 = graph_outputs(&b, &n);
    CHECK(memcmp(direct2, replay2, (size_t)n * 4) == 0, "graph replay with new inputs differs from direct execution");
    CHECK_OK(gla_graph_destroy(g));

    free(x), free(w), free(state0), free(p0), free(qkv), free(gate), free(direct), free(replay), free(x2);
    free(direct2), free(replay2);
    float* const bufs[] = {b.x, b.w, b.wproj, b.y, b.rstd, b.proj, b.act, b.res, b.z, b.g, b.p, b.m, b.v,
                           b.q, b.k, b.vv, b.gate, b.state, b.o, b.cq, b.co, b.dl, b.dl2};
    for (size_t i = 0; i < sizeof bufs / sizeof bufs[0]; i++) gfree(bufs[i]);
    gfree(b.ws);
}

/* A decoding step's host side in a graph: ids read from page-locked memory at each replay (embedding), the result
 * copied back into page-locked memory; new ids between replays give the new rows, an id out of range a NaN row. */
static void test_graph_host_io(void) {
    enum { ROWS = 3, WIDTH = 40, VOCAB = 11 };
    float* table = test_randn(&rng, VOCAB * WIDTH, 1.0);
    float *gtable = up_f(table, VOCAB * WIDTH), *gout = dev_nan(ROWS * WIDTH);
    int32_t* ids = NULL;
    float* out = NULL;
    CHECK_OK(gla_host_alloc(gpu, ROWS * 4, (void**)&ids));
    CHECK_OK(gla_host_alloc(gpu, ROWS * WIDTH * 4, (void**)&out));
    CHECK_OK(gla_synchronize(gpu));
    CHECK_OK(gla_graph_begin(gpu));
    CHECK_OK(gla_embedding_fwd(gpu, ROWS, WIDTH, VOCAB, ids, gtable, gout));
    CHECK_OK(gla_memcpy(gpu, out, gout, ROWS * WIDTH * 4, GLA_COPY_DEVICE_TO_HOST));
    gla_graph* g = NULL;
    CHECK_OK(gla_graph_end(gpu, &g));
    const int32_t steps[3][ROWS] = {{4, 0, 10}, {7, 7, 2}, {1, VOCAB, -1}};
    for (int step = 0; step < 3; step++) {
        memcpy(ids, steps[step], sizeof steps[step]);
        poison_f32(out, ROWS * WIDTH);
        CHECK_OK(gla_graph_launch(gpu, g));
        CHECK_OK(gla_synchronize(gpu));
        int64_t wrong = 0;
        for (int r = 0; r < ROWS; r++) {
            const int32_t id = steps[step][r];
            for (int j = 0; j < WIDTH; j++) {
                const float got = out[r * WIDTH + j];
                wrong += id >= 0 && id < VOCAB ? memcmp(&got, &table[id * WIDTH + j], 4) != 0 : !isnan(got);
            }
        }
        CHECK(wrong == 0, "graph with host ids, replay %d: %lld of %d values wrong", step, (long long)wrong,
              ROWS * WIDTH);
    }
    CHECK_OK(gla_graph_destroy(g));
    CHECK_OK(gla_host_free(gpu, ids));
    CHECK_OK(gla_host_free(gpu, out));
    gfree(gtable), gfree(gout);
    free(table);
}

/* ---- bf16 activations: the same ops with bf16 tensors ---- */

/* Compares n bf16 values of device memory with the cpu's, as fp32. */
static void compare_bf16(const char* what, const void* dev, const uint16_t* want, int64_t n) {
    uint16_t* got = (uint16_t*)down(dev, n * 2);
    float* g = test_malloc((size_t)n * 4);
    double* ref = test_malloc((size_t)n * sizeof(double));
    for (int64_t i = 0; i < n; i++) g[i] = test_bf16_to_f32(got[i]), ref[i] = test_bf16_to_f32(want[i]);
    double e = rel_rms_f32(g, ref, (size_t)n);
    CHECK(e <= TOL_BF16, "%s: cuda vs cpu relative RMS %.3g > %.1g", what, e, TOL_BF16);
    free(got), free(g), free(ref);
}

static void test_bf16_activations(void) {
    static const int64_t rows_list[] = {1, 37, 3000}, widths[] = {203, 256};
    for (int ri = 0; ri < 6; ri++)
        for (int offset = 0; offset < 2; offset++) { /* offset 1: bf16 pointers 2-byte aligned (scalar loops) */
            /* width 256 with offset 0: the norms' vector loads */
            const int64_t rows = rows_list[ri / 2], w = widths[ri % 2], n = rows * w, kv = 3, groups = 2, hd = 7;
            float *x = test_randn(&rng, n, 1.0), *z = test_randn(&rng, n, 2.0), *wt = test_randn(&rng, w, 1.0);
            float *dy = test_randn(&rng, n, 1.0), *bias = test_randn(&rng, w, 1.0);
            uint16_t *xb = test_bf16_of(x, n), *zb = test_bf16_of(z, n), *yb = test_malloc((size_t)n * 2);
            float *rstd = test_malloc((size_t)rows * 4), *dx = test_malloc((size_t)n * 4);
            float *dz = test_malloc((size_t)n * 4), *dw = test_randn(&rng, w, 1.0);
            uint16_t *gxb = (uint16_t*)up(xb, (n + 1) * 2), *gzb = (uint16_t*)up(zb, (n + 1) * 2);
            uint16_t *gyb = (uint16_t*)up(yb, (n + 1) * 2);
            uint16_t *px = gxb + offset, *pz = gzb + offset, *py = gyb + offset;
            CHECK_OK(gla_memcpy(gpu, px, xb, n * 2, GLA_COPY_HOST_TO_DEVICE));
            CHECK_OK(gla_memcpy(gpu, pz, zb, n * 2, GLA_COPY_HOST_TO_DEVICE));
            float *gx = up_f(x, n), *gwt = up_f(wt, w), *gdy = up_f(dy, n), *gbias = up_f(bias, w);
            float *grstd = dev_nan(rows), *gdx = dev_nan(n), *gdz = dev_nan(n), *gdw = up_f(dw, w);

            CHECK_OK(gla_rms_norm_fwd(cpu, rows, w, x, wt, 1e-6f, yb, BF16, rstd));
            CHECK_OK(gla_rms_norm_fwd(gpu, rows, w, gx, gwt, 1e-6f, py, BF16, grstd));
            compare_bf16("rms_norm_fwd bf16 y", py, yb, n);
            compare("rms_norm_fwd rstd (bf16 y)", grstd, rstd, rows, TOL_F32);
            CHECK_OK(gla_gated_rms_norm_fwd(cpu, rows, w, xb, zb, BF16, wt, 1e-6f, yb, BF16, rstd));
            CHECK_OK(gla_gated_rms_norm_fwd(gpu, rows, w, px, pz, BF16, gwt, 1e-6f, py, BF16, grstd));
            compare_bf16("gated_rms_norm_fwd bf16", py, yb, n);
            compare("gated_rms_norm_fwd rstd (bf16)", grstd, rstd, rows, TOL_F32);
            CHECK_OK(gla_gated_rms_norm_bwd(cpu, rows, w, dy, xb, zb, BF16, wt, rstd, dx, dz, F32, dw));
            CHECK_OK(gla_gated_rms_norm_bwd(gpu, rows, w, gdy, px, pz, BF16, gwt, grstd, gdx, gdz, F32, gdw));
            compare("gated_rms_norm_bwd dx (bf16 x, z)", gdx, dx, n, TOL_F32);
            compare("gated_rms_norm_bwd dz (bf16 x, z)", gdz, dz, n, TOL_F32);
            compare("gated_rms_norm_bwd dweight (bf16 x, z)", gdw, dw, w, TOL_F32);
            uint16_t *gb = test_malloc((size_t)n * 2), *gb2 = test_malloc((size_t)n * 2); /* bf16 gradients */
            void *ggb = up(gb, n * 2), *ggb2 = up(gb2, n * 2);
            CHECK_OK(gla_gated_rms_norm_bwd(cpu, rows, w, dy, xb, zb, BF16, wt, rstd, gb, gb2, BF16, dw));
            CHECK_OK(gla_gated_rms_norm_bwd(gpu, rows, w, gdy, px, pz, BF16, gwt, grstd, ggb, ggb2, BF16, gdw));
            compare_bf16("gated_rms_norm_bwd bf16 dx", ggb, gb, n);
            compare_bf16("gated_rms_norm_bwd bf16 dz", ggb2, gb2, n);
            CHECK_OK(gla_swiglu_fwd(cpu, n, xb, zb, BF16, yb, BF16));
            CHECK_OK(gla_swiglu_fwd(gpu, n, px, pz, BF16, py, BF16));
            compare_bf16("swiglu_fwd bf16", py, yb, n);
            CHECK_OK(gla_swiglu_bwd(cpu, n, dy, xb, zb, BF16, dx, dz, F32));
            CHECK_OK(gla_swiglu_bwd(gpu, n, gdy, px, pz, BF16, gdx, gdz, F32));
            compare("swiglu_bwd da (bf16 a, b)", gdx, dx, n, TOL_F32);
            compare("swiglu_bwd db (bf16 a, b)", gdz, dz, n, TOL_F32);
            CHECK_OK(gla_swiglu_bwd(cpu, n, dy, xb, zb, BF16, gb, gb2, BF16));
            CHECK_OK(gla_swiglu_bwd(gpu, n, gdy, px, pz, BF16, ggb, ggb2, BF16));
            compare_bf16("swiglu_bwd bf16 da", ggb, gb, n);
            compare_bf16("swiglu_bwd bf16 db", ggb2, gb2, n);
            CHECK_OK(gla_log_sigmoid_gate_fwd(cpu, n, zb, BF16, 16.0f, -0.1f, dx));
            CHECK_OK(gla_log_sigmoid_gate_fwd(gpu, n, pz, BF16, 16.0f, -0.1f, gdx));
            compare("log_sigmoid_gate_fwd (bf16 z)", gdx, dx, n, TOL_F32);
            CHECK_OK(gla_log_sigmoid_gate_bwd(cpu, n, dy, zb, BF16, 16.0f, -0.1f, dz, F32));
            CHECK_OK(gla_log_sigmoid_gate_bwd(gpu, n, gdy, pz, BF16, 16.0f, -0.1f, gdz, F32));
            compare("log_sigmoid_gate_bwd (bf16 z)", gdz, dz, n, TOL_F32);
            CHECK_OK(gla_log_sigmoid_gate_bwd(cpu, n, dy, zb, BF16, 16.0f, -0.1f, gb, BF16));
            CHECK_OK(gla_log_sigmoid_gate_bwd(gpu, n, gdy, pz, BF16, 16.0f, -0.1f, ggb, BF16));
            compare_bf16("log_sigmoid_gate_bwd bf16 dz", ggb, gb, n);
            free(gb), free(gb2);
            gfree(ggb), gfree(ggb2);
            CHECK_OK(gla_bias_add(cpu, rows, w, bias, xb, BF16));
            CHECK_OK(gla_bias_add(gpu, rows, w, gbias, px, BF16));
            compare_bf16("bias_add bf16", px, xb, n);
            /* repeat_heads: the bf16 bits moved unchanged */
            const int64_t n_in = rows * kv * hd, n_out = n_in * groups;
            uint16_t* out = test_malloc((size_t)n_out * 2);
            void* gout = up(out, n_out * 2);
            CHECK_OK(gla_repeat_heads_fwd(cpu, rows, kv, groups, hd, zb, out, BF16));
            CHECK_OK(gla_repeat_heads_fwd(gpu, rows, kv, groups, hd, pz, gout, BF16));
            compare_bits("repeat_heads_fwd bf16", gout, out, n_out * 2);
            /* cross-entropy over bf16 logits (zb), dlogits in place */
            int32_t* targets = test_malloc((size_t)rows * 4);
            for (int64_t r = 0; r < rows; r++) targets[r] = r == 1 ? -100 : (int32_t)((r * 7 + 2) % w);
            float* losses = test_malloc((size_t)rows * 4);
            CHECK_OK(gla_cross_entropy(cpu, rows, w, zb, targets, 0.25f, losses, zb, BF16));
            CHECK_OK(gla_cross_entropy(gpu, rows, w, pz, targets, 0.25f, grstd, pz, BF16));
            compare("cross_entropy losses (bf16 logits)", grstd, losses, rows, TOL_F32);
            compare_bf16("cross_entropy bf16 dlogits in place", pz, zb, n);
            free(targets), free(losses);
            free(x), free(z), free(wt), free(dy), free(bias), free(xb), free(zb), free(yb), free(rstd), free(dx);
            free(dz), free(dw), free(out);
            gfree(gxb), gfree(gzb), gfree(gyb), gfree(gx), gfree(gwt), gfree(gdy), gfree(gbias), gfree(grstd);
            gfree(gdx), gfree(gdz), gfree(gdw), gfree(gout);
        }
}

int main(void) {
    int32_t devices = 0;
    CHECK_OK(gla_device_count(GLA_BACKEND_CUDA, &devices));
    if (devices == 0) {
        printf("SKIP test_layers_cuda: no CUDA device\n");
        return 77;
    }
    rng_seed(&rng, 7);
    CHECK_OK(gla_context_create(GLA_BACKEND_CPU, 0, &cpu));
    CHECK_OK(gla_context_create(GLA_BACKEND_CUDA, 0, &gpu));
    if (cpu == NULL || gpu == NULL) return test_finish("test_layers_cuda");
    test_gemm();
    test_norms();
    test_elementwise();
    test_rows();
    test_bf16_activations();
    test_vocab();
    test_decode_linear();
    test_decode_gate_proj();
    test_graphs();
    test_graph_host_io();
    CHECK_OK(gla_context_destroy(gpu));
    CHECK_OK(gla_context_destroy(cpu));
    return test_finish("test_layers_cuda");
}

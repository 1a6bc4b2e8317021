/*
 * gla_layers.c — the public entry points of the layer ops (gemm, norms, SwiGLU, gate, heads, embedding,
 * cross-entropy, elementwise ops, reductions, casts, AdamW, the fused decoding products) and of graphs: argument
 * validation, then dispatch to the context's backend (gla_internal.h lists what backends may rely on). Same shape as
 * gla.c: clear the error, one check per rule, each message naming the function and the argument.
 * Tested by native/tests/test_bad_args.c (every rule), test_layers.c and test_layers_cuda.c (the happy paths).
 */
#include "gla_internal.h"

#include <inttypes.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>

#define INVALID GLA_ERROR_INVALID_ARGUMENT

/* ---- rules ---- */

static gla_status check_count(const char* fn, const char* name, int64_t value) {
    if (value < 0) return gla_error(INVALID, "%s: %s must be >= 0, got %" PRId64, fn, name, value);
    return GLA_OK;
}

/* The byte size of a tensor of a*b*c elements fits in int64. */
static gla_status check_elements(const char* fn, const char* what, int64_t a, int64_t b, int64_t c,
                                 int64_t element_bytes) {
    int64_t n;
    if (gla_mul_i64(a, b, &n) || gla_mul_i64(n, c, &n) || gla_mul_i64(n, element_bytes, &n))
        return gla_error(INVALID, "%s: %s = %" PRId64 "*%" PRId64 "*%" PRId64 " elements of %" PRId64
                         " bytes overflows int64", fn, what, a, b, c, element_bytes);
    return GLA_OK;
}

/* A tensor argument: non-NULL when it has elements (needed), aligned to its element size when given. */
static gla_status check_array(const char* fn, const char* name, const void* ptr, int64_t element_bytes, int needed) {
    if (ptr == NULL) {
        if (needed) return gla_error(INVALID, "%s: %s must not be NULL", fn, name);
        return GLA_OK;
    }
    if ((uintptr_t)ptr % (uintptr_t)element_bytes != 0)
        return gla_error(INVALID, "%s: %s (%p) must be aligned to %" PRId64 " bytes", fn, name, ptr, element_bytes);
    return GLA_OK;
}

static gla_status check_dtype(const char* fn, const char* name, int32_t dtype) {
    if (dtype != GLA_DTYPE_F32 && dtype != GLA_DTYPE_BF16)
        return gla_error(INVALID, "%s: %s must be 0 (f32) or 1 (bf16), got %" PRId32, fn, name, dtype);
    return GLA_OK;
}

static int64_t dtype_bytes(int32_t dtype) { return dtype == GLA_DTYPE_BF16 ? 2 : 4; }

static gla_status check_positive(const char* fn, const char* name, float value) {
    if (!isfinite(value) || !(value > 0.0f))
        return gla_error(INVALID, "%s: %s must be finite and > 0, got %g", fn, name, (double)value);
    return GLA_OK;
}

static gla_status check_finite(const char* fn, const char* name, float value) {
    if (!isfinite(value)) return gla_error(INVALID, "%s: %s must be finite, got %g", fn, name, (double)value);
    return GLA_OK;
}

/* Host int32 indices (ids, targets): each in [0, vocab), or equal to `ignore` when ignore_ok. */
static gla_status check_indices(const char* fn, const char* name, const int32_t* ids, int64_t rows, int64_t vocab,
                                int ignore_ok, int32_t ignore) {
    gla_status s = check_array(fn, name, ids, 4, rows > 0);
    if (s != GLA_OK) return s;
    for (int64_t r = 0; r < rows; r++) {
        if (ignore_ok && ids[r] == ignore) continue;
        if (ids[r] < 0 || ids[r] >= vocab) {
            if (ignore_ok)
                return gla_error(INVALID, "%s: %s[%" PRId64 "] must be %" PRId32 " (ignored) or in [0, vocab = %" PRId64
                                 "), got %" PRId32, fn, name, r, ignore, vocab, ids[r]);
            return gla_error(INVALID, "%s: %s[%" PRId64 "] must be in [0, vocab = %" PRId64 "), got %" PRId32, fn, name,
                             r, vocab, ids[r]);
        }
    }
    return GLA_OK;
}

/* Context, then every count >= 0. */
static gla_status check_context_counts(const char* fn, const gla_context* context, int n, const char* const* names,
                                       const int64_t* values) {
    gla_status s = gla_check_context(fn, context);
    if (s != GLA_OK) return s;
    for (int i = 0; i < n; i++)
        if ((s = check_count(fn, names[i], values[i])) != GLA_OK) return s;
    return GLA_OK;
}

#define CHECK(call)                                                                                               \
    do {                                                                                                          \
        gla_status s_ = (call);                                                                                   \
        if (s_ != GLA_OK) return s_;                                                                              \
    } while (0)

/* The common validation of an op over `count` fp32 elements: context, count >= 0, count*4 bytes in int64. */
static gla_status check_elementwise(const char* fn, const gla_context* context, int64_t count) {
    CHECK(gla_check_context(fn, context));
    CHECK(check_count(fn, "count", count));
    return check_elements(fn, "count", count, 1, 1, 4);
}

/* An op over rows x width fp32: context, counts, size. */
static gla_status check_rows(const char* fn, const gla_context* context, int64_t rows, int64_t width) {
    static const char* const names[] = {"rows", "width"};
    const int64_t values[] = {rows, width};
    CHECK(check_context_counts(fn, context, 2, names, values));
    return check_elements(fn, "rows*width", rows, width, 1, 4);
}

/* ---- gemm ---- */

GLA_API gla_status gla_gemm(gla_context* context, int32_t trans_a, int32_t trans_b, int64_t m, int64_t n, int64_t k,
                            float alpha, const void* a, int64_t lda, const void* b, int64_t ldb, int32_t ab_dtype,
                            float beta, void* c, int64_t ldc, int32_t c_dtype) {
    static const char fn[] = "gla_gemm";
    static const char* const names[] = {"m", "n", "k"};
    gla_clear_error();
    const int64_t counts[] = {m, n, k};
    CHECK(gla_check_context(fn, context));
    if (trans_a != GLA_TRANSPOSE_NONE && trans_a != GLA_TRANSPOSE)
        return gla_error(INVALID, "%s: trans_a must be 0 (none) or 1 (transpose), got %" PRId32, fn, trans_a);
    if (trans_b != GLA_TRANSPOSE_NONE && trans_b != GLA_TRANSPOSE)
        return gla_error(INVALID, "%s: trans_b must be 0 (none) or 1 (transpose), got %" PRId32, fn, trans_b);
    CHECK(check_context_counts(fn, context, 3, names, counts));
    CHECK(check_dtype(fn, "ab_dtype", ab_dtype));
    CHECK(check_dtype(fn, "c_dtype", c_dtype));
    /* Row-major: a row of A holds K elements (M with trans_a), a row of B N (K with trans_b), a row of C N. */
    const int64_t a_rows = trans_a ? k : m, a_width = trans_a ? m : k;
    const int64_t b_rows = trans_b ? n : k, b_width = trans_b ? k : n;
    if (lda < a_width)
        return gla_error(INVALID, "%s: lda must be >= %s = %" PRId64 ", got %" PRId64, fn, trans_a ? "m" : "k", a_width,
                         lda);
    if (ldb < b_width)
        return gla_error(INVALID, "%s: ldb must be >= %s = %" PRId64 ", got %" PRId64, fn, trans_b ? "k" : "n", b_width,
                         ldb);
    if (ldc < n) return gla_error(INVALID, "%s: ldc must be >= n = %" PRId64 ", got %" PRId64, fn, n, ldc);
    const int64_t eab = dtype_bytes(ab_dtype), ec = dtype_bytes(c_dtype);
    CHECK(check_elements(fn, "a (rows*lda)", a_rows, lda, 1, eab));
    CHECK(check_elements(fn, "b (rows*ldb)", b_rows, ldb, 1, eab));
    CHECK(check_elements(fn, "c (m*ldc)", m, ldc, 1, ec));
    if (context->backend == GLA_BACKEND_CUDA) {
        const int64_t dims[] = {m, n, k, lda, ldb, ldc};
        static const char* const dim_names[] = {"m", "n", "k", "lda", "ldb", "ldc"};
        for (int i = 0; i < 6; i++)
            if (dims[i] > INT32_MAX)
                return gla_error(GLA_ERROR_UNSUPPORTED, "%s: %s = %" PRId64 " exceeds INT32_MAX, the largest cuBLAS "
                                 "takes on the cuda backend", fn, dim_names[i], dims[i]);
    }
    const int active = m > 0 && n > 0;
    CHECK(check_array(fn, "a", a, eab, active && k > 0));
    CHECK(check_array(fn, "b", b, eab, active && k > 0));
    CHECK(check_array(fn, "c", c, ec, active));
    if (!active) return GLA_OK;
    const gla_gemm_args args = {trans_a, trans_b, m, n, k, alpha, beta, a, lda, b, ldb, ab_dtype, c, ldc, c_dtype};
    return gla_context_ops(context)->gemm(context, &args);
}

/* ---- norms ---- */

static gla_status check_norm(const char* fn, const gla_context* context, const gla_norm_args* a, int backward,
                             int gated) {
    CHECK(check_rows(fn, context, a->rows, a->width));
    const int has = a->rows > 0 && a->width > 0;
    if (backward) CHECK(check_array(fn, "dy", a->dy, 4, has));
    if (gated) CHECK(check_dtype(fn, "xz_dtype", a->xz_dtype));
    const int64_t ex = dtype_bytes(a->xz_dtype);
    CHECK(check_array(fn, "x", a->x, ex, has));
    if (gated) CHECK(check_array(fn, "z", a->z, ex, has));
    CHECK(check_array(fn, "weight", a->weight, 4, has));
    if (backward) {
        CHECK(check_array(fn, "rstd", a->rstd, 4, has));
        if (gated) CHECK(check_dtype(fn, "dxz_dtype", a->dxz_dtype));
        const int64_t ed = dtype_bytes(a->dxz_dtype);
        CHECK(check_array(fn, "dx", a->dx, ed, has));
        if (gated) CHECK(check_array(fn, "dz", a->dz, ed, has));
        CHECK(check_array(fn, "dweight", a->dweight, 4, has));
    } else {
        CHECK(check_positive(fn, "eps", a->eps));
        CHECK(check_dtype(fn, "y_dtype", a->y_dtype));
        CHECK(check_array(fn, "y", a->y, dtype_bytes(a->y_dtype), has));
        CHECK(check_array(fn, "rstd", a->rstd, 4, has));
    }
    return GLA_OK;
}

GLA_API gla_status gla_rms_norm_fwd(gla_context* context, int64_t rows, int64_t width, const float* x,
                                    const float* weight, float eps, void* y, int32_t y_dtype, float* rstd) {
    static const char fn[] = "gla_rms_norm_fwd";
    gla_clear_error();
    const gla_norm_args a = {rows, width, x, NULL, GLA_DTYPE_F32, weight, eps, y, y_dtype, rstd, NULL, NULL, 0,
                             NULL, GLA_DTYPE_F32, NULL};
    CHECK(check_norm(fn, context, &a, 0, 0));
    if (rows == 0 || width == 0) return GLA_OK;
    return gla_context_ops(context)->norm_fwd(context, &a);
}

GLA_API gla_status gla_rms_norm_bwd(gla_context* context, int64_t rows, int64_t width, const float* dy, const float* x,
                                    const float* weight, const float* rstd, float* dx, int32_t accumulate_dx,
                                    float* dweight) {
    static const char fn[] = "gla_rms_norm_bwd";
    gla_clear_error();
    const gla_norm_args a = {rows, width, x, NULL, GLA_DTYPE_F32, weight, 0.0f, NULL, GLA_DTYPE_F32, (float*)rstd,
                             dy, dx, accumulate_dx != 0, NULL, GLA_DTYPE_F32, dweight};
    CHECK(check_norm(fn, context, &a, 1, 0));
    if (rows == 0 || width == 0) return GLA_OK;
    return gla_context_ops(context)->norm_bwd(context, &a);
}

GLA_API gla_status gla_gated_rms_norm_fwd(gla_context* context, int64_t rows, int64_t width, const void* x,
                                          const void* z, int32_t xz_dtype, const float* weight, float eps, void* y,
                                          int32_t y_dtype, float* rstd) {
    static const char fn[] = "gla_gated_rms_norm_fwd";
    gla_clear_error();
    const gla_norm_args a = {rows, width, x, z, xz_dtype, weight, eps, y, y_dtype, rstd, NULL, NULL, 0, NULL,
                             GLA_DTYPE_F32, NULL};
    CHECK(check_norm(fn, context, &a, 0, 1));
    if (rows == 0 || width == 0) return GLA_OK;
    return gla_context_ops(context)->norm_fwd(context, &a);
}

GLA_API gla_status gla_gated_rms_norm_bwd(gla_context* context, int64_t rows, int64_t width, const float* dy,
                                          const void* x, const void* z, int32_t xz_dtype, const float* weight,
                                          const float* rstd, void* dx, void* dz, int32_t dxz_dtype, float* dweight) {
    static const char fn[] = "gla_gated_rms_norm_bwd";
    gla_clear_error();
    const gla_norm_args a = {rows, width, x, z, xz_dtype, weight, 0.0f, NULL, GLA_DTYPE_F32, (float*)rstd, dy, dx, 0,
                             dz, dxz_dtype, dweight};
    CHECK(check_norm(fn, context, &a, 1, 1));
    if (rows == 0 || width == 0) return GLA_OK;
    return gla_context_ops(context)->norm_bwd(context, &a);
}

/* ---- elementwise ---- */

GLA_API gla_status gla_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b, int32_t ab_dtype,
                                  void* y, int32_t y_dtype) {
    static const char fn[] = "gla_swiglu_fwd";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_dtype(fn, "ab_dtype", ab_dtype));
    CHECK(check_array(fn, "a", a, dtype_bytes(ab_dtype), count > 0));
    CHECK(check_array(fn, "b", b, dtype_bytes(ab_dtype), count > 0));
    CHECK(check_dtype(fn, "y_dtype", y_dtype));
    CHECK(check_array(fn, "y", y, dtype_bytes(y_dtype), count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->swiglu_fwd(context, count, a, b, ab_dtype, y, y_dtype);
}

GLA_API gla_status gla_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                                  int32_t ab_dtype, void* da, void* db, int32_t dab_dtype) {
    static const char fn[] = "gla_swiglu_bwd";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_array(fn, "dy", dy, 4, count > 0));
    CHECK(check_dtype(fn, "ab_dtype", ab_dtype));
    CHECK(check_array(fn, "a", a, dtype_bytes(ab_dtype), count > 0));
    CHECK(check_array(fn, "b", b, dtype_bytes(ab_dtype), count > 0));
    CHECK(check_dtype(fn, "dab_dtype", dab_dtype));
    CHECK(check_array(fn, "da", da, dtype_bytes(dab_dtype), count > 0));
    CHECK(check_array(fn, "db", db, dtype_bytes(dab_dtype), count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->swiglu_bwd(context, count, dy, a, b, ab_dtype, da, db, dab_dtype);
}

/* The log-sigmoid gate's scalars, wherever they are passed (named as the caller names them): the normalizer finite
 * > 0, clamp_min finite or -INFINITY (no clamp). */
static gla_status check_gate_scalars(const char* fn, const char* normalizer_name, float normalizer,
                                     const char* clamp_name, float clamp_min) {
    CHECK(check_positive(fn, normalizer_name, normalizer));
    if (!(isfinite(clamp_min) || clamp_min == -INFINITY))
        return gla_error(INVALID, "%s: %s must be finite or -INFINITY (no clamp), got %g", fn, clamp_name,
                         (double)clamp_min);
    return GLA_OK;
}

gla_status gla_check_gate_proj(const char* fn, const gla_gate_proj* gate) {
    if (gate == NULL) return gla_error(INVALID, "%s: gate must not be NULL", fn);
    if (gate->rank < 1 || gate->rank > GLA_GATE_PROJ_MAX_RANK)
        return gla_error(INVALID, "%s: gate->rank must be in [1, %d], got %" PRId32, fn, GLA_GATE_PROJ_MAX_RANK,
                         gate->rank);
    CHECK(check_dtype(fn, "gate->weight_dtype", gate->weight_dtype));
    CHECK(check_gate_scalars(fn, "gate->normalizer", gate->normalizer, "gate->clamp_min", gate->clamp_min));
    /* element alignment: rows of rank entries start anywhere */
    CHECK(check_array(fn, "gate->in", gate->in, 4, 1));
    CHECK(check_array(fn, "gate->weight", gate->weight, dtype_bytes(gate->weight_dtype), 1));
    return check_array(fn, "gate->bias", gate->bias, 4, 0);
}

GLA_API gla_status gla_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                            float normalizer, float clamp_min, float* g) {
    static const char fn[] = "gla_log_sigmoid_gate_fwd";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_dtype(fn, "z_dtype", z_dtype));
    CHECK(check_array(fn, "z", z, dtype_bytes(z_dtype), count > 0));
    CHECK(check_gate_scalars(fn, "normalizer", normalizer, "clamp_min", clamp_min));
    CHECK(check_array(fn, "g", g, 4, count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->log_sigmoid_gate_fwd(context, count, z, z_dtype, normalizer, clamp_min, g);
}

GLA_API gla_status gla_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                            int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                            int32_t dz_dtype) {
    static const char fn[] = "gla_log_sigmoid_gate_bwd";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_array(fn, "dg", dg, 4, count > 0));
    CHECK(check_dtype(fn, "z_dtype", z_dtype));
    CHECK(check_array(fn, "z", z, dtype_bytes(z_dtype), count > 0));
    CHECK(check_gate_scalars(fn, "normalizer", normalizer, "clamp_min", clamp_min));
    CHECK(check_dtype(fn, "dz_dtype", dz_dtype));
    CHECK(check_array(fn, "dz", dz, dtype_bytes(dz_dtype), count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->log_sigmoid_gate_bwd(context, count, dg, z, z_dtype, normalizer, clamp_min, dz,
                                                          dz_dtype);
}

/* in [rows, kv_heads*head_dim], out [rows, kv_heads*groups*head_dim], of dtype; sets whether there is anything
 * to do. */
static gla_status check_repeat(const char* fn, const gla_context* context, int64_t rows, int64_t kv_heads,
                               int64_t groups, int64_t head_dim, const char* in_name, const void* in,
                               const char* out_name, const void* out, int32_t dtype, int* has) {
    static const char* const names[] = {"rows", "kv_heads", "groups", "head_dim"};
    const int64_t values[] = {rows, kv_heads, groups, head_dim};
    CHECK(check_context_counts(fn, context, 4, names, values));
    int64_t heads;
    if (gla_mul_i64(kv_heads, groups, &heads))
        return gla_error(INVALID, "%s: kv_heads*groups = %" PRId64 "*%" PRId64 " overflows int64", fn, kv_heads,
                         groups);
    CHECK(check_elements(fn, "rows*kv_heads*groups*head_dim", rows, heads, head_dim, 4));
    *has = rows > 0 && heads > 0 && head_dim > 0;
    CHECK(check_dtype(fn, "dtype", dtype));
    /* the names are in argument order: fwd (in, out), bwd (dout, din) */
    CHECK(check_array(fn, in_name, in, dtype_bytes(dtype), *has));
    return check_array(fn, out_name, out, dtype_bytes(dtype), *has);
}

GLA_API gla_status gla_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                        int64_t head_dim, const void* in, void* out, int32_t dtype) {
    static const char fn[] = "gla_repeat_heads_fwd";
    gla_clear_error();
    int has = 0;
    CHECK(check_repeat(fn, context, rows, kv_heads, groups, head_dim, "in", in, "out", out, dtype, &has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->repeat_heads_fwd(context, rows, kv_heads, groups, head_dim, in, out, dtype);
}

GLA_API gla_status gla_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                        int64_t head_dim, const float* dout, float* din) {
    static const char fn[] = "gla_repeat_heads_bwd";
    gla_clear_error();
    int has = 0;
    CHECK(check_repeat(fn, context, rows, kv_heads, groups, head_dim, "dout", dout, "din", din, GLA_DTYPE_F32,
                       &has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->repeat_heads_bwd(context, rows, kv_heads, groups, head_dim, dout, din);
}

/* ---- embedding, cross-entropy (host index arrays) ---- */

/* While recording, the forward's ids are read at each replay (page-locked memory, checked by the backend; bad ids
 * give NaN rows there), the backward's at call time (refused). */
static gla_status check_embedding(const char* fn, const gla_context* context, int64_t rows, int64_t width,
                                  int64_t vocab, const int32_t* ids, int forward) {
    static const char* const names[] = {"rows", "width", "vocab"};
    const int64_t values[] = {rows, width, vocab};
    CHECK(check_context_counts(fn, context, 3, names, values));
    CHECK(check_elements(fn, "rows*width", rows, width, 1, 4));
    CHECK(check_elements(fn, "vocab*width", vocab, width, 1, 4));
    if (forward && context->recording) return check_array(fn, "ids", ids, 4, rows > 0);
    CHECK(gla_check_not_recording(fn, context, "ids is host memory read at call time"));
    return check_indices(fn, "ids", ids, rows, vocab, 0, 0);
}

GLA_API gla_status gla_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                     const int32_t* ids, const float* table, float* out) {
    static const char fn[] = "gla_embedding_fwd";
    gla_clear_error();
    CHECK(check_embedding(fn, context, rows, width, vocab, ids, 1));
    const int has = rows > 0 && width > 0;
    CHECK(check_array(fn, "table", table, 4, has));
    CHECK(check_array(fn, "out", out, 4, has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->embedding_fwd(context, rows, width, vocab, ids, table, out);
}

GLA_API gla_status gla_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                     const int32_t* ids, const float* dout, int32_t padding_idx, float* dtable) {
    static const char fn[] = "gla_embedding_bwd";
    gla_clear_error();
    CHECK(check_embedding(fn, context, rows, width, vocab, ids, 0));
    if (padding_idx != -1 && (padding_idx < 0 || padding_idx >= vocab))
        return gla_error(INVALID, "%s: padding_idx must be -1 (none) or in [0, vocab = %" PRId64 "), got %" PRId32, fn,
                         vocab, padding_idx);
    const int has = rows > 0 && width > 0;
    CHECK(check_array(fn, "dout", dout, 4, has));
    CHECK(check_array(fn, "dtable", dtable, 4, has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->embedding_bwd(context, rows, width, vocab, ids, dout, padding_idx, dtable);
}

GLA_API gla_status gla_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                     const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                     int32_t logits_dtype) {
    static const char fn[] = "gla_cross_entropy";
    static const char* const names[] = {"rows", "vocab"};
    gla_clear_error();
    const int64_t values[] = {rows, vocab};
    CHECK(check_context_counts(fn, context, 2, names, values));
    CHECK(check_elements(fn, "rows*vocab", rows, vocab, 1, 4));
    CHECK(gla_check_not_recording(fn, context, "targets is host memory read at call time"));
    CHECK(check_dtype(fn, "logits_dtype", logits_dtype));
    CHECK(check_array(fn, "logits", logits, dtype_bytes(logits_dtype), rows > 0 && vocab > 0));
    CHECK(check_indices(fn, "targets", targets, rows, vocab, 1, -100));
    CHECK(check_array(fn, "losses", losses, 4, rows > 0));
    CHECK(check_array(fn, "dlogits", dlogits, dtype_bytes(logits_dtype), 0));
    if (rows == 0) return GLA_OK;
    return gla_context_ops(context)->cross_entropy(context, rows, vocab, logits, targets, grad_scale, losses, dlogits,
                                                   logits_dtype);
}

/* ---- small elementwise ops and reductions ---- */

GLA_API gla_status gla_add(gla_context* context, int64_t count, const float* a, const float* b, float* out) {
    static const char fn[] = "gla_add";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_array(fn, "a", a, 4, count > 0));
    CHECK(check_array(fn, "b", b, 4, count > 0));
    CHECK(check_array(fn, "out", out, 4, count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->add(context, count, a, b, out);
}

GLA_API gla_status gla_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                                int32_t y_dtype) {
    static const char fn[] = "gla_bias_add";
    gla_clear_error();
    CHECK(check_rows(fn, context, rows, width));
    const int has = rows > 0 && width > 0;
    CHECK(check_array(fn, "bias", bias, 4, has));
    CHECK(check_dtype(fn, "y_dtype", y_dtype));
    CHECK(check_array(fn, "y", y, dtype_bytes(y_dtype), has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->bias_add(context, rows, width, bias, y, y_dtype);
}

GLA_API gla_status gla_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias) {
    static const char fn[] = "gla_bias_grad";
    gla_clear_error();
    CHECK(check_rows(fn, context, rows, width));
    const int has = rows > 0 && width > 0;
    CHECK(check_array(fn, "dy", dy, 4, has));
    CHECK(check_array(fn, "dbias", dbias, 4, has));
    if (!has) return GLA_OK;
    return gla_context_ops(context)->bias_grad(context, rows, width, dy, dbias);
}

GLA_API gla_status gla_scale(gla_context* context, int64_t count, float factor, float* x) {
    static const char fn[] = "gla_scale";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_array(fn, "x", x, 4, count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->scale(context, count, factor, x);
}

GLA_API gla_status gla_sum_squares(gla_context* context, int64_t count, const float* x, double* sum) {
    static const char fn[] = "gla_sum_squares";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(gla_check_not_recording(fn, context, "it waits for its result"));
    CHECK(check_array(fn, "x", x, 4, count > 0));
    CHECK(check_array(fn, "sum", sum, 8, 1));
    *sum = 0.0;
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->sum_squares(context, count, x, sum);
}

GLA_API gla_status gla_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                            int32_t dst_dtype) {
    static const char fn[] = "gla_cast";
    gla_clear_error();
    CHECK(gla_check_context(fn, context));
    CHECK(check_count(fn, "count", count));
    CHECK(check_dtype(fn, "src_dtype", src_dtype));
    CHECK(check_dtype(fn, "dst_dtype", dst_dtype));
    CHECK(check_elements(fn, "count", count, 1, 1, 4));
    CHECK(check_array(fn, "src", src, dtype_bytes(src_dtype), count > 0));
    CHECK(check_array(fn, "dst", dst, dtype_bytes(dst_dtype), count > 0));
    if (count == 0) return GLA_OK;
    return gla_context_ops(context)->cast(context, count, src, src_dtype, dst, dst_dtype);
}

GLA_API gla_status gla_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                             float* exp_avg_sq, float step_size, float bias2_sqrt, float one_minus_beta1, float beta2,
                             float one_minus_beta2, float eps, float decay) {
    static const char fn[] = "gla_adamw";
    gla_clear_error();
    CHECK(check_elementwise(fn, context, count));
    CHECK(check_array(fn, "param", param, 4, count > 0));
    CHECK(check_array(fn, "grad", grad, 4, count > 0));
    CHECK(check_array(fn, "exp_avg", exp_avg, 4, count > 0));
    CHECK(check_array(fn, "exp_avg_sq", exp_avg_sq, 4, count > 0));
    CHECK(check_finite(fn, "step_size", step_size));
    CHECK(check_positive(fn, "bias2_sqrt", bias2_sqrt));
    CHECK(check_finite(fn, "one_minus_beta1", one_minus_beta1));
    CHECK(check_finite(fn, "beta2", beta2));
    CHECK(check_finite(fn, "one_minus_beta2", one_minus_beta2));
    CHECK(check_positive(fn, "eps", eps));
    CHECK(check_finite(fn, "decay", decay));
    if (count == 0) return GLA_OK;
    const gla_adamw_args scalars = {step_size, bias2_sqrt, one_minus_beta1, beta2, one_minus_beta2, eps, decay};
    return gla_context_ops(context)->adamw(context, count, param, grad, exp_avg, exp_avg_sq, &scalars);
}

/* ---- decoding products ---- */

static const char* const prologue_names[] = {"none", "rms norm", "gated rms norm", "swiglu"};

/* A pointer argument that the prologue uses (then like check_array) or not (then it must be NULL). */
static gla_status check_prologue_input(const char* fn, const char* name, const void* ptr, int used, int needed,
                                       int32_t prologue) {
    if (!used && ptr != NULL)
        return gla_error(INVALID, "%s: %s must be NULL with prologue %" PRId32 " (%s)", fn, name, prologue,
                         prologue_names[prologue]);
    return check_array(fn, name, ptr, 4, used && needed);
}

/* outputs[i]: sizes in int64, pointers present and aligned where it has anything to write. */
static gla_status check_linear_output(const char* fn, const gla_linear_dims* d, const gla_linear_output* o, int i) {
    char name[64];
    if (o->out < 0) return gla_error(INVALID, "%s: outputs[%d].out must be >= 0, got %" PRId64, fn, i, o->out);
    const int64_t eb = dtype_bytes(d->weight_dtype);
    snprintf(name, sizeof name, "outputs[%d].weight (out*in)", i);
    CHECK(check_elements(fn, name, o->out, d->in, 1, eb));
    snprintf(name, sizeof name, "outputs[%d].y (rows*out)", i);
    CHECK(check_elements(fn, name, d->rows, o->out, 1, 4));
    const int has = d->rows > 0 && o->out > 0;
    snprintf(name, sizeof name, "outputs[%d].weight", i);
    CHECK(check_array(fn, name, o->weight, eb, has && d->in > 0));
    snprintf(name, sizeof name, "outputs[%d].bias", i);
    CHECK(check_array(fn, name, o->bias, 4, 0));
    snprintf(name, sizeof name, "outputs[%d].residual", i);
    CHECK(check_array(fn, name, o->residual, 4, 0));
    snprintf(name, sizeof name, "outputs[%d].y", i);
    return check_array(fn, name, o->y, 4, has);
}

GLA_API gla_status gla_decode_linear(gla_context* context, const gla_linear_dims* dims, const float* x, const float* z,
                                     const float* norm_weight, const gla_linear_output* outputs, int32_t count) {
    static const char fn[] = "gla_decode_linear";
    gla_clear_error();
    CHECK(gla_check_context(fn, context));
    if (dims == NULL) return gla_error(INVALID, "%s: dims must not be NULL", fn);
    gla_decode_linear_args a = {0};
    a.dims = *dims, a.x = x, a.z = z, a.norm_weight = norm_weight;
    const gla_linear_dims* d = &a.dims;
    if (d->rows < 0 || d->rows > GLA_DECODE_LINEAR_MAX_ROWS)
        return gla_error(INVALID, "%s: dims.rows must be in [0, %d], got %" PRId64 " (larger batches: gla_gemm)", fn,
                         GLA_DECODE_LINEAR_MAX_ROWS, d->rows);
    CHECK(check_count(fn, "dims.in", d->in));
    if (d->prologue < GLA_PROLOGUE_NONE || d->prologue > GLA_PROLOGUE_SWIGLU)
        return gla_error(INVALID, "%s: dims.prologue must be 0 (none), 1 (rms norm), 2 (gated rms norm) or 3 (swiglu), "
                         "got %" PRId32, fn, d->prologue);
    if (d->epilogue != GLA_EPILOGUE_NONE && d->epilogue != GLA_EPILOGUE_LOG_SIGMOID_GATE)
        return gla_error(INVALID, "%s: dims.epilogue must be 0 (none) or 1 (log-sigmoid gate), got %" PRId32, fn,
                         d->epilogue);
    CHECK(check_dtype(fn, "dims.weight_dtype", d->weight_dtype));
    const int norm = d->prologue == GLA_PROLOGUE_RMS_NORM || d->prologue == GLA_PROLOGUE_GATED_RMS_NORM;
    const int gated = d->prologue == GLA_PROLOGUE_GATED_RMS_NORM || d->prologue == GLA_PROLOGUE_SWIGLU;
    if (norm) {
        if (d->norm_width < 1)
            return gla_error(INVALID, "%s: dims.norm_width must be >= 1 with a norm prologue, got %" PRId64, fn,
                             d->norm_width);
        if (d->in % d->norm_width != 0)
            return gla_error(INVALID, "%s: dims.norm_width = %" PRId64 " must divide dims.in = %" PRId64, fn,
                             d->norm_width, d->in);
        CHECK(check_positive(fn, "dims.eps", d->eps));
    }
    if (d->epilogue == GLA_EPILOGUE_LOG_SIGMOID_GATE)
        CHECK(check_gate_scalars(fn, "dims.gate_normalizer", d->gate_normalizer, "dims.gate_clamp_min",
                                 d->gate_clamp_min));
    if (count < 0 || count > GLA_DECODE_LINEAR_MAX_OUTPUTS)
        return gla_error(INVALID, "%s: count must be in [0, %d], got %" PRId32, fn, GLA_DECODE_LINEAR_MAX_OUTPUTS,
                         count);
    if (count > 0 && outputs == NULL) return gla_error(INVALID, "%s: outputs must not be NULL (count > 0)", fn);
    CHECK(check_elements(fn, "x (rows*in)", d->rows, d->in, 1, 4));
    const int has_input = d->rows > 0 && d->in > 0;
    CHECK(check_array(fn, "x", x, 4, has_input));
    CHECK(check_prologue_input(fn, "z", z, gated, has_input, d->prologue));
    CHECK(check_prologue_input(fn, "norm_weight", norm_weight, norm, has_input, d->prologue));
    for (int32_t i = 0; i < count; i++) {
        CHECK(check_linear_output(fn, d, &outputs[i], i));
        if (outputs[i].out > 0) a.outputs[a.count++] = outputs[i];
    }
    if (d->rows == 0 || a.count == 0) return GLA_OK;
    return gla_context_ops(context)->decode_linear(context, &a);
}

/* ---- graphs ---- */

GLA_API gla_status gla_graph_begin(gla_context* context) {
    static const char fn[] = "gla_graph_begin";
    gla_clear_error();
    CHECK(gla_check_context(fn, context));
    if (context->recording)
        return gla_error(INVALID, "%s: the context is already recording a graph (call gla_graph_end first)", fn);
    CHECK(gla_context_ops(context)->graph_begin(context));
    context->recording = 1;
    return GLA_OK;
}

GLA_API gla_status gla_graph_end(gla_context* context, gla_graph** graph) {
    static const char fn[] = "gla_graph_end";
    gla_clear_error();
    CHECK(gla_check_context(fn, context));
    if (graph == NULL) return gla_error(INVALID, "%s: graph must not be NULL", fn);
    *graph = NULL;
    if (!context->recording)
        return gla_error(INVALID, "%s: the context is not recording a graph (call gla_graph_begin first)", fn);
    context->recording = 0; /* the backend ends the capture whatever happens */
    return gla_context_ops(context)->graph_end(context, graph);
}

GLA_API gla_status gla_graph_launch(gla_context* context, const gla_graph* graph) {
    static const char fn[] = "gla_graph_launch";
    gla_clear_error();
    CHECK(gla_check_context(fn, context));
    if (graph == NULL) return gla_error(INVALID, "%s: graph must not be NULL", fn);
    if (graph->backend != context->backend || graph->device != context->device)
        return gla_error(INVALID, "%s: graph was recorded on backend %" PRId32 " device %" PRId32
                         ", the context is backend %" PRId32 " device %" PRId32, fn, graph->backend, graph->device,
                         context->backend, context->device);
    CHECK(gla_check_not_recording(fn, context, "a graph cannot be launched into a recording"));
    return gla_context_ops(context)->graph_launch(context, graph);
}

GLA_API gla_status gla_graph_destroy(gla_graph* graph) {
    static const char fn[] = "gla_graph_destroy";
    gla_clear_error();
    if (graph == NULL) return GLA_OK; /* like free(NULL) */
    const gla_backend_ops* ops = gla_backend_table(fn, graph->backend);
    if (ops == NULL) return gla_error(INVALID, "%s: graph is not a live gla_graph", fn);
    return ops->graph_destroy(graph);
}

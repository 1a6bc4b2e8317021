/*
 * cpu_layers.c — the layer ops on the cpu (all but gemm, which is cpu_gemm.c): RMSNorm and the gated RMSNorm,
 * SwiGLU, the log-sigmoid forget gate, grouped heads, embedding, cross-entropy, elementwise ops, reductions, casts,
 * AdamW, and the fused decoding products. Plain loops over validated arguments (gla_internal.h), parallel with
 * OpenMP static schedules.
 *
 * Sums over rows (dweight of the norms, bias_grad, sum_squares) are deterministic at any thread count: the rows are
 * cut into fixed blocks that depend only on the row count (reduce_blocks), each block summed in order by one thread,
 * and the block sums added in block order. embedding_bwd adds each id's rows in row order (threads split columns).
 * Tested by native/tests/test_layers.c against double loops, and 1 vs 4 threads bit for bit.
 */
#include "cpu_backend.h"
#include "cpu_common.h"

#include <inttypes.h>
#include <math.h>
#include <omp.h>
#include <stdlib.h>
#include <string.h>

/* Elementwise ops below this many elements run on one thread (a parallel region costs more than the work). */
#define SERIAL_ELEMENTS 32768

static int elementwise_threads(const gla_context* context, int64_t count) {
    return count < SERIAL_ELEMENTS ? 1 : gla_cpu_threads(context, count / SERIAL_ELEMENTS + 1);
}

/* ---- deterministic row reductions ---- */

/* Rows per block of a row reduction: at least 64, and at most 256 blocks, whatever the thread count. */
static int64_t reduce_block_rows(int64_t rows) {
    int64_t r = (rows + 255) / 256;
    return r < 64 ? 64 : r;
}

/* Partial sums [blocks, width] fp32, zeroed. NULL with the error set when out of memory. */
static float* partials(const char* fn, int64_t blocks, int64_t width) {
    float* p = (float*)calloc((size_t)(blocks * width), sizeof(float));
    if (p == NULL)
        gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate %" PRId64 " x %" PRId64 " partial sums", fn, blocks,
                  width);
    return p;
}

/* out[j] += Σ_b part[b, j], block order, in double. */
static void add_partials(const float* part, int64_t blocks, int64_t width, float* out) {
    for (int64_t j = 0; j < width; j++) {
        double s = out[j];
        for (int64_t b = 0; b < blocks; b++) s += part[b * width + j];
        out[j] = (float)s;
    }
}

/* ---- norms ---- */

static inline float sigmoidf(float x) { return 1.0f / (1.0f + expf(-x)); }

gla_status gla_cpu_norm_fwd(gla_context* context, const gla_norm_args* a) {
    const int64_t rows = a->rows, w = a->width;
    const int threads = gla_cpu_threads(context, rows * w / SERIAL_ELEMENTS + 1);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t r = 0; r < rows; r++) {
        double ss = 0.0;
        for (int64_t j = 0; j < w; j++) {
            const float x = cpu_load(a->x, a->xz_dtype, r * w + j);
            ss += (double)x * x;
        }
        const float rstd = (float)(1.0 / sqrt(ss / (double)w + (double)a->eps));
        a->rstd[r] = rstd;
        for (int64_t j = 0; j < w; j++) {
            const int64_t i = r * w + j;
            float y = cpu_load(a->x, a->xz_dtype, i) * rstd * a->weight[j];
            if (a->z != NULL) {
                const float z = cpu_load(a->z, a->xz_dtype, i);
                y *= z * sigmoidf(z);
            }
            cpu_store(a->y, a->y_dtype, i, y);
        }
    }
    return GLA_OK;
}

/* One row of the norm backward: dx (and dz), and the row's dweight terms added to dw.
 * Plain: n = x̂·w, y = n. Gated: y = n·swish(z), so dn = dy·swish(z), dz = dy·n·swish'(z).
 * With x̂ = x·rstd: dx = rstd·(dn·w − x̂·mean(dn·w·x̂)); dweight += dn·x̂. */
static void norm_bwd_row(const gla_norm_args* a, int64_t r, float* dw) {
    const int64_t w = a->width;
    const float rstd = a->rstd[r];
    const float* dy = a->dy + r * w;
    const int gated = a->z != NULL;
    double dot = 0.0;
    for (int64_t j = 0; j < w; j++) {
        const float x = cpu_load(a->x, a->xz_dtype, r * w + j);
        float dn = dy[j];
        if (gated) {
            const float z = cpu_load(a->z, a->xz_dtype, r * w + j);
            dn *= z * sigmoidf(z);
        }
        dot += (double)(dn * a->weight[j]) * (x * rstd);
    }
    const float mean = (float)(dot / (double)w);
    for (int64_t j = 0; j < w; j++) {
        const float xhat = cpu_load(a->x, a->xz_dtype, r * w + j) * rstd;
        float dn = dy[j];
        if (gated) {
            const float z = cpu_load(a->z, a->xz_dtype, r * w + j), s = sigmoidf(z);
            dn = dy[j] * (z * s);
            cpu_store(a->dz, a->dxz_dtype, r * w + j, dy[j] * xhat * a->weight[j] * (s + z * s * (1.0f - s)));
        }
        const float d = rstd * (dn * a->weight[j] - xhat * mean);
        const int64_t i = r * w + j;
        cpu_store(a->dx, a->dxz_dtype, i, a->accumulate_dx ? cpu_load(a->dx, a->dxz_dtype, i) + d : d);
        dw[j] += dn * xhat;
    }
}

gla_status gla_cpu_norm_bwd(gla_context* context, const gla_norm_args* a) {
    const char* fn = a->z ? "gla_gated_rms_norm_bwd" : "gla_rms_norm_bwd";
    const int64_t rows = a->rows, w = a->width, block = reduce_block_rows(rows), blocks = (rows + block - 1) / block;
    float* part = partials(fn, blocks, w);
    if (part == NULL) return GLA_ERROR_OUT_OF_MEMORY;
    const int threads = gla_cpu_threads(context, blocks);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
        const int64_t end = (b + 1) * block < rows ? (b + 1) * block : rows;
        for (int64_t r = b * block; r < end; r++) norm_bwd_row(a, r, part + b * w);
    }
    add_partials(part, blocks, w, a->dweight);
    free(part);
    return GLA_OK;
}

/* ---- elementwise ---- */

gla_status gla_cpu_swiglu_fwd(gla_context* context, int64_t count, const void* a, const void* b, int32_t ab_dtype,
                              void* y, int32_t y_dtype) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) {
        const float x = cpu_load(a, ab_dtype, i);
        cpu_store(y, y_dtype, i, x * sigmoidf(x) * cpu_load(b, ab_dtype, i));
    }
    return GLA_OK;
}

gla_status gla_cpu_swiglu_bwd(gla_context* context, int64_t count, const float* dy, const void* a, const void* b,
                              int32_t ab_dtype, void* da, void* db, int32_t dab_dtype) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) {
        const float x = cpu_load(a, ab_dtype, i), s = sigmoidf(x), g = dy[i];
        cpu_store(da, dab_dtype, i, g * cpu_load(b, ab_dtype, i) * (s + x * s * (1.0f - s)));
        cpu_store(db, dab_dtype, i, g * x * s);
    }
    return GLA_OK;
}

/* logsigmoid(z) = min(z, 0) − log1p(exp(−|z|)), exact for large |z| of either sign. */
static inline float log_sigmoid_scaled(float z, float normalizer) {
    return (fminf(z, 0.0f) - log1pf(expf(-fabsf(z)))) / normalizer;
}

gla_status gla_cpu_log_sigmoid_gate_fwd(gla_context* context, int64_t count, const void* z, int32_t z_dtype,
                                        float normalizer, float clamp_min, float* g) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++)
        g[i] = fmaxf(log_sigmoid_scaled(cpu_load(z, z_dtype, i), normalizer), clamp_min);
    return GLA_OK;
}

/* The clamp is active (gradient 0) where the unclamped value is below clamp_min, as torch's clamp_min backward. */
void gla_cpu_gate_proj(const gla_gate_proj* gate, int64_t rows, int64_t out, float* g) {
    for (int64_t b = 0; b < rows; b++)
        for (int64_t c = 0; c < out; c++) {
            float z = gate->bias ? gate->bias[c] : 0.0f;
            for (int64_t r = 0; r < gate->rank; r++)
                z += gate->in[b * gate->rank + r] * cpu_load(gate->weight, gate->weight_dtype, c * gate->rank + r);
            g[b * out + c] = fmaxf(log_sigmoid_scaled(z, gate->normalizer), gate->clamp_min);
        }
}

gla_status gla_cpu_log_sigmoid_gate_bwd(gla_context* context, int64_t count, const float* dg, const void* z,
                                        int32_t z_dtype, float normalizer, float clamp_min, void* dz,
                                        int32_t dz_dtype) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) {
        const float zi = cpu_load(z, z_dtype, i);
        cpu_store(dz, dz_dtype, i,
                  log_sigmoid_scaled(zi, normalizer) < clamp_min ? 0.0f : dg[i] / normalizer * sigmoidf(-zi));
    }
    return GLA_OK;
}

gla_status gla_cpu_repeat_heads_fwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                    int64_t head_dim, const void* in, void* out, int32_t dtype) {
    const int64_t heads = kv_heads * groups;
    const size_t element = dtype == GLA_DTYPE_BF16 ? 2 : 4;
#pragma omp parallel for num_threads(elementwise_threads(context, rows * heads * head_dim)) schedule(static)
    for (int64_t r = 0; r < rows; r++)
        for (int64_t h = 0; h < heads; h++)
            memcpy((char*)out + (size_t)((r * heads + h) * head_dim) * element,
                   (const char*)in + (size_t)((r * kv_heads + h / groups) * head_dim) * element,
                   (size_t)head_dim * element);
    return GLA_OK;
}

gla_status gla_cpu_repeat_heads_bwd(gla_context* context, int64_t rows, int64_t kv_heads, int64_t groups,
                                    int64_t head_dim, const float* dout, float* din) {
    const int64_t heads = kv_heads * groups;
#pragma omp parallel for num_threads(elementwise_threads(context, rows * heads * head_dim)) schedule(static)
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < kv_heads; j++) {
            float* d = din + (r * kv_heads + j) * head_dim;
            const float* src = dout + (r * heads + j * groups) * head_dim;
            for (int64_t e = 0; e < head_dim; e++) d[e] = src[e];
            for (int64_t g = 1; g < groups; g++)
                for (int64_t e = 0; e < head_dim; e++) d[e] += src[g * head_dim + e];
        }
    return GLA_OK;
}

/* ---- embedding, cross-entropy ---- */

gla_status gla_cpu_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                 const float* table, float* out) {
    (void)vocab; /* the ids were checked: the cpu backend never records */
#pragma omp parallel for num_threads(elementwise_threads(context, rows * width)) schedule(static)
    for (int64_t r = 0; r < rows; r++)
        memcpy(out + r * width, table + (int64_t)ids[r] * width, (size_t)width * sizeof(float));
    return GLA_OK;
}

/* Threads own column ranges and walk the rows in order, so each id's rows are added in row order. */
gla_status gla_cpu_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                 const float* dout, int32_t padding_idx, float* dtable) {
    (void)vocab;
    const int64_t span = 64, spans = (width + span - 1) / span;
    const int threads = rows * width < SERIAL_ELEMENTS ? 1 : gla_cpu_threads(context, spans);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t c = 0; c < spans; c++) {
        const int64_t j0 = c * span, j1 = j0 + span < width ? j0 + span : width;
        for (int64_t r = 0; r < rows; r++) {
            if (ids[r] == padding_idx) continue;
            float* d = dtable + (int64_t)ids[r] * width;
            const float* s = dout + r * width;
            for (int64_t j = j0; j < j1; j++) d[j] += s[j];
        }
    }
    return GLA_OK;
}

/* Per row: max-subtracted logsumexp with the exp sum in double; the loss is computed (and logits[target] read)
 * before dlogits is written, so dlogits may be logits. */
gla_status gla_cpu_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                 const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                 int32_t logits_dtype) {
    const int threads = gla_cpu_threads(context, rows * vocab / SERIAL_ELEMENTS + 1);
    const int32_t dt = logits_dtype;
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t r = 0; r < rows; r++) {
        const int64_t base = r * vocab;
        const int32_t t = targets[r];
        if (t == -100) {
            losses[r] = 0.0f;
            if (dlogits)
                for (int64_t j = 0; j < vocab; j++) cpu_store(dlogits, dt, base + j, 0.0f);
            continue;
        }
        float mx = -INFINITY;
        for (int64_t j = 0; j < vocab; j++) mx = fmaxf(mx, cpu_load(logits, dt, base + j));
        double sum = 0.0;
        for (int64_t j = 0; j < vocab; j++) sum += exp((double)cpu_load(logits, dt, base + j) - mx);
        const float x_t = cpu_load(logits, dt, base + t);
        const double lse = mx + log(sum), p_target = exp((double)x_t - lse);
        losses[r] = (float)(lse - x_t);
        if (dlogits) { /* in place: each element is read before it is written */
            for (int64_t j = 0; j < vocab; j++) {
                const double p = exp((double)cpu_load(logits, dt, base + j) - lse);
                cpu_store(dlogits, dt, base + j, grad_scale * (float)p);
            }
            cpu_store(dlogits, dt, base + t, grad_scale * (float)(p_target - 1.0));
        }
    }
    return GLA_OK;
}

/* ---- small elementwise ops and reductions ---- */

gla_status gla_cpu_add(gla_context* context, int64_t count, const float* a, const float* b, float* out) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) out[i] = a[i] + b[i];
    return GLA_OK;
}

gla_status gla_cpu_bias_add(gla_context* context, int64_t rows, int64_t width, const float* bias, void* y,
                            int32_t y_dtype) {
#pragma omp parallel for num_threads(elementwise_threads(context, rows * width)) schedule(static)
    for (int64_t r = 0; r < rows; r++)
        for (int64_t j = 0; j < width; j++) {
            const int64_t i = r * width + j;
            cpu_store(y, y_dtype, i, cpu_load(y, y_dtype, i) + bias[j]);
        }
    return GLA_OK;
}

gla_status gla_cpu_bias_grad(gla_context* context, int64_t rows, int64_t width, const float* dy, float* dbias) {
    const int64_t block = reduce_block_rows(rows), blocks = (rows + block - 1) / block;
    float* part = partials("gla_bias_grad", blocks, width);
    if (part == NULL) return GLA_ERROR_OUT_OF_MEMORY;
#pragma omp parallel for num_threads(gla_cpu_threads(context, blocks)) schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
        const int64_t end = (b + 1) * block < rows ? (b + 1) * block : rows;
        float* p = part + b * width;
        for (int64_t r = b * block; r < end; r++)
            for (int64_t j = 0; j < width; j++) p[j] += dy[r * width + j];
    }
    add_partials(part, blocks, width, dbias);
    free(part);
    return GLA_OK;
}

gla_status gla_cpu_scale(gla_context* context, int64_t count, float factor, float* x) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) x[i] *= factor;
    return GLA_OK;
}

/* Fixed blocks of SUM_BLOCK elements, each summed in double in order, then the block sums in order. */
#define SUM_BLOCK 65536

gla_status gla_cpu_sum_squares(gla_context* context, int64_t count, const float* x, double* sum) {
    const int64_t blocks = (count + SUM_BLOCK - 1) / SUM_BLOCK;
    double* part = (double*)malloc((size_t)blocks * sizeof(double));
    if (part == NULL)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "gla_sum_squares: cannot allocate %" PRId64 " partial sums", blocks);
#pragma omp parallel for num_threads(gla_cpu_threads(context, blocks)) schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
        const int64_t end = (b + 1) * SUM_BLOCK < count ? (b + 1) * SUM_BLOCK : count;
        double s = 0.0;
        for (int64_t i = b * SUM_BLOCK; i < end; i++) s += (double)x[i] * x[i];
        part[b] = s;
    }
    double s = 0.0;
    for (int64_t b = 0; b < blocks; b++) s += part[b];
    free(part);
    *sum = s;
    return GLA_OK;
}

gla_status gla_cpu_cast(gla_context* context, int64_t count, const void* src, int32_t src_dtype, void* dst,
                        int32_t dst_dtype) {
    if (src_dtype == dst_dtype) {
        memmove(dst, src, (size_t)count * (src_dtype == GLA_DTYPE_BF16 ? 2 : 4));
        return GLA_OK;
    }
    const int64_t blocks = (count + SERIAL_ELEMENTS - 1) / SERIAL_ELEMENTS;
#pragma omp parallel for num_threads(gla_cpu_threads(context, blocks)) schedule(static)
    for (int64_t b = 0; b < blocks; b++) {
        const int64_t i = b * SERIAL_ELEMENTS, n = count - i < SERIAL_ELEMENTS ? count - i : SERIAL_ELEMENTS;
        if (src_dtype == GLA_DTYPE_F32) cpu_store_row(dst, GLA_DTYPE_BF16, i, (const float*)src + i, n);
        else cpu_load_row((float*)dst + i, src, GLA_DTYPE_BF16, i, n);
    }
    return GLA_OK;
}

/* torch's AdamW arithmetic (gla.h): the decayed parameter, then minus step_size times m / denominator. */
gla_status gla_cpu_adamw(gla_context* context, int64_t count, float* param, const float* grad, float* exp_avg,
                         float* exp_avg_sq, const gla_adamw_args* s) {
#pragma omp parallel for num_threads(elementwise_threads(context, count)) schedule(static)
    for (int64_t i = 0; i < count; i++) {
        const float g = grad[i];
        const float m = exp_avg[i] + s->one_minus_beta1 * (g - exp_avg[i]);
        const float v = exp_avg_sq[i] * s->beta2 + s->one_minus_beta2 * g * g;
        exp_avg[i] = m;
        exp_avg_sq[i] = v;
        const float denom = sqrtf(v) / s->bias2_sqrt + s->eps;
        param[i] = param[i] * s->decay - s->step_size * (m / denom);
    }
    return GLA_OK;
}

/* ---- fused decoding products ---- */

/* f(x) of row r into fx [in], in the arithmetic of the unfused ops (gla_rms_norm_fwd, gla_swiglu_fwd). */
static void decode_linear_input(const gla_decode_linear_args* a, int64_t r, float* restrict fx) {
    const int64_t in = a->dims.in, width = a->dims.norm_width;
    const float* x = a->x + r * in;
    const float* z = a->z ? a->z + r * in : NULL;
    switch (a->dims.prologue) {
    case GLA_PROLOGUE_NONE:
        for (int64_t j = 0; j < in; j++) fx[j] = x[j];
        return;
    case GLA_PROLOGUE_SWIGLU:
        for (int64_t j = 0; j < in; j++) fx[j] = x[j] * sigmoidf(x[j]) * z[j];
        return;
    default: /* the norms, one group of width elements at a time */
        for (int64_t g = 0; g < in; g += width) {
            double ss = 0.0;
            for (int64_t j = g; j < g + width; j++) ss += (double)x[j] * x[j];
            const float rstd = (float)(1.0 / sqrt(ss / (double)width + (double)a->dims.eps));
            for (int64_t j = g; j < g + width; j++) {
                float v = x[j] * rstd * a->norm_weight[j - g];
                if (z) v *= z[j] * sigmoidf(z[j]);
                fx[j] = v;
            }
        }
    }
}

/* Lanes of the partial sums: independent accumulators the compiler keeps in one vector register. */
#define DOT_LANES 8

/* y[m, n] for every row m of feature n of output o: one pass over W's row n for all rows, fp32 sums in DOT_LANES
 * lanes added in a fixed order (so the result does not depend on the thread count). */
static void decode_linear_feature(const gla_decode_linear_args* a, const gla_linear_output* o, int64_t n,
                                  const float* fx) {
    const int64_t rows = a->dims.rows, in = a->dims.in;
    const int bf16 = a->dims.weight_dtype == GLA_DTYPE_BF16;
    const float* w32 = bf16 || in == 0 ? NULL : (const float*)o->weight + n * in;
    const uint16_t* w16 = bf16 && in > 0 ? (const uint16_t*)o->weight + n * in : NULL;
    float lanes[GLA_DECODE_LINEAR_MAX_ROWS][DOT_LANES] = {{0}};
    for (int64_t k0 = 0; k0 < in; k0 += DOT_LANES) {
        const int len = in - k0 < DOT_LANES ? (int)(in - k0) : DOT_LANES;
        float wk[DOT_LANES] = {0};
        for (int i = 0; i < len; i++) wk[i] = bf16 ? gla_bf16_to_f32(w16[k0 + i]) : w32[k0 + i];
        for (int64_t m = 0; m < rows; m++) {
            const float* xm = fx + m * in + k0;
            if (len == DOT_LANES) {
                for (int i = 0; i < DOT_LANES; i++) lanes[m][i] += xm[i] * wk[i];
            } else {
                for (int i = 0; i < len; i++) lanes[m][i] += xm[i] * wk[i];
            }
        }
    }
    const gla_linear_dims* d = &a->dims;
    for (int64_t m = 0; m < rows; m++) {
        float v = 0.0f;
        for (int i = 0; i < DOT_LANES; i++) v += lanes[m][i];
        if (o->bias) v += o->bias[n];
        if (d->epilogue == GLA_EPILOGUE_LOG_SIGMOID_GATE)
            v = fmaxf(log_sigmoid_scaled(v, d->gate_normalizer), d->gate_clamp_min);
        if (o->residual) v += o->residual[m * o->out + n];
        o->y[m * o->out + n] = v;
    }
}

gla_status gla_cpu_decode_linear(gla_context* context, const gla_decode_linear_args* a) {
    const int64_t rows = a->dims.rows, in = a->dims.in;
    float* fx = (float*)malloc((size_t)(rows * in + 1) * sizeof(float));
    if (fx == NULL)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "gla_decode_linear: cannot allocate %" PRId64 " x %" PRId64
                         " input floats", rows, in);
    if (in > 0) /* else x and the weights may be NULL: the products are the bias */
        for (int64_t r = 0; r < rows; r++) decode_linear_input(a, r, fx + r * in);
    /* the features of every output as one index range, so that threads share the work of small outputs too */
    int64_t total = 0;
    for (int32_t i = 0; i < a->count; i++) total += a->outputs[i].out;
    const int threads = gla_cpu_threads(context, total / (SERIAL_ELEMENTS / (in + 1) + 1) + 1);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t f = 0; f < total; f++) {
        int32_t i = 0;
        int64_t n = f;
        while (n >= a->outputs[i].out) n -= a->outputs[i++].out;
        decode_linear_feature(a, &a->outputs[i], n, fx);
    }
    free(fx);
    return GLA_OK;
}

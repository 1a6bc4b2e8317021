/*
 * cpu_recurrent.c — the token-by-token form of GLA on the cpu: the ground truth the chunk kernels are tested
 * against (GUIDE §2), and the decode step. fp32 state and arithmetic; bf16 inputs are widened on load.
 *
 *   S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t,   o_t = scale q_t S_t                       (forward)
 *   dS_t = scale q_t^T do_t + diag(exp(g_{t+1})) dS_{t+1} (dS_T starts from dht)
 *   dq_t = scale do_t S_t^T,  dk_t = dS_t v_t^T,  dv_t = k_t dS_t                          (backward)
 *   dg_t = sum_{i >= t} (q_i*dq_i - k_i*dk_i) + sum_v S_T*dS_T                              (GUIDE §2 identity)
 * One forward pass gives dq (and q*dq, parked in dg) and checkpoints the state every GLA_CPU_CHUNK tokens; one
 * reverse pass gives dS, dk, dv and dg. dg is computed per segment of GLA_CPU_CHUNK tokens from the identity's
 * differences dG_i = dg_i - dg_{i+1}, anchored at the segment's first token by the exact
 * dg = sum_v S_{t-1} * dL/dS_{t-1} (see bwd_item for why).
 * Compiled once per ISA (cpu_isa.h); tested by native/tests/test_parity.c against a double reference.
 */
#include "cpu_isa.h"

#include <math.h>
#include <omp.h>

/* The gate multipliers exp(g_t) of one token and head: key_dim values. */
static void decay_row(float* restrict e, const cpu_problem* p, const float* g, int64_t token, int64_t h) {
    cpu_load_gate(e, p, g, token, h);
    for (int64_t i = 0; i < p->key_dim; i++) e[i] = expf(e[i]);
}

static void load_state(float* restrict s, const cpu_problem* p, const float* src, int64_t index) {
    const int64_t K = p->key_dim, V = p->value_dim;
    for (int64_t i = 0; i < K; i++) {
        if (src != NULL)
            memcpy(s + i * p->vp, src + (index * K + i) * V, (size_t)V * sizeof(float));
        else
            memset(s + i * p->vp, 0, (size_t)V * sizeof(float));
    }
}

static void store_state(float* dst, const cpu_problem* p, const float* restrict s, int64_t index) {
    const int64_t K = p->key_dim, V = p->value_dim;
    for (int64_t i = 0; i < K; i++) memcpy(dst + (index * K + i) * V, s + i * p->vp, (size_t)V * sizeof(float));
}

/* Forward of one (sequence n, head h). Reads h0 before writing ht, so h0 == ht (decode in place) is fine. */
static void fwd_item(const cpu_problem* p, const gla_fwd_args* a, float* ws, int64_t n, int64_t h) {
    const int64_t K = p->key_dim, V = p->value_dim, H = p->heads;
    float* restrict S = ws;
    float* restrict q = S + p->kp * p->vp;
    float* restrict k = q + p->kp;
    float* restrict e = k + p->kp;
    float* restrict v = e + p->kp;
    float* restrict o = v + p->vp;
    int64_t first, length;
    cpu_sequence(p, n, &first, &length);
    const int64_t state = n * H + h;
    load_state(S, p, a->h0, state);
    for (int64_t t = 0; t < length; t++) {
        const int64_t token = first + t;
        cpu_load_row(q, a->q, p->dtype, (token * H + h) * K, K);
        cpu_load_row(k, a->k, p->dtype, (token * H + h) * K, K);
        cpu_load_row(v, a->v, p->dtype, (token * H + h) * V, V);
        decay_row(e, p, a->g, token, h);
        for (int64_t j = 0; j < V; j++) o[j] = 0.0f;
        for (int64_t i = 0; i < K; i++) {
            float* restrict row = S + i * p->vp;
            const float ei = e[i], ki = k[i], qi = q[i];
            for (int64_t j = 0; j < V; j++) {
                row[j] = ei * row[j] + ki * v[j];
                o[j] += qi * row[j];
            }
        }
        for (int64_t j = 0; j < V; j++) o[j] *= p->scale;
        cpu_store_row(a->o, p->dtype, (token * H + h) * V, o, V);
    }
    if (a->ht != NULL) store_state(a->ht, p, S, state);
}

/* Backward of one (sequence n, head h). */
static void bwd_item(const cpu_problem* p, const gla_bwd_args* a, float* ws, int64_t n, int64_t h) {
    const int64_t K = p->key_dim, V = p->value_dim, H = p->heads, kv = p->kp * p->vp, seg = GLA_CPU_CHUNK;
    float* restrict S = ws;
    float* restrict dS = S + kv;
    float* restrict q = dS + kv;
    float* restrict k = q + p->kp;
    float* restrict e = k + p->kp;
    float* restrict dk = e + p->kp; /* also dq in the forward pass */
    float* restrict anchor = dk + p->kp;
    float* restrict v = anchor + p->kp;
    float* restrict dout = v + p->vp;
    float* restrict dv = dout + p->vp;
    float* restrict checkpoints = dv + p->vp; /* the state entering each segment of GLA_CPU_CHUNK tokens */
    int64_t first, length;
    cpu_sequence(p, n, &first, &length);
    const int64_t state = n * H + h;

    /* Forward pass: S_t, dq_t; q_t*dq_t without its diagonal term parked in dg (see below). */
    load_state(S, p, a->h0, state);
    for (int64_t t = 0; t < length; t++) {
        const int64_t token = first + t;
        float* restrict dq = dk;
        if (t % seg == 0) memcpy(checkpoints + (t / seg) * kv, S, (size_t)kv * sizeof(float));
        cpu_load_row(q, a->q, p->dtype, (token * H + h) * K, K);
        cpu_load_row(k, a->k, p->dtype, (token * H + h) * K, K);
        cpu_load_row(v, a->v, p->dtype, (token * H + h) * V, V);
        cpu_load_row(dout, a->dout, p->dtype, (token * H + h) * V, V);
        decay_row(e, p, a->g, token, h);
        float dov = 0.0f; /* do_t . v_t */
        for (int64_t j = 0; j < V; j++) dov += dout[j] * v[j];
        for (int64_t i = 0; i < K; i++) {
            float* restrict row = S + i * p->vp;
            const float ei = e[i], ki = k[i];
            float acc = 0.0f;
            for (int64_t j = 0; j < V; j++) {
                row[j] *= ei;
                acc += dout[j] * row[j];
                row[j] += ki * v[j];
            }
            dq[i] = p->scale * acc; /* off-diagonal part: through exp(g_t) S_{t-1} */
        }
        if (p->gate == GLA_GATE_CHANNEL) {
            float* dg = a->dg + (token * H + h) * K;
            for (int64_t i = 0; i < K; i++) dg[i] = q[i] * dq[i];
        } else if (p->gate == GLA_GATE_HEAD) {
            float sum = 0.0f;
            for (int64_t i = 0; i < K; i++) sum += q[i] * dq[i];
            a->dg[token * H + h] = sum;
        }
        for (int64_t i = 0; i < K; i++) dq[i] += p->scale * dov * k[i];
        cpu_store_row(a->dq, p->dtype, (token * H + h) * K, dq, K);
    }

    /* Reverse pass: dS_t, dk_t, dv_t, and dG_t = q_t*dq_t - k_t*dk_t into dg. The diagonal terms of dq_t and dk_t
     * (through k_t^T v_t) cancel exactly in dG_t, so both are left out: with strong gates they are O(1) while
     * dG_t is tiny, and fp32 would keep only their rounding error. */
    load_state(dS, p, a->dht, state);
    for (int64_t t = length - 1; t >= 0; t--) {
        const int64_t token = first + t;
        cpu_load_row(q, a->q, p->dtype, (token * H + h) * K, K);
        cpu_load_row(k, a->k, p->dtype, (token * H + h) * K, K);
        cpu_load_row(v, a->v, p->dtype, (token * H + h) * V, V);
        cpu_load_row(dout, a->dout, p->dtype, (token * H + h) * V, V);
        decay_row(e, p, a->g, token, h);
        float dov = 0.0f;
        for (int64_t j = 0; j < V; j++) dov += dout[j] * v[j];
        for (int64_t j = 0; j < V; j++) dv[j] = 0.0f;
        for (int64_t i = 0; i < K; i++) {
            float* restrict row = dS + i * p->vp;
            const float sq = p->scale * q[i], ki = k[i];
            float acc = 0.0f;
            for (int64_t j = 0; j < V; j++) {
                acc += row[j] * v[j];
                row[j] += sq * dout[j];
                dv[j] += ki * row[j];
            }
            dk[i] = acc; /* off-diagonal part: through exp(g_{t+1}) dS_{t+1} */
        }
        if (p->gate == GLA_GATE_CHANNEL) {
            float* dg = a->dg + (token * H + h) * K;
            for (int64_t i = 0; i < K; i++) dg[i] -= k[i] * dk[i];
        } else if (p->gate == GLA_GATE_HEAD) {
            float sum = 0.0f;
            for (int64_t i = 0; i < K; i++) sum += k[i] * dk[i];
            a->dg[token * H + h] -= sum;
        }
        for (int64_t i = 0; i < K; i++) dk[i] += p->scale * dov * q[i];
        cpu_store_row(a->dk, p->dtype, (token * H + h) * K, dk, K);
        cpu_store_row(a->dv, p->dtype, (token * H + h) * V, dv, V);
        if (p->gate != GLA_GATE_NONE)
            for (int64_t i = 0; i < K; i++) {
                float* restrict row = dS + i * p->vp;
                for (int64_t j = 0; j < V; j++) row[j] *= e[i];
            }
        /* dS is now dL/dS_{t-1}. At a segment start, dg of its first token is exactly sum_v S_{t-1}*dS_{t-1}
         * (the direct formula); the rest of the segment follows from dg_{i+1} = dg_i - dG_i. Anchoring every
         * segment this way keeps the sum of dG short, and it carries the dht term without cancellation. */
        if (t % seg == 0 && p->gate != GLA_GATE_NONE) {
            const float* restrict S0 = checkpoints + (t / seg) * kv;
            for (int64_t i = 0; i < K; i++) {
                float acc = 0.0f;
                for (int64_t j = 0; j < V; j++) acc += S0[i * p->vp + j] * dS[i * p->vp + j];
                anchor[i] = acc;
            }
            const int64_t end = t + seg < length ? t + seg : length;
            if (p->gate == GLA_GATE_CHANNEL) {
                for (int64_t u = t; u < end; u++) {
                    float* dg = a->dg + ((first + u) * H + h) * K;
                    for (int64_t i = 0; i < K; i++) {
                        float dG = dg[i];
                        dg[i] = anchor[i];
                        anchor[i] -= dG;
                    }
                }
            } else {
                float run = 0.0f;
                for (int64_t i = 0; i < K; i++) run += anchor[i];
                for (int64_t u = t; u < end; u++) {
                    float* dg = a->dg + (first + u) * H + h;
                    float dG = *dg;
                    *dg = run;
                    run -= dG;
                }
            }
        }
    }
    if (a->dh0 != NULL) store_state(a->dh0, p, dS, state);
}

void GLA_ISA_FN(gla_cpu_recurrent_fwd)(const cpu_problem* p, const gla_fwd_args* a, float* workspace, int threads) {
    const int64_t items = p->num_seqs * p->heads, per_thread = cpu_recurrent_fwd_floats(p);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < items; i++)
        fwd_item(p, a, workspace + omp_get_thread_num() * per_thread, i / p->heads, i % p->heads);
}

void GLA_ISA_FN(gla_cpu_recurrent_bwd)(const cpu_problem* p, const gla_bwd_args* a, float* workspace, int threads) {
    const int64_t items = p->num_seqs * p->heads, per_thread = cpu_recurrent_bwd_floats(p);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < items; i++)
        bwd_item(p, a, workspace + omp_get_thread_num() * per_thread, i / p->heads, i % p->heads);
}

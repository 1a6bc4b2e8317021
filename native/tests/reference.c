/*
 * reference.c — see reference.h. Plain loops in double, written for clarity: per (sequence, head),
 *   S_t = diag(exp(g_t)) S_{t-1} + k_t^T v_t,  o_t = scale q_t S_t.
 * Backward: dS_t = scale q_t^T do_t + diag(exp(g_{t+1})) dS_{t+1} (dS_T = dht), dq_t = scale do_t S_t^T,
 * dk_t = dS_t v_t^T, dv_t = k_t dS_t, dg_t[k] = sum_v dS_t[k,v] exp(g_t[k]) S_{t-1}[k,v] (summed over k for a
 * per-head gate). States are checkpointed every ~sqrt(T) steps and recomputed per segment, so long sequences
 * with K = V = 128 need little memory.
 */
#include "reference.h"

#include "gla.h"

#include <math.h>
#include <stdlib.h>
#include <string.h>

static void sequence(const ref_problem* p, int64_t n, int64_t* first, int64_t* length) {
    if (p->cu_seqlens != NULL) {
        *first = p->cu_seqlens[n];
        *length = p->cu_seqlens[n + 1] - p->cu_seqlens[n];
    } else {
        *first = n * p->seq_len;
        *length = p->seq_len;
    }
}

static int64_t sequences(const ref_problem* p) { return p->cu_seqlens != NULL ? p->num_seqs : p->batch; }

/* exp(g) of token `token`, head h, channel i. */
static double decay(const ref_problem* p, const double* g, int64_t token, int64_t h, int64_t i) {
    if (p->gate == GLA_GATE_NONE) return 1.0;
    if (p->gate == GLA_GATE_HEAD) return exp(g[token * p->heads + h]);
    return exp(g[(token * p->heads + h) * p->key_dim + i]);
}

/* S <- diag(exp(g_t)) S + k_t^T v_t for token `token`, head h. */
static void step(const ref_problem* p, double* S, const double* k, const double* v, const double* g, int64_t token,
                 int64_t h) {
    const int64_t K = p->key_dim, V = p->value_dim, H = p->heads;
    for (int64_t i = 0; i < K; i++) {
        double e = decay(p, g, token, h, i), ki = k[(token * H + h) * K + i];
        for (int64_t j = 0; j < V; j++) S[i * V + j] = e * S[i * V + j] + ki * v[(token * H + h) * V + j];
    }
}

void ref_forward(const ref_problem* p, const double* q, const double* k, const double* v, const double* g,
                 const double* h0, double* o, double* ht) {
    const int64_t K = p->key_dim, V = p->value_dim, H = p->heads;
    double* S = malloc((size_t)(K * V) * sizeof(double));
    if (S == NULL) abort(); /* test code: cannot go on */
    for (int64_t n = 0; n < sequences(p); n++)
        for (int64_t h = 0; h < H; h++) {
            int64_t first, length;
            sequence(p, n, &first, &length);
            for (int64_t x = 0; x < K * V; x++) S[x] = h0 != NULL ? h0[(n * H + h) * K * V + x] : 0.0;
            for (int64_t t = first; t < first + length; t++) {
                step(p, S, k, v, g, t, h);
                for (int64_t j = 0; j < V; j++) {
                    double acc = 0.0;
                    for (int64_t i = 0; i < K; i++) acc += q[(t * H + h) * K + i] * S[i * V + j];
                    o[(t * H + h) * V + j] = p->scale * acc;
                }
            }
            if (ht != NULL) memcpy(ht + (n * H + h) * K * V, S, (size_t)(K * V) * sizeof(double));
        }
    free(S);
}

int ref_backward(const ref_problem* p, const double* q, const double* k, const double* v, const double* g,
                 const double* h0, const double* dout, const double* dht, double* dq, double* dk, double* dv,
                 double* dg, double* dh0) {
    const int64_t K = p->key_dim, V = p->value_dim, H = p->heads, KV = K * V;
    int64_t longest = 0;
    for (int64_t n = 0; n < sequences(p); n++) {
        int64_t first, length;
        sequence(p, n, &first, &length);
        if (length > longest) longest = length;
    }
    int64_t seg = 1;
    while (seg * seg < longest) seg++;
    int64_t checkpoints = longest / seg + 2;
    /* ckpt[c] = state before token c*seg of the sequence; states[s] = state after token s of a segment;
     * prev = state before the current token. */
    double* ckpt = malloc((size_t)(checkpoints * KV) * sizeof(double));
    double* states = malloc((size_t)(seg * KV) * sizeof(double));
    double* dS = malloc((size_t)KV * sizeof(double));
    double* S = malloc((size_t)KV * sizeof(double));
    if (ckpt == NULL || states == NULL || dS == NULL || S == NULL) {
        free(ckpt), free(states), free(dS), free(S);
        return -1;
    }
    for (int64_t n = 0; n < sequences(p); n++)
        for (int64_t h = 0; h < H; h++) {
            int64_t first, length;
            sequence(p, n, &first, &length);
            for (int64_t x = 0; x < KV; x++) S[x] = h0 != NULL ? h0[(n * H + h) * KV + x] : 0.0;
            for (int64_t t = 0; t < length; t++) {
                if (t % seg == 0) memcpy(ckpt + (t / seg) * KV, S, (size_t)KV * sizeof(double));
                step(p, S, k, v, g, first + t, h);
            }
            for (int64_t x = 0; x < KV; x++) dS[x] = dht != NULL ? dht[(n * H + h) * KV + x] : 0.0;
            for (int64_t s0 = (length - 1) / seg * seg; length > 0 && s0 >= 0; s0 -= seg) {
                int64_t s1 = s0 + seg < length ? s0 + seg : length;
                memcpy(S, ckpt + (s0 / seg) * KV, (size_t)KV * sizeof(double));
                for (int64_t t = s0; t < s1; t++) {
                    step(p, S, k, v, g, first + t, h);
                    memcpy(states + (t - s0) * KV, S, (size_t)KV * sizeof(double));
                }
                for (int64_t t = s1 - 1; t >= s0; t--) {
                    const int64_t tok = first + t;
                    const double* St = states + (t - s0) * KV;
                    const double* Sprev = t > s0 ? states + (t - s0 - 1) * KV : ckpt + (s0 / seg) * KV;
                    for (int64_t i = 0; i < K; i++)
                        for (int64_t j = 0; j < V; j++)
                            dS[i * V + j] += p->scale * q[(tok * H + h) * K + i] * dout[(tok * H + h) * V + j];
                    for (int64_t i = 0; i < K; i++) {
                        double aq = 0.0, ak = 0.0;
                        for (int64_t j = 0; j < V; j++) {
                            aq += dout[(tok * H + h) * V + j] * St[i * V + j];
                            ak += dS[i * V + j] * v[(tok * H + h) * V + j];
                        }
                        dq[(tok * H + h) * K + i] = p->scale * aq;
                        dk[(tok * H + h) * K + i] = ak;
                    }
                    for (int64_t j = 0; j < V; j++) {
                        double a = 0.0;
                        for (int64_t i = 0; i < K; i++) a += k[(tok * H + h) * K + i] * dS[i * V + j];
                        dv[(tok * H + h) * V + j] = a;
                    }
                    if (p->gate != GLA_GATE_NONE) {
                        double head = 0.0;
                        for (int64_t i = 0; i < K; i++) {
                            double e = decay(p, g, tok, h, i), a = 0.0;
                            for (int64_t j = 0; j < V; j++) a += dS[i * V + j] * e * Sprev[i * V + j];
                            if (p->gate == GLA_GATE_CHANNEL)
                                dg[(tok * H + h) * K + i] = a;
                            else
                                head += a;
                        }
                        if (p->gate == GLA_GATE_HEAD) dg[tok * H + h] = head;
                    }
                    for (int64_t i = 0; i < K; i++) {
                        double e = decay(p, g, tok, h, i);
                        for (int64_t j = 0; j < V; j++) dS[i * V + j] *= e;
                    }
                }
            }
            if (dh0 != NULL) memcpy(dh0 + (n * H + h) * KV, dS, (size_t)KV * sizeof(double));
        }
    free(ckpt), free(states), free(dS), free(S);
    return 0;
}

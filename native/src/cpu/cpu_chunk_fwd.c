/*
 * cpu_chunk_fwd.c — gla_chunk_fwd on the cpu: the chunkwise algorithm of GUIDE §2 with chunks of 64 and
 * sub-chunks of 16 (cpu_chunk.h), all arithmetic in fp32. Per (sequence, head), sequentially over chunks,
 * with h the state entering the chunk, G the chunk-local cumulative log gate and Γ = G[last]:
 *   o     = (scale q * exp(G)) h  +  A v                       A lower-triangular, from cpu_chunk.h
 *   h'    = exp(Γ) * h  +  (k * exp(Γ - G))^T v
 * The four matmuls (q h, Qs Ks^T, A v, k^T v) go through the register-blocked gemm of cpu_simd.h; every
 * exponent is <= 0 except the bounded factored diagonal blocks. OpenMP over (sequence, head), static schedule:
 * the result does not depend on the thread count. Compiled per ISA (cpu_isa.h). Tested by test_parity chunk.
 */
#include "cpu_chunk.h"
#include "cpu_isa.h"

#include <omp.h>

/* Per-thread workspace (cpu_chunk_fwd_floats): the chunk tiles, the state S [kp,vp], Qg, Kd [C,kp], O [C,vp]. */
static void fwd_item(const cpu_problem* p, const gla_fwd_args* a, float* ws, int64_t n, int64_t h) {
    const int64_t kp = p->kp, vp = p->vp, K = p->key_dim, V = p->value_dim;
    chunk_tiles t;
    ws = chunk_tiles_carve(&t, p, ws);
    float* S = ws;
    float* qg = S + kp * vp;
    float* kd = qg + C_ * kp;
    float* o = kd + C_ * kp;
    int64_t first, length;
    cpu_sequence(p, n, &first, &length);
    const int64_t state = n * p->heads + h;
    int zero_state = a->h0 == NULL;
    for (int64_t i = 0; i < K; i++) {
        if (a->h0 != NULL)
            memcpy(S + i * vp, a->h0 + (state * K + i) * V, (size_t)V * sizeof(float));
        else
            memset(S + i * vp, 0, (size_t)V * sizeof(float));
        memset(S + i * vp + V, 0, (size_t)(vp - V) * sizeof(float));
    }
    memset(S + K * vp, 0, (size_t)((kp - K) * vp) * sizeof(float));

    for (int64_t c0 = 0; c0 < length; c0 += C_) {
        const int64_t rows = length - c0 < C_ ? length - c0 : C_;
        const int64_t subs = (rows + SUB_ - 1) / SUB_, R = subs * SUB_;
        load_chunk(&t, p, a->q, a->k, a->v, a->g, first + c0, h, rows, R);

        /* inter-chunk: o = (scale q exp(G)) h */
        if (zero_state) {
            memset(o, 0, (size_t)(R * vp) * sizeof(float));
        } else {
            scale_rows_exp(qg, NULL, t.q, t.g, R, kp, p->scale, 1.0f);
            gemm(R, vp, kp, qg, kp, 1, S, vp, o, vp, 0);
        }
        /* intra-chunk: o += A v, one query sub-chunk at a time */
        for (int64_t i = 0; i < subs; i++) {
            int factored;
            int64_t cols = prepare_sub(&t, p, i, &factored);
            sub_attention(&t, p, i, cols, factored);
            gemm(SUB_, vp, i * SUB_ + SUB_, t.a + i * SUB_ * C_, C_, 1, t.v, vp, o + i * SUB_ * vp, vp, 1);
        }
        store_tile(a->o, p->dtype, p->heads, V, first + c0, h, o, vp, rows);

        /* state: h' = exp(Γ) h + (k exp(Γ - G))^T v */
        update_state(&t, p, S, S, kd, R);
        zero_state = 0;
    }
    if (a->ht != NULL)
        for (int64_t i = 0; i < K; i++) memcpy(a->ht + (state * K + i) * V, S + i * vp, (size_t)V * sizeof(float));
}

void GLA_ISA_FN(gla_cpu_chunk_fwd)(const cpu_problem* p, const gla_fwd_args* a, float* workspace, int threads) {
    const int64_t items = p->num_seqs * p->heads, per_thread = cpu_chunk_fwd_floats(p);
#pragma omp parallel for num_threads(threads) schedule(static)
    for (int64_t i = 0; i < items; i++)
        fwd_item(p, a, workspace + omp_get_thread_num() * per_thread, i / p->heads, i % p->heads);
}

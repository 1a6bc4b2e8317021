/*
 * cpu_chunk_fwd.c — gla_chunk_fwd on the cpu: the chunkwise algorithm of GUIDE §2 with chunks of 64 and
 * sub-chunks of 16 (cpu_chunk.h), all arithmetic in fp32. Per (sequence, head), sequentially over chunks,
 * with h the state entering the chunk, G the chunk-local cumulative log gate and Γ = G[last]:
 *   o     = (scale q * exp(G)) h  +  A v                       A lower-triangular, from cpu_chunk.h
 *   h'    = exp(Γ) * h  +  (k * exp(Γ - G))^T v
 * The four matmuls (q h, Qs Ks^T, A v, k^T v) go through the register-blocked gemm of cpu_simd.h; every
 * exponent is <= 0 except the bounded factored diagonal blocks. OpenMP over (sequence, head) and, when there
 * are fewer of those than threads, over segments of chunks (cpu_segments); static schedules. Compiled per ISA
 * (cpu_isa.h). Tested by test_parity chunk.
 */
#include "cpu_chunk.h"
#include "cpu_isa.h"

#include <omp.h>

/* Per-thread workspace (cpu_chunk_fwd_floats): the chunk tiles, the state S [kp,vp], Qg, Kd [C,kp], O [C,vp]. */

/* Forward of chunks [c_begin, c_end) of (sequence n, head h), entering with state `enter` (padded [kp,vp]; NULL:
 * h0 or zeros). Writes o, and ht when `last` (the sequence's last segment). */
static void fwd_segment(const cpu_problem* p, const gla_fwd_args* a, float* ws, int64_t n, int64_t h,
                        int64_t c_begin, int64_t c_end, const float* enter, int last) {
    const int64_t kp = p->kp, vp = p->vp, V = p->value_dim;
    chunk_tiles t;
    ws = chunk_tiles_carve(&t, p, ws);
    float* S = ws;
    float* qg = S + kp * vp;
    float* kd = qg + C_ * kp;
    float* o = kd + C_ * kp;
    int64_t first, length;
    cpu_sequence(p, n, &first, &length);
    const int64_t state = n * p->heads + h;
    int zero_state = enter == NULL && a->h0 == NULL;
    if (enter != NULL)
        memcpy(S, enter, (size_t)(kp * vp) * sizeof(float));
    else
        load_state(S, p, a->h0, state);

    for (int64_t c = c_begin; c < c_end; c++) {
        const int64_t c0 = c * C_, rows = length - c0 < C_ ? length - c0 : C_;
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
    if (a->ht != NULL && last) store_state(a->ht, p, S, state);
}

void GLA_ISA_FN(gla_cpu_chunk_fwd)(const cpu_problem* p, const gla_fwd_args* a, float* workspace, int threads) {
    const int64_t items = p->num_seqs * p->heads, per_thread = cpu_chunk_fwd_floats(p), S = p->segments;
    segment_buffers sb;
    float* thread_ws = segment_buffers_carve(&sb, p, workspace, 0);
#pragma omp parallel num_threads(threads)
    {
        float* ws = thread_ws + omp_get_thread_num() * per_thread;
        if (S > 1) {
            /* 1. each segment's own state contribution (the last segment's is not needed) */
#pragma omp for schedule(static)
            for (int64_t u = 0; u < items * S; u++) {
                const int64_t i = u / S, s = u % S;
                if (s + 1 == S) continue;
                int64_t first, length, c_begin, c_end;
                cpu_sequence(p, i / p->heads, &first, &length);
                segment_chunks(p, length, s, &c_begin, &c_end);
                chunk_tiles t;
                float* kd = chunk_tiles_carve(&t, p, ws);
                segment_own_state(&t, p, a->k, a->v, a->g, first, length, i % p->heads, c_begin, c_end,
                                  sb.own + u * p->kp * p->vp, sb.decay + u * p->kp, kd);
            }
            /* 2. the state entering each segment */
            segment_scan(p, a->h0, &sb);
        }
        /* 3. the segments, in parallel */
#pragma omp for schedule(static)
        for (int64_t u = 0; u < items * S; u++) {
            const int64_t i = u / S, s = u % S;
            int64_t first, length, c_begin, c_end;
            cpu_sequence(p, i / p->heads, &first, &length);
            segment_chunks(p, length, s, &c_begin, &c_end);
            fwd_segment(p, a, ws, i / p->heads, i % p->heads, c_begin, c_end,
                        S > 1 ? sb.enter + u * p->kp * p->vp : NULL, s + 1 == S);
        }
    }
}

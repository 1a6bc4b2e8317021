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

        /* intra-chunk, one query sub-chunk at a time: o = A v; and qg = scale q exp(G) = Qs exp(G[r]) from the
         * sub-chunk's queries (exp(G[r]) <= 1), which spares a full tile of exps */
        int64_t cols = 0;
        for (int64_t i = 0; i < subs; i++) {
            const int64_t t0 = i * SUB_;
            int factored;
            cols = prepare_sub(&t, p, i, &factored);
            sub_attention(&t, p, i, cols, factored);
            gemm(SUB_, vp, t0 + SUB_, t.a + t0 * C_, C_, 1, t.v, vp, o + t0 * vp, vp, 0);
            if (zero_state) continue;
            for (int64_t ch = 0; ch < kp; ch += VW) {
                const vf e = i == 0 ? vset1(1.0f) : vexp(vload(t.g + (t0 - 1) * kp + ch));
                for (int64_t r = 0; r < SUB_; r++) vstore(qg + (t0 + r) * kp + ch, vload(t.qs + r * kp + ch) * e);
            }
        }
        /* inter-chunk: o += (scale q exp(G)) h */
        if (!zero_state) gemm(R, vp, kp, qg, kp, 1, S, vp, o, vp, 1);
        store_tile(a->o, p->dtype, p->heads, V, first + c0, h, o, vp, rows);

        /* state: h' = exp(Γ) h + (k exp(Γ - G))^T v, the decayed keys again from the last sub-chunk's
         * Ks = k exp(G[r] - G) (its first `cols` rows): k exp(Γ - G) = Ks exp(Γ - G[r]), exp(Γ - G[r]) <= 1 */
        const int64_t r = R - SUB_ - 1; /* the last sub-chunk's reference row; -1: the chunk start */
        for (int64_t ch = 0; ch < kp; ch += VW) {
            const vf e = vexp(r >= 0 ? vload(t.grev + r * kp + ch) : vload(t.g + (R - 1) * kp + ch));
            for (int64_t x = 0; x < cols; x++) vstore(kd + x * kp + ch, vload(t.ks + x * kp + ch) * e);
        }
        scale_rows_exp(kd + cols * kp, NULL, t.k + cols * kp, t.grev + cols * kp, R - cols, kp, 1.0f, 1.0f);
        advance_state(&t, p, S, S, kd, R);
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

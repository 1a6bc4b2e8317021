/*
 * cpu_chunk_bwd.c — gla_chunk_bwd on the cpu: gradients of the chunkwise algorithm (cpu_chunk_fwd.c), fp32.
 * Per (sequence, head):
 *   1. recompute the state entering every chunk (and the final state), forward over chunks (GUIDE §2:
 *      recompute rather than store);
 *   2. backward over chunks with dh = dL/d(state leaving the chunk), starting from dht (or 0):
 *        dq = scale exp(G) * (do h^T)  +  intra(dA k)          dA[t,s] = do[t] . v[s]  (s <= t)
 *        dk = exp(Γ - G) * (v dh^T)    +  intra(dA^T q)
 *        dv = (k exp(Γ - G)) dh        +  A^T do
 *        dh <- exp(Γ) * dh + (scale q exp(G))^T do              (now dL/d(state entering the chunk))
 *      the intra terms use the sub-chunk factors of cpu_chunk.h (the same ones A uses);
 *   3. dg from the identity dG_t = q_t dq_t - k_t dk_t (GUIDE §2), chunk-locally: dg at the chunk's first row
 *      is exactly sum_v h * dh (h, dh: the state entering the chunk and its gradient), and
 *      dg_{t+1} = dg_t - dG_t inside the chunk. This is the reverse cumulative sum of the identity (including the
 *      dht term, which reaches every chunk through dh) restarted at every chunk boundary from its exact value.
 *      The diagonal terms of dq and dk (s = t, exp(0) = 1) cancel exactly in dG, so they are added to dq, dk
 *      only after dG is formed: with strong gates they are O(1) while dG is tiny.
 * OpenMP over (sequence, head) and, when there are fewer of those than threads, over segments of chunks: each
 * segment then starts from its entering state and the gradient of its leaving state, both found first by a
 * short scan over the segments (cpu_segments). Static schedules. Compiled per ISA (cpu_isa.h). Tested by
 * test_parity chunk.
 */
#include "cpu_chunk.h"
#include "cpu_isa.h"

#include <omp.h>

typedef struct bwd_tiles {
    float *ds, *st, *dst;    /* [kp,vp]: dh; S^T and dh^T [vp,kp] */
    float *dq, *dk, *tmp, *qg; /* [C,kp]; qg = scale q exp(G) */
    float *dout, *dv, *vt;   /* [C,vp], [C,vp], V^T [vp,C] */
    float *da;               /* [C,C]: dA, its diagonal moved to dadiag */
    float *dg;               /* [C,kp]: dG */
    float *dadiag;           /* [C] */
    float *states;           /* (chunks + 1) x [kp,vp] */
} bwd_tiles;

static float* carve(bwd_tiles* b, const cpu_problem* p, float* ws) {
    const int64_t kv = p->kp * p->vp;
    b->ds = ws, ws += kv;
    b->st = ws, ws += kv;
    b->dst = ws, ws += kv;
    b->dq = ws, ws += C_ * p->kp;
    b->dk = ws, ws += C_ * p->kp;
    b->tmp = ws, ws += C_ * p->kp;
    b->qg = ws, ws += C_ * p->kp;
    b->dg = ws, ws += C_ * p->kp;
    b->dout = ws, ws += C_ * p->vp;
    b->dv = ws, ws += C_ * p->vp;
    b->vt = ws, ws += C_ * p->vp;
    b->da = ws, ws += C_ * C_;
    b->dadiag = ws, ws += C_;
    b->states = ws;
    return ws;
}

/* ds <- exp(Γ) ds + qg^T do, with qg = scale q exp(G): the gradient of the state entering a chunk from that of
 * the state leaving it (also sets egamma). */
static void backprop_state(chunk_tiles* t, const cpu_problem* p, float* ds, const float* dout, const float* qg,
                           int64_t R) {
    const int64_t kp = p->kp, vp = p->vp;
    const float* gamma = t->g + (R - 1) * kp;
    for (int64_t c = 0; c < kp; c += VW) vstore(t->egamma + c, vexp(vload(gamma + c)));
    for (int64_t c = 0; c < kp; c++) {
        const vf eg = vset1(t->egamma[c]);
        for (int64_t j = 0; j < vp; j += VW) vstore(ds + c * vp + j, vload(ds + c * vp + j) * eg);
    }
    gemm(kp, vp, R, qg, 1, kp, dout, vp, ds, vp, 1);
}

/* dq, dk, dv, dG and the new dh of one chunk (n real rows, R padded), given S = the state entering it and
 * b->ds = dL/d(state leaving it). The exp factors of the inter-chunk terms come from the sub-chunk factors:
 * exp(G[t]) = exp(G[t] - G[r]) exp(G[r]) for the query side, and for the key side the last sub-chunk's
 * exp(G[r] - G[s]) times exp(Γ - G[r]) (all second factors <= 1), as in the forward. */
static void chunk_backward(chunk_tiles* t, bwd_tiles* b, const cpu_problem* p, const float* S, int64_t subs,
                           int64_t R) {
    const int64_t kp = p->kp, vp = p->vp;
    float* tq = b->dg; /* do S^T, until dG takes its place */

    /* do S^T (the query side's inter-chunk term before its exp factor) and dA = do v^T on the lower block
     * triangle, its diagonal moved out */
    transpose(b->st, kp, S, vp, kp, vp);
    gemm(R, kp, vp, b->dout, vp, 1, b->st, kp, tq, kp, 0);
    transpose(b->vt, C_, t->v, vp, R, vp);
    for (int64_t i = 0; i < subs; i++) {
        const int64_t t0 = i * SUB_;
        float* da = b->da + t0 * C_;
        gemm(SUB_, t0 + SUB_, vp, b->dout + t0 * vp, vp, 1, b->vt, C_, da, C_, 0);
        for (int64_t r = 0; r < SUB_; r++) {
            b->dadiag[t0 + r] = da[r * C_ + t0 + r];
            for (int64_t s = t0 + r; s < t0 + SUB_; s++) da[r * C_ + s] = 0.0f;
        }
    }

    /* per query sub-chunk i (reference row r = t0 - 1): dq rows, and the intra-chunk parts of dk, dv */
    memset(b->dk, 0, (size_t)(R * kp) * sizeof(float));
    memset(b->dv, 0, (size_t)(R * vp) * sizeof(float));
    int64_t cols = 0;
    for (int64_t i = 0; i < subs; i++) {
        const int64_t t0 = i * SUB_;
        int factored;
        cols = prepare_sub(t, p, i, &factored);
        sub_attention(t, p, i, cols, factored); /* A rows t0.. (recomputed) */
        const float* da = b->da + t0 * C_;
        /* dq[t] = scale exp(G[t] - G[r]) (exp(G[r]) (do S^T)[t] + sum_s dA[t,s] Ks[s]); qg = Qs exp(G[r]) */
        if (cols > 0) gemm(SUB_, kp, cols, da, C_, 1, t->ks, kp, b->tmp, kp, 0);
        for (int64_t c = 0; c < kp; c += VW) {
            const vf er = i == 0 ? vset1(1.0f) : vexp(vload(t->g + (t0 - 1) * kp + c));
            for (int64_t r = 0; r < SUB_; r++) {
                const int64_t x = (t0 + r) * kp + c;
                vf acc = er * vload(tq + x);
                if (cols > 0) acc += vload(b->tmp + r * kp + c);
                vstore(b->dq + x, vload(t->eq + r * kp + c) * acc * p->scale);
                vstore(b->qg + x, vload(t->qs + r * kp + c) * er);
            }
        }
        /* dk[s] += exp(G[r] - G[s]) * sum_t dA[t,s] Qs[t] */
        if (cols > 0) {
            gemm(cols, kp, SUB_, da, 1, C_, t->qs, kp, b->tmp, kp, 0);
            for (int64_t s = 0; s < cols; s++)
                for (int64_t c = 0; c < kp; c += VW) {
                    float* dk = b->dk + s * kp + c;
                    vstore(dk, vload(dk) + vload(t->ek + s * kp + c) * vload(b->tmp + s * kp + c));
                }
        }
        if (!factored) /* the diagonal block, exactly: pairs s < t inside the sub-chunk */
            for (int64_t r = 1; r < SUB_; r++) {
                const int64_t row = t0 + r;
                FOR_EACH_DIAGONAL_PAIR(t, p, t0, row, s, c, e, {
                    const vf ex = e * vset1(p->scale * da[r * C_ + s]);
                    float* dq = b->dq + row * kp + c;
                    float* dk = b->dk + s * kp + c;
                    vstore(dq, vload(dq) + ex * vload(t->k + s * kp + c));
                    vstore(dk, vload(dk) + ex * vload(t->q + row * kp + c));
                });
            }
        /* dv[s] += sum_t A[t,s] do[t] */
        gemm(t0 + SUB_, vp, SUB_, t->a + t0 * C_, 1, C_, b->dout + t0 * vp, vp, b->dv, vp, 1);
    }

    /* the key side's inter-chunk terms, with e = exp(Γ - G) and kd = k e from the last sub-chunk's factors
     * (its first `cols` rows; the rest directly):  dv += kd dh,  dk += e * (v dh^T) */
    float* edecay = t->ek;
    float* kd = t->ks;
    const int64_t r_last = R - SUB_ - 1; /* -1: the chunk start */
    for (int64_t c = 0; c < kp; c += VW) {
        const vf e = vexp(r_last >= 0 ? vload(t->grev + r_last * kp + c) : vload(t->g + (R - 1) * kp + c));
        for (int64_t s = 0; s < cols; s++) {
            vstore(edecay + s * kp + c, vload(edecay + s * kp + c) * e);
            vstore(kd + s * kp + c, vload(kd + s * kp + c) * e);
        }
    }
    scale_rows_exp(kd + cols * kp, edecay + cols * kp, t->k + cols * kp, t->grev + cols * kp, R - cols, kp, 1.0f,
                   1.0f);
    gemm(R, vp, kp, kd, kp, 1, b->ds, vp, b->dv, vp, 1);
    transpose(b->dst, kp, b->ds, vp, kp, vp);
    gemm(R, kp, vp, t->v, vp, 1, b->dst, kp, b->tmp, kp, 0);
    for (int64_t x = 0; x < R * kp; x += VW) vstore(b->dk + x, vload(b->dk + x) + vload(edecay + x) * vload(b->tmp + x));

    /* dG without the diagonal terms, then the diagonal terms: dq[t] += scale dA[t,t] k[t], dk likewise */
    for (int64_t r = 0; r < R; r++) {
        const vf w = vset1(p->scale * b->dadiag[r]);
        for (int64_t c = 0; c < kp; c += VW) {
            const int64_t x = r * kp + c;
            const vf q = vload(t->q + x), k = vload(t->k + x), dq = vload(b->dq + x), dk = vload(b->dk + x);
            vstore(b->dg + x, q * dq - k * dk);
            vstore(b->dq + x, dq + w * k);
            vstore(b->dk + x, dk + w * q);
        }
    }

    /* dh <- exp(Γ) dh + (scale q exp(G))^T do */
    backprop_state(t, p, b->ds, b->dout, b->qg, R);
}

/* dg of the chunk's rows: dg[first] = sum_v S * dS (entering state and its gradient), dg[t+1] = dg[t] - dG[t]. */
static void store_gate_gradient(const cpu_problem* p, const gla_bwd_args* a, const bwd_tiles* b, const float* S,
                                int64_t first, int64_t h, int64_t rows, float* run) {
    const int64_t K = p->key_dim, kp = p->kp, vp = p->vp, H = p->heads;
    for (int64_t c = 0; c < kp; c++) {
        vf acc = (vf){0};
        for (int64_t j = 0; j < vp; j += VW) acc += vload(S + c * vp + j) * vload(b->ds + c * vp + j);
        run[c] = vsum(acc);
    }
    for (int64_t r = 0; r < rows; r++) {
        const float* dG = b->dg + r * kp;
        if (p->gate == GLA_GATE_CHANNEL) {
            row_out(a->dg, GLA_DTYPE_F32, ((first + r) * H + h) * K, run, K);
        } else {
            float sum = 0.0f;
            for (int64_t c = 0; c < K; c++) sum += run[c];
            a->dg[(first + r) * H + h] = sum;
        }
        for (int64_t c = 0; c < kp; c++) run[c] -= dG[c];
    }
}

/* Backward of chunks [c_begin, c_end) of (sequence n, head h), entering with state `enter` (padded [kp,vp]; NULL:
 * h0 or zeros) and with dleave = dL/d(state leaving the last of them) (NULL: dht or zeros). Writes dq, dk, dv, dg,
 * and dh0 when `first_segment`. */
static void bwd_segment(const cpu_problem* p, const gla_bwd_args* a, float* ws, int64_t n, int64_t h,
                        int64_t c_begin, int64_t c_end, const float* enter, const float* dleave, int first_segment) {
    const int64_t kp = p->kp, vp = p->vp, kv = kp * vp, K = p->key_dim, V = p->value_dim;
    chunk_tiles t;
    bwd_tiles b;
    carve(&b, p, chunk_tiles_carve(&t, p, ws));
    int64_t first, length;
    cpu_sequence(p, n, &first, &length);
    const int64_t state = n * p->heads + h;

    /* 1. the state entering each chunk (states[c - c_begin]), recomputed */
    if (enter != NULL)
        memcpy(b.states, enter, (size_t)kv * sizeof(float));
    else
        load_state(b.states, p, a->h0, state);
    for (int64_t c = c_begin; c < c_end; c++) {
        const int64_t c0 = c * C_, rows = length - c0 < C_ ? length - c0 : C_;
        const int64_t R = (rows + SUB_ - 1) / SUB_ * SUB_;
        load_chunk(&t, p, NULL, a->k, a->v, a->g, first + c0, h, rows, R);
        update_state(&t, p, b.states + (c - c_begin + 1) * kv, b.states + (c - c_begin) * kv, t.ks, R);
    }

    /* 2-3. backward over chunks */
    if (dleave != NULL)
        memcpy(b.ds, dleave, (size_t)kv * sizeof(float));
    else
        load_state(b.ds, p, a->dht, state);
    for (int64_t c = c_end - 1; c >= c_begin; c--) {
        const int64_t c0 = c * C_, rows = length - c0 < C_ ? length - c0 : C_;
        const int64_t subs = (rows + SUB_ - 1) / SUB_, R = subs * SUB_;
        load_chunk(&t, p, a->q, a->k, a->v, a->g, first + c0, h, rows, R);
        load_tile(b.dout, vp, a->dout, p->dtype, p->heads, V, first + c0, h, rows, R);
        const float* S = b.states + (c - c_begin) * kv;
        chunk_backward(&t, &b, p, S, subs, R);
        store_tile(a->dq, p->dtype, p->heads, K, first + c0, h, b.dq, kp, rows);
        store_tile(a->dk, p->dtype, p->heads, K, first + c0, h, b.dk, kp, rows);
        store_tile(a->dv, p->dtype, p->heads, V, first + c0, h, b.dv, vp, rows);
        if (p->gate != GLA_GATE_NONE) store_gate_gradient(p, a, &b, S, first + c0, h, rows, t.egamma);
    }
    if (a->dh0 != NULL && first_segment) store_state(a->dh0, p, b.ds, state);
}

/* What a segment's own outputs contribute to dL/d(state entering it), from a zero gradient at its end. */
static void segment_own_dstate(chunk_tiles* t, bwd_tiles* b, const cpu_problem* p, const gla_bwd_args* a,
                               int64_t first, int64_t length, int64_t h, int64_t c_begin, int64_t c_end, float* own) {
    memset(own, 0, (size_t)(p->kp * p->vp) * sizeof(float));
    for (int64_t c = c_end - 1; c >= c_begin; c--) {
        const int64_t c0 = c * C_, rows = length - c0 < C_ ? length - c0 : C_, R = (rows + SUB_ - 1) / SUB_ * SUB_;
        load_tile(t->q, p->kp, a->q, p->dtype, p->heads, p->key_dim, first + c0, h, rows, R);
        load_gates(t, p, a->g, first + c0, h, rows, R);
        load_tile(b->dout, p->vp, a->dout, p->dtype, p->heads, p->value_dim, first + c0, h, rows, R);
        scale_rows_exp(b->qg, NULL, t->q, t->g, R, p->kp, p->scale, 1.0f);
        backprop_state(t, p, own, b->dout, b->qg, R);
    }
}

void GLA_ISA_FN(gla_cpu_chunk_bwd)(const cpu_problem* p, const gla_bwd_args* a, float* workspace, int threads) {
    const int64_t items = p->num_seqs * p->heads, per_thread = cpu_chunk_bwd_floats(p), S = p->segments;
    const int64_t kv = p->kp * p->vp;
    segment_buffers sb;
    float* thread_ws = segment_buffers_carve(&sb, p, workspace, 1);
#pragma omp parallel num_threads(threads)
    {
        float* ws = thread_ws + omp_get_thread_num() * per_thread;
        if (S > 1) {
            /* 1-2. the state entering each segment (as in the forward) */
#pragma omp for schedule(static)
            for (int64_t u = 0; u < items * S; u++) {
                const int64_t i = u / S, s = u % S;
                int64_t first, length, c_begin, c_end;
                cpu_sequence(p, i / p->heads, &first, &length);
                segment_chunks(p, length, s, &c_begin, &c_end);
                chunk_tiles t;
                float* kd = chunk_tiles_carve(&t, p, ws);
                segment_own_state(&t, p, a->k, a->v, a->g, first, length, i % p->heads, c_begin, c_end,
                                  sb.own + u * kv, sb.decay + u * p->kp, kd);
            }
            segment_scan(p, a->h0, &sb);
            /* 3. each segment's own contribution to the gradient of its entering state (the first's is not
             *    needed) */
#pragma omp for schedule(static)
            for (int64_t u = 0; u < items * S; u++) {
                const int64_t i = u / S, s = u % S;
                if (s == 0) continue;
                int64_t first, length, c_begin, c_end;
                cpu_sequence(p, i / p->heads, &first, &length);
                segment_chunks(p, length, s, &c_begin, &c_end);
                chunk_tiles t;
                bwd_tiles b;
                carve(&b, p, chunk_tiles_carve(&t, p, ws));
                segment_own_dstate(&t, &b, p, a, first, length, i % p->heads, c_begin, c_end, sb.own + u * kv);
            }
            /* 4. the gradient of the state leaving each segment: dleave[S-1] = dht, dleave[s] =
             *    exp(decay[s+1]) dleave[s+1] + own[s+1] */
#pragma omp for schedule(static)
            for (int64_t i = 0; i < items; i++) {
                float* dleave = sb.dleave + i * S * kv;
                load_state(dleave + (S - 1) * kv, p, a->dht, i);
                for (int64_t s = S - 2; s >= 0; s--)
                    decay_add(dleave + s * kv, p, sb.decay + (i * S + s + 1) * p->kp, dleave + (s + 1) * kv,
                              sb.own + (i * S + s + 1) * kv);
            }
        }
        /* 5. the segments, in parallel */
#pragma omp for schedule(static)
        for (int64_t u = 0; u < items * S; u++) {
            const int64_t i = u / S, s = u % S;
            int64_t first, length, c_begin, c_end;
            cpu_sequence(p, i / p->heads, &first, &length);
            segment_chunks(p, length, s, &c_begin, &c_end);
            bwd_segment(p, a, ws, i / p->heads, i % p->heads, c_begin, c_end, S > 1 ? sb.enter + u * kv : NULL,
                        S > 1 ? sb.dleave + u * kv : NULL, s == 0);
        }
    }
}

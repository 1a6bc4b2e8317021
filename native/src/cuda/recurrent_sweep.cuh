/*
 * recurrent_sweep.cuh — the token-by-token form on the GPU (GUIDE §2), one template for four sweeps:
 *   O   forward:  S_t = e^{g_t} S_{t-1} + k_t^T v_t,           o_t  = scale q_t S_t
 *   Dq  forward:  the same S_t,                                dq_t = scale do_t S_t^T     (and q*dq into dgc)
 *   Dk  reverse:  dS_t = e^{g_{t+1}} dS_{t+1} + scale q_t^T do_t, dk_t = dS_t v_t^T       (and -= k*dk in dgc)
 *   Dv  reverse:  the same dS_t,                               dv_t = k_t dS_t
 * A block owns 32 state columns (O, Dv: 32 values v) or rows (Dq, Dk: 32 keys) of one (sequence, head); lane
 * = owned index, warp w keeps the other dim's entries w, w+8, ... (R of them) in registers, and each step
 * reduces over that dim across the 8 warps. Step inputs are staged in shared memory, double-buffered, with the
 * next step's loads issued before this step's arithmetic. fp32 state and arithmetic.
 * Used by recurrent_fwd.cu, recurrent_bwd.cu and decode_step.cu; validated by the kernel lab (native/bench/cuda).
 */
#ifndef GLA_RECURRENT_SWEEP_CUH
#define GLA_RECURRENT_SWEEP_CUH

#include "chunk_stages.h"
#include "cuda_common.cuh"

namespace gla {

// Channel gate c (of H*K) of token t from the gate projection (gla_gate_proj): the rank-term dot product in
// order, then the gate (gla_log_sigmoid_gate) as decode_linear's epilogue makes it.
__device__ inline float gate_proj(const gla_gate_proj& gp, int64_t t, int64_t c) {
    const float* in = gp.in + t * gp.rank;
    float z = gp.bias ? gp.bias[c] : 0.f;
    if (gp.weight_dtype == GLA_DTYPE_BF16) {
        const bf16* w = static_cast<const bf16*>(gp.weight) + c * gp.rank;
        for (int r = 0; r < gp.rank; r++) z += in[r] * __bfloat162float(w[r]);
    } else {
        const float* w = static_cast<const float*>(gp.weight) + c * gp.rank;
        for (int r = 0; r < gp.rank; r++) z += in[r] * w[r];
    }
    return gla_log_sigmoid_gate(z, gp.normalizer, gp.clamp_min);
}

// GPROJ (O only): the channel gates made from p.gproj (gla_decode_step_gate_proj) instead of read from p.g; a
// separate instantiation, so that the plain sweeps keep their code.
template <class T, int MODE, int R, bool GPROJ>
__global__ void __launch_bounds__(kThreads) recurrent_sweep_kernel(RecParams p) {
    static_assert(!GPROJ || MODE == kRecO, "gate projection: forward sweep only");
    constexpr bool OWN_V = MODE == kRecO || MODE == kRecDv; // owned dim is V (else K)
    constexpr bool REV = MODE == kRecDk || MODE == kRecDv;
    constexpr bool DECAY_RED = MODE == kRecO || MODE == kRecDv; // gate indexed by the reduced dim (keys)
    constexpr int RMAX = 8 * R;
    constexpr int NVEC = 3 * RMAX + 3 * 32;       // staged floats per step
    constexpr int PF = (NVEC + kThreads - 1) / kThreads;
    __shared__ float buf[2][NVEC];
    __shared__ float part[3][kWarps][32];

    const int lane = lane_id(), w = warp_id();
    const int own = blockIdx.x * 32 + lane, h = blockIdx.y, n = blockIdx.z;
    const int H = p.H, K = p.K, V = p.V;
    const int OWN_N = OWN_V ? V : K, RED_N = OWN_V ? K : V;
    const int64_t KV = (int64_t)K * V;
    const bool gated = GPROJ || p.g != nullptr;
    const T* q = static_cast<const T*>(p.q);
    const T* k = static_cast<const T*>(p.k);
    const T* v = static_cast<const T*>(p.v);
    const T* dout = static_cast<const T*>(p.dout);

    // The step's vectors: reduced-dim R0 (reduced against the state), R1 (outer product), RG (gate);
    // owned-dim (32 from blockIdx.x*32) O1 (outer product), OG (gate), OX (the input paired with the output in dgc).
    auto fetch = [&](int e, int64_t t) -> float {
        if (e < 3 * RMAX) {
            const int which = e / RMAX, idx = e % RMAX;
            if (idx >= RED_N) return 0.f;
            if (which == 2) {
                if (!DECAY_RED || !gated) return 0.f;
                if constexpr (GPROJ) return gate_proj(p.gproj, t, (int64_t)h * K + idx);
                return p.head_gate ? p.g[t * H + h] : p.g[(t * H + h) * K + idx];
            }
            const int64_t kb = (t * H + h) * K + idx, vb = (t * H + h) * V + idx;
            switch (MODE) {
            case kRecO: return which == 0 ? to_f(q[kb]) : to_f(k[kb]);
            case kRecDq: return which == 0 ? to_f(dout[vb]) : to_f(v[vb]);
            case kRecDk: return which == 0 ? to_f(v[vb]) : to_f(dout[vb]);
            default: return which == 0 ? to_f(k[kb]) : to_f(q[kb]);
            }
        }
        const int which = (e - 3 * RMAX) / 32, idx = blockIdx.x * 32 + (e - 3 * RMAX) % 32;
        if (idx >= OWN_N) return 0.f;
        if (which == 1) {
            if (DECAY_RED || !gated) return 0.f;
            return p.head_gate ? p.g[t * H + h] : p.g[(t * H + h) * K + idx];
        }
        const int64_t kb = (t * H + h) * K + idx, vb = (t * H + h) * V + idx;
        switch (MODE) {
        case kRecO: return which == 0 ? to_f(v[vb]) : 0.f;
        case kRecDq: return which == 0 ? to_f(k[kb]) : to_f(q[kb]);
        case kRecDk: return which == 0 ? to_f(q[kb]) : to_f(k[kb]);
        default: return which == 0 ? to_f(dout[vb]) : 0.f;
        }
    };

    float s[R];
#pragma unroll
    for (int j = 0; j < R; j++) {
        const int red = w + 8 * j;
        const int64_t el = OWN_V ? (int64_t)red * V + own : (int64_t)own * V + red;
        s[j] = (p.init && own < OWN_N && red < RED_N) ? p.init[((int64_t)n * H + h) * KV + el] : 0.f;
    }

    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int64_t steps = eos - bos;
    float pf[PF];
    if (steps > 0) {
        const int64_t t0 = REV ? eos - 1 : bos;
#pragma unroll
        for (int m = 0; m < PF; m++) {
            const int e = threadIdx.x + m * kThreads;
            pf[m] = e < NVEC ? fetch(e, t0) : 0.f;
        }
    }
    const float oscale = (MODE == kRecO || MODE == kRecDq) ? p.scale : 1.f;
    const float xscale = REV ? p.scale : 1.f;
    int cur = 0;
    for (int64_t it = 0; it < steps; it++) {
        const int64_t t = REV ? eos - 1 - it : bos + it;
        cur = (int)(it & 1);
#pragma unroll
        for (int m = 0; m < PF; m++) {
            const int e = threadIdx.x + m * kThreads;
            if (e < NVEC) buf[cur][e] = pf[m];
        }
        __syncthreads();
        if (it + 1 < steps) { // next step's loads in flight during this step's arithmetic
            const int64_t tn = REV ? t - 1 : t + 1;
#pragma unroll
            for (int m = 0; m < PF; m++) {
                const int e = threadIdx.x + m * kThreads;
                pf[m] = e < NVEC ? fetch(e, tn) : 0.f;
            }
        }
        const float* B = buf[cur];
        const float* Bd = REV ? buf[cur ^ 1] : buf[cur]; // reverse: the decay of step t is e^{g_{t+1}}
        // First token of a 64-token chunk: Dq keeps the state entering it; Dk forms dg's anchor there.
        const bool chunk_start = p.ckpt && ((t - bos) % kChunk == 0);
        const int64_t ck = chunk_start ? ((int64_t)(p.seqs.first_chunk(n) + (t - bos) / kChunk) * H + h) * KV : 0;
        if (MODE == kRecDq && chunk_start && own < OWN_N) {
#pragma unroll
            for (int j = 0; j < R; j++)
                if (w + 8 * j < RED_N) p.ckpt[ck + (int64_t)own * V + w + 8 * j] = s[j];
        }
        const bool decay = gated && (!REV || it > 0);
        const float o1 = B[3 * RMAX + lane] * xscale;
        const float og = decay && !DECAY_RED ? fexp(Bd[3 * RMAX + 32 + lane]) : 1.f;
        // The step's own outer product reaches the output as o1 * (R0 . R1); it is kept apart (pd) because
        // in q dq - k dk these diagonal terms cancel exactly: the gate gradient is formed without them.
        float acc = 0.f, pd = 0.f;
#pragma unroll
        for (int j = 0; j < R; j++) {
            const int red = w + 8 * j;
            const float d = DECAY_RED ? (decay ? fexp(Bd[2 * RMAX + red]) : 1.f) : og;
            const float sd = d * s[j];
            acc += B[red] * sd;
            pd += B[red] * B[RMAX + red];
            s[j] = sd + o1 * B[RMAX + red];
        }
        part[0][w][lane] = acc;
        part[1][w][lane] = pd;
        if (MODE == kRecDk && chunk_start) { // sum_v S_{t-1} dS_{t-1}, with dS_{t-1} = e^{g_t} dS_t
            float an = 0.f;
            if (own < OWN_N) {
#pragma unroll
                for (int j = 0; j < R; j++)
                    if (w + 8 * j < RED_N) an += p.ckpt[ck + (int64_t)own * V + w + 8 * j] * s[j];
            }
            part[2][w][lane] = an;
        }
        __syncthreads();
        if (w == 0 && own < OWN_N) {
            float nd = 0.f, dg = 0.f;
#pragma unroll
            for (int x = 0; x < kWarps; x++) nd += part[0][x][lane], dg += part[1][x][lane];
            const float out = oscale * (nd + o1 * dg);
            const int64_t ob = (t * H + h) * (int64_t)OWN_N + own;
            static_cast<T*>(p.out)[ob] = from_f<T>(out);
            if (MODE == kRecDq && p.dgc) p.dgc[ob] = B[3 * RMAX + 64 + lane] * oscale * nd;
            if (MODE == kRecDk && p.dgc) p.dgc[ob] -= B[3 * RMAX + 64 + lane] * oscale * nd;
            if (MODE == kRecDk && chunk_start) {
                float an = 0.f;
#pragma unroll
                for (int x = 0; x < kWarps; x++) an += part[2][x][lane];
                const float eg = gated ? fexp(B[3 * RMAX + 32 + lane]) : 1.f;
                p.anchors[ck / V + own] = eg * an;
            }
        }
    }
    if (p.final_state && own < OWN_N) {
        // Dk: dh0 = e^{g at the first token} dS; the last staged buffer holds that token's gate.
        const float og = (MODE == kRecDk && gated && steps > 0) ? fexp(buf[cur][3 * RMAX + 32 + lane]) : 1.f;
#pragma unroll
        for (int j = 0; j < R; j++) {
            const int red = w + 8 * j;
            if (red < RED_N) {
                const int64_t el = OWN_V ? (int64_t)red * V + own : (int64_t)own * V + red;
                p.final_state[((int64_t)n * H + h) * KV + el] = s[j] * og;
            }
        }
    }
}

// Registers per thread for a reduced dim of `red` entries (0 when too large).
inline int recurrent_regs(int64_t red) {
    return red <= 32 ? 4 : red <= 64 ? 8 : red <= 128 ? 16 : red <= 256 ? 32 : red <= 512 ? 64 : 0;
}

template <class T, int MODE, bool GPROJ = false>
cudaError_t launch_recurrent_mode(const RecParams& p, cudaStream_t stream) {
    constexpr bool OWN_V = MODE == kRecO || MODE == kRecDv;
    const int own_n = OWN_V ? p.V : p.K, red_n = OWN_V ? p.K : p.V;
    const dim3 grid((own_n + 31) / 32, p.H, p.seqs.N);
    if (p.seqs.N == 0) return cudaSuccess;
    switch (recurrent_regs(red_n)) {
    case 4: recurrent_sweep_kernel<T, MODE, 4, GPROJ><<<grid, kThreads, 0, stream>>>(p); break;
    case 8: recurrent_sweep_kernel<T, MODE, 8, GPROJ><<<grid, kThreads, 0, stream>>>(p); break;
    case 16: recurrent_sweep_kernel<T, MODE, 16, GPROJ><<<grid, kThreads, 0, stream>>>(p); break;
    case 32: recurrent_sweep_kernel<T, MODE, 32, GPROJ><<<grid, kThreads, 0, stream>>>(p); break;
    case 64:
        if constexpr (!OWN_V) {
            recurrent_sweep_kernel<T, MODE, 64, GPROJ><<<grid, kThreads, 0, stream>>>(p);
            break;
        }
        [[fallthrough]];
    default: return cudaErrorInvalidValue;
    }
    return cudaGetLastError();
}

} // namespace gla

#endif // GLA_RECURRENT_SWEEP_CUH

/*
 * chunk_bwd_dg.cu — the gate gradient from the per-token terms dG_t = q_t*dq_t - k_t*dk_t (GUIDE §2), their
 * diagonal terms left out (they cancel exactly). Within a sequence dg_{t+1} = dg_t - dG_t, and each 64-token
 * chunk starts from an exact anchor, the direct formula at its first token,
 *     dg_first = sum_v S ⊙ dS    (S the state entering the chunk, dS the gradient of that state),
 * so rounding never accumulates over more than 64 steps and the final-state gradient dht enters without
 * cancellation. Passes over [tokens, H, Kg] (Kg = K, or 1 for a per-head gate):
 *   heads   (per-head gate) dg[t,h] = sum_c dgc[t,h,c]
 *   anchor  (chunk backward) per chunk and channel, sum_v states[c] * dstates[c-1] (h0 * dh0 for a
 *           sequence's first chunk), or the sum of its parts over value tiles where the reverse state pass
 *           made them (chunk_fwd_state.cu, on warpgroup MMAs: one read of the states less, dS in fp32); the
 *           recurrent backward's dk sweep writes these anchors itself
 *   local   per chunk, dg_t = anchor - (dG_first + ... + dG_{t-1})
 * Validated by the kernel lab (native/bench/cuda).
 */
#include "chunk_stages.h"

namespace gla {

__global__ void dg_heads_kernel(float* __restrict__ dg, const float* __restrict__ dgc, int64_t rows, int K) {
    const int64_t r = (int64_t)blockIdx.x * (kThreads / 32) + (threadIdx.x >> 5);
    if (r >= rows) return;
    float s = 0.f;
    for (int c = lane_id(); c < K; c += 32) s += dgc[r * K + c];
#pragma unroll
    for (int o = 16; o; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane_id() == 0) dg[r] = s;
}

// Block (chunk, h), a warp per channel: anchors[chunk][h][c] = sum_v S * dS.
template <class T> __global__ void dg_anchor_kernel(DgParams p) {
    const int chunk = blockIdx.x, h = blockIdx.y, H = p.H, K = p.K, V = p.V;
    const int64_t KV = (int64_t)K * V;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const bool first = chunk == p.seqs.first_chunk(n);
    const T* S = static_cast<const T*>(p.states) + ((int64_t)chunk * H + h) * KV;
    const T* dS = static_cast<const T*>(p.dstates) + ((int64_t)(chunk - 1) * H + h) * KV;
    const float* dSf = p.dh0 ? p.dh0 + ((int64_t)n * H + h) * KV : nullptr;
    for (int c = warp_id(); c < K; c += kWarps) {
        float s = 0.f;
        if (!first) {
            for (int v = lane_id(); v < V; v += 32) s += to_f(S[(int64_t)c * V + v]) * to_f(dS[(int64_t)c * V + v]);
        } else if (dSf) {
            for (int v = lane_id(); v < V; v += 32) s += to_f(S[(int64_t)c * V + v]) * dSf[(int64_t)c * V + v];
        }
#pragma unroll
        for (int o = 16; o; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
        if (lane_id() == 0) p.anchors[((int64_t)chunk * H + h) * K + c] = s;
    }
}

// Thread per (chunk, h, c): the anchor as the sum of its parts, in order (deterministic).
__global__ void dg_anchor_parts_kernel(DgParams p, int64_t total) {
    const int64_t i = (int64_t)blockIdx.x * kThreads + threadIdx.x;
    if (i >= total) return;
    const int64_t row = i / p.K, c = i % p.K; // row: chunk * H + h
    const float* part = p.anchor_parts + row * p.parts * p.K + c;
    float s = 0.f;
    for (int t = 0; t < p.parts; t++) s += part[(int64_t)t * p.K];
    p.anchors[i] = s;
}

// The anchor pass: from the states, or from the reverse state pass's parts.
static cudaError_t launch_anchors(const DgParams& p, cudaStream_t stream) {
    if (p.anchor_parts) {
        const int64_t total = (int64_t)p.seqs.NC * p.H * p.K;
        dg_anchor_parts_kernel<<<(unsigned)((total + kThreads - 1) / kThreads), kThreads, 0, stream>>>(p, total);
    } else if (p.dtype == 1) {
        dg_anchor_kernel<bf16><<<dim3(p.seqs.NC, p.H), kThreads, 0, stream>>>(p);
    } else {
        dg_anchor_kernel<float><<<dim3(p.seqs.NC, p.H), kThreads, 0, stream>>>(p);
    }
    return cudaGetLastError();
}

// Block x = chunk, thread per h*Kg + c: dg of the chunk's rows from its anchor, in place. The chunk's 64 terms
// are loaded first (all in flight at once; a dependent load per row would wait on memory 64 times in a row).
__global__ void dg_local_kernel(DgParams p) {
    const int hc = blockIdx.y * kThreads + threadIdx.x;
    if (hc >= p.H * p.Kg) return;
    const int chunk = blockIdx.x;
    int n;
    int64_t start, end;
    p.seqs.chunk(chunk, n, start, end);
    const int nrows = (int)(end - start);
    const int64_t stride = (int64_t)p.H * p.Kg;
    const float* an = p.anchors + (int64_t)chunk * p.H * p.K;
    float* base = p.dg + start * stride + hc;
    float x[kChunk];
#pragma unroll
    for (int r = 0; r < kChunk; r++) x[r] = r < nrows ? base[r * stride] : 0.f;
    float acc = 0.f;
    if (p.Kg == p.K) {
        acc = an[hc];
    } else {
        for (int c = 0; c < p.K; c++) acc += an[(int64_t)hc * p.K + c];
    }
#pragma unroll
    for (int r = 0; r < kChunk; r++) {
        if (r < nrows) base[r * stride] = acc;
        acc -= x[r];
    }
}

cudaError_t launch_chunk_bwd_dg(const DgParams& p, cudaStream_t stream) {
    cudaError_t err;
    if (p.dgc) {
        const int64_t rows = p.tokens * p.H;
        if (rows > 0) {
            dg_heads_kernel<<<(unsigned)((rows + kWarps - 1) / kWarps), kThreads, 0, stream>>>(p.dg, p.dgc, rows, p.K);
            if ((err = cudaGetLastError()) != cudaSuccess) return err;
        }
    }
    if (p.seqs.NC == 0) return cudaSuccess;
    if (p.states || p.anchor_parts)
        if ((err = launch_anchors(p, stream)) != cudaSuccess) return err;
    const unsigned gx = (unsigned)((p.H * p.Kg + kThreads - 1) / kThreads);
    dg_local_kernel<<<dim3(p.seqs.NC, gx), kThreads, 0, stream>>>(p);
    return cudaGetLastError();
}

cudaError_t launch_chunk_bwd_dg_anchors(const DgParams& p, cudaStream_t stream) {
    if (p.seqs.NC == 0 || !(p.states || p.anchor_parts)) return cudaSuccess;
    return launch_anchors(p, stream);
}

} // namespace gla

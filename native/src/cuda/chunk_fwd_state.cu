/*
 * chunk_fwd_state.cu — the chunk states of the materializing forward and of the backward's recomputation
 * (paper §4.2 "materialize with recomputation"): one block per (sequence, head, BV value columns) walks the
 * sequence's chunks with its BK x BV slice of the state in registers (fp32) and writes, for every chunk,
 *   forward:  the state entering the chunk,                      then  h <- e^{G_L} h + (k e^{G_L-G})^T v
 *   reverse:  the gradient of the state leaving the chunk,       then  dh <- e^{G_L} dh + scale (q e^{G})^T do
 * (chunks in reverse order), as the op dtype; the last value is the final state (ht, or dh0 in reverse).
 * Tensor cores (bf16 or 3xTF32) with fp32 accumulation; x is rescaled once per chunk in shared memory
 * (chunk_common.cuh), the next chunk's rows are requested from L2 while one computes.
 * Validated by the kernel lab (native/bench/cuda) through the ops that use it.
 */
#include "chunk_common.cuh"
#include "chunk_stages.h"

namespace gla {

template <class T, int BK, int BV> struct StateSmem {
    using C = ChunkTiles<T, BK>;
    static constexpr int LV = pitch<T>(BV);
    static constexpr size_t off_g = C::bytes_qk;
    static constexpr size_t off_y = off_g + C::bytes_g;
    static constexpr size_t off_vec = off_y + sizeof(T) * kChunk * LV;
    static constexpr size_t off_misc = off_vec + C::bytes_vec;
    static constexpr size_t bytes = off_misc + C::bytes_misc;
};

template <class T, int BK, int BV, bool GATED, bool REV>
__global__ void __launch_bounds__(kThreads, BK <= 128 ? 2 : 1) chunk_state_kernel(StateParams p) {
    using L = StateSmem<T, BK, BV>;
    using C = ChunkTiles<T, BK>;
    extern __shared__ __align__(16) unsigned char smem[];
    T* x_s = reinterpret_cast<T*>(smem);
    float* G_s = reinterpret_cast<float*>(smem + L::off_g);
    T* y_s = reinterpret_cast<T*>(smem + L::off_y);
    const Vecs<BK> vec{reinterpret_cast<float*>(smem + L::off_vec)};
    float* scratch = reinterpret_cast<float*>(smem + L::off_misc);
    int* flags = reinterpret_cast<int*>(scratch + 4 * BK);

    const int v0 = blockIdx.x * BV, h = blockIdx.y, n = blockIdx.z;
    const int H = p.H, K = p.K, V = p.V;
    const int64_t KV = (int64_t)K * V, rk = (int64_t)H * K, rv = (int64_t)H * V;
    const T* x = static_cast<const T*>(p.x);
    const T* y = static_cast<const T*>(p.y);
    T* states = static_cast<T*>(p.states);

    StateTile<T, BK, BV, GATED> st;
    st.load(p.init ? p.init + ((int64_t)n * H + h) * KV + v0 : nullptr, V, K, V - v0);
    int64_t bos, eos;
    p.seqs.seq(n, bos, eos);
    const int c0 = p.seqs.first_chunk(n);
    const int nch = (int)((eos - bos + kChunk - 1) / kChunk);
    for (int idx = 0; idx < nch; idx++) {
        const int ci = REV ? nch - 1 - idx : idx;
        const int64_t start = bos + (int64_t)ci * kChunk;
        const int nrows = (int)(eos - start < kChunk ? eos - start : kChunk);
        st.store_as(states + ((int64_t)(c0 + ci) * H + h) * KV + v0, V, K, V - v0);
        __syncthreads(); // the previous chunk's tiles are no longer read
        const T* xb = x + (start * H + h) * K;
        const T* yb = y + (start * H + h) * V + v0;
        load_tile<T, kChunk, BK>(x_s, C::LQ, xb, rk, nrows, K, vec_ok<T>(xb, rk));
        load_tile<T, kChunk, BV>(y_s, L::LV, yb, rv, nrows, V - v0, vec_ok<T>(yb, rv));
        if constexpr (GATED) load_gate<BK>(G_s, C::LG, p.g, start, nrows, H, h, K, p.head_gate);
        if (idx + 1 < nch) {
            const int64_t next = REV ? start - kChunk : start + kChunk;
            prefetch_rows<T>(x, nullptr, y, p.g, next, eos, H, h, K, V, v0, BV, p.head_gate);
        }
        __syncthreads();
        if constexpr (GATED) {
            cumsum_rows<BK>(G_s, C::LG, scratch);
            __syncthreads();
        }
        chunk_prepare<T, BK, GATED>(G_s, vec, flags, p.xscale);
        if constexpr (GATED) {
            transform_rows<T, BK, REV>(x_s, G_s);
            __syncthreads();
        }
        st.template update<REV>(x_s, vec, y_s, true);
    }
    if (p.final_state) st.store(p.final_state + ((int64_t)n * H + h) * KV + v0, V, K, V - v0);
}

template <class T, int BK, bool GATED, bool REV>
static cudaError_t launch_state(const StateParams& p, cudaStream_t stream) {
    constexpr int BV = state_bv(BK);
    using L = StateSmem<T, BK, BV>;
    static_assert(L::bytes <= 227 * 1024, "shared memory");
    auto kernel = chunk_state_kernel<T, BK, BV, GATED, REV>;
    cudaError_t err = cudaFuncSetAttribute(kernel, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)L::bytes);
    if (err != cudaSuccess) return err;
    if (p.seqs.N == 0) return cudaSuccess;
    kernel<<<dim3((p.V + BV - 1) / BV, p.H, p.seqs.N), kThreads, L::bytes, stream>>>(p);
    return cudaGetLastError();
}

template <class T, bool GATED, bool REV>
static cudaError_t launch_state_bk(const StateParams& p, cudaStream_t stream) {
    switch (key_tile(p.K)) {
    case 64: return launch_state<T, 64, GATED, REV>(p, stream);
    case 128: return launch_state<T, 128, GATED, REV>(p, stream);
    case 256:
        if constexpr (sizeof(T) == 2) return launch_state<T, 256, GATED, REV>(p, stream);
        [[fallthrough]];
    default: return cudaErrorInvalidValue;
    }
}

template <class T>
static cudaError_t launch_state_t(const StateParams& p, bool gated, bool reverse, cudaStream_t stream) {
    if (gated) return reverse ? launch_state_bk<T, true, true>(p, stream) : launch_state_bk<T, true, false>(p, stream);
    return reverse ? launch_state_bk<T, false, true>(p, stream) : launch_state_bk<T, false, false>(p, stream);
}

cudaError_t launch_chunk_states(const StateParams& p, int dtype, bool gated, bool reverse, cudaStream_t stream) {
    return dtype == 1 ? launch_state_t<bf16>(p, gated, reverse, stream) : launch_state_t<float>(p, gated, reverse, stream);
}

} // namespace gla

/*
 * vocab.cu — the ops indexed by host int32 arrays, on the GPU: embedding forward and backward, cross-entropy.
 *
 * The ids/targets (validated host memory) go to the device through the context's pinned staging buffer: copied
 * there, then cudaMemcpyAsync into stream-ordered device scratch, with an event recorded after the copy. The next
 * upload waits for that event before it overwrites the staging buffer, so the caller's array may change as soon
 * as the call returns and the host never waits for kernels — only, at worst, for the previous small copy.
 * While a graph records, the embedding's ids are the caller's page-locked memory, copied straight from there at
 * each replay (the graph's decoding step reads the ids the host wrote before launching it); the kernel turns an id
 * out of range, which nobody checked, into a row of NaN.
 * embedding_bwd is deterministic without atomics: the host sorts the row indices by id (a stable counting sort:
 * rows of one id stay in row order), and one block per distinct id (x) and column tile (y) adds that id's rows in
 * order — the cpu backend's order, so both give the same bits.
 * cross_entropy: one block per row; one pass of online max / sum-of-exp per thread, a group of 16 bytes (8 bf16
 * or 4 fp32 logits) at a time, merged in a fixed order (logsumexp), then a second pass writes dlogits.
 * logits[target] is read before any thread writes, so dlogits may be logits.
 * Tested by native/tests/test_layers_cuda.c against the cpu backend.
 */
#include "cuda_common.cuh"

#include <math.h>
#include <string.h>
#include <vector>

namespace {

constexpr int kThreads = 256;
constexpr int kRowThreads = 512;

/* Copies `bytes` of host memory into new stream-ordered device memory *dev (the caller frees it, cudaFreeAsync);
 * while recording, from the caller's page-locked memory at each replay. */
gla_status upload(const char* fn, gla_context* context, const void* host, size_t bytes, void** dev) {
    gla_cuda_state* st = gla_cuda_state_of(context);
    const cudaStream_t stream = gla_cuda_stream(context);
    const void* src = host;
    if (context->recording) {
        gla_status s = gla_cuda_check_recordable_host(fn, context, host, "ids");
        if (s != GLA_OK) return s;
    } else {
        if (st->staging_done == nullptr)
            GLA_CUDA_CHECK(fn, cudaEventCreateWithFlags(&st->staging_done, cudaEventDisableTiming), "cudaEventCreate");
        else
            GLA_CUDA_CHECK(fn, cudaEventSynchronize(st->staging_done), "cudaEventSynchronize (staging buffer)");
        if (bytes > st->staging_bytes) {
            if (st->staging) GLA_CUDA_CHECK(fn, cudaFreeHost(st->staging), "cudaFreeHost (staging buffer)");
            st->staging = nullptr;
            st->staging_bytes = 0;
            const size_t want = bytes < (size_t(1) << 16) ? size_t(1) << 16 : bytes;
            GLA_CUDA_CHECK(fn, cudaMallocHost(&st->staging, want), "cudaMallocHost (staging buffer)");
            st->staging_bytes = want;
        }
        memcpy(st->staging, host, bytes);
        src = st->staging;
    }
    GLA_CUDA_CHECK(fn, cudaMallocAsync(dev, bytes, stream), "cudaMallocAsync (indices)");
    cudaError_t e = cudaMemcpyAsync(*dev, src, bytes, cudaMemcpyHostToDevice, stream);
    if (e == cudaSuccess && !context->recording) e = cudaEventRecord(st->staging_done, stream);
    if (e != cudaSuccess) {
        (void)cudaFreeAsync(*dev, stream);
        *dev = nullptr;
        return gla_cuda_error(fn, e, "cudaMemcpyAsync (indices)");
    }
    return GLA_OK;
}

__global__ void embedding_fwd_kernel(int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                     const float* table, float* out) {
    const int64_t total = rows * width, stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const int64_t r = t / width, j = t % width, id = ids[r];
        out[t] = id >= 0 && id < vocab ? table[id * width + j] : __int_as_float(0x7fc00000);
    }
}

/* csr = [ids of the U distinct ids][U + 1 offsets][the rows, grouped by id, in row order]. */
__global__ void embedding_bwd_kernel(int64_t distinct, int64_t width, const int64_t* csr, const float* dout,
                                     float* dtable) {
    const int64_t* offsets = csr + distinct;
    const int64_t* rows = offsets + distinct + 1;
    for (int64_t u = blockIdx.x; u < distinct; u += gridDim.x) {
        float* d = dtable + csr[u] * width;
        for (int64_t j = (int64_t)blockIdx.y * blockDim.x + threadIdx.x; j < width;
             j += (int64_t)gridDim.y * blockDim.x) {
            float acc = d[j];
            for (int64_t e = offsets[u]; e < offsets[u + 1]; e++) acc += dout[rows[e] * width + j];
            d[j] = acc;
        }
    }
}

/* Running (max, sum of exp(x - max)) pairs; merging is exact in order and safe with empty (-inf, 0) pairs. */
struct MaxSum {
    float m, s;
};

__device__ inline MaxSum merge(MaxSum a, MaxSum b) {
    if (a.m == -INFINITY) return b;
    if (b.m == -INFINITY) return a;
    const float m = fmaxf(a.m, b.m);
    return {m, a.s * expf(a.m - m) + b.s * expf(b.m - m)};
}

/* Elements j .. j+G-1 of a row as fp32: one 16-byte load (VEC) or G single ones. */
template <class T, int G, bool VEC> __device__ inline void load_group(const T* x, int64_t j, float v[G]) {
    if constexpr (VEC) {
        const uint4 u = *reinterpret_cast<const uint4*>(x + j);
        const T* e = reinterpret_cast<const T*>(&u);
#pragma unroll
        for (int i = 0; i < G; i++) v[i] = float(e[i]);
    } else {
#pragma unroll
        for (int i = 0; i < G; i++) v[i] = float(x[j + i]);
    }
}

template <class T, int G, bool VEC> __device__ inline void store_group(T* d, int64_t j, const float v[G]) {
    if constexpr (VEC) {
        uint4 u;
        T* e = reinterpret_cast<T*>(&u);
#pragma unroll
        for (int i = 0; i < G; i++) e[i] = T(v[i]);
        *reinterpret_cast<uint4*>(d + j) = u;
    } else {
#pragma unroll
        for (int i = 0; i < G; i++) d[j + i] = T(v[i]);
    }
}

/* logits and dlogits of T (float or __nv_bfloat16), arithmetic in fp32. VEC: groups of G = 16 bytes (the vocab a
 * multiple of G, rows 16-byte aligned), each thread's (max, sum) updated once per group; else one element a group. */
template <class T, bool VEC>
__global__ void cross_entropy_kernel(int64_t rows, int64_t vocab, const T* logits, const int32_t* targets,
                                     float grad_scale, float* losses, T* dlogits) {
    constexpr int G = VEC ? 16 / (int)sizeof(T) : 1;
    __shared__ MaxSum shared[kRowThreads / 32];
    __shared__ float row_lse, row_target;
    for (int64_t r = blockIdx.x; r < rows; r += gridDim.x) {
        const int32_t t = targets[r];
        const T* x = logits + r * vocab;
        T* d = dlogits ? dlogits + r * vocab : nullptr;
        if (t == -100) { /* uniform across the block */
            if (threadIdx.x == 0) losses[r] = 0.0f;
            if (d)
                for (int64_t j = threadIdx.x; j < vocab; j += blockDim.x) d[j] = T(0.0f);
            continue;
        }
        MaxSum acc = {-INFINITY, 0.0f};
        for (int64_t j = (int64_t)threadIdx.x * G; j < vocab; j += (int64_t)blockDim.x * G) {
            float v[G];
            load_group<T, G, VEC>(x, j, v);
            float m = v[0];
#pragma unroll
            for (int i = 1; i < G; i++) m = fmaxf(m, v[i]);
            if (m == -INFINITY) continue; /* -inf logits add nothing */
            float sum = 0.0f;
#pragma unroll
            for (int i = 0; i < G; i++) sum += expf(v[i] - m);
            acc = merge(acc, MaxSum{m, sum});
        }
        for (int o = 16; o > 0; o >>= 1) {
            const MaxSum other = {__shfl_down_sync(0xffffffffu, acc.m, o), __shfl_down_sync(0xffffffffu, acc.s, o)};
            acc = merge(acc, other);
        }
        if (threadIdx.x % 32 == 0) shared[threadIdx.x / 32] = acc;
        __syncthreads();
        if (threadIdx.x == 0) {
            MaxSum total = shared[0];
            for (int w = 1; w < kRowThreads / 32; w++) total = merge(total, shared[w]);
            row_lse = total.m + logf(total.s);
            row_target = float(x[t]);
            losses[r] = row_lse - row_target;
        }
        __syncthreads(); /* every read of x[t] and the pass above happen before dlogits is written */
        const float lse = row_lse, target = row_target;
        if (d)
            for (int64_t j = (int64_t)threadIdx.x * G; j < vocab; j += (int64_t)blockDim.x * G) {
                float v[G];
                load_group<T, G, VEC>(x, j, v);
#pragma unroll
                for (int i = 0; i < G; i++)
                    v[i] = j + i == t ? grad_scale * (expf(target - lse) - 1.0f) : grad_scale * expf(v[i] - lse);
                store_group<T, G, VEC>(d, j, v);
            }
        __syncthreads(); /* shared values are rewritten by the next row */
    }
}

template <class T>
cudaError_t launch_cross_entropy(int64_t rows, int64_t vocab, const void* logits, const int32_t* targets,
                                 float grad_scale, float* losses, void* dlogits, cudaStream_t stream) {
    constexpr int G = 16 / (int)sizeof(T);
    const bool vec = vocab % G == 0 && (uintptr_t)logits % 16 == 0 && (uintptr_t)dlogits % 16 == 0;
    const T* x = static_cast<const T*>(logits);
    T* d = static_cast<T*>(dlogits);
    const unsigned grid = gla_cuda_grid(rows, 1);
    if (vec) cross_entropy_kernel<T, true><<<grid, kRowThreads, 0, stream>>>(rows, vocab, x, targets, grad_scale, losses, d);
    else cross_entropy_kernel<T, false><<<grid, kRowThreads, 0, stream>>>(rows, vocab, x, targets, grad_scale, losses, d);
    return cudaGetLastError();
}

} // namespace

void gla_cuda_staging_release(gla_cuda_state* st) {
    if (st->staging_done) {
        (void)cudaEventSynchronize(st->staging_done);
        (void)cudaEventDestroy(st->staging_done);
    }
    if (st->staging) (void)cudaFreeHost(st->staging);
    st->staging_done = nullptr;
    st->staging = nullptr;
    st->staging_bytes = 0;
}

gla_status gla_cuda_embedding_fwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab, const int32_t* ids,
                                  const float* table, float* out) {
    static const char fn[] = "gla_embedding_fwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    void* dev_ids = nullptr;
    if ((s = upload(fn, context, ids, (size_t)rows * sizeof(int32_t), &dev_ids)) != GLA_OK) return s;
    embedding_fwd_kernel<<<gla_cuda_grid(rows * width, kThreads), kThreads, 0, stream>>>(
        rows, width, vocab, static_cast<const int32_t*>(dev_ids), table, out);
    const cudaError_t e = cudaGetLastError();
    (void)cudaFreeAsync(dev_ids, stream);
    return gla_cuda_error(fn, e, "embedding_fwd kernel");
}

gla_status gla_cuda_embedding_bwd(gla_context* context, int64_t rows, int64_t width, int64_t vocab,
                                  const int32_t* ids, const float* dout, int32_t padding_idx, float* dtable) {
    static const char fn[] = "gla_embedding_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    /* Counting sort of the non-padding rows by id (stable), as [ids][offsets][rows]. */
    std::vector<int64_t> count((size_t)vocab + 1, 0);
    int64_t kept = 0, distinct = 0;
    for (int64_t r = 0; r < rows; r++)
        if (ids[r] != padding_idx) {
            if (count[(size_t)ids[r]]++ == 0) distinct++;
            kept++;
        }
    if (kept == 0) return GLA_OK;
    std::vector<int64_t> csr((size_t)(2 * distinct + 1 + kept));
    std::vector<int64_t> start((size_t)vocab);
    int64_t u = 0, offset = 0;
    for (int64_t id = 0; id < vocab; id++) {
        if (count[(size_t)id] == 0) continue;
        csr[(size_t)u] = id;
        csr[(size_t)(distinct + u)] = offset;
        start[(size_t)id] = offset;
        offset += count[(size_t)id];
        u++;
    }
    csr[(size_t)(2 * distinct)] = offset;
    int64_t* sorted = csr.data() + 2 * distinct + 1;
    for (int64_t r = 0; r < rows; r++)
        if (ids[r] != padding_idx) sorted[start[(size_t)ids[r]]++] = r;

    const cudaStream_t stream = gla_cuda_stream(context);
    void* dev = nullptr;
    if ((s = upload(fn, context, csr.data(), csr.size() * sizeof(int64_t), &dev)) != GLA_OK) return s;
    const int64_t tiles = (width + kThreads - 1) / kThreads;
    const dim3 grid(gla_cuda_grid(distinct, 1), (unsigned)(tiles < 65535 ? tiles : 65535));
    embedding_bwd_kernel<<<grid, kThreads, 0, stream>>>(distinct, width, static_cast<const int64_t*>(dev), dout,
                                                         dtable);
    const cudaError_t e = cudaGetLastError();
    (void)cudaFreeAsync(dev, stream);
    return gla_cuda_error(fn, e, "embedding_bwd kernel");
}

gla_status gla_cuda_cross_entropy(gla_context* context, int64_t rows, int64_t vocab, const void* logits,
                                  const int32_t* targets, float grad_scale, float* losses, void* dlogits,
                                  int32_t logits_dtype) {
    static const char fn[] = "gla_cross_entropy";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    void* dev_targets = nullptr;
    if ((s = upload(fn, context, targets, (size_t)rows * sizeof(int32_t), &dev_targets)) != GLA_OK) return s;
    const int32_t* tg = static_cast<const int32_t*>(dev_targets);
    const cudaError_t e =
        logits_dtype == GLA_DTYPE_BF16
            ? launch_cross_entropy<__nv_bfloat16>(rows, vocab, logits, tg, grad_scale, losses, dlogits, stream)
            : launch_cross_entropy<float>(rows, vocab, logits, tg, grad_scale, losses, dlogits, stream);
    (void)cudaFreeAsync(dev_targets, stream);
    return gla_cuda_error(fn, e, "cross_entropy kernel");
}

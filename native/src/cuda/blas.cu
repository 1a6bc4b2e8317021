/*
 * blas.cu — gla_gemm on the GPU through cuBLAS, loaded at run time with dlopen (the library links no cuBLAS, and
 * this build machine has no cuBLAS headers: the few prototypes and enum values used are declared here, with the
 * values of cublas_api.h). Tried in order: $GLA4J_CUBLAS, libcublas.so.13, libcublas.so.12, libcublas.so; loaded
 * once per process (pthread_once).
 *
 * One cuBLAS handle per gla_context, made on first use (or by gla_graph_begin, so that a capture never creates
 * one), with a 32 MiB workspace of its own set by cublasSetWorkspace — cuBLAS then allocates nothing, which stream
 * capture requires. cublasSetStream resets the workspace, so both are set again whenever the context's stream
 * changes.
 * Row-major C[M,N] is column-major Cᵀ[N,M]: Cᵀ = op(B)ᵀ·op(A)ᵀ, so cuBLAS gets B then A, n then m. fp32 inputs use
 * CUBLAS_COMPUTE_32F with the default math mode: full fp32, no TF32. cuBLAS has no fp32-inputs/bf16-output gemm;
 * that case computes into an fp32 scratch matrix and rounds it into C. k == 0 or alpha == 0 scales C by beta
 * without reading A and B (as BLAS; cuBLAS is not asked).
 * Tested by native/tests/test_layers_cuda.c against the cpu gemm.
 */
#include "cuda_common.cuh"

#include <cuda_bf16.h>
#include <dlfcn.h>
#include <library_types.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>

namespace {

/* cublas_api.h: cublasOperation_t, cublasComputeType_t, cublasGemmAlgo_t, cublasMath_t (ints in the C ABI). */
constexpr int kCublasOpN = 0;
constexpr int kCublasOpT = 1;
constexpr int kCublasCompute32F = 68;
constexpr int kCublasGemmDefault = -1;
constexpr int kCublasDefaultMath = 0;
constexpr size_t kWorkspaceBytes = size_t(32) << 20;

struct Cublas {
    int (*create)(void** handle);
    int (*destroy)(void* handle);
    int (*set_stream)(void* handle, cudaStream_t stream);
    int (*set_workspace)(void* handle, void* workspace, size_t bytes);
    int (*set_math_mode)(void* handle, int mode);
    int (*gemm_ex)(void* handle, int transa, int transb, int m, int n, int k, const void* alpha, const void* a,
                   cudaDataType_t a_type, int lda, const void* b, cudaDataType_t b_type, int ldb, const void* beta,
                   void* c, cudaDataType_t c_type, int ldc, int compute_type, int algo);
    const char* (*status_string)(int status); /* optional (cuBLAS >= 11.4) */
    bool loaded;
    char failure[768]; /* what was tried, when not loaded */
};

Cublas cublas;
pthread_once_t cublas_once = PTHREAD_ONCE_INIT;

void* symbol(void* lib, const char* name, bool* missing) {
    void* f = dlsym(lib, name);
    if (f == nullptr) *missing = true;
    return f;
}

void load_cublas() {
    const char* candidates[] = {getenv("GLA4J_CUBLAS"), "libcublas.so.13", "libcublas.so.12", "libcublas.so"};
    size_t used = 0;
    for (const char* name : candidates) {
        if (name == nullptr || name[0] == '\0') continue;
        void* lib = dlopen(name, RTLD_NOW | RTLD_LOCAL);
        const char* why = lib ? nullptr : dlerror();
        bool missing = false;
        if (lib) {
            cublas.create = reinterpret_cast<int (*)(void**)>(symbol(lib, "cublasCreate_v2", &missing));
            cublas.destroy = reinterpret_cast<int (*)(void*)>(symbol(lib, "cublasDestroy_v2", &missing));
            cublas.set_stream =
                reinterpret_cast<int (*)(void*, cudaStream_t)>(symbol(lib, "cublasSetStream_v2", &missing));
            cublas.set_workspace =
                reinterpret_cast<int (*)(void*, void*, size_t)>(symbol(lib, "cublasSetWorkspace_v2", &missing));
            cublas.set_math_mode = reinterpret_cast<int (*)(void*, int)>(symbol(lib, "cublasSetMathMode", &missing));
            cublas.gemm_ex = reinterpret_cast<decltype(cublas.gemm_ex)>(symbol(lib, "cublasGemmEx", &missing));
            cublas.status_string = reinterpret_cast<const char* (*)(int)>(dlsym(lib, "cublasGetStatusString"));
            if (!missing) {
                cublas.loaded = true;
                return;
            }
            why = "a required cublas function is missing";
            dlclose(lib);
        }
        int n = snprintf(cublas.failure + used, sizeof cublas.failure - used, "%s%s (%s)", used ? "; " : "", name,
                         why ? why : "?");
        if (n > 0) used += (size_t)n < sizeof cublas.failure - used ? (size_t)n : sizeof cublas.failure - used - 1;
    }
}

gla_status cublas_error(const char* fn, int status, const char* what) {
    const char* text = cublas.status_string ? cublas.status_string(status) : "";
    return gla_error(GLA_ERROR_DEVICE, "%s: %s failed: cublas status %d %s", fn, what, status, text ? text : "");
}

/* The context's handle, created on first use, set to the context's stream. */
gla_status handle_for(const char* fn, gla_context* context, void** handle) {
    pthread_once(&cublas_once, load_cublas);
    if (!cublas.loaded)
        return gla_error(GLA_ERROR_BACKEND_UNAVAILABLE, "%s: cuBLAS could not be loaded; tried: %s (set GLA4J_CUBLAS "
                         "to the path of libcublas.so)", fn, cublas.failure[0] ? cublas.failure : "nothing");
    gla_cuda_state* st = gla_cuda_state_of(context);
    const cudaStream_t stream = gla_cuda_stream(context);
    if (st->blas == nullptr) {
        int status = cublas.create(&st->blas);
        if (status != 0) {
            st->blas = nullptr;
            return cublas_error(fn, status, "cublasCreate");
        }
        if ((status = cublas.set_math_mode(st->blas, kCublasDefaultMath)) != 0)
            return cublas_error(fn, status, "cublasSetMathMode");
        GLA_CUDA_CHECK(fn, cudaMalloc(&st->blas_workspace, kWorkspaceBytes), "cudaMalloc (cuBLAS workspace)");
        st->blas_stream = reinterpret_cast<cudaStream_t>(~uintptr_t(0)); /* forces the stream to be set below */
    }
    if (st->blas_stream != stream) {
        int status = cublas.set_stream(st->blas, stream);
        if (status != 0) return cublas_error(fn, status, "cublasSetStream");
        if ((status = cublas.set_workspace(st->blas, st->blas_workspace, kWorkspaceBytes)) != 0)
            return cublas_error(fn, status, "cublasSetWorkspace");
        st->blas_stream = stream;
    }
    *handle = st->blas;
    return GLA_OK;
}

/* dst[i, j] = factor·src[i, j] over an m x n matrix (row strides lds, ldd; either fp32 or bf16); factor 0 writes
 * zeros without reading src. src may be dst. */
__global__ void scale_matrix(const void* src, int src_bf16, int64_t lds, void* dst, int dst_bf16, int64_t ldd,
                             int64_t m, int64_t n, float factor) {
    const int64_t total = m * n, stride = (int64_t)gridDim.x * blockDim.x;
    for (int64_t t = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; t < total; t += stride) {
        const int64_t i = t / n, j = t % n;
        float v = 0.0f;
        if (factor != 0.0f) {
            const int64_t at = i * lds + j;
            v = factor * (src_bf16 ? __bfloat162float(static_cast<const __nv_bfloat16*>(src)[at])
                                   : static_cast<const float*>(src)[at]);
        }
        const int64_t to = i * ldd + j;
        if (dst_bf16) static_cast<__nv_bfloat16*>(dst)[to] = __float2bfloat16_rn(v);
        else static_cast<float*>(dst)[to] = v;
    }
}

cudaError_t launch_scale(const void* src, int src_bf16, int64_t lds, void* dst, int dst_bf16, int64_t ldd, int64_t m,
                         int64_t n, float factor, cudaStream_t stream) {
    scale_matrix<<<gla_cuda_grid(m * n, 256), 256, 0, stream>>>(src, src_bf16, lds, dst, dst_bf16, ldd, m, n, factor);
    return cudaGetLastError();
}

} // namespace

void gla_cuda_blas_release(gla_cuda_state* st) {
    if (st->blas) cublas.destroy(st->blas);
    if (st->blas_workspace) (void)cudaFree(st->blas_workspace);
    st->blas = nullptr;
    st->blas_workspace = nullptr;
}

gla_status gla_cuda_blas_prepare(const char* fn, gla_context* context) {
    void* handle = nullptr;
    return handle_for(fn, context, &handle);
}

gla_status gla_cuda_gemm(gla_context* context, const gla_gemm_args* g) {
    static const char fn[] = "gla_gemm";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(context);
    const int c_bf16 = g->c_dtype == GLA_DTYPE_BF16;
    if (g->k == 0 || g->alpha == 0.0f) {
        GLA_CUDA_CHECK(fn, launch_scale(g->c, c_bf16, g->ldc, g->c, c_bf16, g->ldc, g->m, g->n, g->beta, stream),
                       "scale_matrix kernel");
        return GLA_OK;
    }
    void* handle = nullptr;
    if ((s = handle_for(fn, context, &handle)) != GLA_OK) return s;
    const cudaDataType_t ab_type = g->ab_dtype == GLA_DTYPE_BF16 ? CUDA_R_16BF : CUDA_R_32F;
    /* fp32 A, B with bf16 C: cuBLAS has no such combination; compute into fp32 scratch [m, n]. */
    const bool via_scratch = g->ab_dtype == GLA_DTYPE_F32 && c_bf16;
    void* c = g->c;
    int64_t ldc = g->ldc;
    if (via_scratch) {
        GLA_CUDA_CHECK(fn, cudaMallocAsync(&c, (size_t)(g->m * g->n) * sizeof(float), stream),
                       "cudaMallocAsync (gemm fp32 scratch)");
        ldc = g->n;
        if (g->beta != 0.0f) {
            cudaError_t e = launch_scale(g->c, 1, g->ldc, c, 0, ldc, g->m, g->n, 1.0f, stream);
            if (e != cudaSuccess) {
                (void)cudaFreeAsync(c, stream);
                return gla_cuda_error(fn, e, "scale_matrix kernel (C to fp32)");
            }
        }
    }
    const cudaDataType_t c_type = via_scratch || !c_bf16 ? CUDA_R_32F : CUDA_R_16BF;
    const int status = cublas.gemm_ex(handle, g->trans_b ? kCublasOpT : kCublasOpN, g->trans_a ? kCublasOpT : kCublasOpN,
                                      (int)g->n, (int)g->m, (int)g->k, &g->alpha, g->b, ab_type, (int)g->ldb, g->a,
                                      ab_type, (int)g->lda, &g->beta, c, c_type, (int)ldc, kCublasCompute32F,
                                      kCublasGemmDefault);
    if (via_scratch) {
        cudaError_t e = status == 0 ? launch_scale(c, 0, ldc, g->c, 1, g->ldc, g->m, g->n, 1.0f, stream) : cudaSuccess;
        (void)cudaFreeAsync(c, stream);
        if (e != cudaSuccess) return gla_cuda_error(fn, e, "scale_matrix kernel (fp32 to bf16 C)");
    }
    if (status != 0) return cublas_error(fn, status, "cublasGemmEx");
    return GLA_OK;
}

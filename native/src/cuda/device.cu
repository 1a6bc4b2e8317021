/*
 * device.cu — the cuda backend's devices, contexts, streams and memory (cuda_backend.h). Built when nvcc is
 * found (cmake/GlaCuda.cmake); cudart is linked statically, so only the driver is needed at run time.
 * Without a usable driver (cudaErrorInsufficientDriver, 35) or without a GPU (cudaErrorNoDevice) the backend
 * simply has zero devices. Tested by native/tests/test_api.c (device count/info, memory round trips when a GPU
 * is present).
 */
#include "cuda_common.cuh"

#include <new>
#include <stdio.h>
#include <string.h>

gla_status gla_cuda_device_count(int32_t* count) {
    int n = 0;
    cudaError_t err = cudaGetDeviceCount(&n);
    if (err == cudaErrorInsufficientDriver || err == cudaErrorNoDevice) {
        (void)cudaGetLastError();
        *count = 0;
        return GLA_OK;
    }
    if (err != cudaSuccess) return gla_cuda_error("gla_device_count", err, "cudaGetDeviceCount");
    *count = n;
    return GLA_OK;
}

gla_status gla_cuda_device_info(int32_t device, gla_device_info* info) {
    static const char fn[] = "gla_device_info_get";
    cudaDeviceProp prop;
    gla_status s = gla_cuda_error(fn, cudaGetDeviceProperties(&prop, device), "cudaGetDeviceProperties");
    if (s != GLA_OK) return s;
    snprintf(info->name, sizeof info->name, "%s", prop.name);
    info->total_memory = (int64_t)prop.totalGlobalMem;
    info->compute_major = prop.major;
    info->compute_minor = prop.minor;
    info->multiprocessors = prop.multiProcessorCount;
    if ((s = gla_cuda_error(fn, cudaSetDevice(device), "cudaSetDevice")) != GLA_OK) return s;
    size_t free_bytes = 0, total_bytes = 0;
    if ((s = gla_cuda_error(fn, cudaMemGetInfo(&free_bytes, &total_bytes), "cudaMemGetInfo")) != GLA_OK) return s;
    info->free_memory = (int64_t)free_bytes;
    return GLA_OK;
}

gla_status gla_cuda_context_init(gla_context* context) {
    /* Touch the device now so that a broken device fails here rather than in the first op. */
    gla_status s = gla_cuda_set_device("gla_context_create", context);
    if (s != GLA_OK) return s;
    s = gla_cuda_error("gla_context_create", cudaFree(nullptr), "cudaFree(NULL) (runtime initialization)");
    if (s != GLA_OK) return s;
    /* The ops' scratch (workspaces, partial sums, gemm staging) is stream-ordered memory from the device's default
     * pool. By default the pool hands freed memory back to the driver at every synchronization, and the next
     * cudaMallocAsync maps it again (hundreds of µs for large scratch): keep it; gla_malloc trims the pool when it
     * runs out of memory. */
    cudaMemPool_t pool;
    s = gla_cuda_error("gla_context_create", cudaDeviceGetDefaultMemPool(&pool, context->device),
                       "cudaDeviceGetDefaultMemPool");
    if (s != GLA_OK) return s;
    uint64_t keep = UINT64_MAX;
    s = gla_cuda_error("gla_context_create", cudaMemPoolSetAttribute(pool, cudaMemPoolAttrReleaseThreshold, &keep),
                       "cudaMemPoolSetAttribute (release threshold)");
    if (s != GLA_OK) return s;
    context->cuda = new (std::nothrow) gla_cuda_state();
    if (context->cuda == nullptr)
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "gla_context_create: cannot allocate the cuda context state");
    return GLA_OK;
}

/* Releases what the context made: an open capture, cuBLAS, the staging buffer, the stream gla_graph_begin
 * created. A stream set by the caller belongs to the caller. */
gla_status gla_cuda_context_release(gla_context* context) {
    gla_cuda_state* st = gla_cuda_state_of(context);
    if (st == nullptr) return GLA_OK;
    (void)cudaSetDevice(context->device);
    if (context->recording) gla_cuda_abandon_capture(context);
    gla_cuda_blas_release(st);
    gla_cuda_staging_release(st);
    if (st->owned_stream) (void)cudaStreamDestroy(st->owned_stream);
    delete st;
    context->cuda = nullptr;
    (void)cudaGetLastError();
    return GLA_OK;
}

gla_status gla_cuda_set_stream(gla_context* context, void* stream) {
    context->stream = stream;
    return GLA_OK;
}

gla_status gla_cuda_synchronize(gla_context* context) {
    static const char fn[] = "gla_synchronize";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaStreamSynchronize(gla_cuda_stream(context)), "cudaStreamSynchronize");
}

gla_status gla_cuda_malloc(gla_context* context, int64_t bytes, void** ptr) {
    static const char fn[] = "gla_malloc";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    cudaError_t e = cudaMalloc(ptr, (size_t)bytes);
    if (e == cudaErrorMemoryAllocation) { /* the ops' pooled scratch may hold the memory: hand it back, retry */
        (void)cudaGetLastError();
        cudaMemPool_t pool;
        if (cudaDeviceGetDefaultMemPool(&pool, context->device) == cudaSuccess &&
            cudaDeviceSynchronize() == cudaSuccess && cudaMemPoolTrimTo(pool, 0) == cudaSuccess)
            e = cudaMalloc(ptr, (size_t)bytes);
    }
    return gla_cuda_error(fn, e, "cudaMalloc");
}

gla_status gla_cuda_free(gla_context* context, void* ptr) {
    static const char fn[] = "gla_free";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaFree(ptr), "cudaFree");
}

gla_status gla_cuda_memset(gla_context* context, void* ptr, int32_t value, int64_t bytes) {
    static const char fn[] = "gla_memset";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaMemsetAsync(ptr, value, (size_t)bytes, gla_cuda_stream(context)),
                          "cudaMemsetAsync");
}

gla_status gla_cuda_memcpy(gla_context* context, void* dst, const void* src, int64_t bytes, int32_t kind) {
    static const char fn[] = "gla_memcpy";
    static const cudaMemcpyKind kinds[] = {cudaMemcpyHostToDevice, cudaMemcpyDeviceToHost, cudaMemcpyDeviceToDevice,
                                           cudaMemcpyHostToHost};
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    if (kind == GLA_COPY_HOST_TO_DEVICE && (s = gla_cuda_check_recordable_host(fn, context, src, "src")) != GLA_OK)
        return s;
    if (kind == GLA_COPY_DEVICE_TO_HOST && (s = gla_cuda_check_recordable_host(fn, context, dst, "dst")) != GLA_OK)
        return s;
    return gla_cuda_error(fn, cudaMemcpyAsync(dst, src, (size_t)bytes, kinds[kind], gla_cuda_stream(context)),
                          "cudaMemcpyAsync");
}

gla_status gla_cuda_host_alloc(gla_context* context, int64_t bytes, void** ptr) {
    static const char fn[] = "gla_host_alloc";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaMallocHost(ptr, (size_t)bytes), "cudaMallocHost");
}

gla_status gla_cuda_host_free(gla_context* context, void* ptr) {
    static const char fn[] = "gla_host_free";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaFreeHost(ptr), "cudaFreeHost");
}

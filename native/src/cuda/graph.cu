/*
 * graph.cu — gla_graph_* on the GPU: CUDA graphs by stream capture of the context's stream.
 *
 * begin: a context without a stream gets one of its own (non-blocking, kept until the context is destroyed and
 * used by every later op), ordered after the work already queued on the legacy default stream; the cuBLAS handle
 * is made ready first when cuBLAS loads, because creating it allocates and a capture must not; then
 * cudaStreamBeginCapture in thread-local mode (the capture must end on the thread that began it).
 * end: cudaStreamEndCapture + cudaGraphInstantiate. Whatever fails, the capture is over and the context usable.
 * gla.c keeps the recording flag and refuses, while it is set, the calls that cannot be captured; copies to and
 * from the host (gla_memcpy, the embedding's ids) are captured only from page-locked memory.
 * Tested by native/tests/test_layers_cuda.c (record + replay equals direct execution; refusals while recording).
 */
#include "cuda_common.cuh"

#include <stdlib.h>

namespace {

/* A stream of the context's own, after everything already on the legacy default stream. */
gla_status own_stream(const char* fn, gla_context* context) {
    gla_cuda_state* st = gla_cuda_state_of(context);
    if (st->owned_stream == nullptr) {
        GLA_CUDA_CHECK(fn, cudaStreamCreateWithFlags(&st->owned_stream, cudaStreamNonBlocking), "cudaStreamCreate");
        cudaEvent_t before = nullptr;
        GLA_CUDA_CHECK(fn, cudaEventCreateWithFlags(&before, cudaEventDisableTiming), "cudaEventCreate");
        cudaError_t e = cudaEventRecord(before, nullptr);
        if (e == cudaSuccess) e = cudaStreamWaitEvent(st->owned_stream, before, 0);
        (void)cudaEventDestroy(before);
        GLA_CUDA_CHECK(fn, e, "ordering the new stream after the default stream");
    }
    context->stream = st->owned_stream;
    return GLA_OK;
}

} // namespace

void gla_cuda_abandon_capture(gla_context* context) {
    cudaGraph_t graph = nullptr;
    (void)cudaStreamEndCapture(gla_cuda_stream(context), &graph);
    if (graph) (void)cudaGraphDestroy(graph);
    (void)cudaGetLastError();
}

gla_status gla_cuda_check_recordable_host(const char* fn, const gla_context* context, const void* ptr,
                                          const char* name) {
    if (!context->recording) return GLA_OK;
    /* A pointer query is no stream work; relaxed mode keeps it from counting as an unsafe call in the capture. */
    cudaStreamCaptureMode mode = cudaStreamCaptureModeRelaxed;
    (void)cudaThreadExchangeStreamCaptureMode(&mode);
    cudaPointerAttributes attributes{};
    const cudaError_t e = cudaPointerGetAttributes(&attributes, ptr);
    (void)cudaThreadExchangeStreamCaptureMode(&mode);
    if (e != cudaSuccess) (void)cudaGetLastError();
    if (e != cudaSuccess || attributes.type != cudaMemoryTypeHost)
        return gla_error(GLA_ERROR_INVALID_ARGUMENT, "%s: %s must be page-locked host memory (gla_host_alloc) while "
                         "recording a graph, which reads or writes it at each replay", fn, name);
    return GLA_OK;
}

gla_status gla_cuda_graph_begin(gla_context* context) {
    static const char fn[] = "gla_graph_begin";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    if (context->stream == nullptr && (s = own_stream(fn, context)) != GLA_OK) return s;
    /* Best effort: without cuBLAS a recorded gla_gemm reports it then; the error text is not kept. */
    if (gla_cuda_blas_prepare(fn, context) != GLA_OK) gla_clear_error();
    return gla_cuda_error(fn, cudaStreamBeginCapture(gla_cuda_stream(context), cudaStreamCaptureModeThreadLocal),
                          "cudaStreamBeginCapture");
}

gla_status gla_cuda_graph_end(gla_context* context, gla_graph** out) {
    static const char fn[] = "gla_graph_end";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) {
        gla_cuda_abandon_capture(context);
        return s;
    }
    cudaGraph_t graph = nullptr;
    cudaError_t e = cudaStreamEndCapture(gla_cuda_stream(context), &graph);
    if (e != cudaSuccess || graph == nullptr) {
        if (graph) (void)cudaGraphDestroy(graph);
        return gla_cuda_error(fn, e != cudaSuccess ? e : cudaErrorStreamCaptureInvalidated,
                              "cudaStreamEndCapture (an op failed while recording?)");
    }
    cudaGraphExec_t exec = nullptr;
    e = cudaGraphInstantiate(&exec, graph, 0);
    (void)cudaGraphDestroy(graph);
    GLA_CUDA_CHECK(fn, e, "cudaGraphInstantiate");
    gla_graph* g = static_cast<gla_graph*>(malloc(sizeof *g));
    if (g == nullptr) {
        (void)cudaGraphExecDestroy(exec);
        return gla_error(GLA_ERROR_OUT_OF_MEMORY, "%s: cannot allocate the graph", fn);
    }
    g->backend = GLA_BACKEND_CUDA;
    g->device = context->device;
    g->exec = exec;
    *out = g;
    return GLA_OK;
}

gla_status gla_cuda_graph_launch(gla_context* context, const gla_graph* graph) {
    static const char fn[] = "gla_graph_launch";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return gla_cuda_error(fn, cudaGraphLaunch(static_cast<cudaGraphExec_t>(graph->exec), gla_cuda_stream(context)),
                          "cudaGraphLaunch");
}

gla_status gla_cuda_graph_destroy(gla_graph* graph) {
    static const char fn[] = "gla_graph_destroy";
    cudaError_t e = cudaSetDevice(graph->device);
    if (e == cudaSuccess) e = cudaGraphExecDestroy(static_cast<cudaGraphExec_t>(graph->exec));
    free(graph);
    return gla_cuda_error(fn, e, "cudaGraphExecDestroy");
}

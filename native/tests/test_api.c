/*
 * test_api.c — the non-op part of gla.h on the backends present: version, status names, cpu features, backends
 * and devices (cuda: name, memory, compute capability when a GPU is there; zero devices without a driver),
 * contexts, memory (alloc, memset, every copy kind, pinned host memory), workspace queries, and the per-thread
 * last-error message. CTest: api.
 */
#include "test_util.h"

#include <pthread.h>
#include <stdlib.h>
#include <string.h>

static void library(void) {
    int32_t major = -1, minor = -1, patch = -1;
    CHECK_OK(gla_version(&major, &minor, &patch));
    CHECK(major == GLA_VERSION_MAJOR && minor == GLA_VERSION_MINOR && patch == GLA_VERSION_PATCH, "version %d.%d.%d",
          major, minor, patch);
    const char* name = NULL;
    CHECK_OK(gla_status_name(GLA_ERROR_OUT_OF_MEMORY, &name));
    CHECK(name != NULL && strcmp(name, "GLA_ERROR_OUT_OF_MEMORY") == 0, "status name %s", name ? name : "(null)");
    for (int32_t s = GLA_OK; s <= GLA_ERROR_INTERNAL; s++) CHECK_OK(gla_status_name(s, &name));
    uint32_t f = 0;
    CHECK_OK(gla_cpu_features(&f));
    CHECK((f & ~(GLA_CPU_AVX2 | GLA_CPU_FMA | GLA_CPU_AVX512F)) == 0, "unknown feature bits %x", f);
}

static void backends(void) {
    int32_t available = -1, count = -1;
    CHECK_OK(gla_backend_available(GLA_BACKEND_CPU, &available));
    CHECK(available == 1, "cpu backend available: %d", available);
    CHECK_OK(gla_device_count(GLA_BACKEND_CPU, &count));
    CHECK(count == 1, "cpu device count %d", count);
    gla_device_info info;
    CHECK_OK(gla_device_info_get(GLA_BACKEND_CPU, 0, &info));
    CHECK(strncmp(info.name, "cpu", 3) == 0, "cpu device name '%s'", info.name);
    CHECK(info.total_memory > 0 && info.free_memory <= info.total_memory && info.multiprocessors > 0,
          "cpu device: %lld/%lld bytes, %d processors", (long long)info.free_memory, (long long)info.total_memory,
          info.multiprocessors);

    CHECK_OK(gla_device_count(GLA_BACKEND_CUDA, &count));
    CHECK_OK(gla_backend_available(GLA_BACKEND_CUDA, &available));
    CHECK(count >= 0 && available == (count > 0), "cuda: %d devices, available %d", count, available);
    for (int32_t d = 0; d < count; d++) {
        CHECK_OK(gla_device_info_get(GLA_BACKEND_CUDA, d, &info));
        CHECK(info.name[0] != '\0' && info.total_memory > 0 && info.free_memory > 0 &&
              info.free_memory <= info.total_memory && info.compute_major >= 5 && info.multiprocessors > 0,
              "cuda device %d: '%s' %lld/%lld bytes, sm_%d%d, %d SMs", d, info.name, (long long)info.free_memory,
              (long long)info.total_memory, info.compute_major, info.compute_minor, info.multiprocessors);
        printf("cuda device %d: %s, sm_%d%d, %d SMs, %.1f GiB\n", d, info.name, info.compute_major,
               info.compute_minor, info.multiprocessors, (double)info.total_memory / (1 << 30));
    }
}

/* Memory functions on one context: every copy kind round-trips through "device" memory. */
static void memory(gla_context* ctx) {
    const int64_t n = 1000;
    unsigned char *host = NULL, *back = NULL, *dev = NULL, *dev2 = NULL;
    CHECK_OK(gla_host_alloc(ctx, n, (void**)&host));
    CHECK_OK(gla_host_alloc(ctx, n, (void**)&back));
    CHECK_OK(gla_malloc(ctx, n, (void**)&dev));
    CHECK_OK(gla_malloc(ctx, n, (void**)&dev2));
    if (host == NULL || back == NULL || dev == NULL || dev2 == NULL) return;
    CHECK((uintptr_t)dev % 64 == 0 && (uintptr_t)host % 64 == 0, "gla_malloc/gla_host_alloc alignment");
    for (int64_t i = 0; i < n; i++) host[i] = (unsigned char)(i * 7);
    CHECK_OK(gla_memcpy(ctx, dev, host, n, GLA_COPY_HOST_TO_DEVICE));
    CHECK_OK(gla_memcpy(ctx, dev2, dev, n, GLA_COPY_DEVICE_TO_DEVICE));
    CHECK_OK(gla_memset(ctx, dev, 0xAB, n / 2));
    CHECK_OK(gla_memcpy(ctx, back, dev2, n, GLA_COPY_DEVICE_TO_HOST));
    CHECK_OK(gla_synchronize(ctx));
    CHECK(memcmp(back, host, (size_t)n) == 0, "host -> device -> device -> host round trip");
    CHECK_OK(gla_memcpy(ctx, back, dev, n, GLA_COPY_DEVICE_TO_HOST));
    CHECK_OK(gla_synchronize(ctx));
    CHECK(back[0] == 0xAB && back[n / 2 - 1] == 0xAB && back[n / 2] == host[n / 2], "memset of the first half");
    CHECK_OK(gla_memcpy(ctx, back, host, n, GLA_COPY_HOST_TO_HOST));
    CHECK(memcmp(back, host, (size_t)n) == 0, "host to host copy");
    CHECK_OK(gla_free(ctx, dev));
    CHECK_OK(gla_free(ctx, dev2));
    CHECK_OK(gla_host_free(ctx, host));
    CHECK_OK(gla_host_free(ctx, back));
}

static void contexts(void) {
    gla_context* ctx = NULL;
    CHECK_OK(gla_context_create(GLA_BACKEND_CPU, 0, &ctx));
    int32_t backend = -1;
    CHECK_OK(gla_context_backend(ctx, &backend));
    CHECK(backend == GLA_BACKEND_CPU, "context backend %d", backend);
    CHECK_OK(gla_context_set_stream(ctx, NULL));
    CHECK_OK(gla_context_set_threads(ctx, 3));
    CHECK_OK(gla_synchronize(ctx));
    memory(ctx);

    /* workspace sizes: positive for the sequence ops, 0 for the decode step (it takes none) */
    gla_dims d = test_dims(2, 100, 3, 64, 32, 0, GLA_DTYPE_BF16, GLA_GATE_HEAD);
    for (int32_t op = GLA_OP_CHUNK_FWD; op <= GLA_OP_RECURRENT_BWD; op++) {
        int64_t bytes = -1;
        CHECK_OK(gla_workspace_size(ctx, op, &d, &bytes));
        CHECK(bytes > 0 && bytes % 64 == 0, "workspace of op %d: %lld bytes", op, (long long)bytes);
    }
    d.seq_len = 1;
    int64_t bytes = -1;
    CHECK_OK(gla_workspace_size(ctx, GLA_OP_DECODE_STEP, &d, &bytes));
    CHECK(bytes == 0, "decode workspace %lld", (long long)bytes);
    CHECK_OK(gla_context_destroy(ctx));

    int32_t cuda = 0;
    CHECK_OK(gla_device_count(GLA_BACKEND_CUDA, &cuda));
    if (cuda > 0) {
        ctx = NULL;
        CHECK_OK(gla_context_create(GLA_BACKEND_CUDA, 0, &ctx));
        if (ctx != NULL) {
            memory(ctx);
            CHECK_OK(gla_context_destroy(ctx));
        }
    }
}

/* The last error is per thread, and a successful call clears it. */
static void* other_thread(void* arg) {
    const char** out = arg;
    gla_context_set_threads(NULL, 1); /* an error in this thread only */
    gla_get_last_error(out);
    return NULL;
}

static void errors(void) {
    const char* msg = NULL;
    CHECK(gla_version(NULL, NULL, NULL) == GLA_ERROR_INVALID_ARGUMENT, "gla_version(NULL)");
    gla_get_last_error(&msg);
    CHECK(msg != NULL && strstr(msg, "gla_version") != NULL, "message '%s'", msg ? msg : "(null)");
    const char* theirs = NULL;
    pthread_t t;
    CHECK(pthread_create(&t, NULL, other_thread, &theirs) == 0, "pthread_create");
    pthread_join(t, NULL);
    CHECK(theirs != NULL && strstr(theirs, "gla_context_set_threads") != NULL, "other thread's message '%s'",
          theirs ? theirs : "(null)");
    gla_get_last_error(&msg);
    CHECK(msg != NULL && strstr(msg, "gla_version") != NULL, "this thread's message after the other's error: '%s'",
          msg ? msg : "(null)");
    int32_t a, b, c;
    CHECK_OK(gla_version(&a, &b, &c));
    gla_get_last_error(&msg);
    CHECK(msg != NULL && msg[0] == '\0', "a successful call clears the message, got '%s'", msg ? msg : "(null)");
}

int main(void) {
    library();
    backends();
    contexts();
    errors();
    return test_finish("test_api");
}

/*
 * lab.cu — the cuda kernel lab: every op of gla.h on the cuda backend, checked against the double reference
 * (native/tests/reference.c) and timed. Built by CMake when the cuda backend is (target gla_cuda_lab).
 *
 *   gla_cuda_lab check          parity grid: chunk (both forward algorithms), recurrent, decode; fp32 and bf16;
 *                               three gate kinds, gates from weak to -50 per step; awkward T, K, V; h0/ht;
 *                               varlen with empty sequences; outputs NaN-poisoned (0xFF bytes) before each call;
 *                               every chunk backward called twice, its outputs compared byte for byte
 *   gla_cuda_lab quick          a few small cases (for compute-sanitizer memcheck / racecheck)
 *   gla_cuda_lab profile [B T H K V]   one call of each chunk op (default B16 T2048 H16 K=V=128; bf16, channel
 *                               gates), for ncu
 *   gla_cuda_lab bench [out.json]   bf16 timing grid: CUDA events around each call, median of 20 after 3
 *                               warm-ups, inputs rotated so that each timed call reads data not in L2
 *   gla_cuda_lab decode_linear [rows [out.json]]   the fused decoding products (gla_decode_linear) of the 340M
 *                               model against the layer ops they replace (norm, bf16 cast, cuBLAS products, bias,
 *                               gate, residual add) and the cuBLAS products alone: µs per call and weight GB/s of a
 *                               stream of 48 calls (median of 7), at 1 row (or `rows`); then a whole decoding
 *                               step (24 layers + head, the GLA step included) recorded as one graph and replayed
 *   gla_cuda_lab norms [rows width [out.json]]   the norms as a bf16 training step calls them (default 16384 x 2048,
 *                               the 1.3B model's): RMSNorm of the fp32 residual into bf16, its backward accumulating
 *                               into the fp32 residual gradient, the gated norm of bf16 o and gate and its backward
 *                               into bf16; median of 20 calls against the bytes at 4.25 TB/s (for ncu, too)
 * Metric (GUIDE §5): relative RMS error, <= 1e-5 with fp32 inputs and <= 5e-3 with bf16 inputs (every output,
 * fp32 ones included), no NaN/inf.
 */
#include "gla.h"

extern "C" {
#include "reference.h"
#include "test_util.h"
}

#include <cuda_bf16.h>
#include <cuda_runtime.h>

#include <algorithm>
#include <chrono>
#include <math.h>
#include <stdlib.h>
#include <string.h>
#include <string>
#include <vector>

#define TOL_F32 1e-5
#define TOL_BF16 5e-3

static gla_context* g_ctx = nullptr;

static void* dalloc(size_t bytes) {
    void* p = nullptr;
    CHECK_OK(gla_malloc(g_ctx, (int64_t)std::max<size_t>(bytes, 16), &p));
    return p;
}
static void dfree(void* p) {
    if (p) CHECK_OK(gla_free(g_ctx, p));
}
static void h2d(void* d, const void* h, size_t n) {
    if (n) CHECK_OK(gla_memcpy(g_ctx, d, h, (int64_t)n, GLA_COPY_HOST_TO_DEVICE));
}
static void d2h(void* h, const void* d, size_t n) {
    if (n) CHECK_OK(gla_memcpy(g_ctx, h, d, (int64_t)n, GLA_COPY_DEVICE_TO_HOST));
    CHECK_OK(gla_synchronize(g_ctx));
}
static void dpoison(void* d, size_t n) {
    if (n) CHECK_OK(gla_memset(g_ctx, d, 0xFF, (int64_t)n));
}

// ---------------------------------------------------------------------------------------------------------
// check

struct Case {
    int64_t b, t, h, k, v;
    int32_t dtype, gate;
    double g_lo, g_hi;
    int with_h0, with_ht;
    const int64_t* cu;
    int64_t num_seqs;
    int explicit_ws;
};

static size_t esize(int32_t dtype) { return dtype == GLA_DTYPE_BF16 ? 2 : 4; }

static void fill(test_rng* r, double* d, void* native, int64_t n, int32_t dtype, double lo, double hi, int normal) {
    for (int64_t i = 0; i < n; i++) {
        float f = (float)(normal ? rng_normal(r) : rng_uniform(r, lo, hi));
        if (dtype == GLA_DTYPE_BF16) {
            uint16_t b = test_f32_to_bf16(f);
            ((uint16_t*)native)[i] = b;
            d[i] = test_bf16_to_f32(b);
        } else {
            ((float*)native)[i] = f;
            d[i] = f;
        }
    }
}

struct Worst {
    double e[2] = {0, 0}; // f32, bf16
    int64_t cases = 0;
};
static Worst worst_chunk, worst_rec, worst_dec;

// The tolerance follows the inputs' dtype: with bf16 inputs the tensor-core operands are bf16 (GUIDE §2
// precision policy), so fp32 outputs (ht, dg, dh0) carry bf16-level error too.
// With fp32 inputs the tensor cores run 3xTF32 (operands kept to about 2^-22) into fp32 accumulators, and a state
// sums every token before it: the error grows with the square root of the sequence, so TOL_F32 holds up to 256
// tokens and scales beyond (an ungated 4100-token sequence: 2.9e-5 on the H200, alike on both forward paths).
static double tolerance(const Case& c) {
    if (c.dtype == GLA_DTYPE_BF16) return TOL_BF16;
    int64_t longest = c.t;
    if (c.cu) {
        longest = 0;
        for (int64_t s = 0; s < c.num_seqs; s++) longest = std::max(longest, c.cu[s + 1] - c.cu[s]);
    }
    return TOL_F32 * std::max(1.0, sqrt((double)longest / 256.0));
}

static void expect(Worst& w, const char* what, const char* op, const Case& c, const void* host, int32_t dtype,
                   const double* ref, int64_t n) {
    const double e = rel_rms(host, dtype, ref, (size_t)n), tol = tolerance(c);
    double& wr = w.e[c.dtype == GLA_DTYPE_BF16];
    if (!(e <= wr)) wr = e;
    CHECK(e <= tol, "%s %s: rel RMS %.3g > %.1g (B %lld T %lld H %lld K %lld V %lld dtype %d gate %d g [%g, %g] h0 %d "
          "ht %d varlen %lld)", op, what, e, tol, (long long)c.b, (long long)c.t, (long long)c.h, (long long)c.k,
          (long long)c.v, c.dtype, c.gate, c.g_lo, c.g_hi, c.with_h0, c.with_ht, (long long)c.num_seqs);
}

// kind: 0 recurrent, 1 chunk non-materializing, 2 chunk materializing
static void run_case(const Case& c, int kind, uint64_t seed) {
    test_rng r;
    rng_seed(&r, seed);
    const int64_t tokens = c.b * c.t, seqs = c.cu ? c.num_seqs : c.b;
    const size_t es = esize(c.dtype);
    const int gated = c.gate != GLA_GATE_NONE;
    const int64_t n_qk = tokens * c.h * c.k, n_v = tokens * c.h * c.v;
    const int64_t n_g = c.gate == GLA_GATE_CHANNEL ? n_qk : c.gate == GLA_GATE_HEAD ? tokens * c.h : 0;
    const int64_t n_s = seqs * c.h * c.k * c.v;
    std::vector<double> q(n_qk), k(n_qk), v(n_v), dout(n_v), g(n_g), h0(n_s), dht(n_s);
    char *nq = (char*)test_malloc(n_qk * es), *nk = (char*)test_malloc(n_qk * es), *nv = (char*)test_malloc(n_v * es);
    char* ndo = (char*)test_malloc(n_v * es);
    float *ng = (float*)test_malloc(n_g * 4), *nh0 = (float*)test_malloc(n_s * 4), *ndht = (float*)test_malloc(n_s * 4);
    fill(&r, q.data(), nq, n_qk, c.dtype, 0, 0, 1);
    fill(&r, k.data(), nk, n_qk, c.dtype, 0, 0, 1);
    fill(&r, v.data(), nv, n_v, c.dtype, 0, 0, 1);
    fill(&r, dout.data(), ndo, n_v, c.dtype, 0, 0, 1);
    fill(&r, g.data(), ng, n_g, GLA_DTYPE_F32, c.g_lo, c.g_hi, 0);
    fill(&r, h0.data(), nh0, n_s, GLA_DTYPE_F32, 0, 0, 1);
    fill(&r, dht.data(), ndht, n_s, GLA_DTYPE_F32, 0, 0, 1);

    gla_dims d = test_dims(c.b, c.t, c.h, c.k, c.v, c.num_seqs, c.dtype, c.gate);
    d.algorithm = kind == 2 ? GLA_ALGORITHM_MATERIALIZE : kind == 1 ? GLA_ALGORITHM_NON_MATERIALIZE : GLA_ALGORITHM_AUTO;
    ref_problem rp = {c.b, c.t, c.h, c.k, c.v, c.num_seqs, c.cu, d.scale, c.gate};
    std::vector<double> o_ref(n_v), ht_ref(n_s), dq_ref(n_qk), dk_ref(n_qk), dv_ref(n_v), dg_ref(n_g), dh0_ref(n_s);
    const double* h0p = c.with_h0 ? h0.data() : nullptr;
    ref_forward(&rp, q.data(), k.data(), v.data(), gated ? g.data() : nullptr, h0p, o_ref.data(), ht_ref.data());
    CHECK(ref_backward(&rp, q.data(), k.data(), v.data(), gated ? g.data() : nullptr, h0p, dout.data(),
                       c.with_ht ? dht.data() : nullptr, dq_ref.data(), dk_ref.data(), dv_ref.data(), dg_ref.data(),
                       dh0_ref.data()) == 0, "reference out of memory");

    void *dq_ = dalloc(n_qk * es), *dk_ = dalloc(n_qk * es), *dv_ = dalloc(n_v * es), *ddo = dalloc(n_v * es);
    void *Dq = dalloc(n_qk * es), *Dk = dalloc(n_qk * es), *Dv = dalloc(n_v * es), *Do = dalloc(n_v * es);
    float *Dg = (float*)dalloc(n_g * 4), *Dh0 = (float*)dalloc(n_s * 4), *Ddht = (float*)dalloc(n_s * 4);
    float *Dht = (float*)dalloc(n_s * 4), *Ddg = (float*)dalloc(n_g * 4), *Ddh0 = (float*)dalloc(n_s * 4);
    h2d(dq_, nq, n_qk * es), h2d(dk_, nk, n_qk * es), h2d(dv_, nv, n_v * es), h2d(ddo, ndo, n_v * es);
    h2d(Dg, ng, n_g * 4), h2d(Dh0, nh0, n_s * 4), h2d(Ddht, ndht, n_s * 4);

    const char* op = kind == 0 ? "recurrent" : kind == 1 ? "chunk(non-mat)" : "chunk(mat)";
    Worst& w = kind == 0 ? worst_rec : worst_chunk;
    const float* gp = gated ? Dg : nullptr;
    const float* h0d = c.with_h0 ? Dh0 : nullptr;
    float* htd = c.with_ht ? Dht : nullptr;
    int64_t wsb = 0;
    void* ws = nullptr;
    auto workspace = [&](int32_t opc) {
        wsb = 0, ws = nullptr;
        if (!c.explicit_ws) return;
        CHECK_OK(gla_workspace_size(g_ctx, opc, &d, &wsb));
        ws = wsb ? dalloc((size_t)wsb) : nullptr;
    };

    dpoison(Do, n_v * es), dpoison(Dht, n_s * 4);
    workspace(kind ? GLA_OP_CHUNK_FWD : GLA_OP_RECURRENT_FWD);
    if (kind) CHECK_OK(gla_chunk_fwd(g_ctx, &d, dq_, dk_, dv_, gp, h0d, c.cu, Do, htd, ws, wsb));
    else CHECK_OK(gla_recurrent_fwd(g_ctx, &d, dq_, dk_, dv_, gp, h0d, c.cu, Do, htd, ws, wsb));
    dfree(ws);
    std::vector<char> host(std::max<size_t>(n_qk, std::max(n_v, std::max(n_g, n_s))) * 4 + 16);
    d2h(host.data(), Do, n_v * es);
    expect(w, "o", op, c, host.data(), c.dtype, o_ref.data(), n_v);
    if (c.with_ht) {
        d2h(host.data(), Dht, n_s * 4);
        expect(w, "ht", op, c, host.data(), GLA_DTYPE_F32, ht_ref.data(), n_s);
    }

    dpoison(Dq, n_qk * es), dpoison(Dk, n_qk * es), dpoison(Dv, n_v * es), dpoison(Ddg, n_g * 4);
    dpoison(Ddh0, n_s * 4);
    workspace(kind ? GLA_OP_CHUNK_BWD : GLA_OP_RECURRENT_BWD);
    const float* dhtp = c.with_ht ? Ddht : nullptr;
    float* dgp = gated ? Ddg : nullptr;
    float* dh0p = c.with_h0 ? Ddh0 : nullptr;
    if (kind)
        CHECK_OK(gla_chunk_bwd(g_ctx, &d, dq_, dk_, dv_, gp, h0d, c.cu, ddo, dhtp, Dq, Dk, Dv, dgp, dh0p, ws, wsb));
    else
        CHECK_OK(gla_recurrent_bwd(g_ctx, &d, dq_, dk_, dv_, gp, h0d, c.cu, ddo, dhtp, Dq, Dk, Dv, dgp, dh0p, ws, wsb));
    dfree(ws);
    d2h(host.data(), Dq, n_qk * es);
    expect(w, "dq", op, c, host.data(), c.dtype, dq_ref.data(), n_qk);
    d2h(host.data(), Dk, n_qk * es);
    expect(w, "dk", op, c, host.data(), c.dtype, dk_ref.data(), n_qk);
    d2h(host.data(), Dv, n_v * es);
    expect(w, "dv", op, c, host.data(), c.dtype, dv_ref.data(), n_v);
    if (gated) {
        d2h(host.data(), Ddg, n_g * 4);
        expect(w, "dg", op, c, host.data(), GLA_DTYPE_F32, dg_ref.data(), n_g);
    }
    if (c.with_h0) {
        d2h(host.data(), Ddh0, n_s * 4);
        expect(w, "dh0", op, c, host.data(), GLA_DTYPE_F32, dh0_ref.data(), n_s);
    }
    if (kind) { // the chunk backward is bit-reproducible: a second call gives the same bytes
        auto outputs = [&]() {
            std::vector<char> all(2 * n_qk * es + n_v * es + n_g * 4 + (c.with_h0 ? n_s * 4 : 0));
            char* at = all.data();
            d2h(at, Dq, n_qk * es), at += n_qk * es;
            d2h(at, Dk, n_qk * es), at += n_qk * es;
            d2h(at, Dv, n_v * es), at += n_v * es;
            if (gated) d2h(at, Ddg, n_g * 4), at += n_g * 4;
            if (c.with_h0) d2h(at, Ddh0, n_s * 4);
            return all;
        };
        const std::vector<char> first = outputs();
        dpoison(Dq, n_qk * es), dpoison(Dk, n_qk * es), dpoison(Dv, n_v * es), dpoison(Ddg, n_g * 4);
        dpoison(Ddh0, n_s * 4);
        workspace(GLA_OP_CHUNK_BWD);
        CHECK_OK(gla_chunk_bwd(g_ctx, &d, dq_, dk_, dv_, gp, h0d, c.cu, ddo, dhtp, Dq, Dk, Dv, dgp, dh0p, ws, wsb));
        dfree(ws);
        CHECK(outputs() == first, "%s backward not reproducible (B %lld T %lld H %lld K %lld V %lld dtype %d gate %d "
              "varlen %lld)", op, (long long)c.b, (long long)c.t, (long long)c.h, (long long)c.k, (long long)c.v,
              c.dtype, c.gate, (long long)c.num_seqs);
    }
    w.cases++;
    for (void* p : {dq_, dk_, dv_, ddo, Dq, Dk, Dv, Do}) dfree(p);
    for (float* p : {Dg, Dh0, Ddht, Dht, Ddg, Ddh0}) dfree(p);
    free(nq), free(nk), free(nv), free(ndo), free(ng), free(nh0), free(ndht);
}

static const double gate_ranges[][2] = {{-0.1, 0.0}, {-1.0, -0.01}, {-2.5, 0.0}, {-50.0, 0.0}, {-50.0, -20.0}};
static const int64_t cu_a[] = {0, 5, 5, 70, 200};  // lengths 5, 0, 65, 130
static const int64_t cu_b[] = {0, 0, 64, 64, 127}; // empty first, a whole chunk, empty, 63

static void run_grid(bool quick) {
    static const int64_t shapes[][5] = {
        {2, 1, 2, 16, 16},    {1, 15, 2, 60, 100},  {2, 63, 1, 64, 64},   {1, 64, 2, 100, 60},
        {1, 65, 1, 128, 128}, {2, 100, 2, 16, 128}, {1, 1000, 1, 64, 64}, {2, 300, 2, 128, 128},
        {1, 200, 1, 256, 512}, {1, 130, 2, 200, 72},
    };
    const int n_shapes = quick ? 4 : (int)(sizeof shapes / sizeof shapes[0]);
    uint64_t seed = 1;
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++)
            for (int s = 0; s < n_shapes; s++) {
                const int variant = s + 3 * dtype + 5 * gate;
                if (shapes[s][1] == 1000 && dtype != GLA_DTYPE_F32) continue;
                const double* gr = gate_ranges[variant % 5];
                Case c = {shapes[s][0], shapes[s][1], shapes[s][2], shapes[s][3], shapes[s][4], dtype, gate,
                          gate == GLA_GATE_NONE ? 0.0 : gr[0], gate == GLA_GATE_NONE ? 0.0 : gr[1],
                          variant % 2, (variant / 2) % 2, nullptr, 0, variant % 3 == 0};
                for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
                seed++;
            }
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
            const int variant = gate * 2 + dtype;
            const double* gr = gate_ranges[(variant + 2) % 5];
            const int64_t* cu = variant % 2 ? cu_b : cu_a;
            Case c = {1, cu[4], 2, variant % 2 ? 60 : 64, variant % 2 ? 100 : 64, dtype, gate,
                      gate == GLA_GATE_NONE ? 0.0 : gr[0], gate == GLA_GATE_NONE ? 0.0 : gr[1], 1, 1, cu, 4,
                      variant % 2};
            for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
            seed++;
        }
    // Keys over 128 (bf16: the key-split backward) with the second key slice partial: two sequences of an awkward
    // length with 300 value columns (full grid), and varlen with an empty sequence; channel gates in [-50, -20]
    // (every diagonal block on the exact path) or [-2.5, 0].
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++) {
        const double* gr = gate_ranges[gate == GLA_GATE_CHANNEL ? 4 : 2];
        const double lo = gate == GLA_GATE_NONE ? 0.0 : gr[0], hi = gate == GLA_GATE_NONE ? 0.0 : gr[1];
        if (!quick) {
            Case c = {2, 150, 1, 200, 300, GLA_DTYPE_BF16, gate, lo, hi, gate != GLA_GATE_NONE, 1, nullptr, 0, 0};
            for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
            seed++;
        }
        Case c = {1, cu_a[4], 2, 200, 72, GLA_DTYPE_BF16, gate, lo, hi, 1, gate != GLA_GATE_HEAD, cu_a, 4,
                  gate == GLA_GATE_CHANNEL};
        for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
        seed++;
    }
    // Ungated bf16 with few heads: the non-materializing forward split into segments (ops.cu, nm_split), h0 and ht
    // on — two-stage kernel: five chunks each (T 640: two segments), one (B2 T1024 H3: sixteen); warpgroup kernel
    // (sm_90a, 128-key heads, whole 64-column value tiles): five chunks each, two chunks each in parts of one.
    static const int64_t split[][5] = {
        {1, 640, 2, 100, 72}, {2, 1024, 3, 128, 72}, {1, 640, 2, 128, 64}, {2, 1024, 3, 128, 128}};
    for (const auto& sh : split) {
        Case c = {sh[0], sh[1], sh[2], sh[3], sh[4], GLA_DTYPE_BF16, GLA_GATE_NONE, 0.0, 0.0, 1, 1, nullptr, 0, 0};
        for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
        seed++;
    }
    // The warpgroup forward on varlen (128 and 256 keys), an empty and a partial sequence among them, h0 and ht on.
    for (int64_t K : {128, 256}) {
        Case c = {1, cu_a[4], 2, K, 128, GLA_DTYPE_BF16, GLA_GATE_NONE, 0.0, 0.0, 1, 1, cu_a, 4, 0};
        for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
        seed++;
    }
    // bf16 varlen with keys and values in multiples of 64, every gate kind: the state passes on warpgroup MMAs
    // (sm_90a), forward and reverse, an empty and a partial sequence among them.
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++) {
        const double lo = gate == GLA_GATE_NONE ? 0.0 : -2.5;
        Case c = {1, cu_a[4], 2, 64, 128, GLA_DTYPE_BF16, gate, lo, 0.0, 1, 1, cu_a, 4, 0};
        for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
        seed++;
    }
    // One long sequence with few heads: the state pass in value tiles of 32 columns (ops.cu, state_tiling).
    if (!quick)
        for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
            for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
                const double* gr = gate_ranges[(gate + dtype) % 5];
                const double lo = gate == GLA_GATE_NONE ? 0.0 : gr[0], hi = gate == GLA_GATE_NONE ? 0.0 : gr[1];
                Case c = {1, 4100, 2, 128, 96, dtype, gate, lo, hi, dtype, 1, nullptr, 0, 0};
                for (int kind = 0; kind < 3; kind++) run_case(c, kind, seed);
                seed++;
            }
}

// A decode loop (state in place, T steps) gives the recurrent outputs and final state.
static void run_decode() {
    for (int32_t gate = 0; gate <= GLA_GATE_HEAD; gate++)
        for (int32_t dtype = 0; dtype <= GLA_DTYPE_BF16; dtype++) {
            const int64_t B = 2, T = 9, H = 3, K = 60, V = 100;
            const size_t es = esize(dtype);
            Case c = {B, T, H, K, V, dtype, gate, gate == GLA_GATE_NONE ? 0.0 : -3.0, 0.0, 1, 1, nullptr, 0, 0};
            test_rng r;
            rng_seed(&r, 77 + gate * 2 + dtype);
            const int64_t n_qk = B * T * H * K, n_v = B * T * H * V, gk = gate == GLA_GATE_CHANNEL ? K : 1;
            const int64_t n_g = gate == GLA_GATE_NONE ? 0 : B * T * H * gk, n_s = B * H * K * V;
            std::vector<double> q(n_qk), k(n_qk), v(n_v), g(n_g), h0(n_s), o_ref(n_v), ht_ref(n_s);
            char *nq = (char*)test_malloc(n_qk * es), *nk = (char*)test_malloc(n_qk * es), *nv = (char*)test_malloc(n_v * es);
            float *ng = (float*)test_malloc(n_g * 4), *nh0 = (float*)test_malloc(n_s * 4);
            fill(&r, q.data(), nq, n_qk, dtype, 0, 0, 1);
            fill(&r, k.data(), nk, n_qk, dtype, 0, 0, 1);
            fill(&r, v.data(), nv, n_v, dtype, 0, 0, 1);
            fill(&r, g.data(), ng, n_g, GLA_DTYPE_F32, -3.0, 0.0, 0);
            fill(&r, h0.data(), nh0, n_s, GLA_DTYPE_F32, 0, 0, 1);
            gla_dims d = test_dims(B, 1, H, K, V, 0, dtype, gate);
            ref_problem rp = {B, T, H, K, V, 0, nullptr, d.scale, gate};
            ref_forward(&rp, q.data(), k.data(), v.data(), gate == GLA_GATE_NONE ? nullptr : g.data(), h0.data(),
                        o_ref.data(), ht_ref.data());
            void *Dq = dalloc(B * H * K * es), *Dk = dalloc(B * H * K * es), *Dv = dalloc(B * H * V * es);
            void* Do = dalloc(B * H * V * es);
            float *Dg = (float*)dalloc(B * H * gk * 4), *Ds = (float*)dalloc(n_s * 4);
            h2d(Ds, nh0, n_s * 4);
            std::vector<char> o_all(n_v * es), step(B * H * V * es);
            for (int64_t t = 0; t < T; t++) {
                for (int64_t b = 0; b < B; b++) {
                    h2d((char*)Dq + b * H * K * es, nq + (b * T + t) * H * K * es, H * K * es);
                    h2d((char*)Dk + b * H * K * es, nk + (b * T + t) * H * K * es, H * K * es);
                    h2d((char*)Dv + b * H * V * es, nv + (b * T + t) * H * V * es, H * V * es);
                    if (gate != GLA_GATE_NONE) h2d(Dg + b * H * gk, ng + (b * T + t) * H * gk, H * gk * 4);
                }
                dpoison(Do, B * H * V * es);
                CHECK_OK(gla_decode_step(g_ctx, &d, Dq, Dk, Dv, gate == GLA_GATE_NONE ? nullptr : Dg, Ds, Do));
                d2h(step.data(), Do, step.size());
                for (int64_t b = 0; b < B; b++)
                    memcpy(o_all.data() + (b * T + t) * H * V * es, step.data() + b * H * V * es, H * V * es);
            }
            std::vector<float> state(n_s);
            d2h(state.data(), Ds, n_s * 4);
            expect(worst_dec, "o", "decode", c, o_all.data(), dtype, o_ref.data(), n_v);
            expect(worst_dec, "state", "decode", c, state.data(), GLA_DTYPE_F32, ht_ref.data(), n_s);
            worst_dec.cases++;
            for (void* p : {Dq, Dk, Dv, Do}) dfree(p);
            dfree(Dg), dfree(Ds);
            free(nq), free(nk), free(nv), free(ng), free(nh0);
        }
}

// ---------------------------------------------------------------------------------------------------------
// bench

__global__ void init_kernel(void* x, int64_t n, int bf16, uint64_t seed, int gate) {
    for (int64_t i = blockIdx.x * (int64_t)blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        uint64_t z = (uint64_t)i * 0x9E3779B97F4A7C15ull + seed;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        const float u1 = ((z >> 40) + 0.5f) / 16777216.f, u2 = ((z & 0xFFFFFF) + 0.5f) / 16777216.f;
        float val = sqrtf(-2.f * logf(u1)) * cospif(2.f * u2); // standard normal
        if (gate) val = -log1pf(expf(-val)) / 16.f;             // logsigmoid(randn) / 16, as the peers
        if (bf16) static_cast<__nv_bfloat16*>(x)[i] = __float2bfloat16_rn(val);
        else static_cast<float*>(x)[i] = val;
    }
}

static void dinit(void* p, int64_t n, int bf16, uint64_t seed, int gate = 0) {
    if (n > 0) init_kernel<<<1024, 256>>>(p, n, bf16, seed, gate);
}

struct Set { // one rotation of bench inputs and outputs
    void *q, *k, *v, *dout, *o, *dq, *dk, *dv;
    float *g, *dg, *state;
};

static double median(std::vector<float> x) {
    std::sort(x.begin(), x.end());
    return x.size() % 2 ? x[x.size() / 2] : 0.5 * (x[x.size() / 2 - 1] + x[x.size() / 2]);
}

static FILE* g_json = nullptr;
static int g_json_rows = 0;

// Times fn(set) over rotating sets: 3 warm-ups, then 20 timed calls, median in ms.
template <class F> static double time_it(std::vector<Set>& sets, F fn) {
    cudaEvent_t a, b;
    cudaEventCreate(&a), cudaEventCreate(&b);
    size_t r = 0;
    for (int i = 0; i < 3; i++) fn(sets[r++ % sets.size()]);
    std::vector<float> ms;
    for (int i = 0; i < 20; i++) {
        Set& s = sets[r++ % sets.size()];
        cudaEventRecord(a);
        fn(s);
        cudaEventRecord(b);
        cudaEventSynchronize(b);
        float t = 0;
        cudaEventElapsedTime(&t, a, b);
        ms.push_back(t);
    }
    cudaEventDestroy(a), cudaEventDestroy(b);
    const cudaError_t err = cudaGetLastError();
    CHECK(err == cudaSuccess, "bench: %s", cudaGetErrorString(err));
    return median(ms);
}

static void row(const char* op, const char* shape, const char* mode, double ms, double floor_ms) {
    printf("%-26s %-9s %-24s %9.4f ms  floor %.4f ms (%.0f%%)\n", op, mode, shape, ms, floor_ms,
           100.0 * floor_ms / ms);
    fflush(stdout);
    if (g_json)
        fprintf(g_json, "%s  {\"op\": \"%s\", \"shape\": \"%s\", \"mode\": \"%s\", \"ms\": %.5f, \"floor_ms\": %.5f}",
                g_json_rows++ ? ",\n" : "", op, shape, mode, ms, floor_ms);
}

static const double kBandwidth = 4.25e12; // bytes/s, device-to-device copy measured on the H200 (GUIDE §6)

static void bench_chunk(int64_t B, int64_t T, int64_t H, int64_t K, int64_t V) {
    const int64_t tokens = B * T, nqk = tokens * H * K, nv = tokens * H * V;
    const size_t es = 2;
    const double set_bytes = (double)(2 * nqk + 2 * nv) * es + nqk * 4.0;
    const int nsets = std::max(1, std::min(8, (int)ceil(4 * 60e6 / set_bytes)));
    std::vector<Set> sets(nsets);
    for (int i = 0; i < nsets; i++) {
        Set& s = sets[i];
        s.q = dalloc(nqk * es), s.k = dalloc(nqk * es), s.v = dalloc(nv * es), s.dout = dalloc(nv * es);
        s.g = (float*)dalloc(nqk * 4);
        dinit(s.q, nqk, 1, 11 + 10 * i), dinit(s.k, nqk, 1, 12 + 10 * i), dinit(s.v, nv, 1, 13 + 10 * i);
        dinit(s.dout, nv, 1, 14 + 10 * i), dinit(s.g, nqk, 0, 15 + 10 * i, 1);
        s.o = dalloc(nv * es), s.dq = dalloc(nqk * es), s.dk = dalloc(nqk * es), s.dv = dalloc(nv * es);
        s.dg = (float*)dalloc(nqk * 4);
        s.state = nullptr;
    }
    char shape[64];
    snprintf(shape, sizeof shape, "B%lld T%lld H%lld K%lld V%lld", (long long)B, (long long)T, (long long)H,
             (long long)K, (long long)V);
    for (int gated = 1; gated >= 0; gated--) {
        // fewest bytes: fwd reads q, k, v (+ fp32 g), writes o; bwd reads q, k, v, g, do, writes dq, dk, dv (+ dg)
        const double fwd_bytes = (double)(2 * nqk + 2 * nv) * es + (gated ? nqk * 4.0 : 0);
        const double bwd_bytes = (double)(4 * nqk + 3 * nv) * es + (gated ? nqk * 8.0 : 0);
        const char* name = gated ? "gla4j.chunk_gla" : "gla4j.chunk_linear_attn";
        int64_t ws_bytes = 0;
        for (int alg = 0; alg <= 2; alg++) {
            gla_dims d = test_dims(B, T, H, K, V, 0, GLA_DTYPE_BF16, gated ? GLA_GATE_CHANNEL : GLA_GATE_NONE);
            d.algorithm = alg;
            int64_t wb = 0;
            CHECK_OK(gla_workspace_size(g_ctx, GLA_OP_CHUNK_FWD, &d, &wb));
            void* ws = wb ? dalloc(wb) : nullptr;
            const double ms = time_it(sets, [&](Set& s) {
                CHECK_OK(gla_chunk_fwd(g_ctx, &d, s.q, s.k, s.v, gated ? s.g : nullptr, nullptr, nullptr, s.o,
                                       nullptr, ws, wb));
            });
            dfree(ws);
            static const char* modes[3] = {"fwd", "fwd[mat]", "fwd[nm]"}; // AUTO, MATERIALIZE, NON_MATERIALIZE
            row(name, shape, modes[alg], ms, fwd_bytes / kBandwidth * 1e3);
        }
        gla_dims d = test_dims(B, T, H, K, V, 0, GLA_DTYPE_BF16, gated ? GLA_GATE_CHANNEL : GLA_GATE_NONE);
        int64_t wf = 0, wbk = 0;
        CHECK_OK(gla_workspace_size(g_ctx, GLA_OP_CHUNK_FWD, &d, &wf));
        CHECK_OK(gla_workspace_size(g_ctx, GLA_OP_CHUNK_BWD, &d, &wbk));
        ws_bytes = std::max(wf, wbk);
        void* ws = ws_bytes ? dalloc(ws_bytes) : nullptr;
        const double bwd = time_it(sets, [&](Set& s) {
            CHECK_OK(gla_chunk_bwd(g_ctx, &d, s.q, s.k, s.v, gated ? s.g : nullptr, nullptr, nullptr, s.dout, nullptr,
                                   s.dq, s.dk, s.dv, gated ? s.dg : nullptr, nullptr, ws, wbk));
        });
        row(name, shape, "bwd", bwd, bwd_bytes / kBandwidth * 1e3);
        const double fb = time_it(sets, [&](Set& s) {
            CHECK_OK(gla_chunk_fwd(g_ctx, &d, s.q, s.k, s.v, gated ? s.g : nullptr, nullptr, nullptr, s.o, nullptr,
                                   ws, wf));
            CHECK_OK(gla_chunk_bwd(g_ctx, &d, s.q, s.k, s.v, gated ? s.g : nullptr, nullptr, nullptr, s.dout, nullptr,
                                   s.dq, s.dk, s.dv, gated ? s.dg : nullptr, nullptr, ws, wbk));
        });
        row(name, shape, "fwd+bwd", fb, (fwd_bytes + bwd_bytes) / kBandwidth * 1e3);
        dfree(ws);
    }
    for (Set& s : sets) {
        for (void* p : {s.q, s.k, s.v, s.dout, s.o, s.dq, s.dk, s.dv}) dfree(p);
        dfree(s.g), dfree(s.dg);
    }
}

static void bench_decode(int64_t B, int64_t H, int64_t K, int64_t V) {
    const size_t es = 2;
    const double state_bytes = (double)B * H * K * V * 4;
    const int nsets = std::max(1, std::min(64, (int)ceil(4 * 60e6 / state_bytes)));
    std::vector<Set> sets(nsets);
    for (int i = 0; i < nsets; i++) {
        Set& s = sets[i];
        memset(&s, 0, sizeof s);
        s.q = dalloc(B * H * K * es), s.k = dalloc(B * H * K * es), s.v = dalloc(B * H * V * es);
        s.o = dalloc(B * H * V * es), s.g = (float*)dalloc(B * H * K * 4), s.state = (float*)dalloc(B * H * K * V * 4);
        dinit(s.q, B * H * K, 1, 21 + i), dinit(s.k, B * H * K, 1, 22 + i), dinit(s.v, B * H * V, 1, 23 + i);
        dinit(s.g, B * H * K, 0, 24 + i, 1), dinit(s.state, B * H * K * V, 0, 25 + i);
    }
    gla_dims d = test_dims(B, 1, H, K, V, 0, GLA_DTYPE_BF16, GLA_GATE_CHANNEL);
    const double ms = time_it(sets, [&](Set& s) { CHECK_OK(gla_decode_step(g_ctx, &d, s.q, s.k, s.v, s.g, s.state, s.o)); });
    char shape[64];
    snprintf(shape, sizeof shape, "B%lld H%lld K%lld V%lld", (long long)B, (long long)H, (long long)K, (long long)V);
    row("gla4j.decode_step", shape, "step", ms, 2 * state_bytes / kBandwidth * 1e3);
    for (Set& s : sets) {
        for (void* p : {s.q, s.k, s.v, s.o}) dfree(p);
        dfree(s.g), dfree(s.state);
    }
}

// ---------------------------------------------------------------------------------------------------------
// decode_linear: the fused products of a decoding step against the layer ops they replace (cuBLAS products)

// One gla_decode_linear call of the 340M model's decoding step (d 1024, key_dim 512, value_dim 1024, head_v 256,
// intermediate 2816, vocab 32000), with bf16 weights.
struct LinearCase {
    const char* name;
    int32_t prologue, epilogue;
    int64_t in, norm_width;
    std::vector<int64_t> outs;
    bool bias, residual;
};

// Mean ms of fn(i) over `calls` back-to-back calls (i = 0, 1, ...: the caller rotates its inputs), median of 7 runs
// after a warm-up run: the time per call of a stream of them, launch gaps included (as in a layer, not a graph).
template <class F> static double time_stream(F fn, int calls) {
    cudaEvent_t a, b;
    cudaEventCreate(&a), cudaEventCreate(&b);
    std::vector<float> ms;
    for (int run = 0; run < 8; run++) {
        cudaEventRecord(a);
        for (int i = 0; i < calls; i++) fn(i);
        cudaEventRecord(b);
        cudaEventSynchronize(b);
        float t = 0;
        cudaEventElapsedTime(&t, a, b);
        if (run > 0) ms.push_back(t / calls);
    }
    cudaEventDestroy(a), cudaEventDestroy(b);
    const cudaError_t err = cudaGetLastError();
    CHECK(err == cudaSuccess, "decode_linear bench: %s", cudaGetErrorString(err));
    return median(ms);
}

// Times one case at `rows` rows: the fused call; the layer ops NativeOps ran before (the prologue op, the bf16
// cast of its output, one cuBLAS product per weight, then bias_add + gate or the residual add); and the cuBLAS
// products alone. Weights rotate through copies larger than L2 together. Returns the fused and unfused ms.
static std::pair<double, double> bench_linear_case(const LinearCase& c, int64_t rows) {
    const int64_t in = c.in, nx = rows * in;
    int64_t weights = 0, most = 0;
    for (int64_t o : c.outs) weights += o * in, most = std::max(most, o);
    const double bytes = 2.0 * (double)weights;
    const int nsets = std::max(1, std::min(64, (int)ceil(4 * 60e6 / bytes)));
    std::vector<std::vector<void*>> w(nsets);
    for (int s = 0; s < nsets; s++)
        for (size_t i = 0; i < c.outs.size(); i++) {
            w[s].push_back(dalloc((size_t)(c.outs[i] * in) * 2));
            dinit(w[s].back(), c.outs[i] * in, 1, 100 + 10 * s + i);
        }
    float *x = (float*)dalloc(nx * 4), *z = (float*)dalloc(nx * 4), *nw = (float*)dalloc(in * 4);
    float *rstd = (float*)dalloc(nx * 4), *bias = (float*)dalloc(most * 4);
    void* fb = dalloc(nx * 2);
    dinit(x, nx, 0, 1), dinit(z, nx, 0, 2), dinit(nw, in, 0, 3), dinit(bias, most, 0, 4);
    std::vector<float*> y, res, g; // g: the layer ops' gate output
    for (int64_t o : c.outs) {
        y.push_back((float*)dalloc(rows * o * 4));
        g.push_back((float*)dalloc(rows * o * 4));
        res.push_back((float*)dalloc(rows * o * 4));
        dinit(res.back(), rows * o, 0, 5);
    }
    const gla_linear_dims d = {rows, in, c.norm_width, c.prologue, c.epilogue, GLA_DTYPE_BF16, 1e-6f, 16.0f,
                               -INFINITY};
    std::vector<gla_linear_output> outs(c.outs.size());
    auto fused = [&](int i) {
        for (size_t k = 0; k < outs.size(); k++)
            outs[k] = {w[i % nsets][k], c.bias ? bias : nullptr, c.residual ? res[k] : nullptr, y[k], c.outs[k]};
        const bool gated = c.prologue == GLA_PROLOGUE_GATED_RMS_NORM || c.prologue == GLA_PROLOGUE_SWIGLU;
        CHECK_OK(gla_decode_linear(g_ctx, &d, x, gated ? z : nullptr, c.norm_width ? nw : nullptr, outs.data(),
                                   (int32_t)outs.size()));
    };
    // the same math as the layer ops did it; gemm_only: just the products (on whatever f holds)
    bool have_gemm = true;
    auto products = [&](int i) {
        for (size_t k = 0; k < c.outs.size() && have_gemm; k++) {
            const gla_status s = gla_gemm(g_ctx, GLA_TRANSPOSE_NONE, GLA_TRANSPOSE, rows, c.outs[k], in, 1.0f, fb, in,
                                          w[i % nsets][k], in, GLA_DTYPE_BF16, 0.0f, y[k], c.outs[k], GLA_DTYPE_F32);
            if (s == GLA_ERROR_BACKEND_UNAVAILABLE) have_gemm = false;
            else CHECK_OK(s);
        }
    };
    auto unfused = [&](int i) {
        switch (c.prologue) { /* the layer ops write the products' bf16 input directly */
        case GLA_PROLOGUE_RMS_NORM:
            CHECK_OK(gla_rms_norm_fwd(g_ctx, rows, in, x, nw, 1e-6f, fb, GLA_DTYPE_BF16, rstd));
            break;
        case GLA_PROLOGUE_GATED_RMS_NORM:
            CHECK_OK(gla_gated_rms_norm_fwd(g_ctx, rows * in / c.norm_width, c.norm_width, x, z, GLA_DTYPE_F32, nw,
                                            1e-6f, fb, GLA_DTYPE_BF16, rstd));
            break;
        case GLA_PROLOGUE_SWIGLU: CHECK_OK(gla_swiglu_fwd(g_ctx, nx, x, z, GLA_DTYPE_F32, fb, GLA_DTYPE_BF16)); break;
        default: CHECK_OK(gla_cast(g_ctx, nx, x, GLA_DTYPE_F32, fb, GLA_DTYPE_BF16)); break;
        }
        products(i);
        for (size_t k = 0; k < c.outs.size(); k++) {
            if (c.bias) CHECK_OK(gla_bias_add(g_ctx, rows, c.outs[k], bias, y[k], GLA_DTYPE_F32));
            if (c.epilogue)
                CHECK_OK(gla_log_sigmoid_gate_fwd(g_ctx, rows * c.outs[k], y[k], GLA_DTYPE_F32, 16.0f, -INFINITY, g[k]));
            if (c.residual) CHECK_OK(gla_add(g_ctx, rows * c.outs[k], y[k], res[k], y[k]));
        }
    };
    const int calls = 48;
    const double t_fused = time_stream(fused, calls);
    products(0);
    const double t_gemm = have_gemm ? time_stream(products, calls) : NAN;
    const double t_unfused = have_gemm ? time_stream(unfused, calls) : NAN;
    char shape[96];
    snprintf(shape, sizeof shape, "M%lld %lld->%lld (%zu)", (long long)rows, (long long)in, (long long)(weights / in),
             c.outs.size());
    printf("%-8s %-24s fused %8.2f us %6.0f GB/s | layer ops %8.2f us | cuBLAS products %8.2f us %6.0f GB/s | "
           "%.2fx\n", c.name, shape, t_fused * 1e3, bytes / t_fused * 1e-6, t_unfused * 1e3, t_gemm * 1e3,
           bytes / t_gemm * 1e-6, t_unfused / t_fused);
    fflush(stdout);
    row("gla4j.decode_linear", shape, c.name, t_fused, bytes / kBandwidth * 1e3);
    if (have_gemm) row("layer_ops", shape, c.name, t_unfused, bytes / kBandwidth * 1e3);
    for (auto& set : w)
        for (void* p : set) dfree(p);
    for (size_t k = 0; k < y.size(); k++) dfree(y[k]), dfree(res[k]), dfree(g[k]);
    dfree(x), dfree(z), dfree(nw), dfree(rstd), dfree(bias), dfree(fb);
    return {t_fused, t_unfused};
}

// A whole 340M decoding step as GlaBlock.step and GlaModel.stepEmbedded run it (24 layers of the five products
// and the GLA step, then the head; own weights per layer, fp32 activations, bf16 weights), recorded as one graph
// and replayed: the device's time per step without the host's part (embedding, logits download, sampling).
static void bench_step_graph(int64_t rows) {
    const int64_t L = 24, D = 1024, HK = 512, HV = 1024, F = 2816, VOCAB = 32000, H = 4, K = 128, V = 256;
    struct Layer {
        void *wq, *wk, *wv, *w0, *wg, *w1, *wo, *wgate, *wup, *wdown;
        float* state;
    };
    std::vector<Layer> layers(L);
    auto weights = [](int64_t out, int64_t in, uint64_t seed) {
        void* w = dalloc((size_t)(out * in) * 2);
        dinit(w, out * in, 1, seed);
        return w;
    };
    for (int64_t l = 0; l < L; l++) {
        Layer& y = layers[l];
        const uint64_t s = 1000 + 20 * l;
        y.wq = weights(HK, D, s), y.wk = weights(HK, D, s + 1), y.wv = weights(HV, D, s + 2);
        y.w0 = weights(16, D, s + 3), y.wg = weights(HV, D, s + 4), y.w1 = weights(HK, 16, s + 5);
        y.wo = weights(D, HV, s + 6), y.wgate = weights(F, D, s + 7), y.wup = weights(F, D, s + 8);
        y.wdown = weights(D, F, s + 9);
        y.state = (float*)dalloc(rows * H * K * V * 4);
        dinit(y.state, rows * H * K * V, 0, s + 10);
    }
    void* head = weights(VOCAB, D, 7);
    auto act = [&](int64_t width, uint64_t seed) {
        float* a = (float*)dalloc(rows * width * 4);
        dinit(a, rows * width, 0, seed);
        return a;
    };
    std::vector<float*> hidden;
    for (int64_t l = 0; l <= L; l++) hidden.push_back(act(D, 50 + l));
    float *q = act(HK, 90), *k = act(HK, 91), *v = act(HV, 92), *gk0 = act(16, 93), *gate = act(HV, 94);
    float *g = act(HK, 95), *o = act(HV, 96), *mid = act(D, 97), *mg = act(F, 98), *mu = act(F, 99);
    float *bias = act(HK, 100), *nw = act(D, 101), *onw = act(V, 102), *logits = act(VOCAB, 103);
    const gla_dims dd = test_dims(rows, 1, H, K, V, 0, GLA_DTYPE_F32, GLA_GATE_CHANNEL);
    auto dims = [&](int64_t in, int64_t norm_width, int32_t prologue, int32_t epilogue) {
        return gla_linear_dims{rows, in, norm_width, prologue, epilogue, GLA_DTYPE_BF16, 1e-6f, 16.0f, -INFINITY};
    };
    auto step = [&]() {
        for (int64_t l = 0; l < L; l++) {
            const Layer& y = layers[l];
            gla_linear_dims d = dims(D, D, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE);
            const gla_linear_output in[5] = {{y.wq, nullptr, nullptr, q, HK}, {y.wk, nullptr, nullptr, k, HK},
                                             {y.wv, nullptr, nullptr, v, HV}, {y.w0, nullptr, nullptr, gk0, 16},
                                             {y.wg, nullptr, nullptr, gate, HV}};
            CHECK_OK(gla_decode_linear(g_ctx, &d, hidden[l], nullptr, nw, in, 5));
            d = dims(16, 0, GLA_PROLOGUE_NONE, GLA_EPILOGUE_LOG_SIGMOID_GATE);
            const gla_linear_output gk = {y.w1, bias, nullptr, g, HK};
            CHECK_OK(gla_decode_linear(g_ctx, &d, gk0, nullptr, nullptr, &gk, 1));
            CHECK_OK(gla_decode_step(g_ctx, &dd, q, k, v, g, y.state, o));
            d = dims(HV, V, GLA_PROLOGUE_GATED_RMS_NORM, GLA_EPILOGUE_NONE);
            const gla_linear_output op = {y.wo, nullptr, hidden[l], mid, D};
            CHECK_OK(gla_decode_linear(g_ctx, &d, o, gate, onw, &op, 1));
            d = dims(D, D, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE);
            const gla_linear_output up[2] = {{y.wgate, nullptr, nullptr, mg, F}, {y.wup, nullptr, nullptr, mu, F}};
            CHECK_OK(gla_decode_linear(g_ctx, &d, mid, nullptr, nw, up, 2));
            d = dims(F, 0, GLA_PROLOGUE_SWIGLU, GLA_EPILOGUE_NONE);
            const gla_linear_output down = {y.wdown, nullptr, mid, hidden[l + 1], D};
            CHECK_OK(gla_decode_linear(g_ctx, &d, mg, mu, nullptr, &down, 1));
        }
        gla_linear_dims d = dims(D, D, GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE);
        const gla_linear_output out = {head, nullptr, nullptr, logits, VOCAB};
        CHECK_OK(gla_decode_linear(g_ctx, &d, hidden[L], nullptr, nw, &out, 1));
    };
    // a blocking stream of the context's: ordered with the legacy stream that time_stream records its events on
    cudaStream_t stream = nullptr;
    CHECK(cudaStreamCreate(&stream) == cudaSuccess, "cudaStreamCreate");
    CHECK_OK(gla_synchronize(g_ctx));
    CHECK_OK(gla_context_set_stream(g_ctx, stream));
    gla_graph* graph = nullptr;
    CHECK_OK(gla_graph_begin(g_ctx));
    step();
    CHECK_OK(gla_graph_end(g_ctx, &graph));
    const double ms = time_stream([&](int) { CHECK_OK(gla_graph_launch(g_ctx, graph)); }, 20);
    // one at a time, as a decoder runs it (it reads the logits before the next step): launch, wait, on host clocks
    std::vector<float> alone;
    for (int i = 0; i < 21; i++) {
        const auto t0 = std::chrono::steady_clock::now();
        CHECK_OK(gla_graph_launch(g_ctx, graph));
        CHECK_OK(gla_synchronize(g_ctx));
        const std::chrono::duration<float, std::milli> took = std::chrono::steady_clock::now() - t0;
        if (i > 0) alone.push_back(took.count());
    }
    const double alone_ms = median(alone);
    CHECK_OK(gla_graph_destroy(graph));
    const double streamed = time_stream([&](int) { step(); }, 4);
    double bytes = 2.0 * VOCAB * D;
    bytes += 2.0 * L * (D * (2 * HK + 2 * HV + 16 + 2 * F) + 16 * HK + HV * D + F * D);
    char shape[64];
    snprintf(shape, sizeof shape, "M%lld 24 layers + head", (long long)rows);
    printf("340M step as one graph, M%lld: %.3f ms (%.0f steps/s, weights at %.0f GB/s) back to back, %.3f ms one at a "
           "time (launch + synchronize); the same ops on the stream %.3f ms\n", (long long)rows, ms, 1e3 / ms,
           bytes / ms * 1e-6, alone_ms, streamed);
    row("gla4j.decode_linear", shape, "step_graph", ms, bytes / kBandwidth * 1e3);
    CHECK_OK(gla_synchronize(g_ctx));
    CHECK_OK(gla_context_set_stream(g_ctx, nullptr));
    cudaStreamDestroy(stream);
    for (Layer& y : layers) {
        for (void* p : {y.wq, y.wk, y.wv, y.w0, y.wg, y.w1, y.wo, y.wgate, y.wup, y.wdown}) dfree(p);
        dfree(y.state);
    }
    dfree(head);
    for (float* p : hidden) dfree(p);
    for (float* p : {q, k, v, gk0, gate, g, o, mid, mg, mu, bias, nw, onw, logits}) dfree(p);
}

// Every call of one 340M layer and the head at `rows` rows, then what a decoding step's products would take:
// 24 layers and the head, without the GLA step, the embedding and the host's part; then the whole step as a graph.
static void bench_decode_linear(int64_t rows) {
    const std::vector<LinearCase> layer = {
        {"attn_in", GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, 1024, 1024, {512, 512, 1024, 16, 1024}, false, false},
        {"gate", GLA_PROLOGUE_NONE, GLA_EPILOGUE_LOG_SIGMOID_GATE, 16, 0, {512}, true, false},
        {"o_proj", GLA_PROLOGUE_GATED_RMS_NORM, GLA_EPILOGUE_NONE, 1024, 256, {1024}, false, true},
        {"mlp_in", GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, 1024, 1024, {2816, 2816}, false, false},
        {"down", GLA_PROLOGUE_SWIGLU, GLA_EPILOGUE_NONE, 2816, 0, {1024}, false, true}};
    const LinearCase head = {"lm_head", GLA_PROLOGUE_RMS_NORM, GLA_EPILOGUE_NONE, 1024, 1024, {32000}, false, false};
    double fused = 0, unfused = 0;
    for (const LinearCase& c : layer) {
        const auto t = bench_linear_case(c, rows);
        fused += t.first, unfused += t.second;
    }
    const auto h = bench_linear_case(head, rows);
    const double step_fused = 24 * fused + h.first, step_unfused = 24 * unfused + h.second;
    printf("340M step, products only (24 layers + head): fused %.3f ms (%.0f steps/s), layer ops %.3f ms (%.0f "
           "steps/s)\n", step_fused, 1e3 / step_fused, step_unfused, 1e3 / step_unfused);
    bench_step_graph(rows);
}

// The norms of a bf16 training step at rows x width, timed against their bytes (the inputs are larger than L2).
static void bench_norms(int64_t rows, int64_t width) {
    const int64_t n = rows * width;
    float *x = (float*)dalloc(n * 4), *dy = (float*)dalloc(n * 4), *dx = (float*)dalloc(n * 4);
    void *y = dalloc(n * 2), *o = dalloc(n * 2), *gate = dalloc(n * 2), *dxb = dalloc(n * 2), *dzb = dalloc(n * 2);
    float *w = (float*)dalloc(width * 4), *dw = (float*)dalloc(width * 4), *rstd = (float*)dalloc(rows * 4);
    dinit(x, n, 0, 1), dinit(dy, n, 0, 2), dinit(dx, n, 0, 3), dinit(o, n, 1, 4), dinit(gate, n, 1, 5);
    dinit(w, width, 0, 6), dinit(dw, width, 0, 7);
    std::vector<Set> one(1);
    char shape[64];
    snprintf(shape, sizeof shape, "%lld x %lld", (long long)rows, (long long)width);
    auto report = [&](const char* mode, double bytes, auto call) {
        row("gla4j.norms", shape, mode, time_it(one, [&](Set&) { CHECK_OK(call()); }), bytes / kBandwidth * 1e3);
    };
    const double nd = (double)n;
    report("rms_fwd", nd * (4 + 2), [&] { return gla_rms_norm_fwd(g_ctx, rows, width, x, w, 1e-6f, y, GLA_DTYPE_BF16, rstd); });
    report("rms_bwd", nd * (4 + 4 + 4 + 4), [&] {
        return gla_rms_norm_bwd(g_ctx, rows, width, dy, x, w, rstd, dx, 1, dw);
    });
    report("gated_fwd", nd * (2 + 2 + 2), [&] {
        return gla_gated_rms_norm_fwd(g_ctx, rows, width, o, gate, GLA_DTYPE_BF16, w, 1e-6f, y, GLA_DTYPE_BF16, rstd);
    });
    report("gated_bwd", nd * (4 + 2 + 2 + 2 + 2), [&] {
        return gla_gated_rms_norm_bwd(g_ctx, rows, width, dy, o, gate, GLA_DTYPE_BF16, w, rstd, dxb, dzb,
                                      GLA_DTYPE_BF16, dw);
    });
    for (void* p : {(void*)x, (void*)dy, (void*)dx, y, o, gate, dxb, dzb, (void*)w, (void*)dw, (void*)rstd}) dfree(p);
}

// One call of each chunk op at one shape (bf16; channel gates, or none), for a profiler (ncu) to look at.
static void profile(int64_t B, int64_t T, int64_t H, int64_t K, int64_t V, int32_t gate) {
    const int64_t nqk = B * T * H * K, nv = B * T * H * V;
    std::vector<Set> sets(1);
    Set& s = sets[0];
    s.q = dalloc(nqk * 2), s.k = dalloc(nqk * 2), s.v = dalloc(nv * 2), s.dout = dalloc(nv * 2);
    s.g = (float*)dalloc(nqk * 4), s.o = dalloc(nv * 2), s.dq = dalloc(nqk * 2), s.dk = dalloc(nqk * 2);
    s.dv = dalloc(nv * 2), s.dg = (float*)dalloc(nqk * 4);
    dinit(s.q, nqk, 1, 1), dinit(s.k, nqk, 1, 2), dinit(s.v, nv, 1, 3), dinit(s.dout, nv, 1, 4), dinit(s.g, nqk, 0, 5, 1);
    gla_dims d = test_dims(B, T, H, K, V, 0, GLA_DTYPE_BF16, gate);
    float* g = gate == GLA_GATE_CHANNEL ? s.g : nullptr;
    float* dg = gate == GLA_GATE_CHANNEL ? s.dg : nullptr;
    int64_t wb = 0, wf = 0;
    d.algorithm = GLA_ALGORITHM_NON_MATERIALIZE;
    CHECK_OK(gla_workspace_size(g_ctx, GLA_OP_CHUNK_FWD, &d, &wf));
    d.algorithm = GLA_ALGORITHM_AUTO;
    CHECK_OK(gla_workspace_size(g_ctx, GLA_OP_CHUNK_BWD, &d, &wb));
    wb = std::max(wb, wf);
    void* ws = dalloc(wb);
    d.algorithm = GLA_ALGORITHM_NON_MATERIALIZE;
    CHECK_OK(gla_chunk_fwd(g_ctx, &d, s.q, s.k, s.v, g, nullptr, nullptr, s.o, nullptr, ws, wb));
    d.algorithm = GLA_ALGORITHM_MATERIALIZE;
    CHECK_OK(gla_chunk_fwd(g_ctx, &d, s.q, s.k, s.v, g, nullptr, nullptr, s.o, nullptr, ws, wb));
    CHECK_OK(gla_chunk_bwd(g_ctx, &d, s.q, s.k, s.v, g, nullptr, nullptr, s.dout, nullptr, s.dq, s.dk, s.dv, dg,
                           nullptr, ws, wb));
    CHECK_OK(gla_synchronize(g_ctx));
    dfree(ws);
    for (void* p : {s.q, s.k, s.v, s.dout, s.o, s.dq, s.dk, s.dv}) dfree(p);
    dfree(s.g), dfree(s.dg);
}

int main(int argc, char** argv) {
    const std::string mode = argc > 1 ? argv[1] : "";
    CHECK_OK(gla_context_create(GLA_BACKEND_CUDA, 0, &g_ctx));
    if (!g_ctx) return test_finish("gla_cuda_lab");
    gla_device_info info;
    CHECK_OK(gla_device_info_get(GLA_BACKEND_CUDA, 0, &info));
    printf("device: %s, %d SMs\n", info.name, info.multiprocessors);
    if (mode == "check" || mode == "quick") {
        run_grid(mode == "quick");
        run_decode();
        printf("check (worst rel RMS by input dtype): chunk %lld cases (f32 %.3g, bf16 %.3g); recurrent %lld (f32 %.3g, bf16 %.3g); "
               "decode %lld (f32 %.3g, bf16 %.3g)\n", (long long)worst_chunk.cases, worst_chunk.e[0], worst_chunk.e[1],
               (long long)worst_rec.cases, worst_rec.e[0], worst_rec.e[1], (long long)worst_dec.cases, worst_dec.e[0],
               worst_dec.e[1]);
    } else if (mode == "profile") {
        const int32_t gate = argc == 8 && std::string(argv[7]) == "none" ? GLA_GATE_NONE : GLA_GATE_CHANNEL;
        if (argc >= 7) profile(atoll(argv[2]), atoll(argv[3]), atoll(argv[4]), atoll(argv[5]), atoll(argv[6]), gate);
        else profile(16, 2048, 16, 128, 128, GLA_GATE_CHANNEL);
    } else if (mode == "bench") {
        if (argc > 2) {
            g_json = fopen(argv[2], "w");
            if (g_json) fprintf(g_json, "{\"device\": \"%s\", \"rows\": [\n", info.name);
        }
        const int64_t grid[][5] = {{32, 1024, 16, 128, 128}, {16, 2048, 16, 128, 128}, {8, 4096, 16, 128, 128},
                                   {4, 8192, 16, 128, 128},  {2, 16384, 16, 128, 128}, {16, 2048, 4, 128, 256},
                                   {8, 2048, 4, 256, 512}};
        for (auto& s : grid) bench_chunk(s[0], s[1], s[2], s[3], s[4]);
        bench_decode(1, 4, 256, 512);
        bench_decode(64, 4, 256, 512);
        if (g_json) {
            fprintf(g_json, "\n]}\n");
            fclose(g_json);
        }
    } else if (mode == "norms") {
        if (argc > 4) {
            g_json = fopen(argv[4], "w");
            if (g_json) fprintf(g_json, "{\"device\": \"%s\", \"rows\": [\n", info.name);
        }
        bench_norms(argc > 3 ? atoll(argv[2]) : 16384, argc > 3 ? atoll(argv[3]) : 2048);
        if (g_json) {
            fprintf(g_json, "\n]}\n");
            fclose(g_json);
        }
    } else if (mode == "decode_linear") {
        if (argc > 3) {
            g_json = fopen(argv[3], "w");
            if (g_json) fprintf(g_json, "{\"device\": \"%s\", \"rows\": [\n", info.name);
        }
        bench_decode_linear(argc > 2 ? atoll(argv[2]) : 1);
        if (g_json) {
            fprintf(g_json, "\n]}\n");
            fclose(g_json);
        }
    } else {
        CHECK(0, "usage: gla_cuda_lab check|quick|profile [B T H K V [channel|none]]|bench [out.json]|decode_linear [rows [out.json]]|"
              "norms [rows width [out.json]] (got '%s')",
              mode.c_str());
    }
    CHECK_OK(gla_context_destroy(g_ctx));
    return test_finish("gla_cuda_lab");
}

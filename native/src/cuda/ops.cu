/*
 * ops.cu — the cuda backend's ops (cuda_backend.h): workspace sizes, and each gla.h op as a sequence of kernel
 * stages (chunk_stages.h) on the context's stream. Arguments arrive validated by gla.c.
 *
 *   chunk_fwd   non-materializing: chunk_fwd_o (states on chip, sequential over chunks);
 *               materializing: chunk_fwd_state (per-chunk states written), then chunk_fwd_o with every chunk
 *               in parallel.
 *               AUTO takes the non-materializing form when (sequences x heads x value tiles) covers at least
 *               half of the multiprocessors, else the materializing one: on the H200 the non-materializing
 *               form was faster from 128 such blocks up, the materializing one at 64 (docs/BENCHMARKS.md).
 *   chunk_bwd   states recomputed (chunk_fwd_state forward), state gradients (chunk_fwd_state reverse),
 *               chunk_bwd_dqkv, then chunk_bwd_dg (anchored on the states at every chunk start).
 *   recurrent_* and decode_step: the sweeps of recurrent_sweep.cuh (+ chunk_bwd_dg for dg).
 * Key dims above 256 (and fp32 above 128 for the chunk kernels, whose tiles would not fit in shared memory)
 * are served by the recurrent sweeps or reported as GLA_ERROR_UNSUPPORTED.
 * Workspace: varlen tables, then the per-chunk buffers of the stages, each 256-byte aligned; with workspace
 * NULL the op allocates it stream-ordered (cudaMallocAsync) and frees it after its last kernel.
 * Tested through gla.h by the kernel lab: native/bench/cuda (lab check).
 */
#include "chunk_stages.h"
#include "cuda_common.cuh"

#include <vector>

using namespace gla;

namespace {

struct Problem {
    int64_t B, T, H, K, V;
    int64_t N;        // sequences
    int64_t tokens;   // B * T
    int64_t nc_max;   // chunk count bound (exact for fixed length)
    bool varlen;
    bool gated;
    int dtype, gate;
    size_t es;        // element size of q, k, v, o
};

Problem make_problem(const gla_dims* d) {
    Problem p;
    p.B = d->batch, p.T = d->seq_len, p.H = d->heads, p.K = d->key_dim, p.V = d->value_dim;
    p.varlen = d->num_seqs > 0;
    p.N = p.varlen ? d->num_seqs : p.B;
    p.tokens = p.B * p.T;
    p.nc_max = p.varlen ? (p.T + kChunk - 1) / kChunk + p.N : p.B * ((p.T + kChunk - 1) / kChunk);
    p.dtype = d->dtype, p.gate = d->gate;
    p.gated = d->gate != GLA_GATE_NONE;
    p.es = d->dtype == GLA_DTYPE_BF16 ? 2 : 4;
    return p;
}

// Bump allocation of the workspace; with base == nullptr it only measures.
struct Carve {
    char* base;
    size_t off = 0;
    explicit Carve(void* b) : base(static_cast<char*>(b)) {}
    template <class P> P* take(int64_t count) {
        off = (off + 255) & ~(size_t)255;
        P* ptr = base ? reinterpret_cast<P*>(base + off) : nullptr;
        off += (size_t)count * sizeof(P);
        return ptr;
    }
};

struct Tables {
    int64_t* cu = nullptr;
    int32_t* chunk_seq = nullptr;
    int32_t* chunk_off = nullptr;
};

Tables carve_tables(Carve& c, const Problem& p) {
    Tables t;
    if (p.varlen) {
        t.cu = c.take<int64_t>(p.N + 1);
        t.chunk_seq = c.take<int32_t>(p.nc_max);
        t.chunk_off = c.take<int32_t>(p.N + 1);
    }
    return t;
}

enum class Path { Recurrent, ChunkNonMat, ChunkMat };

// The blocks of the state pass: keys per block 64 when blocks of whole states would be fewer than the SMs (long
// sequences with few heads: each block walks every chunk of its sequence, so blocks are the parallelism), else at
// most 128 (a 256-key state holds a block to one per SM; H200, B8 T2048 H4 K256 V512 bf16: slices of 128 take the
// gated backward from 3.48 to 3.18 ms and the materializing forward from 1.28 to 1.13), else all of them; value
// columns per block 64, or 32 when even then the blocks are fewer than the SMs and the sequences long (4096 tokens
// or more on average: each block's walk over them is a latency-bound chain, so twice the chains run at once; gated,
// the blocks of a chunk share the gate pass's work, so narrower tiles cost little).
void state_tiling(const gla_context* ctx, const Problem& p, StateParams& st) {
    const int64_t sms = gla_cuda_multiprocessors(ctx), tiles64 = p.N * p.H * ((p.V + 63) / 64);
    st.key_slice = p.K > 64 && tiles64 < sms ? 64 : p.K > 128 ? 128 : (int)p.K;
    const bool long_seqs = p.tokens >= 4096 * p.N;
    st.value_tile = long_seqs && tiles64 * ((p.K + st.key_slice - 1) / st.key_slice) < sms ? 32 : 64;
}

// Ungated bf16 forwards of few, long sequences of one length: the non-materializing kernel with each sequence in
// S equal segments (whole chunks), each a block row of its own, entered with the state the segments before it sum
// to (launch_segment_states), those sums taken in `parts` pieces a segment at once. Only where the whole sequences
// give fewer blocks than two per SM; S doubles while the blocks stay within one per SM for the warpgroup kernel,
// which holds an SM alone (H200, B2 T16384 H16 K=V=128: 0.220 ms in two segments of four parts), or while they do
// not fill the SMs once for the two-stage kernel, two blocks per SM (0.594 ms materializing, 0.731 whole, 0.411 in
// four segments; B4 T8192 stays whole: 0.371, against 0.412 in two segments); the parts double while the sums pass
// keeps within two blocks per SM. {1, 1}: not split.
struct NmSplit {
    int64_t S = 1, parts = 1;
};
NmSplit nm_split(const gla_context* ctx, const Problem& p) {
    NmSplit r;
    if (p.gated || p.dtype != GLA_DTYPE_BF16 || p.K > 128 || p.varlen || p.T == 0) return r;
    const int bv = nm_bv(key_tile(p.K), false);
    const int64_t blocks = p.N * p.H * ((p.V + bv - 1) / bv), sms = gla_cuda_multiprocessors(ctx);
    if (blocks == 0 || 2 * blocks >= sms) return r;
    const bool wg = fwd_wg_shape((int)p.K, (int)p.V);
    while ((wg ? 2 * blocks * r.S <= sms : blocks * r.S < sms) && p.T % (2 * r.S * kChunk) == 0) r.S *= 2;
    const int64_t sum_blocks = blocks * (r.S - 1);
    while (r.S > 1 && sum_blocks * r.parts <= sms && (p.T / r.S) % (2 * r.parts * kChunk) == 0) r.parts *= 2;
    return r;
}

Path fwd_path(const gla_context* ctx, const Problem& p, int32_t algorithm) {
    if (!chunk_supported(p.K, p.dtype)) return Path::Recurrent;
    if (algorithm == GLA_ALGORITHM_MATERIALIZE) return Path::ChunkMat;
    if (algorithm == GLA_ALGORITHM_NON_MATERIALIZE) return Path::ChunkNonMat;
    // Keys over 128: the state pass in key slices and the pipelined output pass beat keeping 256-key states on
    // chip in mma.sync kernels (H200, B8 T2048 H4 K256 V512, 14:34-14:41 UTC in three calls: gated 0.58 vs
    // 1.20-1.22 ms, ungated 0.420-0.425 vs 0.435-0.448); the ungated warpgroup kernel is taken as for 128 keys.
    if (p.K > 128 && (p.gated || p.dtype != GLA_DTYPE_BF16 || !fwd_wg_shape((int)p.K, (int)p.V)))
        return Path::ChunkMat;
    if (nm_split(ctx, p).S > 1) return Path::ChunkNonMat;
    const int bv = nm_bv(key_tile(p.K), p.gated);
    const int64_t blocks = p.N * p.H * ((p.V + bv - 1) / bv);
    return 2 * blocks >= (int64_t)gla_cuda_multiprocessors(ctx) ? Path::ChunkNonMat : Path::ChunkMat;
}

// The dg pipeline's scratch (chunk and recurrent backward).
struct DgScratch {
    float* anchors = nullptr; // [NC,H,K] dg at each chunk's first token
    float* dgc = nullptr;     // [tokens,H,K] per-channel terms of a per-head gate
    float* dh0 = nullptr;     // chunk: [N,H,K,V] dh0 when the caller does not ask for it
    float* ckpt = nullptr;    // recurrent: [NC,H,K,V] the state entering each chunk
    float* anchor_parts = nullptr; // chunk, bf16, K and V multiples of 64: [NC,H,V/64,K] the anchors in parts
                                   // (chunk_states_anchor)
};

DgScratch carve_dg(Carve& c, const Problem& p, bool recurrent) {
    DgScratch s;
    if (!p.gated) return s;
    s.anchors = c.take<float>(p.nc_max * p.H * p.K);
    if (p.gate == GLA_GATE_HEAD) s.dgc = c.take<float>(p.tokens * p.H * p.K);
    if (recurrent) s.ckpt = c.take<float>(p.nc_max * p.H * p.K * p.V);
    else s.dh0 = c.take<float>(p.N * p.H * p.K * p.V);
    if (!recurrent && p.dtype == GLA_DTYPE_BF16 && p.K % 64 == 0 && p.V % 64 == 0)
        s.anchor_parts = c.take<float>(p.nc_max * p.H * (p.V / 64) * p.K);
    return s;
}

struct ChunkBufs {
    void* states = nullptr;
    void* dstates = nullptr;
    void* xt = nullptr;          // gated: the state pass's rescaled rows and decays (StateParams)
    void* xt_rev = nullptr;      // gated backward: the reverse pass's rows (launch_bwd_state_gates)
    float* decay = nullptr;
    float* segments = nullptr;   // split non-materializing forward: [N * S, H, K, V] entering states, then the
                                 // [N * S * parts, H, K, V] sums (nm_split)
};

// The gate pass's scratch of a gated state pass; the backward's two passes take their rows from one gate pass.
void carve_state_gates(Carve& c, const Problem& p, ChunkBufs& b, bool backward) {
    if (!p.gated) return;
    b.xt = c.take<char>(p.tokens * p.H * p.K * (int64_t)p.es);
    if (backward) b.xt_rev = c.take<char>(p.tokens * p.H * p.K * (int64_t)p.es);
    b.decay = c.take<float>(p.nc_max * p.H * p.K);
}

// Lays out the workspace of one op (measuring when base is nullptr).
struct Layout {
    Tables tables;
    ChunkBufs chunk;
    DgScratch dg;
    size_t bytes = 0;
};

Layout layout(const gla_context* ctx, int32_t op, const Problem& p, int32_t algorithm, void* base) {
    Carve c(base);
    Layout l;
    const int64_t states = p.nc_max * p.H * p.K * p.V;
    switch (op) {
    case GLA_OP_CHUNK_FWD:
        l.tables = carve_tables(c, p);
        if (fwd_path(ctx, p, algorithm) == Path::ChunkMat) {
            l.chunk.states = c.take<char>(states * (int64_t)p.es);
            carve_state_gates(c, p, l.chunk, false);
        } else if (const NmSplit sp = nm_split(ctx, p); sp.S > 1) {
            l.chunk.segments = c.take<float>(p.N * sp.S * (1 + sp.parts) * p.H * p.K * p.V);
        }
        break;
    case GLA_OP_CHUNK_BWD:
        l.tables = carve_tables(c, p);
        if (chunk_supported(p.K, p.dtype)) {
            l.chunk.states = c.take<char>(states * (int64_t)p.es);
            l.chunk.dstates = c.take<char>(states * (int64_t)p.es);
            carve_state_gates(c, p, l.chunk, true);
        }
        l.dg = carve_dg(c, p, !chunk_supported(p.K, p.dtype));
        break;
    case GLA_OP_RECURRENT_FWD: l.tables = carve_tables(c, p); break;
    case GLA_OP_RECURRENT_BWD:
        l.tables = carve_tables(c, p);
        l.dg = carve_dg(c, p, true);
        break;
    default: break;
    }
    l.bytes = c.off;
    return l;
}

// Fills the varlen tables (host side) and copies them into the workspace; sets up seqs either way.
gla_status prepare_seqs(const char* fn, const Problem& p, const int64_t* cu_host, const Tables& t,
                        cudaStream_t stream, Seqs& seqs) {
    seqs = Seqs{};
    seqs.N = (int)p.N;
    if (!p.varlen) {
        seqs.T = p.T;
        seqs.NT = (int)((p.T + kChunk - 1) / kChunk);
        seqs.NC = (int)(p.B * seqs.NT);
        return GLA_OK;
    }
    // One host image of the three tables, at the same offsets as in the workspace.
    const size_t off_seq = (size_t)((char*)t.chunk_seq - (char*)t.cu);
    const size_t off_off = (size_t)((char*)t.chunk_off - (char*)t.cu);
    const size_t total = off_off + (size_t)(p.N + 1) * sizeof(int32_t);
    std::vector<char> img(total);
    int64_t* cu = reinterpret_cast<int64_t*>(img.data());
    int32_t* chunk_seq = reinterpret_cast<int32_t*>(img.data() + off_seq);
    int32_t* chunk_off = reinterpret_cast<int32_t*>(img.data() + off_off);
    int64_t nc = 0;
    for (int64_t n = 0; n < p.N; n++) {
        cu[n] = cu_host[n];
        chunk_off[n] = (int32_t)nc;
        const int64_t chunks = (cu_host[n + 1] - cu_host[n] + kChunk - 1) / kChunk;
        for (int64_t i = 0; i < chunks; i++) chunk_seq[nc++] = (int32_t)n;
    }
    cu[p.N] = cu_host[p.N];
    chunk_off[p.N] = (int32_t)nc;
    gla_status s = gla_cuda_error(fn, cudaMemcpyAsync(t.cu, img.data(), total, cudaMemcpyHostToDevice, stream),
                                  "cudaMemcpyAsync (varlen tables)");
    if (s != GLA_OK) return s;
    seqs.cu = t.cu;
    seqs.chunk_seq = t.chunk_seq;
    seqs.chunk_off = t.chunk_off;
    seqs.NC = (int)nc;
    return GLA_OK;
}

// Grid dimensions y and z carry heads and sequences; chunk counts are int32.
gla_status check_limits(const char* fn, const Problem& p) {
    if (p.H > 65535 || p.N > 65535)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: the cuda backend takes at most 65535 heads and sequences "
                         "(heads %lld, sequences %lld)", fn, (long long)p.H, (long long)p.N);
    if (p.nc_max > INT32_MAX)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: too many chunks for the cuda backend (%lld)", fn,
                         (long long)p.nc_max);
    return GLA_OK;
}

gla_status check_recurrent(const char* fn, const Problem& p, bool backward) {
    if (p.K > kMaxKeyDim)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: the cuda backend takes key_dim <= %d, got %lld", fn, kMaxKeyDim,
                         (long long)p.K);
    if (backward && p.V > kMaxRecurrentValueDim)
        return gla_error(GLA_ERROR_UNSUPPORTED, "%s: the cuda recurrent backward takes value_dim <= %d, got %lld", fn,
                         kMaxRecurrentValueDim, (long long)p.V);
    return GLA_OK;
}

#define LAUNCH(call, what)                                                                                        \
    do {                                                                                                          \
        cudaError_t e_ = (call);                                                                                  \
        if (e_ != cudaSuccess) return gla_cuda_error(fn, e_, what);                                               \
    } while (0)

// Scratch for one op call: the caller's workspace, or a stream-ordered allocation freed when the call ends.
struct Scratch {
    void* ptr = nullptr;
    bool owned = false;
    cudaStream_t stream = nullptr;
    ~Scratch() {
        if (owned && ptr) (void)cudaFreeAsync(ptr, stream);
    }
    gla_status acquire(const char* fn, void* ws, size_t bytes, cudaStream_t s) {
        stream = s;
        if (ws != nullptr || bytes == 0) {
            ptr = ws;
            return GLA_OK;
        }
        owned = true;
        return gla_cuda_error(fn, cudaMallocAsync(&ptr, bytes, s), "cudaMallocAsync (workspace)");
    }
};

// dg from the terms q*dq - k*dk already in dg (or s.dgc for a per-head gate) and the chunk anchors: from the
// chunk states (chunk != nullptr; or their parts, where the reverse state pass made them: parts) or already
// written by the recurrent dk sweep.
DgParams dg_params(const Problem& p, const Seqs& seqs, const DgScratch& s, float* dg, const ChunkBufs* chunk,
                   const float* dh0, bool parts) {
    DgParams d{};
    d.dg = dg;
    d.dgc = p.gate == GLA_GATE_HEAD ? s.dgc : nullptr;
    d.anchors = s.anchors;
    d.states = chunk ? chunk->states : nullptr;
    d.dstates = chunk ? chunk->dstates : nullptr;
    d.dh0 = dh0;
    d.anchor_parts = parts ? s.anchor_parts : nullptr;
    d.parts = (int)(p.V / 64);
    d.dtype = p.dtype;
    d.seqs = seqs;
    d.tokens = p.tokens;
    d.H = (int)p.H, d.K = (int)p.K, d.V = (int)p.V;
    d.Kg = p.gate == GLA_GATE_HEAD ? 1 : (int)p.K;
    return d;
}

gla_status dg_pipeline(const char* fn, const Problem& p, const Seqs& seqs, const DgScratch& s, float* dg,
                       const ChunkBufs* chunk, const float* dh0, bool parts, cudaStream_t stream) {
    const DgParams d = dg_params(p, seqs, s, dg, chunk, dh0, parts);
    LAUNCH(launch_chunk_bwd_dg(d, stream), "chunk_bwd_dg kernels");
    return GLA_OK;
}

RecParams rec_params(const gla_dims* d, const Problem& p, const Seqs& seqs) {
    RecParams r{};
    r.seqs = seqs;
    r.H = (int)p.H, r.K = (int)p.K, r.V = (int)p.V;
    r.scale = d->scale;
    r.head_gate = p.gate == GLA_GATE_HEAD;
    return r;
}

gla_status recurrent_fwd(const char* fn, gla_context* ctx, const gla_dims* d, const gla_fwd_args* a) {
    const Problem p = make_problem(d);
    gla_status s;
    if ((s = check_limits(fn, p)) != GLA_OK || (s = check_recurrent(fn, p, false)) != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(ctx);
    const Layout need = layout(ctx, GLA_OP_RECURRENT_FWD, p, d->algorithm, nullptr);
    Scratch scratch;
    if ((s = scratch.acquire(fn, a->workspace, need.bytes, stream)) != GLA_OK) return s;
    const Layout l = layout(ctx, GLA_OP_RECURRENT_FWD, p, d->algorithm, scratch.ptr);
    Seqs seqs;
    if ((s = prepare_seqs(fn, p, a->cu_seqlens, l.tables, stream, seqs)) != GLA_OK) return s;
    RecParams r = rec_params(d, p, seqs);
    r.q = a->q, r.k = a->k, r.v = a->v, r.g = a->g;
    r.init = a->h0, r.final_state = a->ht, r.out = a->o;
    LAUNCH(launch_recurrent_fwd(r, p.dtype, stream), "recurrent_fwd kernel");
    return GLA_OK;
}

gla_status recurrent_bwd(const char* fn, gla_context* ctx, const gla_dims* d, const gla_bwd_args* a) {
    const Problem p = make_problem(d);
    gla_status s;
    if ((s = check_limits(fn, p)) != GLA_OK || (s = check_recurrent(fn, p, true)) != GLA_OK) return s;
    const cudaStream_t stream = gla_cuda_stream(ctx);
    const Layout need = layout(ctx, GLA_OP_RECURRENT_BWD, p, d->algorithm, nullptr);
    Scratch scratch;
    if ((s = scratch.acquire(fn, a->workspace, need.bytes, stream)) != GLA_OK) return s;
    const Layout l = layout(ctx, GLA_OP_RECURRENT_BWD, p, d->algorithm, scratch.ptr);
    Seqs seqs;
    if ((s = prepare_seqs(fn, p, a->cu_seqlens, l.tables, stream, seqs)) != GLA_OK) return s;
    float* dgc = p.gate == GLA_GATE_CHANNEL ? a->dg : l.dg.dgc;
    RecParams r = rec_params(d, p, seqs);
    r.q = a->q, r.k = a->k, r.v = a->v, r.g = a->g, r.dout = a->dout;
    r.init = a->h0, r.final_state = nullptr, r.out = a->dq, r.dgc = dgc, r.ckpt = l.dg.ckpt;
    LAUNCH(launch_recurrent_bwd(r, kRecDq, p.dtype, stream), "recurrent_bwd dq sweep");
    r.init = a->dht, r.final_state = a->dh0, r.out = a->dk, r.anchors = l.dg.anchors;
    LAUNCH(launch_recurrent_bwd(r, kRecDk, p.dtype, stream), "recurrent_bwd dk sweep");
    r.final_state = nullptr, r.out = a->dv, r.dgc = nullptr, r.ckpt = nullptr;
    LAUNCH(launch_recurrent_bwd(r, kRecDv, p.dtype, stream), "recurrent_bwd dv sweep");
    if (p.gated) return dg_pipeline(fn, p, seqs, l.dg, a->dg, nullptr, nullptr, false, stream);
    return GLA_OK;
}

} // namespace

gla_status gla_cuda_workspace_size(const gla_context* context, int32_t op, const gla_dims* dims, int64_t* bytes) {
    const Problem p = make_problem(dims);
    int32_t layout_op = op;
    // Chunk ops that the chunk kernels cannot take run the recurrent sweeps.
    if (op == GLA_OP_CHUNK_FWD && !chunk_supported(p.K, p.dtype)) layout_op = GLA_OP_RECURRENT_FWD;
    if (op == GLA_OP_CHUNK_BWD && !chunk_supported(p.K, p.dtype)) layout_op = GLA_OP_RECURRENT_BWD;
    *bytes = (int64_t)layout(context, layout_op, p, dims->algorithm, nullptr).bytes;
    return GLA_OK;
}

gla_status gla_cuda_chunk_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* a) {
    static const char fn[] = "gla_chunk_fwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const Problem p = make_problem(dims);
    if ((s = check_limits(fn, p)) != GLA_OK) return s;
    const Path path = fwd_path(context, p, dims->algorithm);
    if (path == Path::Recurrent) return recurrent_fwd(fn, context, dims, a);
    const cudaStream_t stream = gla_cuda_stream(context);
    const Layout need = layout(context, GLA_OP_CHUNK_FWD, p, dims->algorithm, nullptr);
    Scratch scratch;
    if ((s = scratch.acquire(fn, a->workspace, need.bytes, stream)) != GLA_OK) return s;
    const Layout l = layout(context, GLA_OP_CHUNK_FWD, p, dims->algorithm, scratch.ptr);
    Seqs seqs;
    if ((s = prepare_seqs(fn, p, a->cu_seqlens, l.tables, stream, seqs)) != GLA_OK) return s;

    FwdOParams f{};
    f.q = a->q, f.k = a->k, f.v = a->v, f.g = a->g, f.o = a->o;
    f.seqs = seqs;
    f.H = (int)p.H, f.K = (int)p.K, f.V = (int)p.V;
    f.scale = dims->scale;
    f.head_gate = p.gate == GLA_GATE_HEAD;
    if (path == Path::ChunkNonMat) {
        f.h0 = a->h0, f.ht = a->ht;
        if (const NmSplit sp = nm_split(context, p); sp.S > 1) { // fixed length: segment n is tokens [n T/S, ..)
            f.seqs.T = p.T / sp.S, f.seqs.N = (int)(p.N * sp.S), f.seqs.NT = (int)(f.seqs.T / kChunk);
            f.segments = (int)sp.S;
            LAUNCH(launch_segment_states(f, l.chunk.segments, (int)sp.parts, stream), "segment_states kernels");
            f.h0 = l.chunk.segments;
        }
        LAUNCH(launch_chunk_fwd_o(f, p.dtype, p.gated, false, stream), "chunk_fwd_o kernel (non-materializing)");
        return GLA_OK;
    }
    StateParams st{};
    st.x = a->k, st.y = a->v, st.g = a->g, st.init = a->h0;
    st.states = l.chunk.states, st.final_state = a->ht;
    st.seqs = seqs;
    st.H = f.H, st.K = f.K, st.V = f.V;
    state_tiling(context, p, st);
    st.xscale = 1.f;
    st.head_gate = f.head_gate;
    st.xt = l.chunk.xt, st.decay = l.chunk.decay;
    LAUNCH(launch_chunk_states(st, p.dtype, p.gated, false, stream), "chunk_fwd_state kernel");
    f.states = l.chunk.states;
    LAUNCH(launch_chunk_fwd_o(f, p.dtype, p.gated, true, stream), "chunk_fwd_o kernel (materializing)");
    return GLA_OK;
}

gla_status gla_cuda_chunk_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* a) {
    static const char fn[] = "gla_chunk_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const Problem p = make_problem(dims);
    if ((s = check_limits(fn, p)) != GLA_OK) return s;
    if (!chunk_supported(p.K, p.dtype)) return recurrent_bwd(fn, context, dims, a);
    const cudaStream_t stream = gla_cuda_stream(context);
    const Layout need = layout(context, GLA_OP_CHUNK_BWD, p, dims->algorithm, nullptr);
    Scratch scratch;
    if ((s = scratch.acquire(fn, a->workspace, need.bytes, stream)) != GLA_OK) return s;
    const Layout l = layout(context, GLA_OP_CHUNK_BWD, p, dims->algorithm, scratch.ptr);
    Seqs seqs;
    if ((s = prepare_seqs(fn, p, a->cu_seqlens, l.tables, stream, seqs)) != GLA_OK) return s;
    const int H = (int)p.H, K = (int)p.K, V = (int)p.V;
    const bool head_gate = p.gate == GLA_GATE_HEAD;

    // States entering each chunk.
    StateParams st{};
    st.x = a->k, st.y = a->v, st.g = a->g, st.init = a->h0;
    st.states = l.chunk.states, st.final_state = nullptr;
    st.seqs = seqs;
    st.H = H, st.K = K, st.V = V;
    state_tiling(context, p, st);
    st.xscale = 1.f;
    st.head_gate = head_gate;
    st.xt = l.chunk.xt, st.decay = l.chunk.decay;
    // Gradients of the states leaving each chunk, and dh0 (which also anchors dg's first chunk); gated, on warpgroup
    // MMAs, dg's anchors in parts too.
    StateParams rs = st;
    float* dh0 = a->dh0 ? a->dh0 : (p.gated && a->h0) ? l.dg.dh0 : nullptr;
    rs.x = a->q, rs.y = a->dout, rs.init = a->dht, rs.xscale = dims->scale;
    rs.states = l.chunk.dstates, rs.final_state = dh0;
    rs.xt = l.chunk.xt_rev;
    const bool parts = p.gated && l.dg.anchor_parts && chunk_states_anchor(rs, p.dtype);
    rs.entering = parts ? l.chunk.states : nullptr;
    rs.anchor_parts = parts ? l.dg.anchor_parts : nullptr;
    if (p.gated) {
        LAUNCH(launch_bwd_state_gates(st, rs, p.dtype, stream), "chunk_state_gates kernel");
        st.gates_done = rs.gates_done = 1;
    }
    LAUNCH(launch_chunk_states(st, p.dtype, p.gated, false, stream), "chunk_fwd_state kernel");
    LAUNCH(launch_chunk_states(rs, p.dtype, p.gated, true, stream), "chunk_fwd_state kernel (reverse)");

    // Channel gates: dg's anchors first, so that chunk_bwd_dqkv finishes dg in place of the local pass.
    const int key_slice = chunk_bwd_dqkv_key_slice(p.dtype, p.K);
    const bool fuse_dg = p.gated && !head_gate && chunk_bwd_dqkv_fuses_dg(p.dtype, key_slice);
    float* dh0_anchor = a->h0 ? dh0 : nullptr;
    if (fuse_dg) {
        DgParams d = dg_params(p, seqs, l.dg, a->dg, &l.chunk, dh0_anchor, parts);
        LAUNCH(launch_chunk_bwd_dg_anchors(d, stream), "chunk_bwd_dg anchor kernel");
    }

    BwdParams b{};
    b.q = a->q, b.k = a->k, b.v = a->v, b.g = a->g, b.dout = a->dout;
    b.states = l.chunk.states, b.dstates = l.chunk.dstates;
    b.dq = a->dq, b.dk = a->dk, b.dv = a->dv;
    b.dgc = !p.gated ? nullptr : head_gate ? l.dg.dgc : a->dg;
    b.anchors = fuse_dg ? l.dg.anchors : nullptr;
    b.seqs = seqs;
    b.H = H, b.K = K, b.V = V;
    b.key_slice = key_slice;
    b.scale = dims->scale;
    b.head_gate = head_gate;
    LAUNCH(launch_chunk_bwd_dqkv(b, p.dtype, p.gated, stream), "chunk_bwd_dqkv kernel");
    if (p.gated && !fuse_dg) return dg_pipeline(fn, p, seqs, l.dg, a->dg, &l.chunk, dh0_anchor, parts, stream);
    return GLA_OK;
}

gla_status gla_cuda_recurrent_fwd(gla_context* context, const gla_dims* dims, const gla_fwd_args* args) {
    static const char fn[] = "gla_recurrent_fwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return recurrent_fwd(fn, context, dims, args);
}

gla_status gla_cuda_recurrent_bwd(gla_context* context, const gla_dims* dims, const gla_bwd_args* args) {
    static const char fn[] = "gla_recurrent_bwd";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    return recurrent_bwd(fn, context, dims, args);
}

gla_status gla_cuda_decode_step(gla_context* context, const gla_dims* dims, const gla_decode_args* a) {
    const char* fn = a->gate_proj ? "gla_decode_step_gate_proj" : "gla_decode_step";
    gla_status s = gla_cuda_set_device(fn, context);
    if (s != GLA_OK) return s;
    const Problem p = make_problem(dims);
    if ((s = check_limits(fn, p)) != GLA_OK || (s = check_recurrent(fn, p, false)) != GLA_OK) return s;
    Seqs seqs{};
    seqs.N = (int)p.B, seqs.T = 1, seqs.NT = 1, seqs.NC = (int)p.B;
    RecParams r = rec_params(dims, p, seqs);
    r.q = a->q, r.k = a->k, r.v = a->v, r.g = a->g;
    if (a->gate_proj) r.gproj = *a->gate_proj;
    r.init = a->state, r.final_state = a->state, r.out = a->o;
    LAUNCH(launch_decode_step(r, p.dtype, gla_cuda_stream(context)), "decode_step kernel");
    return GLA_OK;
}

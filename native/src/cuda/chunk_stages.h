/*
 * chunk_stages.h — host-side launchers of the cuda kernel stages, one per file, and their parameter blocks.
 * ops.cu sequences them into the gla.h ops; the kernel lab (native/bench/cuda) calls the ops through
 * cuda_backend.h. Every launcher enqueues on `stream` and returns cudaSuccess or the launch error.
 *
 *   chunk_fwd_state.cu   the state entering every chunk (forward: k, v) or the gradient leaving it (reverse: q, do)
 *   chunk_fwd_o.cu       chunk output: states kept on chip (non-materializing) or read per chunk (materializing)
 *   chunk_bwd_dqkv.cu    per-chunk dq, dk, dv and the gate-gradient terms q*dq - k*dk
 *   chunk_bwd_dg.cu      dg: reverse cumulative sum over each sequence, final-state term, per-head reduction
 *   recurrent_fwd.cu / recurrent_bwd.cu / decode_step.cu   token-by-token sweeps
 */
#ifndef GLA_CHUNK_STAGES_H
#define GLA_CHUNK_STAGES_H

#include "gla.h"
#include "gla_kernels.cuh"

namespace gla {

// Largest key dim of the chunk kernels (the state's rows are one tile) and of the recurrent sweeps.
constexpr int kMaxKeyDim = 256;
// Largest value dim of the recurrent backward (a thread keeps V/8 state columns).
constexpr int kMaxRecurrentValueDim = 512;

// Key-dim tile: K padded to 64, 128 or 256 (0 when K is too large).
inline int key_tile(int64_t K) { return K <= 64 ? 64 : K <= 128 ? 128 : K <= 256 ? 256 : 0; }

// Value-tile widths: the materializing forward's (fp32 tiles, and bf16 heads of 256 keys; bf16 heads of up to 128
// keys take 32) and the backward's.
constexpr int kFwdBV = 64;
// The non-materializing forward: gated 128-key heads in one value tile of 128 columns, so A and its gate factors
// are computed once per chunk (H200, B16 T2048 H16 K128 V128 bf16: 1.00 -> 0.78 ms); ungated, where A is cheap,
// tiles of 64 keep two blocks per SM (0.38 ms, against 0.39 with 128; 0.55 against 0.74 at B4 T8192).
constexpr int nm_bv(int BK, bool gated) { return gated && BK == 128 ? 128 : 64; }
constexpr int kBwdBV = 32;

// Whether the chunk kernels take this key dim and dtype (fp32 tiles of 256 keys do not fit in shared memory).
inline bool chunk_supported(int64_t K, int dtype) {
    const int bk = key_tile(K);
    return bk != 0 && !(dtype == 0 && bk > 128);
}

struct StateParams {
    const void* x;      // forward: k; reverse: q            [.., H, K]
    const void* y;      // forward: v; reverse: do           [.., H, V]
    const float* g;     // gates or nullptr
    const float* init;  // [N, H, K, V]: h0 (forward) or dht (reverse), or nullptr (zeros)
    void* states;       // [NC, H, K, V] as the op dtype: per chunk, the state entering it (forward) or the
                        // gradient of the state leaving it (reverse)
    float* final_state; // [N, H, K, V]: ht (forward) or dh0 (reverse), or nullptr
    Seqs seqs;
    int H, K, V;
    int key_slice;      // keys per block (K, or fewer to split the keys over blocks: the rows of a state evolve
                        // independently, so a block may own a slice of them)
    int value_tile;     // value columns per block: 64, or 32 (more blocks for few, long sequences)
    float xscale;       // reverse: scale
    int head_gate;
    void* xt;           // gated: scratch [.., H, K] (op dtype), x rescaled by the gate pass
    float* decay;       // gated: scratch [NC, H, K], each chunk's decay e^{L} (the gate pass's)
    int gates_done;     // gated: xt and decay are written already (launch_bwd_state_gates; the reverse pass needs it)
    // gated reverse on warpgroup MMAs (chunk_states_anchor): dg's anchors in parts, or both nullptr
    const void* entering; // [NC, H, K, V] the forward pass's states, entering each chunk
    float* anchor_parts;  // [NC, H, V / 64, K] sum over each 64-column value tile of S ⊙ dS (chunk_bwd_dg.cu)
};

struct FwdOParams {
    const void* q;
    const void* k;
    const void* v;
    const float* g;
    const float* h0;       // non-materializing: initial states or nullptr ([N * segments, ..] when split)
    float* ht;             // non-materializing: final states or nullptr
    int segments;          // non-materializing, ungated bf16: seqs lists each sequence's `segments` equal parts,
                           // a block row each, entered with h0 per part; 0 or 1: whole sequences
    const void* states;    // materializing: [NC, H, K, V] states entering each chunk
    void* o;
    Seqs seqs;
    int H, K, V;
    float scale;
    int head_gate;
};

// Split non-materializing forward (FwdOParams::segments > 1; p.seqs lists the segments): states, fp32
// [N * segments, H, K, V], the state entering each segment, h0 (or zeros) plus k^T v over the segments before it;
// each segment's k^T v is summed in `parts` equal parts at once, into the [N * segments * parts, H, K, V] after
// states.
cudaError_t launch_segment_states(const FwdOParams& p, float* states, int parts, cudaStream_t stream);

// Whether the ungated bf16 non-materializing forward of this shape runs on warpgroup MMAs (sm_90a,
// chunk_fwd_o_nm_linear_wg_kernel: one block per SM, so splitting long sequences pays while blocks fit once).
bool fwd_wg_shape(int K, int V);

struct BwdParams {
    const void* q;
    const void* k;
    const void* v;
    const float* g;
    const void* dout;
    const void* states;    // [NC, H, K, V] states entering each chunk
    const void* dstates;   // [NC, H, K, V] gradients of the states leaving each chunk
    void* dq;
    void* dk;
    void* dv;
    float* dgc;            // [.., H, K] q*dq - k*dk, or nullptr (ungated); with anchors: dg itself
    const float* anchors;  // [NC, H, K] dg of each chunk's first token (channel gate): the kernel then finishes
                           // dg (the local pass of chunk_bwd_dg.cu) and writes it to dgc; or nullptr
    Seqs seqs;
    int H, K, V;
    int key_slice;         // keys per block (chunk_bwd_dqkv_key_slice): K, or 128 for two blocks of a cluster that
                           // split the keys (dq, dk, dg are per key; dv sums over keys: the blocks add their parts)
    float scale;
    int head_gate;
};

struct DgParams {
    float* dg;             // [.., H, Kg] in: q*dq - k*dk per token (diagonal terms left out); out: dg
    const float* dgc;      // per-head gate: [.., H, K] per-channel terms to sum into dg; else nullptr
    float* anchors;        // [NC, H, K]: dg of each chunk's first token per channel (written by the anchor pass,
                           // or already by the recurrent dk sweep when states is nullptr)
    const void* states;    // chunk backward: [NC, H, K, V] states entering each chunk (op dtype), or nullptr
    const void* dstates;   // chunk backward: [NC, H, K, V] gradients of the states leaving each chunk
    const float* dh0;      // chunk backward: [N, H, K, V] gradient of h0 (nullptr: no h0, first anchors are 0)
    const float* anchor_parts; // or [NC, H, parts, K]: the anchors in parts, written by the reverse state pass
    int parts;
    int dtype;
    Seqs seqs;
    int64_t tokens;
    int H, K, V, Kg;
};

enum RecurrentMode { kRecO = 0, kRecDq = 1, kRecDk = 2, kRecDv = 3 };

struct RecParams {
    const void* q;
    const void* k;
    const void* v;
    const float* g;
    const void* dout;
    const float* init;     // O, Dq: h0; Dk, Dv: dht (or nullptr)
    float* final_state;    // O, Dq: ht; Dk: dh0 (or nullptr)
    void* out;             // O: o; Dq: dq; Dk: dk; Dv: dv
    float* dgc;            // Dq: written q*dq; Dk: k*dk subtracted; or nullptr
    float* ckpt;           // Dq: writes, Dk: reads the state entering each 64-token chunk [NC, H, K, V], or nullptr
    float* anchors;        // Dk: dg of each chunk's first token [NC, H, K] (with ckpt)
    Seqs seqs;
    int H, K, V;
    float scale;
    int head_gate;
    // O with gproj.in set (gla_decode_step_gate_proj): the channel gates made from the gate projection, g unused
    gla_gate_proj gproj;
};

cudaError_t launch_chunk_states(const StateParams& p, int dtype, bool gated, bool reverse, cudaStream_t stream);
// Gated backward: the gate passes of both state passes in one (the forward's p.xt and decay, the reverse's rev.xt,
// rev.xscale; the decay is the same), which then run with gates_done.
cudaError_t launch_bwd_state_gates(const StateParams& fwd, const StateParams& rev, int dtype, cudaStream_t stream);
// Whether the gated reverse pass of p (dtype, shapes, alignment) runs on warpgroup MMAs, and so writes dg's anchors
// in parts when given entering and anchor_parts (DgParams::anchor_parts then sums them).
bool chunk_states_anchor(const StateParams& p, int dtype);
cudaError_t launch_chunk_fwd_o(const FwdOParams& p, int dtype, bool gated, bool materialize, cudaStream_t stream);
cudaError_t launch_chunk_bwd_dqkv(const BwdParams& p, int dtype, bool gated, cudaStream_t stream);
// BwdParams.key_slice for this dtype and key dim on the current device.
int chunk_bwd_dqkv_key_slice(int dtype, int64_t K);
// Whether chunk_bwd_dqkv takes BwdParams.anchors (finishes dg itself) for this dtype and key slice.
bool chunk_bwd_dqkv_fuses_dg(int dtype, int key_slice);
// Whether p takes chunk_bwd_dqkv_wg.cu's kernel (ungated bf16, K = V = 128, 16-byte aligned, sm_90a built).
bool chunk_bwd_dqkv_wg_fits(const BwdParams& p, int dtype, bool gated);
cudaError_t launch_chunk_bwd_dqkv_wg(const BwdParams& p, cudaStream_t stream);
cudaError_t launch_chunk_bwd_dg(const DgParams& p, cudaStream_t stream);
// Only the anchor pass of launch_chunk_bwd_dg (p.states or p.anchor_parts non-null), for a chunk_bwd_dqkv that
// finishes dg.
cudaError_t launch_chunk_bwd_dg_anchors(const DgParams& p, cudaStream_t stream);
cudaError_t launch_recurrent_fwd(const RecParams& p, int dtype, cudaStream_t stream);
cudaError_t launch_recurrent_bwd(const RecParams& p, int mode, int dtype, cudaStream_t stream);
cudaError_t launch_decode_step(const RecParams& p, int dtype, cudaStream_t stream);

} // namespace gla

#endif // GLA_CHUNK_STAGES_H

/*
 * decode_step.cu — gla_decode_step on the GPU: one token of the O sweep (recurrent_sweep.cuh) per (batch,
 * head, 32 value columns), reading the state and writing it back in place (each thread reads its own state
 * entries before it writes them). Validated and timed by the kernel lab (native/bench/cuda).
 */
#include "recurrent_sweep.cuh"

namespace gla {

cudaError_t launch_decode_step(const RecParams& p, int dtype, cudaStream_t stream) {
    if (p.gproj.in) // gla_decode_step_gate_proj
        return dtype == 1 ? launch_recurrent_mode<bf16, kRecO, true>(p, stream)
                          : launch_recurrent_mode<float, kRecO, true>(p, stream);
    return dtype == 1 ? launch_recurrent_mode<bf16, kRecO>(p, stream) : launch_recurrent_mode<float, kRecO>(p, stream);
}

} // namespace gla

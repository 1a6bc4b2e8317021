/*
 * recurrent_fwd.cu — gla_recurrent_fwd on the GPU: the O sweep of recurrent_sweep.cuh (o and the final state).
 * Validated by the kernel lab (native/bench/cuda) against a float64 reference.
 */
#include "recurrent_sweep.cuh"

namespace gla {

cudaError_t launch_recurrent_fwd(const RecParams& p, int dtype, cudaStream_t stream) {
    return dtype == 1 ? launch_recurrent_mode<bf16, kRecO>(p, stream) : launch_recurrent_mode<float, kRecO>(p, stream);
}

} // namespace gla

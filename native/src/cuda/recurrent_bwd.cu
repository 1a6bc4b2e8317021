/*
 * recurrent_bwd.cu — gla_recurrent_bwd on the GPU: three sweeps of recurrent_sweep.cuh, no stored states
 * (Dq forward: dq, q*dq and the final state; Dk reverse: dk, -k*dk and dh0; Dv reverse: dv); dg then comes
 * from chunk_bwd_dg.cu. Validated by the kernel lab (native/bench/cuda) against a float64 reference.
 */
#include "recurrent_sweep.cuh"

namespace gla {

template <class T> static cudaError_t launch_bwd_t(const RecParams& p, int mode, cudaStream_t stream) {
    switch (mode) {
    case kRecDq: return launch_recurrent_mode<T, kRecDq>(p, stream);
    case kRecDk: return launch_recurrent_mode<T, kRecDk>(p, stream);
    case kRecDv: return launch_recurrent_mode<T, kRecDv>(p, stream);
    default: return cudaErrorInvalidValue;
    }
}

cudaError_t launch_recurrent_bwd(const RecParams& p, int mode, int dtype, cudaStream_t stream) {
    return dtype == 1 ? launch_bwd_t<bf16>(p, mode, stream) : launch_bwd_t<float>(p, mode, stream);
}

} // namespace gla

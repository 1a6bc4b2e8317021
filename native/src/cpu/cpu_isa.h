/*
 * cpu_isa.h — the cpu kernels, compiled once per instruction set (CMake builds cpu_recurrent.c, cpu_chunk_fwd.c,
 * cpu_chunk_bwd.c and cpu_gemm.c three times: generic x86-64, AVX2+FMA, AVX-512) and picked at run time by cpu_backend.c
 * with __builtin_cpu_supports, so the library runs on any x86-64 CPU and uses the widest vectors it has.
 *
 * Each kernel runs a whole validated op with OpenMP, static schedules, each unit of work computed by one thread
 * in a fixed order: results depend on nothing but the inputs and, for the chunk ops, p->segments (which the
 * thread count sets, cpu_common.h). The recurrent ops are parallel over (sequence, head) items, the chunk ops
 * over (item, segment). `workspace` holds the chunk ops' cpu_chunk_shared_floats() floats, then `threads`
 * regions of the op's cpu_*_floats() floats (gemm: gla_cpu_gemm_floats()); 64-byte aligned. Kernels cannot fail.
 */
#ifndef GLA_CPU_ISA_H
#define GLA_CPU_ISA_H

#include "cpu_common.h"

#define GLA_CPU_DECLARE_KERNELS(isa)                                                                               \
    void gla_cpu_recurrent_fwd_##isa(const cpu_problem* p, const gla_fwd_args* a, float* workspace, int threads);   \
    void gla_cpu_recurrent_bwd_##isa(const cpu_problem* p, const gla_bwd_args* a, float* workspace, int threads);   \
    void gla_cpu_chunk_fwd_##isa(const cpu_problem* p, const gla_fwd_args* a, float* workspace, int threads);       \
    void gla_cpu_chunk_bwd_##isa(const cpu_problem* p, const gla_bwd_args* a, float* workspace, int threads);       \
    void gla_cpu_gemm_##isa(const gla_gemm_args* g, float* workspace, int threads);

GLA_CPU_DECLARE_KERNELS(generic)
GLA_CPU_DECLARE_KERNELS(avx2)
GLA_CPU_DECLARE_KERNELS(avx512)

/* Inside a kernel file: GLA_ISA_FN(gla_cpu_chunk_fwd) is gla_cpu_chunk_fwd_avx512 etc. (GLA_ISA is set by CMake). */
#define GLA_ISA_CAT2(a, b) a##_##b
#define GLA_ISA_CAT(a, b) GLA_ISA_CAT2(a, b)
#define GLA_ISA_FN(name) GLA_ISA_CAT(name, GLA_ISA)

#endif /* GLA_CPU_ISA_H */

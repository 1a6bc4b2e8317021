# GlaCuda.cmake — decides whether the cuda backend is built and how (included after project()).
# Sets GLA_HAVE_CUDA. Targets: sm_90a (Hopper, wgmma/TMA) plus compute_80 PTX + sm_80 as the portable target,
# so any GPU from Ampere on runs it (PTX is JIT-compiled for newer ones). CMake 3.25 predates CUDA 13 and does
# not know the "90a" architecture, so the -gencode flags are given directly and CUDA_ARCHITECTURES is OFF.

include(CheckLanguage)

set(GLA_HAVE_CUDA OFF)
if(NOT GLA_CUDA STREQUAL "OFF")
  # nvcc is often not on PATH: point CMake at the standard install location.
  if(NOT CMAKE_CUDA_COMPILER AND NOT DEFINED ENV{CUDACXX} AND EXISTS /usr/local/cuda/bin/nvcc)
    set(CMAKE_CUDA_COMPILER /usr/local/cuda/bin/nvcc)
  endif()
  # Keep CMake's compiler check from guessing an architecture (its guess list predates CUDA 13).
  if(NOT DEFINED CMAKE_CUDA_ARCHITECTURES)
    set(CMAKE_CUDA_ARCHITECTURES 80)
  endif()
  check_language(CUDA)
  if(CMAKE_CUDA_COMPILER)
    enable_language(CUDA)
    if(CMAKE_CUDA_COMPILER_VERSION VERSION_GREATER_EQUAL 12 AND CMAKE_CUDA_COMPILER_VERSION VERSION_LESS 14)
      set(GLA_HAVE_CUDA ON)
    elseif(GLA_CUDA STREQUAL "ON")
      message(FATAL_ERROR "GLA_CUDA=ON needs nvcc 12.x or 13.x, found ${CMAKE_CUDA_COMPILER_VERSION}")
    else()
      message(STATUS "gla4j: nvcc ${CMAKE_CUDA_COMPILER_VERSION} is not 12.x/13.x; building without cuda")
    endif()
  elseif(GLA_CUDA STREQUAL "ON")
    message(FATAL_ERROR "GLA_CUDA=ON but no CUDA compiler was found (set CMAKE_CUDA_COMPILER)")
  endif()
endif()
message(STATUS "gla4j: cuda backend ${GLA_HAVE_CUDA}")

# Compile flags for the cuda sources of a target.
function(gla_cuda_target target)
  set_target_properties(${target} PROPERTIES
    CUDA_ARCHITECTURES OFF
    CUDA_RUNTIME_LIBRARY Static
    CUDA_STANDARD 17
    CUDA_STANDARD_REQUIRED ON)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:CUDA>:-gencode=arch=compute_90a,code=sm_90a -gencode=arch=compute_80,code=sm_80
                               -gencode=arch=compute_80,code=compute_80 --expt-relaxed-constexpr
                               -Xcompiler=-fvisibility=hidden>)
endfunction()

# GlaOptions.cmake — the build options of libgla4j (included by native/CMakeLists.txt).
#   GLA_CUDA         AUTO | ON | OFF   build the cuda backend (AUTO: when nvcc 12.x/13.x is found)
#   GLA_SANITIZE     ON | OFF          ASan + UBSan (no recovery) on the cpu library, tests and benches
#   GLA_BUILD_TESTS  ON | OFF          the CTest suite in native/tests
#   GLA_BUILD_BENCH  ON | OFF          the cpu benchmarks in native/bench (built, never run by CTest)
#   GLA_LIBRARY_OUTPUT_DIR             where libgla4j.so is written (Maven: target/classes/native/<platform>)

set(GLA_CUDA AUTO CACHE STRING "Build the CUDA backend: AUTO, ON or OFF")
set_property(CACHE GLA_CUDA PROPERTY STRINGS AUTO ON OFF)
if(NOT GLA_CUDA MATCHES "^(AUTO|ON|OFF)$")
  message(FATAL_ERROR "GLA_CUDA must be AUTO, ON or OFF, got '${GLA_CUDA}'")
endif()

option(GLA_SANITIZE "Build with AddressSanitizer and UndefinedBehaviorSanitizer" OFF)
option(GLA_BUILD_TESTS "Build the CTest suite" ON)
option(GLA_BUILD_BENCH "Build the cpu benchmarks" ON)
set(GLA_LIBRARY_OUTPUT_DIR "" CACHE PATH "Output directory of libgla4j.so (default: the build tree)")

if(NOT CMAKE_BUILD_TYPE AND NOT CMAKE_CONFIGURATION_TYPES)
  set(CMAKE_BUILD_TYPE Release CACHE STRING "Build type" FORCE)
endif()

# Sanitizer flags for every C target of the project (library, tests, benches). -O1 keeps the sanitized
# Debug build fast enough for the parity tests; no recovery so that any report fails the test.
function(gla_sanitize target)
  if(GLA_SANITIZE)
    target_compile_options(${target} PRIVATE
      $<$<COMPILE_LANGUAGE:C>:-fsanitize=address,undefined -fno-sanitize-recover=all -fno-omit-frame-pointer -O1>)
    target_link_options(${target} PRIVATE -fsanitize=address,undefined -fno-sanitize-recover=all)
  endif()
endfunction()

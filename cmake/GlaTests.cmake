# GlaTests.cmake — helpers for the CTest suite in native/tests.
#   gla_add_test_executable(name sources...)  a C test program linked to gla4j (sanitized when GLA_SANITIZE)
#   gla_add_test(name command args... [ENVIRONMENT VAR=value...])
#                                              a CTest test; under GLA_SANITIZE, ASan returns NULL for impossible
#                                              allocations (as malloc does) instead of aborting, so the
#                                              out-of-memory paths can be tested
#   gla_add_exports_test()                     checks that libgla4j exports exactly the gla.h functions

function(gla_add_test_executable name)
  add_executable(${name} ${ARGN})
  target_link_libraries(${name} PRIVATE gla4j m)
  target_include_directories(${name} PRIVATE "${CMAKE_CURRENT_SOURCE_DIR}")
  gla_warnings(${name})
  gla_sanitize(${name})
endfunction()

function(gla_add_test name)
  cmake_parse_arguments(PARSE_ARGV 1 arg "" "" "ENVIRONMENT")
  set(env ${arg_ENVIRONMENT})
  if(GLA_SANITIZE)
    list(APPEND env "ASAN_OPTIONS=allocator_may_return_null=1")
  endif()
  add_test(NAME ${name} COMMAND ${arg_UNPARSED_ARGUMENTS})
  if(env)
    set_tests_properties(${name} PROPERTIES ENVIRONMENT "${env}")
  endif()
endfunction()

function(gla_add_exports_test)
  find_program(GLA_NM NAMES nm REQUIRED)
  add_test(NAME exports
    COMMAND "${CMAKE_COMMAND}" -DNM=${GLA_NM} -DLIBRARY=$<TARGET_FILE:gla4j>
            -DHEADER=${PROJECT_SOURCE_DIR}/include/gla.h -P "${PROJECT_SOURCE_DIR}/../cmake/GlaCheckExports.cmake")
endfunction()

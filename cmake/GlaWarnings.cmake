# GlaWarnings.cmake — compiler warnings for the project's C targets (errors in every build: a warning is a bug
# until shown otherwise). CUDA sources get the host compiler's -Wall through -Xcompiler.

function(gla_warnings target)
  target_compile_options(${target} PRIVATE
    $<$<COMPILE_LANGUAGE:C>:-Wall -Wextra -Wshadow -Wstrict-prototypes -Wmissing-prototypes -Wformat=2
                            -Wvla -Wno-unused-parameter -Werror>
    $<$<COMPILE_LANGUAGE:CUDA>:-Xcompiler=-Wall -Werror=all-warnings>)
endfunction()

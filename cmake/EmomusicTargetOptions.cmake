# Shared per-target settings: C++17 and warnings, never as global flags.
function(emomusic_target_options target)
  target_compile_features(${target} PUBLIC cxx_std_17)
  set_target_properties(${target} PROPERTIES CXX_EXTENSIONS OFF)
  if(CMAKE_CXX_COMPILER_ID MATCHES "GNU|Clang")
    target_compile_options(${target} PRIVATE -Wall -Wextra -Wpedantic -Wshadow -Wnon-virtual-dtor
                                             -Wno-unused-parameter)
  endif()
  if(EMOMUSIC_WERROR)
    target_compile_options(${target} PRIVATE -Werror)
  endif()
endfunction()

# Script mode (cmake -DINPUT=… -DOUTPUT=… -DNAME=… -P EmbedFile.cmake): writes OUTPUT, a C++ header
# holding INPUT's bytes as `NAME` (an unsigned char array) and `NAME_size`, as llama.cpp's
# scripts/xxd.cmake does for its web page. The build runs it again whenever INPUT changes.
file(READ "${INPUT}" hex HEX)
string(LENGTH "${hex}" hex_length)
math(EXPR size "${hex_length} / 2")
string(REGEX REPLACE "([0-9a-f][0-9a-f])" "0x\\1," bytes "${hex}")
# Lines of 16 bytes keep the header readable for a compiler error's sake.
string(REGEX REPLACE "((0x[0-9a-f][0-9a-f],){16})" "\\1\n  " bytes "${bytes}")
file(WRITE "${OUTPUT}.tmp"
     "// Generated from ${INPUT} by cmake/EmbedFile.cmake; do not edit.\n"
     "#pragma once\n#include <cstddef>\n\n"
     "inline constexpr unsigned char ${NAME}[] = {\n  ${bytes}0x00};\n"
     "inline constexpr std::size_t ${NAME}_size = ${size};\n")
file(RENAME "${OUTPUT}.tmp" "${OUTPUT}")

#pragma once
/// @file
/// Whether this CPU computes bfloat16 in hardware. Training in bf16 on the CPU goes through
/// LibTorch's CPU autocast: about twice as fast as float32 with AMX-BF16, but emulated, and about
/// 12 times slower (10 against 124 images/s, one thread, on an AMD EPYC with AVX2 only), without
/// bfloat16 instructions. Training warns in that case.

#include <optional>
#include <string_view>

namespace emomusic::train {

/// Whether the x86 CPU that `/proc/cpuinfo` text describes has bfloat16 instructions: the
/// `avx512_bf16` or `amx_bf16` flag in its first `flags` line. nullopt when the text has no
/// `flags` line (another architecture, or no such file).
std::optional<bool> cpuinfo_has_native_bf16(std::string_view cpuinfo);

/// The same for this machine, from /proc/cpuinfo.
std::optional<bool> cpu_has_native_bf16();

}  // namespace emomusic::train

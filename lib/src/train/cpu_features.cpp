#include "emomusic/train/cpu_features.hpp"

#include <fstream>
#include <istream>
#include <sstream>
#include <string>
#include <string_view>

#include "emomusic/core/text.hpp"

namespace emomusic::train {

namespace {

// Reads up to the first "flags" line only: every core repeats it, and a large machine's
// /proc/cpuinfo runs to hundreds of kilobytes.
std::optional<bool> first_flags_have_bf16(std::istream& cpuinfo) {
  for (std::string line; std::getline(cpuinfo, line);) {
    const auto colon = line.find(':');
    // "flags", not "vmx flags"
    if (colon == std::string::npos ||
        trim_whitespace(std::string_view(line).substr(0, colon)) != "flags") {
      continue;
    }
    std::istringstream flags(line.substr(colon + 1));
    for (std::string flag; flags >> flag;) {
      if (flag == "avx512_bf16" || flag == "amx_bf16") return true;
    }
    return false;
  }
  return std::nullopt;
}

}  // namespace

std::optional<bool> cpuinfo_has_native_bf16(std::string_view cpuinfo) {
  std::istringstream in{std::string(cpuinfo)};
  return first_flags_have_bf16(in);
}

std::optional<bool> cpu_has_native_bf16() {
  std::ifstream in("/proc/cpuinfo");
  if (!in) return std::nullopt;
  return first_flags_have_bf16(in);
}

}  // namespace emomusic::train

// The check behind train's warning that bf16 is emulated: which /proc/cpuinfo flags count.

#include "emomusic/train/cpu_features.hpp"

#include <gtest/gtest.h>

#include <string>

namespace emomusic::train {
namespace {

// Two cores of an x86 machine as /proc/cpuinfo lists them, with `flags` as given.
std::string x86_cpuinfo(const std::string& flags) {
  std::string core =
      "processor\t: 0\nvendor_id\t: AuthenticAMD\nmodel name\t: AMD EPYC\n"
      "flags\t\t: " +
      flags + "\nbugs\t\t: sysret_ss_attrs spectre_v1\n\n";
  return core + core;
}

TEST(CpuFeatures, Avx512Bf16OrAmxBf16IsNative) {
  EXPECT_EQ(cpuinfo_has_native_bf16(x86_cpuinfo("fpu sse2 avx2 avx512f avx512_bf16 fma")), true);
  EXPECT_EQ(cpuinfo_has_native_bf16(x86_cpuinfo("fpu avx2 amx_bf16 amx_tile amx_int8")), true);
}

TEST(CpuFeatures, Avx2AloneIsNotNative) {
  EXPECT_EQ(cpuinfo_has_native_bf16(x86_cpuinfo("fpu sse2 avx avx2 fma avx512f avx512_vnni")),
            false);
}

TEST(CpuFeatures, OnlyWholeFlagsOfTheFlagsLineCount) {
  EXPECT_EQ(cpuinfo_has_native_bf16(x86_cpuinfo("avx512_bf16x xamx_bf16")), false);
  // Another line's word is not a flag of the CPU.
  EXPECT_EQ(cpuinfo_has_native_bf16("vmx flags\t: amx_bf16\nflags\t\t: fpu avx2\n"), false);
  EXPECT_EQ(cpuinfo_has_native_bf16("model name\t: avx512_bf16\nflags\t\t: fpu avx2\n"), false);
}

TEST(CpuFeatures, NoFlagsLineIsUnknown) {
  // /proc/cpuinfo of an Arm machine names "Features", not "flags".
  EXPECT_EQ(cpuinfo_has_native_bf16("processor\t: 0\nFeatures\t: fp asimd bf16\n"), std::nullopt);
  EXPECT_EQ(cpuinfo_has_native_bf16(""), std::nullopt);
  EXPECT_EQ(cpuinfo_has_native_bf16(std::string("\0\xff\n:\n", 5)), std::nullopt);
}

}  // namespace
}  // namespace emomusic::train

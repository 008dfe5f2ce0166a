#pragma once
// A small seeded mutation engine for the fuzz tests: the mutations libFuzzer's default mutator
// makes (bit flips, interesting bytes and numbers, inserts, erases, copies, splices), in a
// plain loop, so that the same fuzzing runs in every build and under ASan/UBSan without clang.

#include <cstddef>
#include <cstdint>
#include <random>
#include <string>
#include <vector>

namespace emomusic::test {

class Mutator {
 public:
  Mutator(std::uint32_t seed, std::vector<std::string> seeds, std::size_t max_size)
      : rng_(seed), seeds_(std::move(seeds)), max_size_(max_size) {}

  /// A new input: one of the seeds with 1..8 stacked mutations.
  std::string next() {
    std::string s = seeds_[pick(seeds_.size())];
    const std::size_t rounds = 1 + pick(8);
    for (std::size_t r = 0; r < rounds; ++r) mutate(s);
    if (s.size() > max_size_) s.resize(max_size_);
    return s;
  }

 private:
  std::size_t pick(std::size_t n) {
    return n == 0 ? 0 : std::uniform_int_distribution<std::size_t>(0, n - 1)(rng_);
  }

  void mutate(std::string& s) {
    // Text that parsers treat specially: separators, quotes, line ends, signs, numbers at and
    // past the limits, non-UTF-8 and byte-order marks.
    static const char* const kTokens[] = {",",
                                          "\"",
                                          "\n",
                                          "\r\n",
                                          "\r",
                                          "-",
                                          "-1",
                                          "0",
                                          "255",
                                          "256",
                                          "1e308",
                                          "nan",
                                          "inf",
                                          "0x1p-1",
                                          "99999999999999999999",
                                          "2147483648",
                                          "-2147483649",
                                          "\xff",
                                          "\xef\xbb\xbf",
                                          "\xc3\xa9",
                                          "\xe9",
                                          "\t",
                                          " ",
                                          "{",
                                          "}",
                                          "[",
                                          "]",
                                          ":",
                                          "\"dtype\"",
                                          "\"shape\"",
                                          "\"data_offsets\"",
                                          "\"__metadata__\"",
                                          "F32",
                                          "I32",
                                          "U8",
                                          "\\u0000",
                                          "\x00"};
    const std::size_t kinds = 8;
    switch (pick(kinds)) {
      case 0:  // flip a bit
        if (!s.empty()) s[pick(s.size())] ^= static_cast<char>(1u << pick(8));
        break;
      case 1:  // set a byte to anything
        if (!s.empty()) s[pick(s.size())] = static_cast<char>(pick(256));
        break;
      case 2: {  // insert a token
        const std::string token = kTokens[pick(sizeof(kTokens) / sizeof(kTokens[0]))];
        s.insert(pick(s.size() + 1), token.empty() ? std::string(1, '\0') : token);
        break;
      }
      case 3: {  // erase a range
        if (s.empty()) break;
        const std::size_t at = pick(s.size());
        s.erase(at, 1 + pick(std::min<std::size_t>(s.size() - at, 64)));
        break;
      }
      case 4: {  // copy a range elsewhere (repeats structure: lines, fields, tensors)
        if (s.empty()) break;
        const std::size_t at = pick(s.size());
        const std::string part = s.substr(at, 1 + pick(std::min<std::size_t>(s.size() - at, 256)));
        s.insert(pick(s.size() + 1), part);
        break;
      }
      case 5:  // truncate
        s.resize(pick(s.size() + 1));
        break;
      case 6: {  // splice with another seed
        const std::string& other = seeds_[pick(seeds_.size())];
        if (other.empty()) break;
        const std::size_t at = pick(other.size());
        s.replace(pick(s.size() + 1), pick(64), other.substr(at, pick(512)));
        break;
      }
      default: {  // replace a run of digits by another number
        const std::size_t at = s.find_first_of("0123456789", pick(s.size() + 1));
        if (at == std::string::npos) break;
        std::size_t end = at;
        while (end < s.size() && s[end] >= '0' && s[end] <= '9') ++end;
        const std::string token = kTokens[4 + pick(12)];
        s.replace(at, end - at, token);
      }
    }
  }

  std::mt19937 rng_;
  std::vector<std::string> seeds_;
  std::size_t max_size_;
};

}  // namespace emomusic::test

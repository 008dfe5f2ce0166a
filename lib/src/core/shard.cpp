#include "emomusic/core/shard.hpp"

#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic {

std::string to_string(const Shard& shard) {
  return std::to_string(shard.index) + "/" + std::to_string(shard.count);
}

Shard parse_shard(const std::string& text) {
  const auto bad = [&](const std::string& why) {
    return UsageError("shard '" + excerpt(text, 40) + "': " + why);
  };
  const auto slash = text.find('/');
  if (slash == std::string::npos) throw bad("expected I/N, e.g. 0/4");
  const auto number = [&](const std::string& part) {
    if (part.empty() || part.size() > 9 ||
        part.find_first_not_of("0123456789") != std::string::npos) {
      throw bad("'" + excerpt(part, 20) + "' is not a whole number");
    }
    return std::stoi(part);
  };
  Shard s{number(text.substr(0, slash)), number(text.substr(slash + 1))};
  if (s.count < 1) throw bad("the shard count must be at least 1");
  if (s.index >= s.count) {
    throw bad("shards are numbered from 0 to " + std::to_string(s.count - 1));
  }
  return s;
}

std::pair<std::size_t, std::size_t> shard_range(std::size_t total, const Shard& shard) {
  const auto at = [&](int i) {
    // total * i / count without overflow for any realistic total (< 2^32 items per shard count).
    return static_cast<std::size_t>(static_cast<unsigned long long>(total) *
                                    static_cast<unsigned long long>(i) /
                                    static_cast<unsigned long long>(shard.count));
  };
  return {at(shard.index), at(shard.index + 1)};
}

}  // namespace emomusic

#include "emomusic/core/shard.hpp"

#include <gtest/gtest.h>

#include <numeric>

#include "emomusic/core/error.hpp"

namespace emomusic {

TEST(Shard, ParsesIndexAndCount) {
  const auto s = parse_shard("2/8");
  EXPECT_EQ(s.index, 2);
  EXPECT_EQ(s.count, 8);
  EXPECT_EQ(parse_shard("0/1").count, 1);
  EXPECT_EQ(to_string(s), "2/8");  // read back as written, for the JSON of eval
}

TEST(Shard, RefusesWhatIsNotAShardNamingTheText) {
  for (const char* bad : {"", "3", "1/", "/2", "2/2", "5/3", "0/0", "-1/2", "a/2", "1/2/3",
                          "1 /2", "9999999999/2"}) {
    try {
      parse_shard(bad);
      ADD_FAILURE() << "accepted '" << bad << "'";
    } catch (const UsageError& e) {
      EXPECT_NE(std::string(e.what()).find(std::string("'") + bad), std::string::npos) << e.what();
    }
  }
}

TEST(Shard, TheShardsCoverTheInputExactlyOnceInOrder) {
  for (int count : {1, 2, 3}) {
    for (int total : {0, 1, 2, 5, 7, 100}) {
      std::vector<int> items(static_cast<std::size_t>(total));
      std::iota(items.begin(), items.end(), 0);
      std::vector<int> joined;
      std::size_t smallest = items.size(), largest = 0;
      for (int i = 0; i < count; ++i) {
        const auto part = take_shard(items, Shard{i, count});
        joined.insert(joined.end(), part.begin(), part.end());
        smallest = std::min(smallest, part.size());
        largest = std::max(largest, part.size());
      }
      // Concatenated in shard order they are the input itself: no item twice, none missing.
      EXPECT_EQ(joined, items) << total << " items in " << count << " shards";
      EXPECT_LE(largest - std::min(smallest, largest), 1u);
    }
  }
}

}  // namespace emomusic

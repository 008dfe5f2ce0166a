#include "emomusic/music/csv_reader.hpp"

#include <gtest/gtest.h>

#include <sstream>

#include "emomusic/core/error.hpp"

namespace emomusic::music {
namespace {

using Records = std::vector<std::vector<std::string>>;

Records read_all(const std::string& text, std::vector<long>* lines = nullptr) {
  std::istringstream in(text);
  CsvReader reader(in, "t.csv");
  Records out;
  std::vector<std::string> fields;
  while (reader.next(fields)) {
    out.push_back(fields);
    if (lines) lines->push_back(reader.record_line());
  }
  return out;
}

TEST(CsvReader, SplitsPlainFieldsAndKeepsEmptyOnes) {
  EXPECT_EQ(read_all("a,b,c\n1,,3\n"), (Records{{"a", "b", "c"}, {"1", "", "3"}}));
  EXPECT_EQ(read_all("x,\n"), (Records{{"x", ""}}));
  EXPECT_EQ(read_all("no newline at end"), (Records{{"no newline at end"}}));
}

TEST(CsvReader, QuotedFieldsHoldCommasLineBreaksAndDoubledQuotes) {
  std::vector<long> lines;
  const auto r = read_all(
      "h1,h2\n\"Tyler, The Creator\",\"two\nlines\"\n\"say \"\"hi\"\"\",\"\"\nlast,x\n", &lines);
  ASSERT_EQ(r.size(), 4u);
  EXPECT_EQ(r[1], (std::vector<std::string>{"Tyler, The Creator", "two\nlines"}));
  EXPECT_EQ(r[2], (std::vector<std::string>{"say \"hi\"", ""}));
  // The quoted line break makes record 2 span lines 2-3, so the next record starts on line 4.
  EXPECT_EQ(lines, (std::vector<long>{1, 2, 4, 5}));
}

TEST(CsvReader, HandlesCrlfLoneCrBomAndBlankLines) {
  std::vector<long> lines;
  EXPECT_EQ(read_all("\xEF\xBB\xBFid,name\r\n1,a\r\n\r\n2,b\r3,c", &lines),
            (Records{{"id", "name"}, {"1", "a"}, {"2", "b"}, {"3", "c"}}));
  EXPECT_EQ(lines, (std::vector<long>{1, 2, 4, 5}));
}

TEST(CsvReader, QuoteInsideAnUnquotedFieldIsLiteral) {
  EXPECT_EQ(read_all("12\" single,b\n"), (Records{{"12\" single", "b"}}));
}

TEST(CsvReader, UnterminatedQuoteNamesTheLineWhereItOpened) {
  try {
    read_all("a,b\n1,2\n3,\"never closed\n4,5\n");
    FAIL() << "expected InputError";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("t.csv:3:"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("never closed"), std::string::npos) << e.what();
  }
}

TEST(CsvReader, TextAfterClosingQuoteIsAnError) {
  EXPECT_THROW(read_all("a\n\"x\"y,z\n"), InputError);
}

TEST(CsvQuote, QuotesOnlyWhatNeedsItAndReadsBackUnchanged) {
  EXPECT_EQ(csv_quote("plain text"), "plain text");
  const std::vector<std::string> fields = {"a,b", "say \"hi\"", "two\nlines", "cr\r", ""};
  std::string line;
  for (const auto& f : fields) line += (line.empty() ? "" : ",") + csv_quote(f);
  std::istringstream in(line + "\n");
  CsvReader reader(in, "quoted.csv");
  std::vector<std::string> back;
  ASSERT_TRUE(reader.next(back));
  EXPECT_EQ(back, fields);
}

}  // namespace
}  // namespace emomusic::music

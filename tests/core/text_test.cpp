#include "emomusic/core/text.hpp"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace emomusic {
namespace {

// Issue 20: one lower-casing for names, headers and extensions, the same in every locale: only
// A-Z change, so UTF-8 bytes of other letters pass through whole.
TEST(AsciiLower, LowersOnlyAsciiLettersAndKeepsOtherBytes) {
  EXPECT_EQ(ascii_lower("Retry-After: 5"), "retry-after: 5");
  EXPECT_EQ(ascii_lower(".JPEG"), ".jpeg");
  EXPECT_EQ(ascii_lower("\xC3\x89T\xC3\xA9"), "\xC3\x89t\xC3\xA9");  // ÉTé: only the T
  EXPECT_EQ(ascii_lower(std::string("A\0B", 3)), std::string("a\0b", 3));
}

TEST(Utf8, ValidTextIsKeptAndEveryKindOfIllFormedSequenceIsReplaced) {
  EXPECT_TRUE(is_valid_utf8("plain, caf\xC3\xA9, \xE2\x82\xAC, \xF0\x9F\x8E\xB5"));
  EXPECT_EQ(valid_utf8("caf\xC3\xA9"), "caf\xC3\xA9");
  const std::string fffd = "\xEF\xBF\xBD";
  EXPECT_EQ(valid_utf8("a\xFF"
                       "b"),
            "a" + fffd + "b");                                           // not a lead byte
  EXPECT_EQ(valid_utf8("\xC3"), fffd);                                   // truncated
  EXPECT_EQ(valid_utf8("\xC0\xAF"), fffd + fffd);                        // overlong '/'
  EXPECT_EQ(valid_utf8("\xED\xA0\x80"), fffd + fffd + fffd);             // a UTF-16 surrogate
  EXPECT_EQ(valid_utf8("\xF4\x90\x80\x80"), fffd + fffd + fffd + fffd);  // past U+10FFFF
  EXPECT_TRUE(is_valid_utf8(valid_utf8(std::string("\x80\xBF\xFE\xF8\x88\x80\x80\x80", 8))));
}

TEST(Utf8, LegacyTextIsReadAsWindows1252) {
  EXPECT_EQ(utf8_from_legacy("Beyonc\xE9"), "Beyonc\xC3\xA9");
  EXPECT_EQ(utf8_from_legacy("\x80 \x93quoted\x94"), "\xE2\x82\xAC \xE2\x80\x9Cquoted\xE2\x80\x9D");
  EXPECT_EQ(utf8_from_legacy("\x81"), "\xC2\x81");  // unassigned in 1252: as Latin-1
  EXPECT_EQ(utf8_from_legacy("d\xC3\xA9j\xC3\xA0 UTF-8"), "d\xC3\xA9j\xC3\xA0 UTF-8");
}

TEST(JoinNames, ListsTheNamesForAMessage) {
  EXPECT_EQ(join_names({}), "");
  EXPECT_EQ(join_names({"a"}), "a");
  EXPECT_EQ(join_names({"a", "b"}), "a or b");
  EXPECT_EQ(join_names({"a", "b", "c"}), "a, b or c");
}

TEST(Excerpt, CutsLongInputAndEscapesControlBytes) {
  const std::string huge(50 << 20, 'x');
  const std::string e = excerpt(huge, 80);
  EXPECT_LT(e.size(), 120u);
  EXPECT_NE(e.find("(52428800 bytes)"), std::string::npos) << e;
  EXPECT_EQ(excerpt("a\nb\tc\x1b[2J\x7f"), "a\\nb\\tc\\x1b[2J\\x7f");
  // Never cuts inside a character.
  const std::string cut = excerpt("\xC3\xA9\xC3\xA9\xC3\xA9", 3);
  EXPECT_EQ(cut.rfind("\xC3\xA9…", 0), 0u) << cut;
  EXPECT_TRUE(is_valid_utf8(excerpt("\xFF\xFE")));
}

TEST(DumpJson, ReplacesIllFormedUtf8InsteadOfThrowing) {
  const nlohmann::json j = {{"file", "photos/\xFF\xFEname.jpg"}, {"n", 1}};
  EXPECT_THROW((void)j.dump(), nlohmann::json::type_error);  // what every writer did before
  const std::string text = dump_json(j);
  const auto back = nlohmann::json::parse(text);
  EXPECT_EQ(back["file"], "photos/\xEF\xBF\xBD\xEF\xBF\xBDname.jpg");
  EXPECT_EQ(dump_json(j, 2).find('\n') != std::string::npos, true);
}

}  // namespace
TEST(TrimWhitespace, DropsSpacesTabsAndLineEndsAtBothEndsOnly) {
  EXPECT_EQ(trim_whitespace(" \t a b\r\n"), "a b");
  EXPECT_EQ(trim_whitespace("x"), "x");
  EXPECT_EQ(trim_whitespace(" \r\n\t "), "");
  EXPECT_EQ(trim_whitespace(""), "");
}

}  // namespace emomusic

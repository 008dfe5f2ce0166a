#include "emomusic/music/catalog_import.hpp"

#include <fcntl.h>
#include <gtest/gtest.h>
#include <sqlite3.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <exception>
#include <fstream>
#include <thread>

#include "emomusic/core/error.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/mood_history.hpp"
#include "music_fixtures.hpp"
#include "test_support.hpp"

namespace emomusic::music {
namespace {

using emomusic::test::TempDir;
using emomusic::test::write_file;
using test::make_id;

namespace fs = std::filesystem;

Track find(const std::vector<Track>& tracks, const std::string& id) {
  auto it = std::find_if(tracks.begin(), tracks.end(), [&](const Track& t) { return t.id == id; });
  if (it == tracks.end()) throw std::runtime_error("no track " + id);
  return *it;
}

// Everything stored, as comparable text, to check that a failed import changed nothing.
std::vector<std::string> snapshot(const fs::path& db) {
  std::vector<std::string> rows;
  for (const auto& t : Catalog(db, Catalog::Mode::kReadOnly).all_tracks()) {
    rows.push_back(t.id + "|" + t.name + "|" + t.artist_line() + "|" + t.genre + "|" +
                   std::to_string(t.valence) + "|" + std::to_string(t.year));
  }
  return rows;
}

class CatalogImport : public ::testing::Test {
 protected:
  std::vector<ImportReport> import(const std::vector<std::string>& names,
                                   ImportOptions options = {}) {
    std::vector<fs::path> files;
    for (const auto& n : names) files.push_back(dir / n);
    return import_csv_files(db, files, options);
  }

  TempDir dir;
  fs::path db = dir / "catalog.db";
};

TEST_F(CatalogImport, ReadsTheMoodsLayout) {
  write_file(dir / "moods.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(1), "1999", "Prince") +
                 test::moods_row(make_id(2), "\"Mister, Magic\"", "\"Grover Washington, Jr.\"",
                                 "0.3", "0.2", "1975"));
  const auto reports = import({"moods.csv"});
  ASSERT_EQ(reports.size(), 1u);
  EXPECT_EQ(reports[0].layout, "moods");
  EXPECT_EQ(reports[0].imported, 2);
  EXPECT_TRUE(reports[0].problems.empty());

  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  const Track prince = find(tracks, make_id(1));
  EXPECT_EQ(prince.name, "1999");
  EXPECT_EQ(prince.artists, std::vector<std::string>{"Prince"});
  EXPECT_EQ(prince.year, 1982);           // from release_date 27-10-1982
  EXPECT_EQ(prince.duration_ms, 379266);  // from "length"
  EXPECT_EQ(prince.popularity, 68);
  EXPECT_DOUBLE_EQ(prince.valence, 0.6);
  EXPECT_DOUBLE_EQ(prince.danceability, 0.866);
  const Track grover = find(tracks, make_id(2));
  // A comma inside an artist name does not split it.
  EXPECT_EQ(grover.artists, std::vector<std::string>{"Grover Washington, Jr."});
  EXPECT_EQ(grover.name, "Mister, Magic");
  EXPECT_EQ(grover.year, 1975);
}

TEST_F(CatalogImport, ReadsThe14kLayoutAndNormalisesUris) {
  write_file(dir / "14k.csv",
             std::string(test::kTracks14kHeader) +
                 test::tracks14k_row(0, "spotify:track:" + make_id(3), "The Box", "Roddy Ricch"));
  const auto reports = import({"14k.csv"});
  EXPECT_EQ(reports[0].layout, "tracks-14k");
  const Track t = find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(3));
  EXPECT_EQ(t.uri(), "spotify:track:" + make_id(3));
  EXPECT_EQ(t.year, 2019);
  EXPECT_EQ(t.popularity, 80);
  EXPECT_EQ(t.duration_ms, 196653);
  EXPECT_DOUBLE_EQ(t.energy, 0.586);
}

TEST_F(CatalogImport, ReadsTheKaggleLayoutSplittingArtistsAndMergingGenres) {
  // The 114k dataset lists a track once per genre it appears under.
  write_file(
      dir / "kaggle.csv",
      std::string(test::kKaggleHeader) +
          test::kaggle_row(0, make_id(4), "Gen Hoshino;Someone Else", "Comedy", "acoustic",
                           "True") +
          test::kaggle_row(1, make_id(5), "Ben Woodward", "Ghost", "acoustic") +
          test::kaggle_row(2, make_id(4), "Gen Hoshino;Someone Else", "Comedy", "j-pop", "True"));
  const auto reports = import({"kaggle.csv"});
  EXPECT_EQ(reports[0].layout, "kaggle-114k");
  EXPECT_EQ(reports[0].records, 3);
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  ASSERT_EQ(tracks.size(), 2u);
  const Track t = find(tracks, make_id(4));
  EXPECT_EQ(t.artists, (std::vector<std::string>{"Gen Hoshino", "Someone Else"}));
  EXPECT_EQ(t.genre, "acoustic;j-pop");
  EXPECT_TRUE(t.explicit_lyrics);
  EXPECT_EQ(t.year, 0);  // this layout has no year
  EXPECT_FALSE(find(tracks, make_id(5)).explicit_lyrics);
}

TEST_F(CatalogImport, ColumnMapReadsAnyLayout) {
  write_file(dir / "own.csv",
             "uri,title,who,v,e,genres\n"
             "https://open.spotify.com/track/" +
                 make_id(6) + "?si=x,Song,A|B,0.1,0.9,Rock\n");
  ImportOptions options;
  options.layout = parse_column_map(
      "id=uri,name=title,artists=who,valence=v,energy=e,genre=genres,artist_separator=|");
  import({"own.csv"}, options);
  const Track t = find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(6));
  EXPECT_EQ(t.artists, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(t.genre, "rock");
  EXPECT_FALSE(known(t.tempo));
}

TEST(ColumnMap, RejectsUnknownFieldsAndMissingRequiredOnes) {
  EXPECT_THROW(parse_column_map("id=a,name=b,artists=c,valence=d,energy=e,mood=f"), UsageError);
  EXPECT_THROW(parse_column_map("id=a,name=b,artists=c,valence=d"), UsageError);
  EXPECT_THROW(parse_column_map("id"), UsageError);
}

TEST_F(CatalogImport, UnknownHeaderSuggestsAColumnMap) {
  write_file(dir / "odd.csv", "foo,bar\n1,2\n");
  try {
    import({"odd.csv"});
    FAIL() << "expected InputError";
  } catch (const UnknownLayoutError& e) {  // the type the CLI catches to name --column-map
    EXPECT_NE(std::string(e.what()).find("column map"), std::string::npos) << e.what();
    EXPECT_NE(std::string(e.what()).find("odd.csv:1"), std::string::npos) << e.what();
  }
  EXPECT_FALSE(fs::exists(db)) << "a failed first import must not leave a catalog behind";
}

TEST_F(CatalogImport, ReportsEveryUnusableRowWithItsLineAndReason) {
  const std::string good = test::moods_row(make_id(10), "Good", "A");
  write_file(dir / "bad.csv",
             std::string(test::kMoodsHeader) +              // line 1
                 good +                                     // 2
                 "\"Two\nLines\",Album,B," + make_id(11) +  // 3-4
                 ",1982,1,1,0.5,0.5,0.5,0,0,0.5,0,0,120,1,4,Sad\n" +
                 test::moods_row("", "No id", "C") +                                    // 5
                 test::moods_row("not-an-id", "Bad id", "C") +                          // 6
                 test::moods_row(make_id(12), "", "C") +                                // 7
                 test::moods_row(make_id(13), "No artist", "") +                        // 8
                 test::moods_row(make_id(14), "Valence text", "C", "high") +            // 9
                 test::moods_row(make_id(15), "Valence range", "C", "1.7") +            // 10
                 test::moods_row(make_id(16), "No energy", "C", "0.5", "") +            // 11
                 test::moods_row(make_id(17), "Bad date", "C", "0.5", "0.5", "soon") +  // 12
                 "short,row\n");                                                        // 13
  const auto reports = import({"bad.csv"});
  const auto& problems = reports[0].problems;
  ASSERT_EQ(problems.size(), 9u);
  const std::vector<std::pair<long, std::string>> expected = {
      {5, "id is empty"},      {6, "not a Spotify track id"}, {7, "name is empty"},
      {8, "artists is empty"}, {9, "'high' is not a number"}, {10, "outside 0..1"},
      {11, "energy is empty"}, {12, "is not a date"},         {13, "expected 19 fields, got 2"}};
  for (std::size_t i = 0; i < expected.size(); ++i) {
    EXPECT_EQ(problems[i].line, expected[i].first) << problems[i].message();
    EXPECT_NE(problems[i].reason.find(expected[i].second), std::string::npos)
        << problems[i].message();
    EXPECT_EQ(problems[i].message().rfind((dir / "bad.csv").string() + ":", 0), 0u);
  }
  EXPECT_EQ(reports[0].records, 11);
  EXPECT_EQ(reports[0].imported, 2);  // line 2 and lines 3-4 (a name with a line break)
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  EXPECT_EQ(find(tracks, make_id(11)).name, "Two\nLines");
}

TEST_F(CatalogImport, KaggleRowsWithBadPopularityOrExplicitAreReported) {
  write_file(dir / "k.csv",
             std::string(test::kKaggleHeader) +
                 test::kaggle_row(0, make_id(20), "A", "x", "pop", "maybe") + "1," + make_id(21) +
                 ",B,Album,y,73.5,1,False,0.6,0.4,1,-6,0,0.1,0.1,0,0.3,0.7,87,4,pop\n");
  const auto reports = import({"k.csv"});
  ASSERT_EQ(reports[0].problems.size(), 2u);
  EXPECT_NE(reports[0].problems[0].reason.find("explicit"), std::string::npos);
  EXPECT_NE(reports[0].problems[1].reason.find("popularity"), std::string::npos);
  // The JSON form the CLI and a server print: each skipped row with its line and reason.
  const nlohmann::json j = to_json(reports[0]);
  EXPECT_EQ(j["records"], 2);
  EXPECT_EQ(j["imported"], 0);
  ASSERT_EQ(j["skipped"].size(), 2u);
  EXPECT_EQ(j["skipped"][1]["line"], reports[0].problems[1].line);
  EXPECT_EQ(j["skipped"][1]["reason"], reports[0].problems[1].reason);
  EXPECT_EQ(j["file"], reports[0].source);
}

// Issue 22: four rows with two ids imported as "4 of 4 rows imported", silently.
TEST_F(CatalogImport, RepeatedIdsAreReportedWithTheirLinesAndTheRowKept) {
  write_file(dir / "dup.csv",
             std::string(test::kMoodsHeader) +                                            // line 1
                 test::moods_row(make_id(50), "First", "A", "0.1") +                      // 2
                 test::moods_row(make_id(51), "Other", "B") +                             // 3
                 test::moods_row("spotify:track:" + make_id(50), "Second", "A", "0.2") +  // 4
                 test::moods_row(make_id(51), "Other again", "B") +                       // 5
                 test::moods_row(make_id(52), "Single", "C") +                            // 6
                 test::moods_row(make_id(50), "Third", "A", "0.3"));                      // 7
  const auto reports = import({"dup.csv"});
  const auto& r = reports[0];
  EXPECT_EQ(r.records, 6);
  ASSERT_EQ(r.duplicates.size(), 2u);
  EXPECT_EQ(r.duplicates[0].id, make_id(50));  // the same track, as an id and as a URI
  EXPECT_EQ(r.duplicates[0].lines, (std::vector<long>{2, 4, 7}));
  EXPECT_EQ(r.duplicates[1].id, make_id(51));
  EXPECT_EQ(r.duplicates[1].lines, (std::vector<long>{3, 5}));
  const std::string message = r.duplicates[0].message();
  EXPECT_NE(message.find("dup.csv: id " + make_id(50) + " is on lines 2, 4 and 7; line 7 is kept"),
            std::string::npos)
      << message;
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  EXPECT_EQ(tracks.size(), 3u);
  EXPECT_EQ(find(tracks, make_id(50)).name, "Third");  // the row the report says is kept
  EXPECT_DOUBLE_EQ(find(tracks, make_id(50)).valence, 0.3);
  const nlohmann::json j = to_json(r);
  ASSERT_EQ(j["duplicates"].size(), 2u);
  EXPECT_EQ(j["duplicates"][0]["lines"], nlohmann::json({2, 4, 7}));
  EXPECT_EQ(j["duplicates"][0]["kept"], 7);

  // A bad row does not count as a repeat, and ids repeated in another file are that file's.
  write_file(dir / "once.csv", std::string(test::kMoodsHeader) +
                                   test::moods_row(make_id(50), "Bad", "A", "7") +
                                   test::moods_row(make_id(50), "Good", "A"));
  EXPECT_TRUE(import({"once.csv"})[0].duplicates.empty());
}

TEST_F(CatalogImport, AHeaderThatNamesAColumnTwiceIsRefused) {
  for (const std::string second : {"valence", " Valence", "track"}) {
    const std::string header = "track,artist,track_id,valence,energy," + second + "\n";
    write_file(dir / "twice.csv", header + "x,y," + make_id(60) + ",0.5,0.5,0.5\n");
    ImportOptions options;
    options.layout = parse_column_map(
        "id=track_id,name=track,artists=artist,valence=valence,"
        "energy=energy");
    try {
      import({"twice.csv"}, options);
      ADD_FAILURE() << "a header with " << second << " twice was accepted";
    } catch (const InputError& e) {
      const std::string what = e.what();
      EXPECT_NE(what.find("twice.csv:1: the header names column '"), std::string::npos) << what;
      EXPECT_NE(what.find("twice (columns "), std::string::npos) << what;
    }
    EXPECT_FALSE(fs::exists(db));
  }
  // Unnamed columns (a spreadsheet's index, "") may repeat: they are never read.
  write_file(dir / "unnamed.csv", ",," + std::string(test::kMoodsHeader) + "0,1," +
                                      test::moods_row(make_id(61), "S", "A"));
  EXPECT_EQ(import({"unnamed.csv"})[0].imported, 1);
}

TEST_F(CatalogImport, StrictModeImportsNothingWhenARowIsBad) {
  write_file(dir / "first.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(30), "Kept", "A"));
  import({"first.csv"});
  write_file(dir / "mixed.csv", std::string(test::kMoodsHeader) +
                                    test::moods_row(make_id(31), "Fine", "B") +
                                    test::moods_row(make_id(32), "Broken", "B", "2"));
  ImportOptions strict;
  strict.strict = true;
  EXPECT_THROW(import({"mixed.csv"}, strict), InputError);
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 1);
}

// A line of the moods layout with one more column (a header name or a value) at its end.
std::string with_column(const std::string& line, const std::string& extra) {
  return line.substr(0, line.size() - 1) + "," + extra + "\n";
}

TEST_F(CatalogImport, ALanguageColumnIsFoundByItsUsualHeadersAndNormalised) {
  int n = 0;
  for (const auto header : kLanguageHeaders) {
    const std::string file = std::string(header) + ".csv";
    write_file(dir / file,
               with_column(test::kMoodsHeader, " " + std::string(header) + " ") +
                   with_column(test::moods_row(make_id(200 + n), "Code", "A"), "EN") +
                   with_column(test::moods_row(make_id(201 + n), "Name", "B"), "Spanish") +
                   with_column(test::moods_row(make_id(202 + n), "Tag", "C"), "pt-BR") +
                   with_column(test::moods_row(make_id(203 + n), "Blank", "D"), ""));
    const auto reports = import({file});
    EXPECT_EQ(reports[0].layout, "moods") << header;
    EXPECT_TRUE(reports[0].dropped.empty()) << header;
    const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
    EXPECT_EQ(find(tracks, make_id(200 + n)).language, "en") << header;
    EXPECT_EQ(find(tracks, make_id(201 + n)).language, "es") << header;
    EXPECT_EQ(find(tracks, make_id(202 + n)).language, "pt") << header;
    EXPECT_EQ(find(tracks, make_id(203 + n)).language, "") << header;
    n += 4;
  }
  // A file without a language column leaves the known languages as they are.
  write_file(dir / "plain.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(200), "Code v2", "A"));
  import({"plain.csv"});
  EXPECT_EQ(find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(200)).language, "en");
}

TEST_F(CatalogImport, AColumnMapNamesTheLanguageColumn) {
  write_file(dir / "own.csv", "uri,title,who,v,e,idioma\n" + make_id(6) + ",Song,A,0.1,0.9,fr\n");
  ImportOptions options;
  options.layout =
      parse_column_map("id=uri,name=title,artists=who,valence=v,energy=e,language=idioma");
  import({"own.csv"}, options);
  EXPECT_EQ(find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(6)).language, "fr");
}

TEST_F(CatalogImport, AnUnreadableLanguageIsReportedAndTheTrackKeptWithoutOne) {
  write_file(dir / "lang.csv",
             with_column(test::kMoodsHeader, "language") +                            // line 1
                 with_column(test::moods_row(make_id(210), "Good", "A"), "es") +      // 2
                 with_column(test::moods_row(make_id(211), "Odd", "B"), "Klingon"));  // 3
  const auto reports = import({"lang.csv"});
  EXPECT_EQ(reports[0].imported, 2);
  EXPECT_TRUE(reports[0].problems.empty());
  ASSERT_EQ(reports[0].dropped.size(), 1u);
  EXPECT_EQ(reports[0].dropped[0].line, 3);
  EXPECT_NE(reports[0].dropped[0].message().find("lang.csv:3: language 'Klingon'"),
            std::string::npos)
      << reports[0].dropped[0].message();
  EXPECT_EQ(to_json(reports[0])["dropped"][0]["line"], 3);
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  EXPECT_EQ(find(tracks, make_id(211)).language, "");
  EXPECT_EQ(find(tracks, make_id(210)).language, "es");

  // A strict import takes no guess: nothing of it lands.
  write_file(dir / "strict.csv", with_column(test::kMoodsHeader, "language") +
                                     with_column(test::moods_row(make_id(212), "New", "C"), "xx-"));
  ImportOptions strict;
  strict.strict = true;
  EXPECT_THROW(import({"strict.csv"}, strict), InputError);
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 2);
}

// A catalog as emomusic wrote it before tracks had a language (schema version 1).
void write_version1_catalog(const fs::path& db, const std::string& id) {
  sqlite3* conn = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &conn), SQLITE_OK);
  const std::string sql =
      "CREATE TABLE tracks (id TEXT PRIMARY KEY NOT NULL, name TEXT NOT NULL, artists TEXT NOT "
      "NULL, album TEXT NOT NULL DEFAULT '', genre TEXT NOT NULL DEFAULT '', year INTEGER, "
      "popularity INTEGER, explicit INTEGER NOT NULL DEFAULT 0, duration_ms INTEGER, valence REAL "
      "NOT NULL, energy REAL NOT NULL, danceability REAL, tempo REAL, acousticness REAL);"
      "INSERT INTO tracks (id, name, artists, year, valence, energy) VALUES ('" +
      id +
      "', 'Old', 'A;B', 1999, 0.4, 0.6);"
      "PRAGMA user_version = 1;";
  EXPECT_EQ(sqlite3_exec(conn, sql.c_str(), nullptr, nullptr, nullptr), SQLITE_OK);
  sqlite3_close(conn);
}

long long schema_version(const fs::path& db) {
  sqlite3* conn = nullptr;
  sqlite3_open(db.c_str(), &conn);
  sqlite3_stmt* s = nullptr;
  sqlite3_prepare_v2(conn, "PRAGMA user_version", -1, &s, nullptr);
  sqlite3_step(s);
  const long long v = sqlite3_column_int64(s, 0);
  sqlite3_finalize(s);
  sqlite3_close(conn);
  return v;
}

TEST_F(CatalogImport, AVersion1CatalogIsReadAsItIsAndUpgradedByTheNextImport) {
  write_version1_catalog(db, make_id(220));
  {
    // recommend and stats open it read-only: read as it is, the file untouched.
    const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
    ASSERT_EQ(tracks.size(), 1u);
    EXPECT_EQ(tracks[0].name, "Old");
    EXPECT_EQ(tracks[0].year, 1999);
    EXPECT_EQ(tracks[0].language, "");
    EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).search("old", 5).size(), 1u);
    EXPECT_EQ(schema_version(db), 1);
  }
  write_file(dir / "new.csv", with_column(test::kMoodsHeader, "language") +
                                  with_column(test::moods_row(make_id(221), "New", "C"), "es"));
  import({"new.csv"});
  EXPECT_EQ(schema_version(db), 2);
  const auto tracks = Catalog(db, Catalog::Mode::kReadOnly).all_tracks();
  ASSERT_EQ(tracks.size(), 2u);
  const Track old = find(tracks, make_id(220));
  EXPECT_EQ(old.artists, (std::vector<std::string>{"A", "B"}));
  EXPECT_EQ(old.language, "");
  EXPECT_EQ(find(tracks, make_id(221)).language, "es");
  // Upgraded once: opening it again for writing changes nothing more.
  EXPECT_NO_THROW(Catalog(db, Catalog::Mode::kReadWrite));
  EXPECT_EQ(schema_version(db), 2);
}

TEST_F(CatalogImport, AMoodHistoryIsNotUpgradedIntoACatalog) {
  { MoodHistory history(dir / "history.db"); }  // version 1 too, with other tables
  write_file(dir / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(230), "S", "A"));
  try {
    import_csv_files(dir / "history.db", {dir / "a.csv"}, {});
    FAIL() << "a history was imported into";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("not an emomusic catalog"), std::string::npos) << e.what();
  }
  EXPECT_EQ(schema_version(dir / "history.db"), 1);
}

TEST_F(CatalogImport, ReimportingIsIdempotent) {
  std::string csv = test::kKaggleHeader;
  for (int i = 0; i < 50; ++i) {
    csv += test::kaggle_row(i, make_id(100 + i % 40), "Artist " + std::to_string(i % 7),
                            "Song " + std::to_string(i % 40), i < 40 ? "pop" : "rock");
  }
  write_file(dir / "k.csv", csv);
  import({"k.csv"});
  const auto first = snapshot(db);
  ASSERT_EQ(first.size(), 40u);
  import({"k.csv"});
  import({"k.csv"});
  EXPECT_EQ(snapshot(db), first);
}

TEST_F(CatalogImport, UpsertUpdatesFeaturesAndKeepsWhatTheNewRowLacks) {
  write_file(dir / "a.csv", std::string(test::kTracks14kHeader) +
                                test::tracks14k_row(0, make_id(40), "Song", "A", "2001", "55"));
  write_file(dir / "b.csv",
             std::string(test::kKaggleHeader) +
                 test::kaggle_row(0, make_id(40), "A", "Song v2", "rock", "False", "0.1"));
  import({"a.csv"});
  import({"b.csv"});
  const Track t = find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(40));
  EXPECT_EQ(t.name, "Song v2");
  EXPECT_DOUBLE_EQ(t.valence, 0.1);
  EXPECT_EQ(t.year, 2001);  // Kaggle's layout has no year: the known one stays
  EXPECT_EQ(t.genre, "rock");
}

TEST_F(CatalogImport, FailureHalfWayLeavesTheCatalogAsItWas) {
  write_file(dir / "base.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(50), "Base", "A"));
  import({"base.csv"});
  const auto before = snapshot(db);

  // good.csv imports fine, then broken.csv fails after two of its rows were already upserted.
  std::string good = test::kMoodsHeader;
  for (int i = 0; i < 20; ++i) good += test::moods_row(make_id(60 + i), "New", "B");
  write_file(dir / "good.csv", good);
  write_file(dir / "broken.csv", std::string(test::kMoodsHeader) +
                                     test::moods_row(make_id(50), "Overwritten", "Z") +
                                     test::moods_row(make_id(90), "Also new", "C") +
                                     "\"never closed," + make_id(91) + "\n");
  EXPECT_THROW(import({"good.csv", "broken.csv"}), InputError);
  EXPECT_EQ(snapshot(db), before);
}

TEST_F(CatalogImport, FailedFirstImportLeavesNoCatalogFile) {
  write_file(dir / "broken.csv", std::string(test::kMoodsHeader) +
                                     test::moods_row(make_id(1), "Fine", "A") + "\"oops\n");
  EXPECT_THROW(import({"broken.csv"}), InputError);
  EXPECT_FALSE(fs::exists(db));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().extension(), ".csv") << "left behind: " << entry.path();
  }
}

TEST_F(CatalogImport, LockedCatalogIsReportedAsUnavailable) {
  write_file(dir / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(1), "S", "A"));
  import({"a.csv"});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN EXCLUSIVE", nullptr, nullptr, nullptr), SQLITE_OK);
  try {
    Catalog catalog(db, Catalog::Mode::kReadWrite, /*busy_timeout_ms=*/50);
    Catalog::Transaction transaction(catalog);
    FAIL() << "expected UnavailableError";
  } catch (const UnavailableError& e) {
    EXPECT_NE(std::string(e.what()).find("locked"), std::string::npos) << e.what();
  }
  EXPECT_THROW(Catalog(db, Catalog::Mode::kReadOnly, 50), UnavailableError);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 1);
}

TEST(CatalogFile, ANonSqliteFileIsABadInputNamingIt) {
  TempDir dir;
  write_file(dir / "notes.txt", "this is not a database, just some text that is long enough\n");
  for (auto mode : {Catalog::Mode::kReadOnly, Catalog::Mode::kReadWrite}) {
    try {
      Catalog catalog(dir / "notes.txt", mode);
      FAIL() << "expected InputError";
    } catch (const InputError& e) {
      EXPECT_NE(std::string(e.what()).find("not a SQLite database"), std::string::npos) << e.what();
      EXPECT_NE(std::string(e.what()).find("notes.txt"), std::string::npos) << e.what();
    }
  }
}

int table_count(const fs::path& db) {
  sqlite3* conn = nullptr;
  EXPECT_EQ(sqlite3_open_v2(db.c_str(), &conn, SQLITE_OPEN_READONLY, nullptr), SQLITE_OK);
  sqlite3_stmt* stmt = nullptr;
  sqlite3_prepare_v2(conn, "SELECT COUNT(*) FROM sqlite_master", -1, &stmt, nullptr);
  sqlite3_step(stmt);
  const int n = sqlite3_column_int(stmt, 0);
  sqlite3_finalize(stmt);
  sqlite3_close(conn);
  return n;
}

TEST(CatalogFile, AnotherSqliteDatabaseIsNotACatalog) {
  TempDir dir;
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open((dir / "other.db").c_str(), &other), SQLITE_OK);
  sqlite3_exec(other, "CREATE TABLE people (name TEXT)", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_THROW(Catalog(dir / "other.db", Catalog::Mode::kReadOnly), InputError);
  EXPECT_THROW(Catalog(dir / "missing.db", Catalog::Mode::kReadOnly), InputError);
  // Opened for writing (an import), it is refused too, and gets no table of ours.
  EXPECT_THROW(Catalog(dir / "other.db", Catalog::Mode::kReadWrite), InputError);
  write_file(dir / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(1), "S", "A"));
  EXPECT_THROW(import_csv_files(dir / "other.db", {dir / "a.csv"}, {}), InputError);
  EXPECT_EQ(table_count(dir / "other.db"), 1);
}

TEST_F(CatalogImport, ConcurrentImportsIntoANewCatalogBothLand) {
  // Two imports that both find no catalog: before, the second rename replaced the first
  // import's catalog and its rows were silently lost.
  for (const char* name : {"a.csv", "b.csv"}) {
    std::string rows = test::kMoodsHeader;
    const int base = name[0] == 'a' ? 0 : 5000;
    for (int i = 0; i < 3000; ++i) rows += test::moods_row(make_id(base + i), "T", name);
    write_file(dir / name, rows);
  }
  for (int round = 0; round < 3; ++round) {
    fs::remove(db);
    std::atomic<int> ready{0};
    std::vector<std::thread> threads;
    std::vector<std::exception_ptr> errors(2);
    for (int k = 0; k < 2; ++k) {
      threads.emplace_back([&, k] {
        ++ready;
        while (ready < 2) std::this_thread::yield();
        try {
          import_csv_files(db, {dir / (k == 0 ? "a.csv" : "b.csv")}, {});
        } catch (...) {
          errors[k] = std::current_exception();
        }
      });
    }
    for (auto& t : threads) t.join();
    for (auto& e : errors) {
      if (e) std::rethrow_exception(e);
    }
    EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 6000) << "round " << round;
    for (const auto& entry : fs::directory_iterator(dir.path())) {
      EXPECT_EQ(entry.path().filename().string().find(".tmp-"), std::string::npos)
          << "left behind: " << entry.path();
    }
  }
}

TEST_F(CatalogImport, AWriterWaitsForTheLockThenFailsCleanly) {
  write_file(dir / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(1), "S", "A"));
  import({"a.csv"});
  sqlite3* other = nullptr;
  ASSERT_EQ(sqlite3_open(db.c_str(), &other), SQLITE_OK);
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  // Released after 300 ms: an import that waits up to 5 s gets in, and its rows land.
  std::thread release([&] {
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    sqlite3_exec(other, "COMMIT", nullptr, nullptr, nullptr);
  });
  write_file(dir / "b.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(2), "T", "B"));
  ImportOptions waiting;
  waiting.lock_timeout_ms = 5000;
  EXPECT_NO_THROW(import({"b.csv"}, waiting));
  release.join();
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 2);
  // Held for longer than the timeout: UnavailableError (exit 8), nothing changed.
  ASSERT_EQ(sqlite3_exec(other, "BEGIN IMMEDIATE", nullptr, nullptr, nullptr), SQLITE_OK);
  write_file(dir / "c.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(3), "U", "C"));
  ImportOptions impatient;
  impatient.lock_timeout_ms = 100;
  EXPECT_THROW(import({"c.csv"}, impatient), UnavailableError);
  sqlite3_exec(other, "ROLLBACK", nullptr, nullptr, nullptr);
  sqlite3_close(other);
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 2);
}

TEST_F(CatalogImport, TemporaryFilesOfAKilledImportAreRemovedByTheNext) {
  // What kill -9 leaves: the temporary catalog of a process that is gone, and its journal.
  const pid_t child = fork();
  if (child == 0) _exit(0);
  waitpid(child, nullptr, 0);
  const std::string dead = ".catalog.db.tmp-" + std::to_string(child) + "-0-123";
  write_file(dir / dead, "partial");
  write_file(dir / (dead + "-journal"), "journal");
  // A running writer's temporary file (this process) is not touched.
  const std::string alive = ".catalog.db.tmp-" + std::to_string(getpid()) + "-7-1";
  write_file(dir / alive, "in progress");
  write_file(dir / "a.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(1), "S", "A"));
  import({"a.csv"});
  EXPECT_FALSE(fs::exists(dir / dead));
  EXPECT_FALSE(fs::exists(dir / (dead + "-journal")));
  EXPECT_TRUE(fs::exists(dir / alive));
  EXPECT_EQ(Catalog(db, Catalog::Mode::kReadOnly).count(), 1);
}

TEST_F(CatalogImport, AnInterruptedImportChangesNothingAndLeavesNoFiles) {
  std::string rows = test::kMoodsHeader;
  for (int i = 0; i < 50; ++i) rows += test::moods_row(make_id(i), "T", "A");
  write_file(dir / "a.csv", rows);
  ImportOptions cancelled;
  cancelled.cancel.cancel();
  EXPECT_THROW(import({"a.csv"}, cancelled), InterruptedError);
  EXPECT_FALSE(fs::exists(db));
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_EQ(entry.path().extension(), ".csv") << "left behind: " << entry.path();
  }
  // Another import, with a token of its own, is not stopped by that one.
  EXPECT_EQ(import({"a.csv"})[0].imported, 50);
}

TEST_F(CatalogImport, AnImportCancelledHalfWayRollsBackWhatItHadAdded) {
  write_file(dir / "old.csv",
             std::string(test::kMoodsHeader) + test::moods_row(make_id(100), "Old", "O"));
  import({"old.csv"});
  const auto before = snapshot(db);
  std::string rows = test::kMoodsHeader;
  for (int i = 0; i < 50; ++i) rows += test::moods_row(make_id(i), "T", "A");
  write_file(dir / "first.csv", rows);
  // The second file is a pipe: the import opens it only once the first file's 50 rows are in its
  // transaction, and the writer cancels before it sends the header and a row in one write.
  const fs::path pipe = dir / "second.csv";
  ASSERT_EQ(mkfifo(pipe.c_str(), 0600), 0);
  ImportOptions options;
  std::thread writer([&, token = options.cancel]() mutable {
    std::ofstream out(pipe);  // blocks until the import opens the pipe
    token.cancel();
    out << test::kMoodsHeader << test::moods_row(make_id(60), "New", "N") << std::flush;
  });
  try {
    import({"first.csv", "second.csv"}, options);
    ADD_FAILURE() << "the import went on after its token was cancelled";
  } catch (const InterruptedError& e) {
    EXPECT_NE(std::string(e.what()).find("second.csv:2"), std::string::npos) << e.what();
  } catch (const std::exception& e) {
    ADD_FAILURE() << "the import failed otherwise: " << e.what();
  }
  // A reader of our own, so that the writer neither waits forever (had the import failed before
  // opening the pipe) nor finds it without readers.
  const int rescue = ::open(pipe.c_str(), O_RDONLY | O_NONBLOCK);
  writer.join();
  ::close(rescue);
  EXPECT_EQ(snapshot(db), before);
  for (const auto& entry : fs::directory_iterator(dir.path())) {
    EXPECT_TRUE(entry.path().extension() == ".csv" || entry.path() == db)
        << "left behind: " << entry.path();
  }
}

TEST_F(CatalogImport, Latin1TextIsStoredAsUtf8) {
  // "Beyonc\xe9" and "Caf\xe9 \x80" as a spreadsheet exports them in Windows-1252.
  write_file(dir / "latin1.csv", std::string(test::kMoodsHeader) +
                                     test::moods_row(make_id(1), "Caf\xe9 \x80", "Beyonc\xe9"));
  import({"latin1.csv"});
  const auto t = find(Catalog(db, Catalog::Mode::kReadOnly).all_tracks(), make_id(1));
  EXPECT_EQ(t.name, "Caf\xC3\xA9 \xE2\x82\xAC");
  EXPECT_EQ(t.artist_line(), "Beyonc\xC3\xA9");
}

TEST_F(CatalogImport, ImpossibleDatesAndHexNumbersAreReportedNotImported) {
  std::string rows = "id,name,artists,valence,energy,release_date\n";
  rows += make_id(1) + ",Good,A,0.5,0.5,27-10-1982\n";
  rows += make_id(2) + ",Bad date,A,0.5,0.5,32-13-2020\n";
  rows += make_id(3) + ",Hex,A,0x1p-1,0.5,1999\n";
  rows += make_id(4) + ",Inf,A,0.5,inf,1999\n";
  rows += make_id(5) + ",Feb 29,A,0.5,0.5,2001-02-29\n";
  rows += make_id(6) + ",Month,A,0.5,0.5,1999-07\n";
  write_file(dir / "d.csv", rows);
  ImportOptions o;
  o.layout = parse_column_map(
      "id=id,name=name,artists=artists,valence=valence,energy=energy,release_date=release_date");
  const auto reports = import({"d.csv"}, o);
  ASSERT_EQ(reports[0].problems.size(), 4u);
  EXPECT_NE(reports[0].problems[0].reason.find("'32-13-2020' is not a date"), std::string::npos)
      << reports[0].problems[0].reason;
  EXPECT_NE(reports[0].problems[1].reason.find("'0x1p-1' is not a number"), std::string::npos);
  EXPECT_EQ(reports[0].problems[3].line, 6);
  const Catalog catalog(db, Catalog::Mode::kReadOnly);
  EXPECT_EQ(catalog.count(), 2);
  EXPECT_EQ(find(catalog.all_tracks(), make_id(6)).year, 1999);
}

TEST_F(CatalogImport, SearchAndStats) {
  write_file(dir / "k.csv",
             std::string(test::kKaggleHeader) +
                 test::kaggle_row(0, make_id(1), "Queen", "Bohemian Rhapsody", "rock") +
                 test::kaggle_row(1, make_id(2), "Queen;David Bowie", "Under Pressure", "rock") +
                 test::kaggle_row(2, make_id(3), "Adele", "Hello 100%", "pop", "True"));
  import({"k.csv"});
  const Catalog catalog(db, Catalog::Mode::kReadOnly);
  EXPECT_EQ(catalog.search("queen", 10).size(), 2u);
  EXPECT_EQ(catalog.search("PRESSURE", 10).size(), 1u);
  EXPECT_EQ(catalog.search("100%", 10).size(), 1u);
  EXPECT_EQ(catalog.search("1_0", 10).size(), 0u);  // '_' is not a wildcard
  const CatalogStats s = catalog.stats();
  EXPECT_EQ(s.tracks, 3);
  EXPECT_EQ(s.artists, 3);
  EXPECT_EQ(s.explicit_tracks, 1);
  ASSERT_FALSE(s.top_genres.empty());
  EXPECT_EQ(s.top_genres[0], (std::pair<std::string, long>{"rock", 2}));
  const nlohmann::json j = to_json(s, db);
  EXPECT_EQ(j["catalog"], db.string());
  EXPECT_EQ(j["tracks"], 3);
  EXPECT_EQ(j["explicit"], 1);
  EXPECT_EQ(j["top_genres"][0]["genre"], "rock");
  EXPECT_EQ(j["top_genres"][0]["tracks"], 2);
}

}  // namespace
}  // namespace emomusic::music

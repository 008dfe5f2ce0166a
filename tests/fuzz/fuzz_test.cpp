// Seeded random-mutation fuzzing of the parsers that read files from anywhere: the catalog CSV
// reader and importer, the FER2013 CSV loader (plain and gzip) and the safetensors/model reader.
// The property: any input either loads or fails with an emomusic::Error (a message and an exit
// code); never another exception, a crash, or (under scripts/fuzz.sh's ASan/UBSan build) a
// memory error. CI runs a bounded number of inputs; EMOMUSIC_FUZZ_ITERATIONS runs more, and a
// failing input is saved for replay under EMOMUSIC_FUZZ_FAILURES (default: the temp dir).

#include <gtest/gtest.h>

#include <chrono>
#include <cstdlib>
#include <fstream>
#include <functional>
#include <sstream>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/safetensors.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/data/loader.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/catalog_import.hpp"
#include "emomusic/music/csv_layout.hpp"
#include "emomusic/music/csv_reader.hpp"
#include "emomusic/nn/model_file.hpp"
#include "emomusic/nn/network.hpp"
#include "fer_fixture.hpp"
#include "music_fixtures.hpp"
#include "mutator.hpp"
#include "test_support.hpp"

namespace emomusic::test {
namespace {

namespace fs = std::filesystem;
using music::test::kaggle_row;
using music::test::kKaggleHeader;
using music::test::kMoodsHeader;
using music::test::make_id;
using music::test::moods_row;

// Inputs per target for one CI run; `weight` scales it for targets that write files.
long iterations(double weight) {
  const char* env = std::getenv("EMOMUSIC_FUZZ_ITERATIONS");
  const long base = env ? std::atol(env) : 10000;
  return std::max(1L, static_cast<long>(static_cast<double>(base) * weight));
}

std::string hex_excerpt(const std::string& bytes) {
  std::ostringstream out;
  for (std::size_t i = 0; i < std::min<std::size_t>(bytes.size(), 64); ++i) {
    out << "0123456789abcdef"[static_cast<unsigned char>(bytes[i]) >> 4]
        << "0123456789abcdef"[static_cast<unsigned char>(bytes[i]) & 15];
  }
  return out.str();
}

// Runs `target` on `count` mutated inputs; fails the test on the first input that escapes as
// anything but an emomusic::Error, and saves that input.
void fuzz(const std::string& name, Mutator mutator, long count,
          const std::function<void(const std::string&)>& target) {
  const auto start = std::chrono::steady_clock::now();
  long rejected = 0;
  for (long i = 0; i < count; ++i) {
    const std::string input = mutator.next();
    std::string escaped;
    try {
      target(input);
    } catch (const Error&) {
      ++rejected;
    } catch (const std::exception& e) {
      escaped = std::string(typeid(e).name()) + ": " + excerpt(e.what(), 300);
    }
    if (!escaped.empty()) {
      const char* dir_env = std::getenv("EMOMUSIC_FUZZ_FAILURES");
      const fs::path dir = dir_env ? fs::path(dir_env) : fs::temp_directory_path();
      const fs::path saved = dir / ("fuzz-" + name + "-" + std::to_string(i) + ".bin");
      write_file(saved, input);
      FAIL() << name << " input " << i << " escaped as " << escaped << "; saved to " << saved
             << " (" << input.size() << " bytes, starts " << hex_excerpt(input) << ")";
    }
  }
  const double s = std::chrono::duration<double>(std::chrono::steady_clock::now() - start).count();
  std::cout << "[fuzz] " << name << ": " << count << " inputs in " << s << " s ("
            << static_cast<long>(count / std::max(s, 1e-9)) << "/s), " << rejected
            << " rejected with an error, 0 escaped\n";
}

std::string moods_csv(int rows) {
  std::string csv = kMoodsHeader;
  for (int i = 0; i < rows; ++i) csv += moods_row(make_id(i), "Song " + std::to_string(i), "Band");
  return csv;
}

TEST(Fuzz, CatalogCsvRowsParseOrFailWithAnError) {
  std::vector<std::string> seeds = {
      moods_csv(5),
      std::string(kKaggleHeader) + kaggle_row(0, make_id(1), "A;B", "Song", "rock", "True")};
  fuzz("catalog-csv", Mutator(1, seeds, 16 << 10), iterations(4), [](const std::string& input) {
    std::istringstream in(input);
    music::CsvReader reader(in, "fuzz.csv");
    std::vector<std::string> record;
    if (!reader.next(record)) return;
    const music::CsvLayout& layout = music::detect_layout(record, "fuzz.csv");
    const music::RowParser parser(layout, record, "fuzz.csv");
    while (reader.next(record)) {
      const music::ParsedRow row = parser.parse(record);
      if (row.track) (void)dump_json(nlohmann::json{{"name", row.track->name}});
    }
  });
}

TEST(Fuzz, CatalogImportKeepsTheCatalogUsableAndUtf8) {
  TempDir dir;
  const fs::path db = dir / "catalog.db";
  long imports = 0;
  fuzz("catalog-import", Mutator(2, {moods_csv(3)}, 8 << 10), iterations(0.05),
       [&](const std::string& input) {
         write_file(dir / "in.csv", input);
         music::import_csv_files(db, {dir / "in.csv"}, {});
         ++imports;
         for (const auto& t : music::Catalog(db, music::Catalog::Mode::kReadOnly).all_tracks()) {
           if (!is_valid_utf8(t.name) || !is_valid_utf8(t.artist_line()) ||
               !is_valid_utf8(t.album)) {
             throw std::logic_error("the catalog holds text that is not UTF-8: " + excerpt(t.name));
           }
         }
       });
  EXPECT_GT(imports, 0) << "no mutated file imported at all: the seeds are not exercised";
}

TEST(Fuzz, FerCsvLoadsOrFailsWithAnError) {
  TempDir dir;
  const std::string csv = fer_csv(synthetic_rows(1, {"Training", "PublicTest"}));
  data::LoadOptions options;
  options.use_cache = false;
  options.show_progress = false;
  long n = 0;
  fuzz("fer-csv", Mutator(3, {csv}, 128 << 10), iterations(0.1), [&](const std::string& input) {
    options.skip_bad = (++n % 2) == 0;
    write_file(dir / "fer.csv", input);
    data::load_dataset(dir / "fer.csv", options);
  });
  // Gzip: the compressed bytes themselves are mutated (truncation, flipped bits, bad CRC).
  write_gzip(dir / "seed.csv.gz", csv);
  fuzz("fer-csv-gz", Mutator(4, {read_file(dir / "seed.csv.gz")}, 64 << 10), iterations(0.1),
       [&](const std::string& input) {
         write_file(dir / "fer.csv.gz", input);
         data::load_dataset(dir / "fer.csv.gz", options);
       });
}

TEST(Fuzz, SafetensorsAndModelFilesLoadOrFailWithAnError) {
  TempDir dir;
  nn::ModelSpec spec;
  spec.arch.channels = {2};
  spec.arch.hidden = 2;
  for (const auto& name : emotion_names()) spec.classes.emplace_back(name);
  auto net = nn::make_network(spec.arch, spec.input.size, static_cast<int>(spec.classes.size()));
  nn::save_model(dir / "seed.safetensors", net, spec, {});
  const std::string seed = read_file(dir / "seed.safetensors");
  fuzz("safetensors", Mutator(5, {seed}, 64 << 10), iterations(2),
       [](const std::string& input) { (void)decode_safetensors(input, "fuzz.safetensors"); });
  // The whole model loader: metadata checks, tensor checks, building the network.
  fuzz("model-file", Mutator(6, {seed}, 64 << 10), iterations(0.1), [&](const std::string& input) {
    write_file(dir / "m.safetensors", input);
    (void)nn::load_model(dir / "m.safetensors");
  });
}

}  // namespace
}  // namespace emomusic::test

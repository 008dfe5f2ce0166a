#include "emomusic/music/catalog_import.hpp"

#include <spdlog/spdlog.h>

#include <fstream>
#include <unordered_map>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/output_files.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/catalog.hpp"
#include "emomusic/music/csv_reader.hpp"

namespace emomusic::music {
namespace fs = std::filesystem;

namespace {

ImportReport import_one(Catalog& catalog, const fs::path& file, const ImportOptions& options) {
  BoundedInput in(file, kCatalogCsvLimit);
  const std::string source = file.string();
  CsvReader reader(in, source);
  std::vector<std::string> record;
  if (!reader.next(record)) throw InputError(source + ": empty file, expected a header line");

  const CsvLayout& layout = options.layout ? *options.layout : detect_layout(record, source);
  const RowParser parser(layout, record, source);
  ImportReport report{source, layout.name, 0, 0, {}, {}, {}};

  // Each id's first line, and where in report.duplicates an id seen again is.
  std::unordered_map<std::string, long> first_line;
  std::unordered_map<std::string, std::size_t> duplicate_of;
  Progress progress("import " + file.filename().string(), 0, "rows");
  while (reader.next(record)) {
    if (options.cancel.cancelled()) {
      throw InterruptedError("import interrupted at " + source + ":" +
                             std::to_string(reader.record_line()) + "; the catalog is unchanged");
    }
    ++report.records;
    // Spreadsheets still export Latin-1 or Windows-1252; the catalog holds UTF-8 only, so that
    // every JSON, M3U or terminal line made from it is valid.
    for (auto& field : record) field = utf8_from_legacy(field);
    ParsedRow row = parser.parse(record);
    if (!row.track) {
      RowProblem problem{source, reader.record_line(), std::move(row.problem)};
      if (options.strict) {
        throw InputError(problem.message() + " (strict import: nothing imported)");
      }
      report.problems.push_back(std::move(problem));
      continue;
    }
    if (!row.dropped.empty()) {
      RowProblem dropped{source, reader.record_line(), std::move(row.dropped)};
      if (options.strict) {
        throw InputError(dropped.message() + " (strict import: nothing imported)");
      }
      report.dropped.push_back(std::move(dropped));
    }
    catalog.upsert(*row.track);
    ++report.imported;
    const long line = reader.record_line();
    if (const auto [first, inserted] = first_line.emplace(row.track->id, line); !inserted) {
      const auto [known, added] = duplicate_of.emplace(row.track->id, report.duplicates.size());
      if (added) report.duplicates.push_back({source, row.track->id, {first->second}});
      report.duplicates[known->second].lines.push_back(line);
    }
    if (report.records % 5000 == 0) progress.advance(5000);
  }
  progress.advance(report.records % 5000);
  progress.finish();
  return report;
}

std::vector<ImportReport> import_all(Catalog& catalog, const std::vector<fs::path>& files,
                                     const ImportOptions& options) {
  Catalog::Transaction transaction(catalog);
  std::vector<ImportReport> reports;
  for (const auto& file : files) reports.push_back(import_one(catalog, file, options));
  transaction.commit();
  return reports;
}

}  // namespace

std::string RowProblem::message() const {
  return source + ":" + std::to_string(line) + ": " + reason;
}

std::string DuplicateId::message() const {
  std::string where;
  for (std::size_t i = 0; i < lines.size(); ++i) {
    where += (i == 0 ? "" : i + 1 == lines.size() ? " and " : ", ") + std::to_string(lines[i]);
  }
  return source + ": id " + id + " is on lines " + where + "; line " +
         std::to_string(lines.back()) + " is kept (the genres of all merged)";
}

nlohmann::json to_json(const ImportReport& r) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& p : r.problems) skipped.push_back({{"line", p.line}, {"reason", p.reason}});
  nlohmann::json duplicates = nlohmann::json::array();
  for (const auto& d : r.duplicates) {
    duplicates.push_back({{"id", d.id}, {"lines", d.lines}, {"kept", d.lines.back()}});
  }
  nlohmann::json dropped = nlohmann::json::array();
  for (const auto& p : r.dropped) dropped.push_back({{"line", p.line}, {"reason", p.reason}});
  return {{"file", r.source},       {"layout", r.layout}, {"records", r.records},
          {"imported", r.imported}, {"skipped", skipped}, {"duplicates", duplicates},
          {"dropped", dropped}};
}

std::vector<ImportReport> import_csv_files(const fs::path& catalog_path,
                                           const std::vector<fs::path>& files,
                                           const ImportOptions& options) {
  check_output_files(files, {catalog_path});
  // What an import killed earlier (kill -9, power loss) left beside the catalog: also when the
  // catalog exists, and no AtomicReplacement (which removes them too) is made below.
  remove_stale_temporaries(catalog_path);
  if (!fs::exists(catalog_path)) {
    // A new catalog is built beside its final name and moved into place only when complete, so a
    // failed first import leaves no empty or partial catalog behind. The move never replaces: if
    // a concurrent import created the catalog meanwhile, this one's rows go into that catalog
    // below instead of replacing it (which would silently lose the other import's rows).
    AtomicReplacement replacement(catalog_path);
    std::vector<ImportReport> reports;
    {
      Catalog catalog(replacement.temp_path(), Catalog::Mode::kReadWrite);
      reports = import_all(catalog, files, options);
    }
    if (replacement.commit_if_absent()) return reports;
    spdlog::info("{} was created by another import meanwhile; adding these rows to it",
                 catalog_path.string());
  }
  Catalog catalog(catalog_path, Catalog::Mode::kReadWrite, options.lock_timeout_ms);
  return import_all(catalog, files, options);
}

}  // namespace emomusic::music

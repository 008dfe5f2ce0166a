#include "emomusic/music/history_format.hpp"

#include <fmt/format.h>

#include "emomusic/core/named_values.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/music/csv_reader.hpp"

namespace emomusic::music {

namespace {

// The stored label may come from any writer of the file: one line, no terminal control bytes.
std::string shown(const std::string& source) {
  return excerpt(source, kMaxSourceBytes);
}

void write_table(std::ostream& out, const HistoryReport& report) {
  if (report.entries.empty()) {
    out << "no moods recorded in these " << report.days.size() << " days\n";
  } else {
    out << fmt::format("{:<20}  {:<8}  {:>10}  {}\n", "time (UTC)", "emotion", "confidence",
                       "source");
    for (const auto& e : report.entries) {
      out << fmt::format("{:<20}  {:<8}  {:>10.2f}  {}\n", utc_timestamp(e.time),
                         emomusic::to_string(e.emotion), e.confidence, shown(e.source));
    }
  }
  out << '\n'
      << fmt::format("{:<10}  {:>5}  {:<8}  {:>10}  {}\n", "day (UTC)", "moods", "dominant",
                     "confidence", "per emotion");
  for (const auto& d : report.days) {
    std::string counts;
    for (int k = 0; k < kEmotionCount; ++k) {
      const int n = d.counts[static_cast<std::size_t>(k)];
      if (n == 0) continue;
      counts += fmt::format("{}{} {}", counts.empty() ? "" : ", ",
                            emotion_names()[static_cast<std::size_t>(k)], n);
    }
    out << fmt::format("{:<10}  {:>5}  {:<8}  {:>10}", d.date, d.total,
                       d.dominant ? std::string(emomusic::to_string(*d.dominant)) : "-",
                       d.total ? fmt::format("{:.2f}", d.mean_confidence) : "-")
        << (counts.empty() ? "" : "  " + counts) << '\n';
  }
}

void write_csv(std::ostream& out, const HistoryReport& report) {
  out << "utc,time,emotion,confidence,source\n";
  for (const auto& e : report.entries) {
    out << utc_timestamp(e.time) << ',' << e.time << ',' << emomusic::to_string(e.emotion) << ','
        << fmt::format("{:.4g}", e.confidence) << ',' << csv_quote(valid_utf8(e.source)) << '\n';
  }
}

}  // namespace

const std::vector<std::string>& history_format_names() {
  // In HistoryFormat's order.
  static const std::vector<std::string> kNames = {"table", "json", "csv"};
  return kNames;
}

HistoryFormat history_format_from_string(std::string_view text) {
  return parse_named<HistoryFormat>(history_format_names(), text, "history format");
}

void write_history(std::ostream& out, const HistoryReport& report, HistoryFormat format) {
  switch (format) {
    case HistoryFormat::kTable:
      write_table(out, report);
      break;
    case HistoryFormat::kJson:
      out << dump_json(report.to_json(), 2) << '\n';
      break;
    case HistoryFormat::kCsv:
      write_csv(out, report);
      break;
  }
}

}  // namespace emomusic::music

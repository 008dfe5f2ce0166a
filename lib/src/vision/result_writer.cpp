#include "emomusic/vision/result_writer.hpp"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "emomusic/core/error.hpp"
#include "emomusic/core/named_values.hpp"
#include "emomusic/core/text.hpp"

namespace emomusic::vision {

const std::vector<std::string>& output_format_names() {
  static const std::vector<std::string> names{"text", "json", "jsonl",
                                              "csv"};  // OutputFormat's order
  return names;
}

OutputFormat parse_output_format(const std::string& name) {
  return parse_named<OutputFormat>(output_format_names(), name, "output format");
}

nlohmann::ordered_json to_json(const FaceEmotion& f) {
  nlohmann::ordered_json probabilities;
  for (int e = 0; e < kEmotionCount; ++e) {
    probabilities[std::string(emotion_names()[e])] = f.probabilities[e];
  }
  nlohmann::ordered_json face = {{"box", {f.box.x, f.box.y, f.box.width, f.box.height}},
                                 {"emotion", std::string(to_string(f.emotion()))},
                                 {"probabilities", probabilities}};
  if (f.track >= 0) face["track"] = f.track;
  return face;
}

nlohmann::ordered_json to_json(const FrameResult& r) {
  nlohmann::ordered_json faces = nlohmann::ordered_json::array();
  for (const auto& f : r.faces) faces.push_back(to_json(f));
  // The ordered form keeps the documented key order, which dump_json() (plain json) would sort;
  // the source is the only text from outside, so making it valid UTF-8 here keeps dump() from
  // throwing (type_error 316) on a file name that is not.
  nlohmann::ordered_json j = {{"source", valid_utf8(r.source)}};
  if (r.frame) j["frame"] = *r.frame;
  if (r.time_s) j["time"] = *r.time_s;
  j["faces"] = faces;
  return j;
}

namespace {

// RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes.
std::string csv_field(const std::string& s) {
  if (s.find_first_of(",\"\r\n") == std::string::npos) return s;
  std::string out = "\"";
  for (char c : s) out += c == '"' ? std::string("\"\"") : std::string(1, c);
  return out + "\"";
}

std::string where(const FrameResult& r) {
  std::string s = r.source;
  if (r.frame) s += fmt::format(" frame {}", *r.frame);
  if (r.time_s) s += fmt::format(" {:.2f}s", *r.time_s);
  return s;
}

}  // namespace

ResultWriter::ResultWriter(std::ostream& out, OutputFormat format) : out_(out), format_(format) {
  if (format_ == OutputFormat::kJson) out_ << "[";
  if (format_ == OutputFormat::kCsv) {
    out_ << "source,frame,time,track,x,y,w,h,emotion";
    for (const auto& name : emotion_names()) out_ << ',' << name;
    out_ << '\n';
  }
}

ResultWriter::~ResultWriter() {
  try {
    finish();
  } catch (...) {  // a destructor must not throw; the stream's state tells the caller
  }
}

void ResultWriter::write(const FrameResult& r) {
  switch (format_) {
    case OutputFormat::kText:
      for (const auto& f : r.faces) {
        const Emotion e = f.emotion();
        out_ << fmt::format("{}: {}[{},{},{},{}] {} {:.0f}%  (", where(r),
                            f.track >= 0 ? fmt::format("#{} ", f.track) : std::string(), f.box.x,
                            f.box.y, f.box.width, f.box.height, to_string(e),
                            100.0 * f.probabilities[to_index(e)]);
        for (int i = 0; i < kEmotionCount; ++i) {
          out_ << fmt::format("{}{} {:.0f}%", i ? " " : "", emotion_names()[i],
                              100.0 * f.probabilities[i]);
        }
        out_ << ")\n";
      }
      break;
    case OutputFormat::kJson:
      out_ << (written_ ? ",\n" : "\n") << to_json(r).dump();
      break;
    case OutputFormat::kJsonl:
      out_ << to_json(r).dump() << '\n';
      break;
    case OutputFormat::kCsv:
      for (const auto& f : r.faces) {
        out_ << csv_field(r.source) << ',' << (r.frame ? std::to_string(*r.frame) : "") << ','
             << (r.time_s ? fmt::format("{:.3f}", *r.time_s) : "") << ','
             << (f.track >= 0 ? std::to_string(f.track) : "") << ',' << f.box.x << ',' << f.box.y
             << ',' << f.box.width << ',' << f.box.height << ',' << to_string(f.emotion());
        for (float p : f.probabilities) out_ << fmt::format(",{:.4f}", p);
        out_ << '\n';
      }
      break;
  }
  ++written_;
  out_.flush();
}

void ResultWriter::finish() {
  if (finished_) return;
  finished_ = true;
  if (format_ == OutputFormat::kJson) out_ << (written_ ? "\n]\n" : "]\n");
  out_.flush();
}

}  // namespace emomusic::vision

#pragma once
/// @file
/// Results on stdout for people (text) and scripts (json, jsonl, csv).

#include <nlohmann/json.hpp>
#include <ostream>
#include <string>
#include <vector>

#include "emomusic/vision/face_emotion.hpp"

namespace emomusic::vision {

/// text: a line per face. json: one array of frame objects. jsonl: a frame object per line
/// ({"source","frame","time","faces":[{"box":[x,y,w,h],"track","emotion","probabilities":{…}}]}).
/// csv: a header, then a row per face with the 7 probabilities as columns.
enum class OutputFormat { kText, kJson, kJsonl, kCsv };
/// The names of OutputFormat's values, in its order: "text", "json", "jsonl", "csv".
const std::vector<std::string>& output_format_names();
OutputFormat parse_output_format(const std::string& name);  ///< a name of output_format_names()

/// One face as `detect --format json` writes it: {"box": [x, y, w, h], "emotion": …,
/// "probabilities": {the 7 names in label order}, "track": N (only when tracked)}. Ordered, so
/// the documented key order survives; write it with dump_json().
nlohmann::ordered_json to_json(const FaceEmotion& face);

/// One image or frame: {"source", "frame" (streams), "time" (streams), "faces": [to_json(face)…]}.
nlohmann::ordered_json to_json(const FrameResult& result);

class ResultWriter {
 public:
  /// Writes the prologue at once (the json array's bracket, the csv header).
  ResultWriter(std::ostream& out, OutputFormat format);
  /// Closes the json array if finish() was not called.
  ~ResultWriter();
  ResultWriter(const ResultWriter&) = delete;
  ResultWriter& operator=(const ResultWriter&) = delete;

  /// Writes one image or frame and flushes, so a reader of a live stream sees it at once.
  void write(const FrameResult& result);
  /// Ends the output (the json array's closing bracket).
  void finish();

 private:
  std::ostream& out_;
  OutputFormat format_;
  bool finished_ = false;
  std::int64_t written_ = 0;
};

}  // namespace emomusic::vision

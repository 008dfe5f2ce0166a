#include "emomusic/session/photo_evaluation.hpp"

#include <fmt/format.h>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "emomusic/vision/image_inputs.hpp"

namespace emomusic::session {
namespace fs = std::filesystem;

std::vector<LabelledPhoto> read_labelled_photos(const fs::path& labels_file) {
  BoundedInput in(labels_file, kPhotoLabelsLimit);
  std::vector<LabelledPhoto> photos;
  std::string line;
  for (int number = 1; std::getline(in, line); ++number) {
    if (number == 1 && line.rfind("\xEF\xBB\xBF", 0) == 0) line.erase(0, 3);
    line = std::string(trim_whitespace(line));
    if (line.empty()) continue;
    // The label is after the last comma, so a path may hold commas.
    const auto comma = line.rfind(',');
    const auto where = [&] { return fmt::format("{}:{}", labels_file.string(), number); };
    if (comma == std::string::npos) {
      throw InputError(where() + ": expected 'path,label', got '" + excerpt(line) + "'");
    }
    const std::string path(trim_whitespace(std::string_view(line).substr(0, comma)));
    const std::string label(trim_whitespace(std::string_view(line).substr(comma + 1)));
    if (photos.empty() && path == "path" && label == "label") continue;  // the header
    const auto emotion = parse_emotion(label);
    if (!emotion) {
      throw InputError(where() + ": unknown label '" + excerpt(label) + "'; expected one of " +
                       join_names({emotion_names().begin(), emotion_names().end()}) + " or 0-6");
    }
    if (path.empty()) throw InputError(where() + ": the photo's path is empty");
    photos.push_back({labels_file.parent_path() / path, *emotion, number});
  }
  if (photos.empty()) throw InputError(labels_file.string() + ": lists no photo");
  return photos;
}

PhotoEvaluation evaluate_photos(vision::EmotionPipeline& pipeline,
                                const std::vector<LabelledPhoto>& photos, bool show_progress) {
  PhotoEvaluation result;
  result.photos = static_cast<int>(photos.size());
  std::vector<std::vector<std::int64_t>> confusion(kEmotionCount,
                                                   std::vector<std::int64_t>(kEmotionCount, 0));
  Progress progress("photos", static_cast<std::int64_t>(photos.size()), "img",
                    show_progress ? Progress::Style::kAuto : Progress::Style::kQuiet);
  for (const auto& photo : photos) {
    try {
      const auto faces = pipeline.analyse(vision::read_image(photo.path));
      if (faces.empty()) {
        ++result.without_face;
      } else {
        ++confusion[to_index(photo.label)][to_index(faces.front().emotion())];
      }
    } catch (const InputError& e) {
      result.failures.emplace_back(e.what());
    }
    progress.advance(1);
  }
  progress.finish();
  const std::vector<std::string> classes(emotion_names().begin(), emotion_names().end());
  result.metrics = train::metrics_from_confusion(confusion, classes);
  return result;
}

nlohmann::json PhotoEvaluation::to_json() const {
  auto j = metrics.to_json();
  j["photos"] = photos;
  j["without_face"] = without_face;
  j["failures"] = failures;
  return j;
}

BatchOutcome PhotoEvaluation::outcome() const {
  if (photos > 0 && failures.size() == static_cast<std::size_t>(photos)) {
    return BatchOutcome::kAllFailed;
  }
  if (metrics.n == 0 && failures.empty()) return BatchOutcome::kNoneFound;
  return failures.empty() ? BatchOutcome::kComplete : BatchOutcome::kPartial;
}

std::string PhotoEvaluation::to_text() const {
  std::string head =
      fmt::format("{} photos: a face in {}, none found in {}", photos, metrics.n, without_face);
  if (!failures.empty()) head += fmt::format(", {} could not be read", failures.size());
  return head + "\n" + metrics.to_text();
}

}  // namespace emomusic::session

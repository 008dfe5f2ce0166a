#include <algorithm>
#include <cctype>
#include <map>

#include "emomusic/core/emotion.hpp"
#include "emomusic/core/progress.hpp"
#include "emomusic/core/text.hpp"
#include "formats.hpp"

#define STB_IMAGE_IMPLEMENTATION
#define STBI_NO_STDIO_LINEAR_CONVERSION
#define STBI_FAILURE_USERMSG
// A face picture is never 8192 pixels a side; a crafted PNG that claims 100000 would otherwise
// have stb_image allocate gigabytes before it fails.
#define STBI_MAX_DIMENSIONS (1 << 13)
#include <stb_image.h>
#define STB_IMAGE_RESIZE_IMPLEMENTATION
#include <stb_image_resize.h>

namespace emomusic::data {
namespace fs = std::filesystem;
namespace {

// What stb_image decodes (which is not what OpenCV decodes for the vision area).
bool is_image(const fs::path& p) {
  const std::string ext = ascii_lower(p.extension().string());
  return ext == ".jpg" || ext == ".jpeg" || ext == ".png" || ext == ".bmp" || ext == ".pgm" ||
         ext == ".tga" || ext == ".gif";
}

// A folder holds a split when its name is one (train, test, val, …); empty otherwise.
std::string split_of_folder(const std::string& name) {
  const std::string split = canonical_split(name);
  for (const char* s : {kTraining, kPublicTest, kPrivateTest, kTest}) {
    if (split == s) return split;
  }
  return {};
}

struct Item {
  fs::path path;
  int label;
  std::string split;
};

std::vector<fs::path> sorted_entries(const fs::path& dir) {
  std::vector<fs::path> entries;
  for (const auto& e : fs::directory_iterator(dir)) entries.push_back(e.path());
  std::sort(entries.begin(), entries.end());
  return entries;
}

// Class folders under `dir`, each holding images (searched recursively, in sorted order).
void collect_classes(const fs::path& dir, const std::string& split, DatasetBuilder& builder,
                     std::vector<Item>& items) {
  for (const auto& class_dir : sorted_entries(dir)) {
    if (!fs::is_directory(class_dir)) continue;
    const auto emotion = parse_emotion(class_dir.filename().string());
    if (!emotion) {
      builder.bad(class_dir.string() +
                  ": folder name is not a class (expected angry, disgust, fear, happy, sad, "
                  "surprise or neutral)");
      continue;
    }
    std::vector<fs::path> files;
    for (const auto& e : fs::recursive_directory_iterator(class_dir)) {
      if (e.is_regular_file() && is_image(e.path())) files.push_back(e.path());
    }
    std::sort(files.begin(), files.end());
    for (auto& f : files) items.push_back({std::move(f), to_index(*emotion), split});
  }
}

}  // namespace

FaceDataset load_image_folder(const fs::path& root, DatasetBuilder& builder, bool show_progress) {
  std::vector<Item> items;
  bool has_split_folders = false;
  for (const auto& sub : sorted_entries(root)) {
    if (!fs::is_directory(sub)) continue;
    const std::string split = split_of_folder(sub.filename().string());
    if (split.empty()) continue;
    has_split_folders = true;
    collect_classes(sub, split, builder, items);
  }
  if (!has_split_folders) collect_classes(root, kAll, builder, items);
  if (items.empty()) {
    throw InputError(root.string() +
                     ": no images found (expected ROOT/train/<class>/*.jpg, ROOT/test/<class>/… or "
                     "ROOT/<class>/*.jpg)");
  }

  builder.reserve(items.size());
  Progress progress("read " + root.filename().string(), static_cast<std::int64_t>(items.size()),
                    "img", show_progress ? Progress::Style::kAuto : Progress::Style::kQuiet);
  std::vector<std::uint8_t> resized(kFerSide * kFerSide);
  for (const auto& item : items) {
    progress.advance(1);
    int w = 0, h = 0, channels = 0;
    std::uint8_t* pixels = stbi_load(item.path.c_str(), &w, &h, &channels, 1);
    if (!pixels) {
      builder.bad(item.path.string() + ": cannot read image (" + stbi_failure_reason() + ")");
      continue;
    }
    if (w == kFerSide && h == kFerSide) {
      builder.add(pixels, item.label, item.split);
    } else {
      // Other datasets in this layout have other sizes; FER2013's own are all 48×48.
      stbir_resize_uint8(pixels, w, h, 0, resized.data(), kFerSide, kFerSide, 0, 1);
      builder.add(resized.data(), item.label, item.split);
    }
    stbi_image_free(pixels);
  }
  progress.finish();
  return builder.finish(root.string());
}

}  // namespace emomusic::data

#pragma once
// The individual on-disk forms; loader.cpp picks one and adds caching.

#include <filesystem>

#include "dataset_builder.hpp"
#include "emomusic/data/dataset.hpp"

namespace emomusic::data {

/// FER2013 CSV, plain or gzipped (`emotion,pixels[,Usage]`; without Usage every row is "All").
FaceDataset load_fer_csv(const std::filesystem::path& path, DatasetBuilder& builder,
                         bool show_progress);
/// ROOT/<split>/<class>/*.{jpg,png,…} or ROOT/<class>/*.
FaceDataset load_image_folder(const std::filesystem::path& root, DatasetBuilder& builder,
                              bool show_progress);
/// emomusic's packed .safetensors form.
FaceDataset load_packed(const std::filesystem::path& path);

}  // namespace emomusic::data

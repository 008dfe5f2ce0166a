#pragma once
// The individual on-disk forms; loader.cpp picks one and adds caching.

#include <cstdint>
#include <filesystem>
#include <string>

#include "dataset_builder.hpp"
#include "emomusic/core/safetensors.hpp"
#include "emomusic/data/dataset.hpp"

namespace emomusic::data {

class InputStream;

/// FER2013 CSV, plain or gzipped (`emotion,pixels[,Usage]`; without Usage every row is "All"),
/// streamed: memory holds the rows kept, not the text. `file_size` (0: unknown) drives progress.
FaceDataset load_fer_csv(InputStream& in, DatasetBuilder& builder, bool show_progress,
                         std::int64_t file_size);
/// ROOT/<split>/<class>/*.{jpg,png,…} or ROOT/<class>/*.
FaceDataset load_image_folder(const std::filesystem::path& root, DatasetBuilder& builder,
                              bool show_progress);
/// emomusic's packed .safetensors form, from a file or from bytes already read (`source` names
/// them in messages).
FaceDataset load_packed(const std::filesystem::path& path);
FaceDataset load_packed(const SafetensorsFile& file, const std::string& source);

}  // namespace emomusic::data

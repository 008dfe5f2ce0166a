#include "emomusic/data/loader.hpp"

#include <spdlog/spdlog.h>

#include <cstdio>
#include <fstream>

#include "emomusic/core/paths.hpp"
#include "emomusic/core/safetensors.hpp"
#include "formats.hpp"
#include "input_stream.hpp"

namespace emomusic::data {
namespace fs = std::filesystem;
namespace {

// FNV-1a: stable across runs and platforms, unlike std::hash.
std::uint64_t fnv1a(const std::string& s) {
  std::uint64_t h = 1469598103934665603ull;
  for (unsigned char c : s) h = (h ^ c) * 1099511628211ull;
  return h;
}

// Changes whenever the source changes: its path, and the size and time of every file in it.
std::string source_fingerprint(const fs::path& source, bool skip_bad) {
  std::string key =
      fs::absolute(source).lexically_normal().string() + (skip_bad ? "|skip" : "|strict");
  const auto add = [&](const fs::path& p) {
    const auto t = fs::last_write_time(p).time_since_epoch().count();
    key += "|" + p.string() + ":" + std::to_string(fs::file_size(p)) + ":" + std::to_string(t);
  };
  if (fs::is_directory(source)) {
    for (const auto& e : fs::recursive_directory_iterator(source)) {
      if (e.is_regular_file()) add(e.path());
    }
  } else {
    add(source);
  }
  char hex[17];
  std::snprintf(hex, sizeof hex, "%016llx", static_cast<unsigned long long>(fnv1a(key)));
  return hex;
}

// A pipe or device (`--data <(zcat fer2013.csv.gz)`) can be read once and has no size or time to
// key a cache on: it is read as it comes, in whichever form it turns out to be.
FaceDataset load_stream(const fs::path& source, const LoadOptions& options, LoadReport* report) {
  InputStream in(source);
  const std::string_view head = in.peek(9);
  if (head.size() == 9 && head[8] == '{') {
    // Safetensors: an 8-byte header length, then the JSON header. A CSV never starts so.
    SafetensorsFile f;
    try {
      f = decode_safetensors(in.read_all(), source.string());
    } catch (const ModelError& e) {
      throw InputError(e.what());  // for a dataset, a bad file is bad input, not a bad model
    }
    FaceDataset d = load_packed(f, source.string());
    if (report) report->loaded = d.size();
    return d;
  }
  DatasetBuilder builder(options.skip_bad, report);
  return load_fer_csv(in, builder, options.show_progress, 0);
}

FaceDataset load_cached(const fs::path& source, const LoadOptions& options, LoadReport* report) {
  std::error_code ec;
  fs::path cache;
  if (options.use_cache) {
    const fs::path dir =
        options.cache_dir.empty() ? user_cache_dir() / "datasets" : options.cache_dir;
    cache = dir / (source.filename().string() + "-" + source_fingerprint(source, options.skip_bad) +
                   ".safetensors");
    if (report) report->cache_file = cache;
    if (fs::exists(cache, ec)) {
      try {
        FaceDataset d = load_packed(cache);
        spdlog::debug("loaded {} from cache {}", source.string(), cache.string());
        if (report) {
          report->from_cache = true;
          report->loaded = d.size();
        }
        return d;
      } catch (const InputError& e) {
        spdlog::warn("ignoring damaged cache: {}", e.what());
      }
    }
  }

  DatasetBuilder builder(options.skip_bad, report);
  FaceDataset d;
  if (fs::is_directory(source)) {
    d = load_image_folder(source, builder, options.show_progress);
  } else {
    InputStream in(source);
    d = load_fer_csv(in, builder, options.show_progress,
                     static_cast<std::int64_t>(fs::file_size(source, ec)));
  }
  if (!cache.empty()) {
    try {
      // The cache is emomusic's own folder (even one named in LoadOptions): made on first use.
      fs::create_directories(cache.parent_path(), ec);
      save_packed(d, cache);
      spdlog::debug("cached {} as {}", source.string(), cache.string());
    } catch (const std::exception& e) {
      // A read-only cache folder must not stop the work it would only have sped up.
      spdlog::warn("could not write the dataset cache: {}", e.what());
    }
  }
  return d;
}

}  // namespace

FaceDataset load_dataset(const fs::path& source, const LoadOptions& options, LoadReport* report) {
  std::error_code ec;
  const auto status = fs::status(source, ec);
  if (!fs::exists(status)) throw InputError(source.string() + ": no such file or directory");
  try {
    if (!fs::is_directory(status) && !fs::is_regular_file(status)) {
      return load_stream(source, options, report);
    }
    if (!fs::is_directory(status) && looks_like_safetensors(source)) return load_packed(source);
    return load_cached(source, options, report);
  } catch (const fs::filesystem_error& e) {
    // An unreadable folder or file met while walking the source is bad input, not an internal
    // error.
    throw InputError((e.path1().empty() ? source : e.path1()).string() + ": " + e.code().message());
  }
}

}  // namespace emomusic::data

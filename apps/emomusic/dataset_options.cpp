#include "dataset_options.hpp"

#include <spdlog/spdlog.h>

#include "command.hpp"

namespace emomusic::app {

CLI::Option* add_dataset_options(CLI::App& cmd, DatasetOptions& o, bool data_required) {
  auto* data =
      cmd.add_option("--data", o.data,
                     "FER2013 CSV (emotion,pixels,Usage; plain or .gz), a folder "
                     "ROOT/{train,test}/<class>/*.jpg, "
                     "or a packed .safetensors dataset; a pipe such as <(zcat …) is read once, "
                     "without the cache")
          ->required(data_required);
  cmd.add_flag("--skip-bad", o.skip_bad, "Report and skip bad rows/images instead of stopping");
  cmd.add_flag("--no-cache", o.no_cache, "Do not read or write the packed dataset cache");
  cmd.add_option("--cache-dir", o.cache_dir, "Folder of the packed dataset cache")
      ->capture_default_str();
  return data;
}

data::FaceDataset load_dataset(const DatasetOptions& o, bool show_progress) {
  data::LoadOptions lo;
  lo.skip_bad = o.skip_bad;
  lo.use_cache = !o.no_cache;
  lo.cache_dir = o.cache_dir;
  lo.show_progress = show_progress;
  data::LoadReport report;
  auto d = with_hint<data::BadRowError>("--skip-bad skips such rows",
                                        [&] { return data::load_dataset(o.data, lo, &report); });
  std::string splits;
  for (const auto& s : d.split_names) splits += (splits.empty() ? "" : ", ") + s;
  spdlog::info("{}: {} images ({}){}", o.data.string(), d.size(), splits,
               report.from_cache ? " from cache" : "");
  if (report.skipped > 0)
    spdlog::warn("{}: skipped {} bad rows/images", o.data.string(), report.skipped);
  return d;
}

}  // namespace emomusic::app

#pragma once
/// @file
/// Where emomusic keeps and finds its files: XDG user folders and the shipped model and data.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emomusic {

/// $XDG_DATA_HOME/emomusic, else ~/.local/share/emomusic.
std::filesystem::path user_data_dir();
/// $XDG_CACHE_HOME/emomusic, else ~/.cache/emomusic.
std::filesystem::path user_cache_dir();
/// $XDG_CONFIG_HOME/emomusic, else ~/.config/emomusic.
std::filesystem::path user_config_dir();

/// The folder of the running executable (from /proc/self/exe); nullopt where that is unknown.
std::optional<std::filesystem::path> executable_dir();

/// Finds a file that emomusic ships (e.g. "models/emotion.safetensors", "data/emotion_music.json"):
/// beside the installed binary (<prefix>/share/emomusic/<relative>, for a binary in <prefix>/bin
/// or <prefix>/libexec/emomusic), then in the source checkout
/// the binary was built from. Returns nullopt when neither exists.
std::optional<std::filesystem::path> find_shipped_file(const std::string& relative);

/// The default emotion model: $EMOMUSIC_MODEL when set, else the shipped
/// models/emotion.safetensors. Throws ModelError saying where it looked when there is none.
std::filesystem::path default_model_path();

/// What the default model serves. Real time (video, camera, the web page) gets the one fast
/// network; offline work (eval, still photos) gets the shipped ensemble, which is more accurate
/// on FER2013 and on photographs for twice the time (models/MODEL_CARD.md).
enum class ModelUse { kRealTime, kOffline };

/// The shipped second member of the offline ensemble, beside models/emotion.safetensors.
inline constexpr const char* kEnsembleMemberModel = "models/emotion-ensemble-member.safetensors";

/// The default model files for `use`: default_model_path(), followed for kOffline by the
/// shipped kEnsembleMemberModel when it is there and $EMOMUSIC_MODEL is not set (a model the
/// user chose is used alone). Throws ModelError as default_model_path() does.
std::vector<std::filesystem::path> default_model_paths(ModelUse use);

}  // namespace emomusic

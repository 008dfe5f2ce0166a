#pragma once
/// @file
/// Where emomusic keeps and finds its files: XDG user folders and the shipped model and data.

#include <filesystem>
#include <optional>
#include <string>

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

}  // namespace emomusic

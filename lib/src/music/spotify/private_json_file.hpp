#pragma once
// Reading the JSON files that hold secrets (client credentials, user tokens): refused when others
// may read them, and parse errors that never quote the content.

#include <filesystem>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>

namespace emomusic::spotify::detail {

/// What the messages say about one such file.
struct PrivateFileWording {
  std::string holds;              ///< "the Spotify client secret", "your Spotify tokens"
  std::string after_chmod;        ///< appended to the chmod advice (may be empty)
  std::string after_parse_error;  ///< appended to the parse-error message (may be empty)
};

/// The JSON object in `path`, or nullopt when the file does not exist. Throws InputError naming
/// the file when group or others may read it, it cannot be read, or it is not a JSON object.
std::optional<nlohmann::json> read_private_json(const std::filesystem::path& path,
                                                const PrivateFileWording& wording);

}  // namespace emomusic::spotify::detail

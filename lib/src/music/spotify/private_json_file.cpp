#include "private_json_file.hpp"

#include <sys/stat.h>

#include "emomusic/core/bounded_input.hpp"
#include "emomusic/core/error.hpp"

namespace emomusic::spotify::detail {

std::optional<nlohmann::json> read_private_json(const std::filesystem::path& path,
                                                const PrivateFileWording& wording) {
  struct stat st {};
  if (::stat(path.c_str(), &st) != 0) return std::nullopt;
  if ((st.st_mode & (S_IRWXG | S_IRWXO)) != 0)
    throw InputError(path.string() + " holds " + wording.holds +
                     " but others may read it; run: chmod 600 " + path.string() +
                     wording.after_chmod);
  BoundedInput in(path, kPrivateJsonLimit);
  nlohmann::json doc;
  try {
    in >> doc;
  } catch (const nlohmann::json::parse_error& e) {
    // Only the offset: the parser's own message quotes the input, which may be the secret.
    throw InputError(path.string() + ": not valid JSON (error at byte " + std::to_string(e.byte) +
                     ")" + wording.after_parse_error);
  }
  if (!doc.is_object()) throw InputError(path.string() + ": expected a JSON object");
  return doc;
}

}  // namespace emomusic::spotify::detail

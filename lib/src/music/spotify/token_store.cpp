#include "emomusic/music/spotify/token_store.hpp"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <nlohmann/json.hpp>
#include <system_error>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/text.hpp"
#include "private_json_file.hpp"

namespace emomusic::spotify {
namespace fs = std::filesystem;

namespace {

void write_all(int fd, const std::string& data, const fs::path& path) {
  std::size_t done = 0;
  while (done < data.size()) {
    const ssize_t n = ::write(fd, data.data() + done, data.size() - done);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) throw InputError("cannot write " + path.string() + ": " + std::strerror(errno));
    done += static_cast<std::size_t>(n);
  }
}

std::string field(const nlohmann::json& doc, const char* key, const fs::path& path) {
  const auto it = doc.find(key);
  if (it == doc.end() || !it->is_string())
    throw InputError(path.string() + ": field \"" + key +
                     "\" missing or not a string; run `emomusic login` again");
  return it->get<std::string>();
}

}  // namespace

void save_user_tokens(const fs::path& path, const UserTokens& tokens) {
  const fs::path dir = path.has_parent_path() ? path.parent_path() : fs::path(".");
  std::error_code ec;
  if (fs::create_directories(dir, ec))
    fs::permissions(dir, fs::perms::owner_all, fs::perm_options::replace, ec);
  const std::string content = dump_json({{"client_id", tokens.client_id},
                                         {"refresh_token", tokens.refresh_token},
                                         {"access_token", tokens.access_token},
                                         {"expires_at", tokens.expires_at},
                                         {"scope", tokens.scope}},
                                        2);
  AtomicReplacement replacement(path);
  // The temporary file is private from its first byte: created 0600 and chmod-ed past the umask.
  const int fd = ::open(replacement.temp_path().c_str(),
                        O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0600);
  if (fd < 0) throw InputError("cannot write " + path.string() + ": " + std::strerror(errno));
  try {
    if (::fchmod(fd, 0600) != 0)
      throw InputError("cannot chmod " + path.string() + ": " + std::strerror(errno));
    write_all(fd, content, path);
  } catch (...) {
    ::close(fd);
    throw;
  }
  ::close(fd);
  replacement.commit();
}

std::optional<UserTokens> load_user_tokens(const fs::path& path) {
  const auto loaded = detail::read_private_json(
      path, {"your Spotify tokens", " (or `emomusic logout` and log in again)",
             "; run `emomusic logout` and `emomusic login`"});
  if (!loaded) return std::nullopt;
  const nlohmann::json& doc = *loaded;
  UserTokens tokens;
  tokens.client_id = field(doc, "client_id", path);
  tokens.refresh_token = field(doc, "refresh_token", path);
  tokens.access_token = field(doc, "access_token", path);
  tokens.scope = field(doc, "scope", path);
  const auto it = doc.find("expires_at");
  if (it == doc.end() || !it->is_number_integer())
    throw InputError(path.string() + ": field \"expires_at\" missing or not an integer");
  tokens.expires_at = it->get<std::int64_t>();
  return tokens;
}

bool remove_user_tokens(const fs::path& path) {
  std::error_code ec;
  const bool removed = fs::remove(path, ec);
  if (ec) throw InputError("cannot delete " + path.string() + ": " + ec.message());
  return removed;
}

}  // namespace emomusic::spotify

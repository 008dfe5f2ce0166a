#include "emomusic/session/access_secret.hpp"

#include <fmt/format.h>
#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <sys/stat.h>

#include <fstream>
#include <iterator>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/error.hpp"

namespace emomusic::session {
namespace {

constexpr const char* kSecretName = "access-secret";
constexpr std::size_t kSecretBytes = 16;

std::string hex(const unsigned char* bytes, std::size_t size) {
  std::string text;
  for (std::size_t i = 0; i < size; ++i) text += fmt::format("{:02x}", bytes[i]);
  return text;
}

bool is_secret(const std::string& text) {
  return text.size() == 2 * kSecretBytes &&
         text.find_first_not_of("0123456789abcdef") == std::string::npos;
}

}  // namespace

std::string access_secret(const std::filesystem::path& dir, bool renew) {
  const std::filesystem::path path = dir / kSecretName;
  struct stat st {};
  const bool private_file = ::stat(path.c_str(), &st) == 0 && (st.st_mode & 077) == 0;
  if (!renew && private_file) {
    std::ifstream in(path, std::ios::binary);
    std::string stored((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    while (!stored.empty() && (stored.back() == '\n' || stored.back() == '\r')) stored.pop_back();
    if (is_secret(stored)) return stored;
  }
  unsigned char bytes[kSecretBytes];
  if (RAND_bytes(bytes, sizeof(bytes)) != 1) {
    throw Error(ErrorKind::kInternal, "OpenSSL has no random bytes for the access secret");
  }
  const std::string secret = hex(bytes, sizeof(bytes));
  write_private_file_atomically(path, secret + "\n");
  return secret;
}

std::string session_cookie_value(const std::string& secret) {
  static constexpr std::string_view kPurpose = "emomusic session";
  unsigned char mac[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  HMAC(EVP_sha256(), secret.data(), static_cast<int>(secret.size()),
       reinterpret_cast<const unsigned char*>(kPurpose.data()), kPurpose.size(), mac, &size);
  return hex(mac, size);
}

bool same_secret(std::string_view a, std::string_view b) {
  // The length is no secret (the secret's and the cookie's are fixed); the bytes are.
  return a.size() == b.size() && CRYPTO_memcmp(a.data(), b.data(), a.size()) == 0;
}

std::optional<int> SecretAttempts::locked(const std::string& address, Clock::time_point now) const {
  const std::lock_guard<std::mutex> lock(mutex_);
  const auto it = records_.find(address);
  if (it == records_.end() || it->second.locked_until <= now) return std::nullopt;
  const auto left = std::chrono::ceil<std::chrono::seconds>(it->second.locked_until - now);
  return static_cast<int>(left.count());
}

int SecretAttempts::failed(const std::string& address, Clock::time_point now) {
  const std::lock_guard<std::mutex> lock(mutex_);
  if (records_.size() >= kMaxAddresses && records_.count(address) == 0) {
    for (auto it = records_.begin(); it != records_.end();) {
      it = it->second.locked_until > now ? std::next(it) : records_.erase(it);
    }
  }
  Record& record = records_[address];
  if (record.locked_until != Clock::time_point{} && record.locked_until <= now) record = {};
  if (++record.failures >= kMaxSecretFailures) record.locked_until = now + kSecretLockout;
  return record.failures;
}

void SecretAttempts::succeeded(const std::string& address) {
  const std::lock_guard<std::mutex> lock(mutex_);
  records_.erase(address);
}

}  // namespace emomusic::session

#pragma once
/// @file
/// The access secret of a server beyond loopback (web_server.hpp): the secret the printed link
/// carries, the session cookie a right one earns, and the limit on wrong ones.

#include <chrono>
#include <filesystem>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>

namespace emomusic::session {

/// Wrong secrets in a row from one address before it is refused for kSecretLockout.
inline constexpr int kMaxSecretFailures = 5;
inline constexpr std::chrono::seconds kSecretLockout{60};

/// The installation's secret, 32 lowercase hex characters (128 bits from OpenSSL's RAND_bytes),
/// kept as access-secret (mode 0600, written atomically) in `dir`: the stored one, or a new one
/// when there is none, it is not such a secret, its file is readable by others (who may have read
/// it), or `renew`. A new secret signs every phone out.
std::string access_secret(const std::filesystem::path& dir, bool renew);

/// The session cookie's value for `secret`: HMAC-SHA256(secret, "emomusic session") in hex. It
/// lasts as long as the secret, so phones stay signed in across restarts and a new secret signs
/// them all out; it never reveals the secret.
std::string session_cookie_value(const std::string& secret);

/// Equality in a time that does not depend on where the two differ.
bool same_secret(std::string_view a, std::string_view b);

/// Wrong secrets per client address: after kMaxSecretFailures in a row, that address is refused
/// for kSecretLockout whatever it sends. Thread-safe.
class SecretAttempts {
 public:
  using Clock = std::chrono::steady_clock;

  /// The seconds `address` is still refused for at `now`, or nullopt when it may try.
  std::optional<int> locked(const std::string& address, Clock::time_point now) const;
  /// Records a wrong secret from `address`; returns how many in a row it has sent.
  int failed(const std::string& address, Clock::time_point now);
  /// A right secret: `address` starts again from no failures.
  void succeeded(const std::string& address);

 private:
  struct Record {
    int failures = 0;
    Clock::time_point locked_until;
  };
  // Addresses kept at most; beyond it, those not refused now are forgotten (a flood of addresses
  // must not grow the map without end).
  static constexpr std::size_t kMaxAddresses = 4096;

  mutable std::mutex mutex_;
  std::map<std::string, Record> records_;
};

}  // namespace emomusic::session

#pragma once
/// @file
/// The certificate `serve` uses beyond loopback (web_server.hpp): the user's own, or a
/// self-signed one that the server makes on first use and keeps in the config folder.

#include <filesystem>
#include <optional>
#include <string>
#include <vector>

namespace emomusic::session {

/// A PEM certificate and its private key.
struct TlsFiles {
  std::filesystem::path cert;
  std::filesystem::path key;
};

/// The certificate a server will use.
struct ServerCertificate {
  TlsFiles files;
  /// SHA-256 of the certificate (DER) as browsers show it: 32 uppercase hex pairs joined by ':'.
  std::string fingerprint;
  /// Why a new one was made ("there was none yet", "… does not cover 192.168.1.21", "… expired
  /// on …", "… cannot be read: …"); nullopt when the stored or given one is used as it is.
  std::optional<std::string> made_because;
};

/// 127.0.0.1, ::1 and localhost: the hosts served over plain HTTP without the access secret.
bool is_loopback_host(const std::string& host);

/// Bound to every address (0.0.0.0 or ::).
bool is_every_address(const std::string& host);

/// This machine's IP addresses (getifaddrs, loopback included), IPv4 first; link-local IPv6
/// addresses are left out (a URL cannot name them without an interface).
std::vector<std::string> machine_addresses();

/// The self-signed certificate for a server bound to `host`, kept as server-cert.pem and
/// server-key.pem (both mode 0600, written atomically) in `dir`: the stored one when it is
/// readable, its key matches, it is valid for a day more and it covers `host` (bound to every
/// address: each of machine_addresses()); else a new EC P-256 one, valid for 825 days, whose
/// subject alternative names are localhost, machine_addresses() and `host`.
ServerCertificate own_certificate(const std::filesystem::path& dir, const std::string& host);

/// The user's certificate and key, checked: InputError naming the file when one cannot be read
/// or the key is not the certificate's.
ServerCertificate given_certificate(const TlsFiles& files);

}  // namespace emomusic::session

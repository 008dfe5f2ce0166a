#include "emomusic/session/tls_certificate.hpp"

#include <arpa/inet.h>
#include <fmt/format.h>
#include <ifaddrs.h>
#include <netinet/in.h>
#include <openssl/bio.h>
#include <openssl/bn.h>
#include <openssl/err.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <algorithm>
#include <ctime>
#include <functional>
#include <memory>
#include <system_error>

#include "emomusic/core/atomic_file.hpp"
#include "emomusic/core/error.hpp"
#include "emomusic/core/file_error.hpp"
#include "tls_openssl.hpp"

namespace emomusic::session {
namespace fs = std::filesystem;
namespace {

constexpr const char* kCertName = "server-cert.pem";
constexpr const char* kKeyName = "server-key.pem";
// 825 days: the longest validity phones accept for a server certificate, and long enough that a
// user checks the fingerprint rarely.
constexpr long kValidDays = 825;
// A certificate about to expire is replaced before it does, not during a session.
constexpr long kSpareSeconds = 24 * 60 * 60;

bool is_ip_literal(const std::string& host) {
  unsigned char parsed[sizeof(in6_addr)];
  return ::inet_pton(AF_INET, host.c_str(), parsed) == 1 ||
         ::inet_pton(AF_INET6, host.c_str(), parsed) == 1;
}

std::string fingerprint_of(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(cert, EVP_sha256(), digest, &size);
  std::string text;
  for (unsigned int i = 0; i < size; ++i) text += fmt::format("{}{:02X}", i ? ":" : "", digest[i]);
  return text;
}

bool covers(X509* cert, const std::string& host) {
  if (is_ip_literal(host)) return X509_check_ip_asc(cert, host.c_str(), 0) == 1;
  return X509_check_host(cert, host.c_str(), host.size(), 0, nullptr) == 1;
}

// The hosts a certificate must name for a server bound to `host`.
std::vector<std::string> hosts_to_cover(const std::string& host) {
  return is_every_address(host) ? machine_addresses() : std::vector<std::string>{host};
}

void add_extension(X509* cert, int nid, const std::string& value) {
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert, cert, nullptr, nullptr, 0);
  std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> ext(
      X509V3_EXT_conf_nid(nullptr, &ctx, nid, value.c_str()), X509_EXTENSION_free);
  if (!ext || X509_add_ext(cert, ext.get(), -1) != 1) {
    throw Error(ErrorKind::kInternal,
                "cannot add the certificate extension " + value + ": " + openssl_error());
  }
}

std::string pem_of(const std::function<int(BIO*)>& write) {
  BioPtr bio(BIO_new(BIO_s_mem()));
  if (!bio || write(bio.get()) != 1)
    throw Error(ErrorKind::kInternal, "cannot encode PEM: " + openssl_error());
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio.get(), &data);
  return std::string(data, static_cast<std::size_t>(size));
}

// A new self-signed certificate for `host`, written into `dir`.
ServerCertificate make_certificate(const fs::path& dir, const std::string& host) {
  PkeyPtr key(EVP_EC_gen("P-256"));
  X509Ptr cert(X509_new());
  std::unique_ptr<BIGNUM, decltype(&BN_free)> serial(BN_new(), BN_free);
  if (!key || !cert || !serial)
    throw Error(ErrorKind::kInternal, "cannot make a key: " + openssl_error());
  X509_set_version(cert.get(), 2);  // v3, for the extensions
  BN_rand(serial.get(), 127, BN_RAND_TOP_ANY, BN_RAND_BOTTOM_ANY);
  BN_to_ASN1_INTEGER(serial.get(), X509_get_serialNumber(cert.get()));
  // An hour back, for a phone whose clock runs a little behind.
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), kValidDays * 24 * 60 * 60);
  X509_set_pubkey(cert.get(), key.get());
  X509_NAME* name = X509_get_subject_name(cert.get());
  X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                             reinterpret_cast<const unsigned char*>("emomusic serve"), -1, -1, 0);
  X509_set_issuer_name(cert.get(), name);

  std::vector<std::string> names = {"localhost"};
  for (const std::string& address : machine_addresses()) names.push_back(address);
  if (!is_every_address(host) && std::find(names.begin(), names.end(), host) == names.end()) {
    names.push_back(host);
  }
  std::string alt_names;
  for (const std::string& n : names) {
    alt_names +=
        fmt::format("{}{}:{}", alt_names.empty() ? "" : ",", is_ip_literal(n) ? "IP" : "DNS", n);
  }
  add_extension(cert.get(), NID_subject_alt_name, alt_names);
  add_extension(cert.get(), NID_ext_key_usage, "serverAuth");
  add_extension(cert.get(), NID_subject_key_identifier, "hash");
  if (X509_sign(cert.get(), key.get(), EVP_sha256()) == 0) {
    throw Error(ErrorKind::kInternal, "cannot sign the certificate: " + openssl_error());
  }

  const TlsFiles files{dir / kCertName, dir / kKeyName};
  // The key first: a start killed between the two writes finds a pair that does not match, and
  // makes a new one.
  write_private_file_atomically(files.key, pem_of([&](BIO* bio) {
                                  return PEM_write_bio_PrivateKey(bio, key.get(), nullptr, nullptr,
                                                                  0, nullptr, nullptr);
                                }));
  write_private_file_atomically(
      files.cert, pem_of([&](BIO* bio) { return PEM_write_bio_X509(bio, cert.get()); }));
  return {files, fingerprint_of(cert.get()), std::nullopt};
}

// Why the stored pair cannot be used for `host`, or nothing when it can.
std::optional<std::string> unfit(const TlsFiles& files, const std::string& host,
                                 std::string& fingerprint) {
  std::error_code ec;
  if (!fs::exists(files.cert, ec) && !fs::exists(files.key, ec)) return "there was none yet";
  X509Ptr cert;
  try {
    cert = read_certificate(files.cert);
    const PkeyPtr key = read_private_key(files.key);
    if (X509_check_private_key(cert.get(), key.get()) != 1) {
      return fmt::format("the stored key {} is not the certificate's", files.key.string());
    }
  } catch (const InputError& e) {
    return fmt::format("the stored one cannot be read: {}", e.what());
  }
  std::time_t soon = std::time(nullptr) + kSpareSeconds;
  if (X509_cmp_time(X509_get0_notAfter(cert.get()), &soon) <= 0) {
    return fmt::format("the stored one expires on {}", not_after_text(cert.get()));
  }
  for (const std::string& h : hosts_to_cover(host)) {
    if (!covers(cert.get(), h)) return fmt::format("the stored one does not cover {}", h);
  }
  fingerprint = fingerprint_of(cert.get());
  return std::nullopt;
}

}  // namespace

bool is_loopback_host(const std::string& host) {
  return host == "127.0.0.1" || host == "::1" || host == "localhost";
}

bool is_every_address(const std::string& host) {
  return host == "0.0.0.0" || host == "::";
}

std::vector<std::string> machine_addresses() {
  std::vector<std::string> v4;
  std::vector<std::string> v6;
  ifaddrs* list = nullptr;
  if (::getifaddrs(&list) != 0) return {"127.0.0.1", "::1"};
  for (const ifaddrs* a = list; a != nullptr; a = a->ifa_next) {
    if (a->ifa_addr == nullptr) continue;
    char text[INET6_ADDRSTRLEN] = "";
    if (a->ifa_addr->sa_family == AF_INET) {
      const auto* in = reinterpret_cast<const sockaddr_in*>(a->ifa_addr);
      ::inet_ntop(AF_INET, &in->sin_addr, text, sizeof(text));
      v4.emplace_back(text);
    } else if (a->ifa_addr->sa_family == AF_INET6) {
      const auto* in6 = reinterpret_cast<const sockaddr_in6*>(a->ifa_addr);
      if (IN6_IS_ADDR_LINKLOCAL(&in6->sin6_addr)) continue;
      ::inet_ntop(AF_INET6, &in6->sin6_addr, text, sizeof(text));
      v6.emplace_back(text);
    }
  }
  ::freeifaddrs(list);
  for (std::string& a : v6) v4.push_back(std::move(a));
  // The same address on two interfaces is named once.
  std::vector<std::string> unique;
  for (std::string& a : v4) {
    if (std::find(unique.begin(), unique.end(), a) == unique.end()) unique.push_back(std::move(a));
  }
  return unique;
}

ServerCertificate own_certificate(const fs::path& dir, const std::string& host) {
  const TlsFiles files{dir / kCertName, dir / kKeyName};
  std::string fingerprint;
  if (auto why = unfit(files, host, fingerprint)) {
    ServerCertificate made = make_certificate(dir, host);
    made.made_because = std::move(why);
    return made;
  }
  return {files, fingerprint, std::nullopt};
}

ServerCertificate given_certificate(const TlsFiles& files) {
  const X509Ptr cert = read_certificate(files.cert);
  const PkeyPtr key = read_private_key(files.key);
  if (X509_check_private_key(cert.get(), key.get()) != 1) {
    throw InputError(fmt::format("the private key {} is not the key of the certificate {}",
                                 quote_path(files.key), quote_path(files.cert)));
  }
  return {files, fingerprint_of(cert.get()), std::nullopt};
}

}  // namespace emomusic::session

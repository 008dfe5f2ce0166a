#include "emomusic/session/tls_certificate.hpp"

#include <gtest/gtest.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>
#include <sys/stat.h>

#include <cstdio>
#include <memory>

#include "emomusic/core/error.hpp"
#include "test_support.hpp"

namespace emomusic::session {
namespace {

namespace fs = std::filesystem;

struct Free {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
};

std::unique_ptr<X509, Free> read_cert(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  std::unique_ptr<X509, Free> cert(PEM_read_X509(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return cert;
}

std::unique_ptr<EVP_PKEY, Free> read_key(const fs::path& path) {
  FILE* f = std::fopen(path.c_str(), "r");
  if (f == nullptr) return nullptr;
  std::unique_ptr<EVP_PKEY, Free> key(PEM_read_PrivateKey(f, nullptr, nullptr, nullptr));
  std::fclose(f);
  return key;
}

unsigned mode_of(const fs::path& path) {
  struct stat st {};
  return ::stat(path.c_str(), &st) == 0 ? st.st_mode & 0777 : 0;
}

std::string sha256_of(X509* cert) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int size = 0;
  X509_digest(cert, EVP_sha256(), digest, &size);
  std::string text;
  char pair[4];
  for (unsigned int i = 0; i < size; ++i) {
    std::snprintf(pair, sizeof(pair), i ? ":%02X" : "%02X", digest[i]);
    text += pair;
  }
  return text;
}

// A pair made the way the server makes one, but whose validity ended a minute ago.
void write_expired_pair(const fs::path& dir) {
  std::unique_ptr<EVP_PKEY, Free> key(EVP_EC_gen("P-256"));
  std::unique_ptr<X509, Free> cert(X509_new());
  X509_set_version(cert.get(), 2);
  X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600);
  X509_gmtime_adj(X509_getm_notAfter(cert.get()), -60);
  X509_set_pubkey(cert.get(), key.get());
  X509_set_issuer_name(cert.get(), X509_get_subject_name(cert.get()));
  X509V3_CTX ctx;
  X509V3_set_ctx_nodb(&ctx);
  X509V3_set_ctx(&ctx, cert.get(), cert.get(), nullptr, nullptr, 0);
  X509_EXTENSION* san =
      X509V3_EXT_conf_nid(nullptr, &ctx, NID_subject_alt_name, "IP:127.0.0.2,DNS:localhost");
  X509_add_ext(cert.get(), san, -1);
  X509_EXTENSION_free(san);
  X509_sign(cert.get(), key.get(), EVP_sha256());
  FILE* f = std::fopen((dir / "server-cert.pem").c_str(), "w");
  PEM_write_X509(f, cert.get());
  std::fclose(f);
  f = std::fopen((dir / "server-key.pem").c_str(), "w");
  PEM_write_PrivateKey(f, key.get(), nullptr, nullptr, 0, nullptr, nullptr);
  std::fclose(f);
}

TEST(TlsCertificate, MadeOnceWithItsNamesAndKeptPrivate) {
  test::TempDir dir;
  const ServerCertificate made = own_certificate(dir / "serve", "127.0.0.2");
  ASSERT_TRUE(made.made_because.has_value());
  EXPECT_EQ(*made.made_because, "there was none yet");
  EXPECT_EQ(made.files.cert, dir / "serve" / "server-cert.pem");
  EXPECT_EQ(mode_of(made.files.cert), 0600u);
  EXPECT_EQ(mode_of(made.files.key), 0600u);
  EXPECT_EQ(mode_of(dir / "serve"), 0700u);

  const auto cert = read_cert(made.files.cert);
  const auto key = read_key(made.files.key);
  ASSERT_TRUE(cert && key);
  EXPECT_EQ(X509_check_private_key(cert.get(), key.get()), 1);
  char group[64] = "";
  EVP_PKEY_get_group_name(key.get(), group, sizeof(group), nullptr);
  EXPECT_STREQ(group, "prime256v1");
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.2", 0), 1);
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "127.0.0.1", 0), 1);
  EXPECT_EQ(X509_check_host(cert.get(), "localhost", 0, 0, nullptr), 1);
  for (const std::string& address : machine_addresses()) {
    EXPECT_EQ(X509_check_ip_asc(cert.get(), address.c_str(), 0), 1) << address;
  }
  EXPECT_EQ(X509_check_ip_asc(cert.get(), "192.0.2.99", 0), 0);
  EXPECT_EQ(made.fingerprint, sha256_of(cert.get()));
  EXPECT_EQ(made.fingerprint.size(), 32u * 3 - 1);

  const ServerCertificate again = own_certificate(dir / "serve", "127.0.0.2");
  EXPECT_FALSE(again.made_because.has_value()) << *again.made_because;
  EXPECT_EQ(again.fingerprint, made.fingerprint);
  // Bound to every address, the stored one covers each of this machine's addresses.
  EXPECT_FALSE(own_certificate(dir / "serve", "0.0.0.0").made_because.has_value());
}

TEST(TlsCertificate, RemadeForAHostItDoesNotCover) {
  test::TempDir dir;
  const ServerCertificate first = own_certificate(dir.path(), "127.0.0.2");
  const ServerCertificate second = own_certificate(dir.path(), "192.0.2.99");
  ASSERT_TRUE(second.made_because.has_value());
  EXPECT_EQ(*second.made_because, "the stored one does not cover 192.0.2.99");
  EXPECT_NE(second.fingerprint, first.fingerprint);
  EXPECT_EQ(X509_check_ip_asc(read_cert(second.files.cert).get(), "192.0.2.99", 0), 1);
  const ServerCertificate named = own_certificate(dir.path(), "emomusic.lan");
  EXPECT_EQ(X509_check_host(read_cert(named.files.cert).get(), "emomusic.lan", 0, 0, nullptr), 1);
}

TEST(TlsCertificate, RemadeWhenUnreadableMismatchedOrExpired) {
  test::TempDir dir;
  own_certificate(dir.path(), "127.0.0.2");
  test::write_file(dir / "server-cert.pem", "not a certificate");
  auto remade = own_certificate(dir.path(), "127.0.0.2");
  ASSERT_TRUE(remade.made_because.has_value());
  EXPECT_NE(remade.made_because->find("cannot be read"), std::string::npos) << *remade.made_because;

  // Another pair's key.
  test::TempDir other;
  own_certificate(other.path(), "127.0.0.2");
  fs::copy_file(other / "server-key.pem", dir / "server-key.pem",
                fs::copy_options::overwrite_existing);
  remade = own_certificate(dir.path(), "127.0.0.2");
  ASSERT_TRUE(remade.made_because.has_value());
  EXPECT_NE(remade.made_because->find("is not the certificate's"), std::string::npos)
      << *remade.made_because;

  write_expired_pair(dir.path());
  remade = own_certificate(dir.path(), "127.0.0.2");
  ASSERT_TRUE(remade.made_because.has_value());
  EXPECT_NE(remade.made_because->find("expires on"), std::string::npos) << *remade.made_because;
  EXPECT_FALSE(own_certificate(dir.path(), "127.0.0.2").made_because.has_value());
}

TEST(TlsCertificate, AGivenPairIsCheckedNotReplaced) {
  test::TempDir dir;
  test::TempDir other;
  const ServerCertificate mine = own_certificate(dir.path(), "127.0.0.2");
  const ServerCertificate theirs = own_certificate(other.path(), "127.0.0.2");
  const ServerCertificate given = given_certificate(mine.files);
  EXPECT_EQ(given.fingerprint, mine.fingerprint);
  EXPECT_FALSE(given.made_because.has_value());
  try {
    given_certificate({mine.files.cert, theirs.files.key});
    FAIL() << "a key of another certificate was taken";
  } catch (const InputError& e) {
    EXPECT_NE(std::string(e.what()).find("is not the key of the certificate"), std::string::npos)
        << e.what();
  }
  EXPECT_THROW(given_certificate({dir / "missing.pem", mine.files.key}), InputError);
  EXPECT_THROW(given_certificate({mine.files.key, mine.files.key}), InputError);
}

TEST(TlsCertificate, LoopbackAndEveryAddress) {
  EXPECT_TRUE(is_loopback_host("127.0.0.1"));
  EXPECT_TRUE(is_loopback_host("::1"));
  EXPECT_TRUE(is_loopback_host("localhost"));
  EXPECT_FALSE(is_loopback_host("127.0.0.2"));
  EXPECT_FALSE(is_loopback_host("0.0.0.0"));
  EXPECT_TRUE(is_every_address("0.0.0.0"));
  EXPECT_TRUE(is_every_address("::"));
  EXPECT_FALSE(is_every_address("192.168.1.20"));
}

}  // namespace
}  // namespace emomusic::session

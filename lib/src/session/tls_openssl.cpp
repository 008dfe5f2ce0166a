#include "tls_openssl.hpp"

#include <openssl/err.h>
#include <openssl/pem.h>

#include <cerrno>
#include <ctime>

#include "emomusic/core/error.hpp"
#include "emomusic/core/file_error.hpp"

namespace emomusic::session {
namespace {

BioPtr open_file(const std::filesystem::path& path) {
  errno = 0;
  BioPtr bio(BIO_new_file(path.c_str(), "r"));
  if (!bio) {
    const int err = errno ? errno : ENOENT;
    ERR_clear_error();
    throw_file_error(path, "read", err);
  }
  return bio;
}

}  // namespace

std::string openssl_error() {
  std::string text;
  while (const unsigned long code = ERR_get_error()) {
    char line[256];
    ERR_error_string_n(code, line, sizeof(line));
    if (!text.empty()) text += "; ";
    text += line;
  }
  return text.empty() ? "unknown error" : text;
}

X509Ptr read_certificate(const std::filesystem::path& path) {
  const BioPtr bio = open_file(path);
  X509Ptr cert(PEM_read_bio_X509(bio.get(), nullptr, nullptr, nullptr));
  if (!cert) {
    throw InputError(quote_path(path) + " holds no PEM certificate: " + openssl_error());
  }
  return cert;
}

PkeyPtr read_private_key(const std::filesystem::path& path) {
  const BioPtr bio = open_file(path);
  PkeyPtr key(PEM_read_bio_PrivateKey(bio.get(), nullptr, nullptr, nullptr));
  if (!key) {
    throw InputError(quote_path(path) +
                     " holds no PEM private key (or one with a passphrase): " + openssl_error());
  }
  return key;
}

std::string not_after_text(const X509* cert) {
  tm when{};
  if (ASN1_TIME_to_tm(X509_get0_notAfter(cert), &when) != 1) return "an unreadable date";
  char text[32];
  std::strftime(text, sizeof(text), "%Y-%m-%d %H:%M:%S UTC", &when);
  return text;
}

SslCtxPtr server_context(const TlsFiles& files) {
  SslCtxPtr ctx(SSL_CTX_new(TLS_server_method()));
  if (!ctx) throw Error(ErrorKind::kInternal, "cannot set up TLS: " + openssl_error());
  SSL_CTX_set_min_proto_version(ctx.get(), TLS1_2_VERSION);
  // The connection's stream retries a write that would block with the same bytes, maybe from
  // another address.
  SSL_CTX_set_mode(ctx.get(), SSL_MODE_ACCEPT_MOVING_WRITE_BUFFER);
  read_certificate(files.cert);  // says which file when it is not a certificate
  read_private_key(files.key);
  if (SSL_CTX_use_certificate_chain_file(ctx.get(), files.cert.c_str()) != 1) {
    throw InputError("cannot use the certificate " + quote_path(files.cert) + ": " +
                     openssl_error());
  }
  if (SSL_CTX_use_PrivateKey_file(ctx.get(), files.key.c_str(), SSL_FILETYPE_PEM) != 1 ||
      SSL_CTX_check_private_key(ctx.get()) != 1) {
    ERR_clear_error();
    throw InputError("the private key " + quote_path(files.key) +
                     " is not the key of the certificate " + quote_path(files.cert));
  }
  return ctx;
}

}  // namespace emomusic::session

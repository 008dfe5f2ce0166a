#pragma once
// OpenSSL for the server's TLS, internal to it: owning pointers, reading PEM files into them with
// messages that name the file, and the server's SSL_CTX.

#include <openssl/evp.h>
#include <openssl/ssl.h>
#include <openssl/x509.h>

#include <filesystem>
#include <memory>
#include <string>

#include "emomusic/session/tls_certificate.hpp"

namespace emomusic::session {

struct OpenSslFree {
  void operator()(X509* p) const { X509_free(p); }
  void operator()(EVP_PKEY* p) const { EVP_PKEY_free(p); }
  void operator()(BIO* p) const { BIO_free(p); }
  void operator()(SSL_CTX* p) const { SSL_CTX_free(p); }
  void operator()(SSL* p) const { SSL_free(p); }
};
using X509Ptr = std::unique_ptr<X509, OpenSslFree>;
using PkeyPtr = std::unique_ptr<EVP_PKEY, OpenSslFree>;
using BioPtr = std::unique_ptr<BIO, OpenSslFree>;
using SslCtxPtr = std::unique_ptr<SSL_CTX, OpenSslFree>;
using SslPtr = std::unique_ptr<SSL, OpenSslFree>;

// What OpenSSL's error queue says (and empties it); "unknown error" when it says nothing.
std::string openssl_error();

// The first certificate in a PEM file: InputError naming the file when there is none.
X509Ptr read_certificate(const std::filesystem::path& path);
// The private key in a PEM file: InputError naming the file when there is none.
PkeyPtr read_private_key(const std::filesystem::path& path);
// When `cert` stops being valid, as "2028-03-01 12:00:00 UTC".
std::string not_after_text(const X509* cert);

// A TLS 1.2+ server context with the certificate (and any chain after it in the file) and key:
// InputError when they cannot be read or do not match.
SslCtxPtr server_context(const TlsFiles& files);

}  // namespace emomusic::session

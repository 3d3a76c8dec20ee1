#pragma once
// Private to src/util: OpenSSL's digest entry points (libcrypto), loaded with
// dlopen on first use (DESIGN §10 start-up). Commands that hash nothing do
// not load libcrypto; when the network is used, libcurl has loaded it anyway.

#include <openssl/evp.h>

namespace photoagent::util::detail {

struct CryptoApi {
  decltype(&::EVP_MD_CTX_new) md_ctx_new;
  decltype(&::EVP_MD_CTX_free) md_ctx_free;
  decltype(&::EVP_DigestInit_ex) digest_init_ex;
  decltype(&::EVP_DigestUpdate) digest_update;
  decltype(&::EVP_DigestFinal_ex) digest_final_ex;
  decltype(&::EVP_sha256) sha256;
  decltype(&::EVP_sha1) sha1;
};

// Loads libcrypto once (thread-safe); throws util::Error naming the Debian
// package when it is missing. A failed load is retried by the next call.
const CryptoApi& crypto();

}  // namespace photoagent::util::detail

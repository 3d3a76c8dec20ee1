#include "crypto_api.hpp"

#include <mutex>

#include "photoagent/util/shared_library.hpp"

namespace photoagent::util::detail {
namespace {

void load(CryptoApi& c) {
  const SharedLibrary lib({"libcrypto.so.3", "libssl3", "compute SHA-256 and SHA-1 digests"});
  lib.bind(c.md_ctx_new, "EVP_MD_CTX_new");
  lib.bind(c.md_ctx_free, "EVP_MD_CTX_free");
  lib.bind(c.digest_init_ex, "EVP_DigestInit_ex");
  lib.bind(c.digest_update, "EVP_DigestUpdate");
  lib.bind(c.digest_final_ex, "EVP_DigestFinal_ex");
  lib.bind(c.sha256, "EVP_sha256");
  lib.bind(c.sha1, "EVP_sha1");
}

}  // namespace

const CryptoApi& crypto() {
  return loaded_once(load);
}

}  // namespace photoagent::util::detail

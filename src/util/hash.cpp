#include "photoagent/util/hash.hpp"

#include "crypto_api.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"

namespace photoagent::util {

struct Digest::Ctx {
  struct Free {
    void operator()(EVP_MD_CTX* c) const noexcept { detail::crypto().md_ctx_free(c); }
  };
  std::unique_ptr<EVP_MD_CTX, Free> md;
};

Digest::Digest(Algorithm algorithm) : ctx_(std::make_unique<Ctx>()) {
  const auto& c = detail::crypto();
  const char* name = algorithm == Algorithm::sha1 ? "SHA-1" : "SHA-256";
  ctx_->md.reset(c.md_ctx_new());
  const EVP_MD* md = algorithm == Algorithm::sha1 ? c.sha1() : c.sha256();
  if (!ctx_->md || c.digest_init_ex(ctx_->md.get(), md, nullptr) != 1)
    throw failure(std::string("cannot start ") + name + " (OpenSSL)");
}
Digest::~Digest() = default;

void Digest::update(std::string_view data) {
  if (detail::crypto().digest_update(ctx_->md.get(), data.data(), data.size()) != 1)
    throw failure("cannot compute a digest (OpenSSL)");
}

std::string Digest::hex_digest() {
  unsigned char md[EVP_MAX_MD_SIZE];
  unsigned len = 0;
  if (detail::crypto().digest_final_ex(ctx_->md.get(), md, &len) != 1)
    throw failure("cannot compute a digest (OpenSSL)");
  return to_hex(md, len);
}

std::string to_hex(const unsigned char* bytes, std::size_t n) {
  static constexpr char digits[] = "0123456789abcdef";
  std::string hex;
  hex.reserve(n * 2);
  for (std::size_t i = 0; i < n; ++i) {
    hex += digits[bytes[i] >> 4];
    hex += digits[bytes[i] & 15];
  }
  return hex;
}

std::string sha256_hex(std::string_view data) {
  Sha256 h;
  h.update(data);
  return h.hex_digest();
}

std::string sha256_file(const std::filesystem::path& path) {
  auto f = open_file(path, "rb");
  Sha256 h;
  char buf[1 << 16];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) h.update({buf, n});
  if (std::ferror(f.get())) throw failure("cannot read " + path.string());
  return h.hex_digest();
}

}  // namespace photoagent::util

#pragma once
// Digests through OpenSSL EVP (hardware-accelerated; images.md §5). libcrypto
// is loaded on first use (DESIGN §10 start-up).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace photoagent::util {

class Digest {
 public:
  // SHA-1 only where a protocol names it (git blob ids on the Hub).
  enum class Algorithm { sha256, sha1 };
  explicit Digest(Algorithm algorithm);
  ~Digest();
  Digest(const Digest&) = delete;
  Digest& operator=(const Digest&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // lowercase hex; the object is spent afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

class Sha256 : public Digest {
 public:
  Sha256() : Digest(Algorithm::sha256) {}
};

std::string sha256_hex(std::string_view data);
// Lower-case hex of raw bytes.
std::string to_hex(const unsigned char* bytes, std::size_t n);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace photoagent::util

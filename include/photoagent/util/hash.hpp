#pragma once
// SHA-256 through OpenSSL EVP (hardware-accelerated; images.md §5).

#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace photoagent::util {

class Sha256 {
 public:
  Sha256();
  ~Sha256();
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;
  void update(std::string_view data);
  std::string hex_digest();  // lowercase hex; the object is spent afterwards

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

std::string sha256_hex(std::string_view data);
// Lower-case hex of raw bytes.
std::string to_hex(const unsigned char* bytes, std::size_t n);
std::string sha256_file(const std::filesystem::path& path);

}  // namespace photoagent::util

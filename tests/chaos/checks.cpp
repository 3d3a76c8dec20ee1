#include "checks.hpp"

#include <cstdint>
#include <fstream>
#include <sstream>

#include "e2e/harness.hpp"

// The CRC check is zlib's, independent of the product's own (src/image/decode.cpp).
#include <zlib.h>

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#include <stb/stb_image.h>

namespace chaos {
namespace fs = std::filesystem;

namespace {

std::uint32_t be32(const unsigned char* p) {
  return (std::uint32_t{p[0]} << 24) | (std::uint32_t{p[1]} << 16) | (std::uint32_t{p[2]} << 8) | p[3];
}

}  // namespace

std::string png_problem(const std::string& bytes) {
  const auto* p = reinterpret_cast<const unsigned char*>(bytes.data());
  const std::size_t n = bytes.size();
  if (n < 8 || bytes.compare(0, 8, "\x89PNG\r\n\x1a\n") != 0) return "not a PNG signature";
  std::size_t at = 8;
  std::string first, last;
  std::uint32_t width = 0, height = 0;
  while (at + 12 <= n) {
    const std::uint32_t len = be32(p + at);
    if (len > n - at - 12) return "chunk runs past the end (truncated)";
    const std::string type(bytes, at + 4, 4);
    if (::crc32(0L, p + at + 4, len + 4) != be32(p + at + 8 + len)) return "bad CRC in chunk " + type + " (corrupted)";
    if (first.empty()) first = type;
    if (type == "IHDR" && len >= 8) width = be32(p + at + 8), height = be32(p + at + 12);
    last = type;
    at += 12 + len;
  }
  if (first != "IHDR") return "first chunk is not IHDR";
  if (last != "IEND" || at != n) return "does not end with IEND";
  int w = 0, h = 0, c = 0;
  unsigned char* px = stbi_load_from_memory(p, static_cast<int>(n), &w, &h, &c, 0);
  if (px == nullptr) return std::string("does not decode: ") + stbi_failure_reason();
  stbi_image_free(px);
  if (static_cast<std::uint32_t>(w) != width || static_cast<std::uint32_t>(h) != height) return "decoded size differs";
  return "";
}

std::vector<fs::path> databases(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    std::ifstream f(it->path(), std::ios::binary);
    char head[16] = {};
    f.read(head, sizeof head);
    if (f.gcount() == 16 && std::string(head, 15) == "SQLite format 3") out.push_back(it->path());
  }
  return out;
}

std::string sqlite(const fs::path& db, const std::string& sql) {
  auto r = e2e::run_process({"/usr/bin/sqlite3", "-readonly", db.string(), sql}, {{"PATH", "/usr/bin:/bin"}}, {}, 60);
  return r.out + (r.code == 0 ? "" : "[sqlite3 exit " + std::to_string(r.code) + ": " + r.err + "]");
}

std::vector<fs::path> temp_files(const fs::path& dir) {
  std::vector<fs::path> out;
  std::error_code ec;
  for (auto it = fs::recursive_directory_iterator(dir, ec); !ec && it != fs::recursive_directory_iterator(); it.increment(ec)) {
    if (!it->is_regular_file()) continue;
    const std::string name = it->path().filename().string();
    const std::string parent = it->path().parent_path().filename().string();
    if (name.find(".tmp-") != std::string::npos || name.ends_with(".part") || name.ends_with(".partial") ||
        parent == "tmp")
      out.push_back(it->path());
  }
  return out;
}

std::vector<std::string> lines_of(const fs::path& file) {
  std::vector<std::string> out;
  std::ifstream f(file);
  for (std::string line; std::getline(f, line);)
    if (!line.empty()) out.push_back(line);
  return out;
}

}  // namespace chaos

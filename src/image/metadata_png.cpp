// PNG text metadata: an uncompressed iTXt chunk placed right after IHDR
// (PNG 1.2 §4.2.3.3). The chunk list is walked once with every length checked
// against the file before use; chunk data is never copied to a buffer sized
// from a claimed length.
#include <array>

#include "metadata_detail.hpp"

namespace photoagent::image::detail {
namespace {

constexpr std::string_view kSignature("\x89PNG\r\n\x1a\n", 8);
constexpr std::uint32_t kMaxChunk = 0x7fffffffu;  // PNG's limit on a chunk length

struct Chunk {
  std::size_t offset;  // of the length field
  std::uint32_t length;
  std::string_view type;
  std::string_view data;
  std::size_t end() const { return offset + 12 + length; }
};

std::string printable(std::string_view type) {
  std::string s(type);
  for (char& c : s)
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) c = '?';
  return s;
}

// Calls visit(chunk, index) for every chunk from IHDR to IEND inclusive and
// returns the offset just past IEND; throws on any structural problem. A
// visitor rather than a list: a hostile file of 12-byte chunks would make
// a list several times larger than the file.
template <class Visit>
std::size_t walk(std::string_view b, Visit&& visit) {
  if (b.size() < kSignature.size() || b.substr(0, 8) != kSignature) throw malformed("PNG", "no PNG signature");
  std::size_t off = 8;
  for (std::size_t i = 0;; ++i) {
    if (b.size() - off < 12) throw malformed("PNG", "the file is truncated (no IEND chunk)");
    const std::uint32_t len = load_be32(b, off);
    const std::string_view type = b.substr(off + 4, 4);
    if (len > kMaxChunk || std::uint64_t{len} + 12 > b.size() - off)
      throw malformed("PNG", "the file is truncated (chunk \"" + printable(type) + "\" runs past the end)");
    for (char c : type)
      if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'))) throw malformed("PNG", "a chunk type is not a name");
    if (i == 0 && (type != "IHDR" || len != 13)) throw malformed("PNG", "the first chunk is not IHDR");
    const Chunk c{off, len, type, b.substr(off + 8, len)};
    off = c.end();
    visit(c, i);
    if (type == "IEND") return off;
  }
}
void validate_only(const Chunk&, std::size_t) {}

// The keyword of a tEXt, zTXt or iTXt chunk (the data up to the first NUL).
std::optional<std::string_view> text_keyword(const Chunk& c) {
  if (c.type != "tEXt" && c.type != "zTXt" && c.type != "iTXt") return std::nullopt;
  const std::size_t nul = c.data.find('\0');
  if (nul == std::string_view::npos) return std::nullopt;
  return c.data.substr(0, nul);
}

bool crc_ok(std::string_view b, const Chunk& c) {
  return png_crc32(b.substr(c.offset + 4, 4 + std::size_t{c.length})) == load_be32(b, c.offset + 8 + c.length);
}

std::string latin1_to_utf8(std::string_view s) {
  std::string out;
  out.reserve(s.size());
  for (char ch : s) {
    const auto c = static_cast<unsigned char>(ch);
    if (c < 0x80) {
      out += ch;
    } else {
      out += static_cast<char>(0xC0 | (c >> 6));
      out += static_cast<char>(0x80 | (c & 0x3F));
    }
  }
  return out;
}

}  // namespace

std::uint32_t png_crc32(std::string_view data, std::uint32_t crc) noexcept {
  static constexpr std::array<std::uint32_t, 256> kTable = [] {
    std::array<std::uint32_t, 256> t{};
    for (std::uint32_t n = 0; n < 256; ++n) {
      std::uint32_t c = n;
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
      t[n] = c;
    }
    return t;
  }();
  crc = ~crc;
  for (char ch : data) crc = kTable[(crc ^ static_cast<unsigned char>(ch)) & 0xFF] ^ (crc >> 8);
  return ~crc;
}

std::string png_embed(std::string_view b, const std::string& key, const std::string& text) {
  const std::size_t iend_end = walk(b, validate_only);  // refuse a broken file before writing anything
  // iTXt data: keyword NUL, compression flag 0, method 0, empty language
  // tag NUL, empty translated keyword NUL, UTF-8 text.
  const std::size_t data_len = key.size() + 5 + text.size();
  if (data_len > kMaxChunk) throw util::Error(util::ExitCode::error, "metadata text is too long for a PNG chunk");
  std::string out;
  out.reserve(b.size() + 12 + data_len);
  out += kSignature;
  walk(b, [&](const Chunk& c, std::size_t i) {
    if (text_keyword(c) == std::string_view(key)) return;  // replaced by ours
    out += b.substr(c.offset, c.end() - c.offset);
    if (i == 0) {
      const std::size_t start = out.size();
      store_be32(out, static_cast<std::uint32_t>(data_len));
      out += "iTXt";
      out += key;
      out += std::string_view("\0\0\0\0\0", 5);
      out += text;
      store_be32(out, png_crc32(std::string_view(out).substr(start + 4)));
    }
  });
  out += b.substr(iend_end);  // bytes after IEND, kept as they were
  return out;
}

std::optional<std::string> png_read(std::string_view b, const std::string& key) {
  std::optional<std::string> found;
  walk(b, [&](const Chunk& c, std::size_t) {
    // The first match wins; the walk still goes on to IEND so that a broken
    // file yields nothing, as documented.
    if (found || text_keyword(c) != std::string_view(key) || !crc_ok(b, c)) return;
    std::string_view rest = c.data.substr(key.size() + 1);
    if (c.type == "tEXt") {
      found = latin1_to_utf8(rest);
      return;
    }
    // zTXt and compressed iTXt are skipped: there is no inflater in this layer.
    if (c.type != "iTXt" || rest.size() < 2 || rest[0] != '\0') return;
    rest.remove_prefix(2);  // compression flag and method
    const std::size_t lang_end = rest.find('\0');
    if (lang_end == std::string_view::npos) return;
    const std::size_t tkey_end = rest.find('\0', lang_end + 1);
    if (tkey_end == std::string_view::npos) return;
    found = std::string(rest.substr(tkey_end + 1));
  });
  return found;
}

}  // namespace photoagent::image::detail

// JPEG text metadata: COM segments (ITU T.81 B.2.4.5) inserted after SOI and
// the leading APPn segments, so JFIF's APP0 stays first and EXIF/XMP stay
// where readers look for them. A COM payload holds at most 65533 bytes; longer
// text continues in further COM segments right after the first:
//   "<key>: <text...>"  "<key>+: <more text>"  ...
// (split on UTF-8 character boundaries, so each segment is readable text).
// Only the segments before SOS are parsed; the entropy-coded data and what
// follows it are copied unchanged.
#include <algorithm>
#include <string>

#include "metadata_detail.hpp"

namespace photoagent::image::detail {
namespace {

constexpr unsigned char kCom = 0xFE;
constexpr unsigned char kSos = 0xDA;
constexpr std::size_t kMaxPayload = 65533;  // 16-bit length field, which counts itself

struct Segment {
  std::size_t start;  // first 0xFF (fill bytes included)
  unsigned char marker;
  std::string_view payload;
  std::size_t end;
};

std::string hex(unsigned v) {
  static constexpr char d[] = "0123456789ABCDEF";
  return std::string{d[(v >> 4) & 15], d[v & 15]};
}

// Calls visit(segment) for each marker segment between SOI and SOS and
// returns the offset of the SOS marker; throws on any structural problem.
template <class Visit>
std::size_t walk(std::string_view b, Visit&& visit) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(b[i]); };
  if (b.size() < 2 || byte(0) != 0xFF || byte(1) != 0xD8) throw malformed("JPEG", "no SOI marker");
  std::size_t off = 2;
  for (;;) {
    if (off >= b.size()) throw malformed("JPEG", "the file is truncated (no SOS segment)");
    if (byte(off) != 0xFF) throw malformed("JPEG", "no marker at byte " + std::to_string(off));
    const std::size_t start = off;
    while (off < b.size() && byte(off) == 0xFF) ++off;  // fill bytes may precede a marker
    if (off >= b.size()) throw malformed("JPEG", "the file is truncated (no SOS segment)");
    const unsigned char m = byte(off++);
    if (m == kSos) return start;
    if (m == 0x01) {  // TEM: a marker without a length
      visit(Segment{start, m, {}, off});
      continue;
    }
    if (m == 0x00 || m == 0xD8 || m == 0xD9 || (m >= 0xD0 && m <= 0xD7))
      throw malformed("JPEG", "unexpected marker 0xFF" + hex(m) + " before the image data");
    if (b.size() - off < 2) throw malformed("JPEG", "the file is truncated (segment 0xFF" + hex(m) + ")");
    const std::size_t len = std::size_t{byte(off)} << 8 | byte(off + 1);
    if (len < 2) throw malformed("JPEG", "segment 0xFF" + hex(m) + " has an invalid length");
    if (len > b.size() - off)
      throw malformed("JPEG", "the file is truncated (segment 0xFF" + hex(m) + " runs past the end)");
    visit(Segment{start, m, b.substr(off + 2, len - 2), off + len});
    off += len;
  }
}

bool starts_with(std::string_view s, std::string_view prefix) { return s.substr(0, prefix.size()) == prefix; }

void put_com(std::string& out, std::string_view prefix, std::string_view piece) {
  const std::size_t len = prefix.size() + piece.size() + 2;
  out += '\xFF';
  out += static_cast<char>(kCom);
  out += static_cast<char>(len >> 8);
  out += static_cast<char>(len & 0xFF);
  out += prefix;
  out += piece;
}

}  // namespace

std::string jpeg_embed(std::string_view b, const std::string& key, const std::string& text) {
  const std::size_t sos = walk(b, [](const Segment&) {});  // refuse a broken file first
  const std::string first = key + ": ", next = key + "+: ";
  std::string coms;
  std::string_view rest(text);
  bool is_first = true;
  do {
    const std::string& prefix = is_first ? first : next;
    std::size_t take = std::min(kMaxPayload - prefix.size(), rest.size());
    // Never cut a UTF-8 sequence: back off to the start of the character.
    const std::size_t cap = take;
    while (take < rest.size() && take > 0 && (static_cast<unsigned char>(rest[take]) & 0xC0) == 0x80) --take;
    if (take == 0) take = cap;  // unreachable for valid UTF-8; guarantees progress
    put_com(coms, prefix, rest.substr(0, take));
    rest.remove_prefix(take);
    is_first = false;
  } while (!rest.empty());

  std::string out;
  out.reserve(b.size() + coms.size());
  out += b.substr(0, 2);  // SOI
  bool inserted = false;
  walk(b, [&](const Segment& s) {
    if (s.marker == kCom && (starts_with(s.payload, first) || starts_with(s.payload, next))) return;  // replaced
    const bool app = s.marker >= 0xE0 && s.marker <= 0xEF;
    if (!app && !inserted) {
      out += coms;
      inserted = true;
    }
    out += b.substr(s.start, s.end - s.start);
  });
  if (!inserted) out += coms;
  out += b.substr(sos);  // SOS, entropy-coded data, EOI and anything after
  return out;
}

std::optional<std::string> jpeg_read(std::string_view b, const std::string& key) {
  const std::string first = key + ": ", next = key + "+: ";
  std::optional<std::string> found;
  bool continuing = false;
  walk(b, [&](const Segment& s) {
    const bool com = s.marker == kCom;
    if (continuing && com && starts_with(s.payload, next)) {
      found->append(s.payload.substr(next.size()));
      return;
    }
    continuing = false;
    if (!found && com && starts_with(s.payload, first)) {
      found = std::string(s.payload.substr(first.size()));
      continuing = true;
    }
  });
  return found;
}

}  // namespace photoagent::image::detail

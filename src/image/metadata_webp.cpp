// WebP text metadata: an XMP chunk ("XMP "), the container's place for
// metadata (developers.google.com/speed/webp/docs/riff_container). Metadata
// needs the extended layout, so a simple file (VP8 or VP8L chunk alone) gets a
// VP8X header chunk with its canvas size; the image chunks are copied as they
// are. Our text sits in its own rdf:Description, so an XMP packet written by
// another tool is kept and ours is added beside its other descriptions.
#include <algorithm>
#include <string>

#include "metadata_detail.hpp"
#include "webp_api.hpp"

namespace photoagent::image::detail {
namespace {

constexpr unsigned char kXmpFlag = 0x04, kAlphaFlag = 0x10;
constexpr std::uint64_t kMaxRiff = 0xFFFFFFFEu;  // RIFF sizes are 32-bit and even

struct Chunk {
  std::size_t start;
  std::string_view fourcc;
  std::string_view payload;
  std::size_t end;  // after the pad byte
};

// Calls visit(chunk) for every chunk inside the RIFF size and returns that
// end (bytes after it are not part of the file); throws on a broken layout.
template <class Visit>
std::size_t walk(std::string_view b, Visit&& visit) {
  if (b.size() < 12 || b.substr(0, 4) != "RIFF" || b.substr(8, 4) != "WEBP") throw malformed("WebP", "no RIFF header");
  const std::uint32_t riff = load_le32(b, 4);
  if (riff < 4 || riff > b.size() - 8) throw malformed("WebP", "the file is truncated (RIFF size)");
  const std::size_t riff_end = 8 + std::size_t{riff};
  std::size_t off = 12;
  if (riff_end - off < 8) throw malformed("WebP", "no image chunk");
  while (off < riff_end) {
    if (riff_end - off < 8) throw malformed("WebP", "the file is truncated (chunk header)");
    const std::string_view fourcc = b.substr(off, 4);
    const std::uint32_t len = load_le32(b, off + 4);
    if (len > riff_end - off - 8) throw malformed("WebP", "the file is truncated (a chunk runs past the end)");
    if (fourcc == "VP8X" && len < 10) throw malformed("WebP", "its VP8X chunk is too short");
    // The pad byte after an odd-sized last chunk is sometimes missing; accept that.
    const std::size_t end = std::min(off + 8 + len + (len & 1u), riff_end);
    if (off == 12 && fourcc != "VP8X" && fourcc != "VP8 " && fourcc != "VP8L")
      throw malformed("WebP", "the first chunk is not VP8X, VP8 or VP8L");
    visit(Chunk{off, fourcc, b.substr(off + 8, len), end});
    off = end;
  }
  return riff_end;
}

const std::string kNs = "http://ns.photoagent.invalid/1.0/";  // .invalid: reserved, never a real host

std::string open_tag(const std::string& key) {
  return "<rdf:Description rdf:about=\"\" xmlns:photoagent=\"" + kNs + "\"><photoagent:" + key + ">";
}
std::string close_tag(const std::string& key) { return "</photoagent:" + key + "></rdf:Description>"; }

std::string xml_escape(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (char c : t) {
    if (c == '&') out += "&amp;";
    else if (c == '<') out += "&lt;";
    else if (c == '>') out += "&gt;";
    else if (c == '\r') out += "&#13;";  // a literal CR would be normalised to LF by XML parsers
    else out += c;
  }
  return out;
}

void put_utf8(std::string& out, std::uint32_t cp) {
  if (cp < 0x80) {
    out += static_cast<char>(cp);
  } else if (cp < 0x800) {
    out += static_cast<char>(0xC0 | (cp >> 6));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else if (cp < 0x10000) {
    out += static_cast<char>(0xE0 | (cp >> 12));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  } else {
    out += static_cast<char>(0xF0 | (cp >> 18));
    out += static_cast<char>(0x80 | ((cp >> 12) & 0x3F));
    out += static_cast<char>(0x80 | ((cp >> 6) & 0x3F));
    out += static_cast<char>(0x80 | (cp & 0x3F));
  }
}

// The five predefined entities and numeric references; anything else is kept.
std::string xml_unescape(std::string_view t) {
  std::string out;
  out.reserve(t.size());
  for (std::size_t i = 0; i < t.size();) {
    const std::size_t semi = t[i] == '&' ? t.find(';', i) : std::string_view::npos;
    if (semi == std::string_view::npos || semi - i > 10) {
      out += t[i++];
      continue;
    }
    const std::string_view ent = t.substr(i + 1, semi - i - 1);
    std::uint32_t cp = 0;
    bool ok = true;
    if (ent == "amp") cp = '&';
    else if (ent == "lt") cp = '<';
    else if (ent == "gt") cp = '>';
    else if (ent == "quot") cp = '"';
    else if (ent == "apos") cp = '\'';
    else if (ent.size() >= 2 && ent[0] == '#') {
      const bool hexa = ent[1] == 'x';
      const std::string_view digits = ent.substr(hexa ? 2 : 1);
      ok = !digits.empty();
      for (char c : digits) {
        const int v = c >= '0' && c <= '9' ? c - '0' : hexa && c >= 'a' && c <= 'f' ? c - 'a' + 10
                      : hexa && c >= 'A' && c <= 'F'                              ? c - 'A' + 10
                                                                                  : -1;
        if (v < 0 || cp > 0x10FFFF) ok = false;
        else cp = cp * (hexa ? 16 : 10) + static_cast<std::uint32_t>(v);
      }
      ok = ok && cp <= 0x10FFFF && !(cp >= 0xD800 && cp <= 0xDFFF);
    } else {
      ok = false;
    }
    if (!ok) {
      out += t[i++];
      continue;
    }
    put_utf8(out, cp);
    i = semi + 1;
  }
  return out;
}

// `xmp` without any description of ours for `key` (a hostile packet may
// hold several; one left behind would be read instead of the new text).
std::string without_ours(std::string xmp, const std::string& key) {
  const std::string open = open_tag(key), close = close_tag(key);
  for (std::size_t at; (at = xmp.find(open)) != std::string::npos;) {
    const std::size_t end = xmp.find(close, at);
    if (end == std::string::npos) throw malformed("WebP", "its XMP packet has an unterminated photoagent element");
    xmp.erase(at, end + close.size() - at);
  }
  return xmp;
}

void put_chunk(std::string& out, std::string_view fourcc, std::string_view payload) {
  out += fourcc;
  store_le32(out, static_cast<std::uint32_t>(payload.size()));
  out += payload;
  if (payload.size() & 1u) out += '\0';
}

}  // namespace

std::string webp_embed(std::string_view b, const std::string& key, const std::string& text) {
  std::string_view first_fourcc, old_xmp;
  bool has_xmp = false;
  const std::size_t riff_end = walk(b, [&](const Chunk& c) {
    if (first_fourcc.empty()) first_fourcc = c.fourcc;
    if (c.fourcc == "XMP " && !has_xmp) {
      old_xmp = c.payload;
      has_xmp = true;
    }
  });
  const std::string ours = open_tag(key) + xml_escape(text) + close_tag(key);
  std::string xmp;
  if (has_xmp) {
    xmp = without_ours(std::string(old_xmp), key);
    const std::size_t rdf_end = xmp.rfind("</rdf:RDF>");
    if (rdf_end == std::string::npos)
      throw malformed("WebP", "its XMP chunk is not an RDF packet, so text cannot be added to it");
    xmp.insert(rdf_end, ours);
  } else {
    xmp = "<?xpacket begin=\"\xEF\xBB\xBF\" id=\"W5M0MpCehiHzreSzNTczkc9d\"?>\n"
          "<x:xmpmeta xmlns:x=\"adobe:ns:meta/\"><rdf:RDF xmlns:rdf=\"http://www.w3.org/1999/02/22-rdf-syntax-ns#\">" +
          ours + "</rdf:RDF></x:xmpmeta>\n<?xpacket end=\"w\"?>";
  }

  std::string body;  // the chunks, without the 12-byte RIFF header
  if (first_fourcc != "VP8X") {
    // Simple layout: the canvas is the bitstream's size (libwebp reads the
    // VP8/VP8L header; it never reads past `b`).
    WebPBitstreamFeatures f;
    if (webp().get_features(reinterpret_cast<const std::uint8_t*>(b.data()), riff_end, &f) != VP8_STATUS_OK ||
        f.width <= 0 || f.height <= 0 || f.width > (1 << 24) || f.height > (1 << 24))
      throw malformed("WebP", "the image chunk's header is damaged");
    std::string vp8x(10, '\0');
    vp8x[0] = static_cast<char>(kXmpFlag | (f.has_alpha ? kAlphaFlag : 0));
    for (int i = 0; i < 3; ++i) {
      vp8x[4 + i] = static_cast<char>(((f.width - 1) >> (8 * i)) & 0xFF);
      vp8x[7 + i] = static_cast<char>(((f.height - 1) >> (8 * i)) & 0xFF);
    }
    put_chunk(body, "VP8X", vp8x);
  }
  bool xmp_written = false;
  walk(b, [&](const Chunk& c) {
    if (c.fourcc == "XMP " && !xmp_written) {
      put_chunk(body, "XMP ", xmp);  // in place of the old one
      xmp_written = true;
    } else if (c.fourcc == "VP8X") {
      std::string vp8x(c.payload);
      vp8x[0] = static_cast<char>(static_cast<unsigned char>(vp8x[0]) | kXmpFlag);
      put_chunk(body, "VP8X", vp8x);
    } else {
      put_chunk(body, c.fourcc, c.payload);
    }
  });
  if (!xmp_written) put_chunk(body, "XMP ", xmp);  // metadata chunks come after the image data
  if (4 + std::uint64_t{body.size()} > kMaxRiff)
    throw util::Error(util::ExitCode::error, "metadata text is too long for a WebP file");
  std::string out = "RIFF";
  store_le32(out, static_cast<std::uint32_t>(4 + body.size()));
  out += "WEBP";
  out += body;
  return out;
}

std::optional<std::string> webp_read(std::string_view b, const std::string& key) {
  std::optional<std::string> found;
  const std::string open = open_tag(key), close = close_tag(key);
  walk(b, [&](const Chunk& c) {
    if (found || c.fourcc != "XMP ") return;
    const std::size_t at = c.payload.find(open);
    if (at == std::string_view::npos) return;
    const std::size_t end = c.payload.find(close, at + open.size());
    if (end == std::string_view::npos) return;
    found = xml_unescape(c.payload.substr(at + open.size(), end - at - open.size()));
  });
  return found;
}

}  // namespace photoagent::image::detail

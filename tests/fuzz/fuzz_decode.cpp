// libFuzzer harness for the image input path: sniff, EXIF orientation (JPEG
// walker and TIFF parser), header probe + limits, the whole prepare()
// pipeline (JPEG/PNG/WebP decode, resize, orientation, encode) and the text
// metadata reader and writer (outputs downloaded from the network). Anything
// other than a util::Error escaping, a sanitizer report, a leak or an
// inconsistent result is a finding. See README.md for how to build and run it.

#include <cstddef>
#include <cstdint>
#include <cstdlib>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/exif.hpp"
#include "photoagent/image/metadata.hpp"
#include "photoagent/image/prepare.hpp"
#include "photoagent/image/sniff.hpp"
#include "photoagent/util/error.hpp"

using namespace photoagent::image;

// probe() refuses PNG chunks whose CRC is wrong, so most mutations of a PNG
// would stop there: for half of the inputs the CRCs are rewritten first, so
// the decoder behind it still sees mutated chunk data.
static std::vector<unsigned char> with_png_crcs_fixed(const std::uint8_t* data, std::size_t size) {
  std::vector<unsigned char> b(data, data + size);
  auto be32 = [&](std::size_t at) {
    return std::uint32_t{b[at]} << 24 | std::uint32_t{b[at + 1]} << 16 | std::uint32_t{b[at + 2]} << 8 | b[at + 3];
  };
  for (std::size_t off = 8; size >= 8 && off + 12 <= b.size();) {
    const std::uint32_t len = be32(off);
    if (len > b.size() - off - 12) break;
    std::uint32_t c = 0xFFFFFFFFu;
    for (std::size_t i = off + 4; i < off + 8 + len; ++i) {
      c ^= b[i];
      for (int k = 0; k < 8; ++k) c = (c & 1) ? 0xEDB88320u ^ (c >> 1) : c >> 1;
    }
    c ^= 0xFFFFFFFFu;
    for (int k = 0; k < 4; ++k) b[off + 8 + len + static_cast<std::size_t>(k)] = static_cast<unsigned char>(c >> (24 - 8 * k));
    off += 12 + std::size_t{len};
  }
  return b;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const bool fix_crcs = size > 8 && (data[size - 1] & 0x40) != 0 && data[0] == 0x89;
  const std::vector<unsigned char> fixed = fix_crcs ? with_png_crcs_fixed(data, size) : std::vector<unsigned char>();
  if (fix_crcs) data = fixed.data();
  const std::span<const unsigned char> bytes(data, size);

  const Format f = sniff(bytes);
  (void)format_name(f);
  const int o = jpeg_exif_orientation(bytes);
  if (o < 1 || o > 8) std::abort();
  const int t = tiff_exif_orientation(bytes);  // the input as a raw TIFF/EXIF blob
  if (t < 1 || t > 8) std::abort();

  // Small limits keep each execution fast and bounded in memory; the limit
  // logic itself is what is under test for larger claims.
  PrepareOptions opt;
  opt.limits.max_pixels = 4'000'000;
  opt.limits.max_side = 8192;
  opt.limits.max_file_bytes = 1 << 20;
  // The last byte picks the target size, the filter and the warning policy so
  // that the DCT-scaled paths (1/1 ... 1/8) and all resamplers are reached.
  const unsigned char knob = size ? data[size - 1] : 0;
  static constexpr std::uint32_t kSides[] = {16, 64, 100, 256, 1, 7, 333, 1536};
  opt.max_side = kSides[knob & 7];
  opt.filter = (knob >> 3) % 3 == 0 ? Filter::catmull_rom : (knob >> 3) % 3 == 1 ? Filter::mitchell : Filter::lanczos3;
  opt.accept_jpeg_warnings = (knob & 0x80) != 0;
  opt.jpeg.quality = 75;
  opt.allow_webp = true;  // generated outputs are WebP; upload may opt in later

  // Metadata: reading never throws; writing either refuses with util::Error
  // or gives a file from which the same text reads back.
  const std::string_view text(reinterpret_cast<const char*>(data), size);
  (void)read_text_metadata(text, "photoagent");
  try {
    const std::string embedded = embed_text_metadata(text, "photoagent", "seed 7 <&> caf\xC3\xA9");
    if (read_text_metadata(embedded, "photoagent") != "seed 7 <&> caf\xC3\xA9") std::abort();
  } catch (const photoagent::util::Error&) {
  }

  DecodeOptions dec;
  dec.limits = opt.limits;
  dec.allow_webp = true;
  try {
    const ImageInfo info = probe(bytes, dec);
    if (info.width == 0 || info.height == 0 || std::uint64_t{info.width} * info.height > opt.limits.max_pixels)
      std::abort();  // probe() must enforce the limits it was given
  } catch (const photoagent::util::Error&) {
  }
  try {
    const Prepared p = prepare(bytes, opt);
    const std::uint32_t long_side = p.width > p.height ? p.width : p.height;
    const std::uint32_t source_long = p.source_width > p.source_height ? p.source_width : p.source_height;
    if (p.jpeg.size() < 4 || p.width == 0 || p.height == 0) std::abort();
    if (long_side > opt.max_side || long_side > source_long) std::abort();  // resized down, never up
  } catch (const photoagent::util::Error&) {
  }
  return 0;
}

// Contact sheets (see contact_sheet.hpp): layout, drawing, and the file
// helper that decodes outputs (WebP included) and saves JPEG or PNG.
#include "photoagent/image/contact_sheet.hpp"

#include <algorithm>
#include <cstring>
#include <span>
#include <string_view>

#include "font5x7.hpp"
#include "photoagent/image/decode.hpp"
#include "photoagent/image/encode.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"

namespace photoagent::image {
namespace {

using util::Error;
using util::ExitCode;

constexpr std::uint32_t kMinCell = 8;

void blit(RgbImage& dst, const RgbImage& src, std::uint32_t x, std::uint32_t y) {
  for (std::uint32_t r = 0; r < src.height; ++r)
    std::memcpy(dst.row(y + r) + 3 * std::size_t{x}, src.row(r), src.stride());
}

// Cut to what fits `cell` pixels at `scale`; a cut caption ends in "..".
std::string fit_caption(const std::string& caption, std::uint32_t cell, std::uint32_t scale) {
  std::string g = detail::to_glyphs(caption);
  // n glyphs take (6n - 1) font pixels: the last needs no spacing column.
  const std::size_t max = (std::size_t{cell} + scale) / (detail::kAdvance * scale);
  if (g.size() <= max) return g;
  return max >= 3 ? g.substr(0, max - 2) + ".." : g.substr(0, max);
}

enum class OutKind { jpeg, png };

OutKind output_kind(const std::filesystem::path& out) {
  std::string ext = out.extension().string();
  for (char& c : ext) c = static_cast<char>(c >= 'A' && c <= 'Z' ? c - 'A' + 'a' : c);
  if (ext == ".jpg" || ext == ".jpeg") return OutKind::jpeg;
  if (ext == ".png") return OutKind::png;
  throw util::usage_error("cannot write a contact sheet to " + out.string() + ": the name must end in .jpg or .png",
                          "e.g. --contact-sheet sheet.jpg");
}

}  // namespace

Size fit_in_cell(std::uint32_t width, std::uint32_t height, std::uint32_t cell) noexcept {
  if (width == 0 || height == 0 || cell == 0) return {};
  const std::uint64_t w = width, h = height, c = cell;
  if (w >= h) return {cell, static_cast<std::uint32_t>(std::max<std::uint64_t>(1, (h * c + w / 2) / w))};
  return {static_cast<std::uint32_t>(std::max<std::uint64_t>(1, (w * c + h / 2) / h)), cell};
}

ContactSheetLayout contact_sheet_layout(std::size_t n, const ContactSheetOptions& o) {
  if (n == 0) throw Error(ExitCode::error, "a contact sheet needs at least one picture");
  if (o.cell == 0) throw Error(ExitCode::error, "the contact sheet cell size must be at least 1 pixel");
  std::uint64_t cols = o.columns;
  if (cols == 0)
    while (cols * cols < n) ++cols;  // ceil(sqrt(n)) without floating point
  cols = std::min<std::uint64_t>(cols, n);
  const std::uint64_t rows = (n + cols - 1) / cols;
  const std::uint64_t scale = std::max<std::uint32_t>(1, o.caption_scale);
  const std::uint64_t caption = o.captions.empty() ? 0 : (detail::kGlyphH + 4) * scale;
  const std::uint64_t gap = o.gap, max = o.max_side;
  // The largest cell that keeps both sides within max_side (if any is needed).
  std::uint64_t cell = o.cell;
  auto fits = [&](std::uint64_t c) {
    return cols * c + (cols + 1) * gap <= max && rows * (c + caption) + (rows + 1) * gap <= max;
  };
  if (!fits(cell)) {
    const std::uint64_t wfree = max > (cols + 1) * gap ? (max - (cols + 1) * gap) / cols : 0;
    const std::uint64_t hfree = max > (rows + 1) * gap ? (max - (rows + 1) * gap) / rows : 0;
    cell = std::min(wfree, hfree > caption ? hfree - caption : 0);
    if (cell < kMinCell)
      throw Error(ExitCode::error, std::to_string(n) + " pictures do not fit a contact sheet of at most " +
                                       std::to_string(max) + " pixels per side");
  }
  ContactSheetLayout l;
  l.columns = static_cast<std::uint32_t>(cols);
  l.rows = static_cast<std::uint32_t>(rows);
  l.cell = static_cast<std::uint32_t>(cell);
  l.caption_height = static_cast<std::uint32_t>(caption);
  l.gap = o.gap;
  l.width = static_cast<std::uint32_t>(cols * cell + (cols + 1) * gap);
  l.height = static_cast<std::uint32_t>(rows * (cell + caption) + (rows + 1) * gap);
  return l;
}

RgbImage contact_sheet(const std::vector<RgbImage>& images, const ContactSheetOptions& o) {
  const ContactSheetLayout l = contact_sheet_layout(images.size(), o);
  RgbImage sheet = RgbImage::allocate(l.width, l.height);
  unsigned char* p = sheet.pixels.data();
  for (std::size_t i = 0, n = std::size_t{l.width} * l.height; i < n; ++i, p += 3)
    std::memcpy(p, o.background.data(), 3);
  const std::uint32_t scale = std::max<std::uint32_t>(1, o.caption_scale);
  for (std::size_t i = 0; i < images.size(); ++i) {
    const RgbImage& img = images[i];
    if (img.width == 0 || img.height == 0 || img.pixels.empty())
      throw Error(ExitCode::error, "contact sheet: picture " + std::to_string(i + 1) + " is empty");
    const Size fit = fit_in_cell(img.width, img.height, l.cell);
    const std::uint32_t x = l.cell_x(i) + (l.cell - fit.width) / 2;
    const std::uint32_t y = l.cell_y(i) + (l.cell - fit.height) / 2;
    if (img.width == fit.width && img.height == fit.height) blit(sheet, img, x, y);
    else blit(sheet, resize(img, fit.width, fit.height, o.filter), x, y);
    if (i < o.captions.size() && !o.captions[i].empty()) {
      const std::string text = fit_caption(o.captions[i], l.cell, scale);
      const std::int64_t text_w = (static_cast<std::int64_t>(text.size()) * detail::kAdvance - 1) * scale;
      detail::draw_text(sheet, l.cell_x(i) + (std::int64_t{l.cell} - text_w) / 2, l.cell_y(i) + l.cell + 2 * scale,
                        text, scale, o.caption_color);
    }
  }
  return sheet;
}

ContactSheetLayout write_contact_sheet(const std::vector<std::filesystem::path>& inputs,
                                       const std::filesystem::path& output, const ContactSheetOptions& options,
                                       const Limits& limits) {
  const OutKind kind = output_kind(output);
  const ContactSheetLayout layout = contact_sheet_layout(inputs.size(), options);
  // Thumbnails only: a run of 100 outputs at 1-2 MP each never sits in
  // memory at full size. contact_sheet() then copies them without resampling.
  std::vector<RgbImage> thumbs;
  thumbs.reserve(inputs.size());
  DecodeOptions dec;
  dec.limits = limits;
  dec.target_long_side = layout.cell;  // JPEG decodes at a DCT scale near the cell size
  dec.allow_webp = true;               // Flux's default output format
  for (const auto& path : inputs) {
    const std::string bytes = util::read_file(path, limits.max_file_bytes);  // names the file on failure
    try {
      RgbImage img = decode(std::span(reinterpret_cast<const unsigned char*>(bytes.data()), bytes.size()), dec);
      const Size fit = fit_in_cell(img.width, img.height, layout.cell);
      if (img.width != fit.width || img.height != fit.height) img = resize(img, fit.width, fit.height, options.filter);
      thumbs.push_back(std::move(img));
    } catch (const Error& e) {
      throw Error(e.code(), path.string() + ": " + e.message(), e.hint());
    }
  }
  const RgbImage sheet = contact_sheet(thumbs, options);
  JpegOptions jpeg;
  jpeg.quality = 90;
  jpeg.subsampling = Subsampling::s444;  // keeps caption text and fine detail crisp
  const std::vector<unsigned char> bytes = kind == OutKind::jpeg ? encode_jpeg(sheet, jpeg) : encode_png(sheet);
  util::write_file_atomic(output, std::string_view(reinterpret_cast<const char*>(bytes.data()), bytes.size()));
  return layout;
}

}  // namespace photoagent::image

#pragma once
// Internal: a built-in 5x7 bitmap font (our own drawing, no third-party
// source or font file) for contact-sheet captions. Upper-case ASCII letters,
// digits and common punctuation; lower case is drawn as upper case, anything
// else (including each non-ASCII UTF-8 character) as '?'.

#include <array>
#include <cstdint>
#include <string>
#include <string_view>

#include "photoagent/image/pixels.hpp"

namespace photoagent::image::detail {

constexpr std::uint32_t kGlyphW = 5, kGlyphH = 7, kAdvance = 6;  // one blank column between glyphs

// Seven rows, bit 4 = leftmost column.
const std::array<std::uint8_t, 7>& glyph(char c) noexcept;

// One char per drawable glyph: ASCII kept, each UTF-8 sequence becomes '?'.
std::string to_glyphs(std::string_view utf8);

// Draws `glyphs` (from to_glyphs) with its top-left at (x, y), each font
// pixel a `scale` x `scale` block in `rgb`. Pixels outside `img` are clipped.
void draw_text(RgbImage& img, std::int64_t x, std::int64_t y, std::string_view glyphs, std::uint32_t scale,
               const std::array<unsigned char, 3>& rgb);

}  // namespace photoagent::image::detail

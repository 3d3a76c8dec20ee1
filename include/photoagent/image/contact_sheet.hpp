#pragma once
// Contact sheets: all outputs of a run on one picture (`generate
// --contact-sheet FILE`), because a grid of pictures beats a list of paths.
//
//   +---------------------------------+   gap around and between cells,
//   | [cell 0]   [cell 1]   [cell 2]  |   each picture scaled (up or down,
//   | caption    caption    caption   |   aspect kept) to fit its cell x cell
//   | [cell 3]   [cell 4]             |   square and centred in it; optional
//   | caption    caption              |   caption strip under each cell
//   +---------------------------------+   (built-in 5x7 font, upper case).

#include <array>
#include <cstddef>
#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

#include "photoagent/image/limits.hpp"
#include "photoagent/image/pixels.hpp"
#include "photoagent/image/resize.hpp"

namespace photoagent::image {

struct ContactSheetOptions {
  std::uint32_t columns = 0;   // 0 = ceil(sqrt(n)); never more than n
  std::uint32_t cell = 256;    // side of the square each picture is fitted into
  std::uint32_t gap = 8;       // pixels between cells and around the sheet
  std::array<unsigned char, 3> background{255, 255, 255};
  // One caption per picture (missing ones are blank); none at all = no strips.
  // Too long a caption is cut and ends in "..".
  std::vector<std::string> captions;
  std::uint32_t caption_scale = 2;  // font pixel size: glyphs are 10x14 at 2
  std::array<unsigned char, 3> caption_color{48, 48, 48};
  Filter filter = Filter::catmull_rom;
  // The sheet's long side is kept within this by shrinking the cells (a run
  // of hundreds of outputs still gives a picture a viewer can open).
  std::uint32_t max_side = 16384;
};

struct ContactSheetLayout {
  std::uint32_t columns = 0;
  std::uint32_t rows = 0;
  std::uint32_t cell = 0;            // after shrinking for max_side
  std::uint32_t caption_height = 0;  // 0 without captions
  std::uint32_t width = 0;           // of the whole sheet
  std::uint32_t height = 0;
  std::uint32_t gap = 0;
  // Top-left corner of picture i's cell (its caption strip is just below).
  std::uint32_t cell_x(std::size_t i) const noexcept {
    return gap + static_cast<std::uint32_t>(i % columns) * (cell + gap);
  }
  std::uint32_t cell_y(std::size_t i) const noexcept {
    return gap + static_cast<std::uint32_t>(i / columns) * (cell + caption_height + gap);
  }
};

// The geometry for `n` pictures. Throws util::Error for n == 0, cell == 0 or
// a max_side too small for even 8-pixel cells.
ContactSheetLayout contact_sheet_layout(std::size_t n, const ContactSheetOptions& options = {});

// The size picture (w x h) gets inside a cell: the long side equals `cell`,
// the short side is rounded (at least 1).
Size fit_in_cell(std::uint32_t width, std::uint32_t height, std::uint32_t cell) noexcept;

// Draws the sheet. Each picture is resampled with options.filter unless it
// already has its fitted size (then it is copied as is). Throws util::Error
// for no pictures, an empty picture, or when memory runs out.
RgbImage contact_sheet(const std::vector<RgbImage>& images, const ContactSheetOptions& options = {});

// Builds a sheet from image files (JPEG, PNG or WebP, by magic bytes; each
// checked against `limits`, decoded at a reduced size where the format allows,
// then shrunk to its cell at once so only thumbnails are kept) and writes it
// atomically to `output`: JPEG for .jpg/.jpeg, PNG for .png (case-insensitive).
// Returns the layout used. Throws util::Error naming the file that cannot be
// read or decoded, or for another output extension (before reading anything).
ContactSheetLayout write_contact_sheet(const std::vector<std::filesystem::path>& inputs,
                                       const std::filesystem::path& output, const ContactSheetOptions& options = {},
                                       const Limits& limits = {});

}  // namespace photoagent::image

#pragma once
// EXIF orientation: a small bounded parser (no allocation, no recursion, no
// offset chasing beyond IFD0). Every read is bounds-checked, so hostile input
// can never read out of bounds or loop. Malformed or missing data yields 1.

#include <span>

namespace photoagent::image {

// Orientation 1..8 from a JPEG file: the first APP1 "Exif\0\0" segment before
// SOS (XMP APP1 segments are skipped), IFD0 tag 0x0112. 1 when absent/invalid.
int jpeg_exif_orientation(std::span<const unsigned char> jpeg) noexcept;

// Orientation 1..8 from a TIFF-structured EXIF blob ("II*\0" or "MM\0*"
// header, i.e. what follows "Exif\0\0"). Reusable for PNG eXIf / WebP EXIF.
// Only IFD0 is read (IFD1 describes the thumbnail). 1 when absent/invalid.
int tiff_exif_orientation(std::span<const unsigned char> tiff) noexcept;

}  // namespace photoagent::image

#pragma once
// Text metadata inside image files, written without re-encoding the pixels:
// photoagent embeds each generation's prompt, model, seed and input in the
// file it downloads, so the picture carries its own recipe (DESIGN §1
// `generate`) and `search` can read it back later.
//
//   PNG   an iTXt chunk (UTF-8, uncompressed) right after IHDR
//   JPEG  COM segments after SOI and the APPn segments (JFIF, EXIF, XMP);
//         text longer than one segment holds is split over several
//   WebP  an XMP chunk (extended "VP8X" layout; a simple file is converted)
//
// The bytes come from the network, so every length is checked against the
// input before it is used; nothing is read out of bounds and nothing is
// allocated from a claimed length.

#include <optional>
#include <string>
#include <string_view>

namespace photoagent::image {

// Returns `file_bytes` (PNG, JPEG or WebP, by magic bytes) with `text` stored
// under `key`, replacing what an earlier call stored under the same key (and,
// in PNG, any tEXt/zTXt/iTXt chunk with that keyword). Everything else,
// including the compressed image data, is copied unchanged.
//   key   1..79 bytes: a letter, then letters, digits, '_', '.', '-'
//         (a valid PNG keyword and XML name alike)
//   text  valid UTF-8 without control characters other than tab, LF and CR
// Throws util::Error(ExitCode::error) for another format, a malformed file
// (truncated chunk or segment, missing IHDR/IEND/SOS, bad RIFF sizes), a bad
// key or text, or a result too large for the format.
std::string embed_text_metadata(std::string_view file_bytes, const std::string& key, const std::string& text);

// The text stored under `key` by embed_text_metadata (PNG also: an
// uncompressed iTXt or a tEXt chunk with that keyword from another tool,
// Latin-1 converted to UTF-8). std::nullopt when absent, when the file is
// malformed or not one of the three formats, or when the key is invalid:
// this never throws util::Error, so a scan over many files can call it.
std::optional<std::string> read_text_metadata(std::string_view file_bytes, const std::string& key);

}  // namespace photoagent::image

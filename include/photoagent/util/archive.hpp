#pragma once
// Archives through libarchive: the flat training zip the trainer reads, and
// safe extraction from the weights tar a training returns.

#include <cstdint>
#include <filesystem>
#include <string>
#include <string_view>
#include <vector>

namespace photoagent::util {

struct ZipMember {
  std::string name;                 // flat name inside the zip, e.g. "0001.jpg" (no '/')
  std::filesystem::path file;       // content from this file, or
  std::string content;              // this text when `file` is empty (captions)
  bool store = true;                // JPEGs are stored, not recompressed; text may be deflated
};

// Writes the zip atomically (temporary file, then rename). Throws
// util::Error on a duplicate or unsafe name, an unreadable file, or a write
// failure (disk full), leaving no partial file behind.
void write_zip(const std::filesystem::path& zip, const std::vector<ZipMember>& members);

struct ArchiveEntry {
  std::string name;
  std::uint64_t size = 0;
  bool regular = false;  // false for folders, links, devices
};

// Lists a zip or tar (any libarchive format, gzip'd or not).
std::vector<ArchiveEntry> list_archive(const std::filesystem::path& archive);

// Extracts the regular files whose names end with `suffix` into `dir`,
// under their base names only. Refuses the whole archive (util::Error,
// nothing left behind) when any entry's name is absolute or has a ".."
// component, when a link points outside, or when a file would exceed
// `max_bytes`. Returns the written paths.
std::vector<std::filesystem::path> extract_matching(const std::filesystem::path& archive, std::string_view suffix,
                                                    const std::filesystem::path& dir,
                                                    std::uint64_t max_bytes = 4ull << 30);

}  // namespace photoagent::util

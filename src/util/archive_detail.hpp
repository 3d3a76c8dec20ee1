#pragma once
// Private to src/util/archive*.cpp: owning libarchive handles and the one
// place that decides which formats and filters we are willing to read.
// libarchive itself is reached through la() (archive_api.hpp).

#include <locale.h>

#include <cstddef>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

#include "archive_api.hpp"

namespace photoagent::util::archive_detail {

struct ReadFree {
  void operator()(struct archive* a) const noexcept { la().read_free(a); }
};
struct WriteFree {
  void operator()(struct archive* a) const noexcept { la().write_free(a); }
};
struct EntryFree {
  void operator()(archive_entry* e) const noexcept { la().entry_free(e); }
};
using ReadHandle = std::unique_ptr<struct archive, ReadFree>;
using WriteHandle = std::unique_ptr<struct archive, WriteFree>;
using EntryHandle = std::unique_ptr<archive_entry, EntryFree>;

// Every stream goes through buffers of this size, so memory use does not
// grow with the archive (a 172 MB weights file or a 100 MB zip).
inline constexpr std::size_t kChunk = 64 * 1024;

// Opens `path` for reading as tar or zip, plain or compressed. Throws
// util::Error naming the file when it cannot be opened or is no archive.
ReadHandle open_reader(const std::filesystem::path& path);

// libarchive converts entry names to the charset of the current locale, and
// photoagent never calls setlocale, so that is ASCII: a pax tar's UTF-8 name
// then comes back as raw bytes with ARCHIVE_WARN, and a zip name flagged
// UTF-8 comes back as no name at all. While alive, this switches the calling
// thread (uselocale, not the process-wide setlocale) to C.UTF-8 so names
// arrive as UTF-8. Create it before archive_read_new(): libarchive caches
// the charset per archive. Without C.UTF-8 it does nothing.
class Utf8Names {
 public:
  Utf8Names();
  ~Utf8Names();
  Utf8Names(const Utf8Names&) = delete;
  Utf8Names& operator=(const Utf8Names&) = delete;

 private:
  locale_t utf8_{};
  locale_t old_{};
};

// An entry's name and link targets, or nullptr when unset or unreadable.
// The plain accessor returns the form a reader stored as a locale string
// (a tar's raw bytes); the UTF-8 one covers names stored as UTF-8. Either
// way '/', '\\' and '.' keep their ASCII meaning.
const char* entry_name(archive_entry* e);
const char* entry_hardlink(archive_entry* e);
const char* entry_symlink(archive_entry* e);

// libarchive's last message for `a`, or `fallback` when it has none.
std::string reason(struct archive* a, std::string_view fallback = "unknown error");

// Names from an archive can hold anything; escape control bytes so an error
// message cannot smuggle terminal escape sequences onto the user's screen.
std::string printable(std::string_view name);

}  // namespace photoagent::util::archive_detail

#pragma once
// Files: an owning FILE* handle, whole-file reads, and atomic writes.

#include <cstdio>
#include <filesystem>
#include <memory>
#include <string>
#include <string_view>

namespace photoagent::util {

struct FileCloser {
  void operator()(std::FILE* f) const noexcept { std::fclose(f); }
};
using FileHandle = std::unique_ptr<std::FILE, FileCloser>;

// Opens or throws util::Error naming the file and the reason.
FileHandle open_file(const std::filesystem::path& path, const char* mode);

// The whole file; throws util::Error when it cannot be read or exceeds max_bytes.
std::string read_file(const std::filesystem::path& path, std::size_t max_bytes = 256u << 20);

// Writes to a temporary file beside the target; commit() fsyncs and renames it
// into place, so readers see the old file or the new one, never half of one.
// Without commit() the temporary file is removed.
class AtomicFile {
 public:
  AtomicFile(std::filesystem::path target, unsigned mode = 0644);
  ~AtomicFile();
  AtomicFile(const AtomicFile&) = delete;
  AtomicFile& operator=(const AtomicFile&) = delete;

  void write(std::string_view data);
  void commit();
  const std::filesystem::path& temp_path() const { return temp_; }

 private:
  std::filesystem::path target_;
  std::filesystem::path temp_;
  int fd_ = -1;
};

// Shorthand: AtomicFile + write + commit.
void write_file_atomic(const std::filesystem::path& path, std::string_view data, unsigned mode = 0644);

// True when group or others may read or write the file.
bool is_group_or_world_accessible(const std::filesystem::path& path);

}  // namespace photoagent::util

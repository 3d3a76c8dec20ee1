#pragma once
// Reading a file as a std::istream whose descriptor is close-on-exec:
// std::ifstream cannot ask for O_CLOEXEC, and a descriptor without it is
// inherited by any program started while it is open (issue 13: every
// descriptor is close-on-exec).

#include <array>
#include <filesystem>
#include <istream>
#include <streambuf>

#include "photoagent/util/file.hpp"

namespace photoagent::util {

class InputFile {
 public:
  // Opens `path` for reading ("rbe"); never throws for a file that cannot be
  // opened: is_open() is false and errno says why, as with std::ifstream.
  explicit InputFile(const std::filesystem::path& path);
  InputFile(const InputFile&) = delete;
  InputFile& operator=(const InputFile&) = delete;

  bool is_open() const { return file_ != nullptr; }
  std::istream& stream() { return stream_; }

 private:
  class Buffer : public std::streambuf {
   public:
    explicit Buffer(std::FILE* f) : file_(f) {}

   protected:
    int_type underflow() override;

   private:
    std::FILE* file_;
    std::array<char, 65536> data_{};
  };
  FileHandle file_;
  Buffer buffer_;
  std::istream stream_;
};

}  // namespace photoagent::util

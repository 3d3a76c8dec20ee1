#include "photoagent/util/input_file.hpp"

#include <cstdio>

namespace photoagent::util {

InputFile::InputFile(const std::filesystem::path& path)
    : file_(std::fopen(path.c_str(), "rbe")), buffer_(file_.get()), stream_(&buffer_) {
  if (!file_) stream_.setstate(std::ios::failbit);
}

InputFile::Buffer::int_type InputFile::Buffer::underflow() {
  if (gptr() < egptr()) return traits_type::to_int_type(*gptr());
  if (file_ == nullptr) return traits_type::eof();
  const std::size_t n = std::fread(data_.data(), 1, data_.size(), file_);
  if (n == 0) return traits_type::eof();  // end of file or a read error: the stream ends here, as ifstream's
  setg(data_.data(), data_.data(), data_.data() + n);
  return traits_type::to_int_type(*gptr());
}

}  // namespace photoagent::util

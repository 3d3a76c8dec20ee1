#pragma once
// Internal RAII wrappers for TurboJPEG handles and buffers (the library is
// loaded on first use: tj_api.hpp).

#include <memory>
#include <string>

#include "tj_api.hpp"

namespace photoagent::image::detail {

// Only ever called on a handle or buffer TurboJPEG gave us, so tj() is
// already loaded and cannot throw here.
struct TjHandleDeleter {
  void operator()(void* h) const noexcept { tj().destroy(h); }
};
using TjHandle = std::unique_ptr<void, TjHandleDeleter>;

struct TjBufferDeleter {
  void operator()(unsigned char* p) const noexcept { tj().free(p); }
};
using TjBuffer = std::unique_ptr<unsigned char, TjBufferDeleter>;

inline std::string tj_error(tjhandle h) {
  const char* s = tj().get_error_str2(h);
  return s != nullptr ? std::string(s) : std::string("unknown TurboJPEG error");
}

}  // namespace photoagent::image::detail

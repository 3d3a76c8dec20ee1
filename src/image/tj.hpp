#pragma once
// Internal RAII wrappers for TurboJPEG handles and buffers.

#include <turbojpeg.h>

#include <memory>
#include <string>

namespace photoagent::image::detail {

struct TjHandleDeleter {
  void operator()(void* h) const noexcept { tjDestroy(h); }
};
using TjHandle = std::unique_ptr<void, TjHandleDeleter>;

struct TjBufferDeleter {
  void operator()(unsigned char* p) const noexcept { tjFree(p); }
};
using TjBuffer = std::unique_ptr<unsigned char, TjBufferDeleter>;

inline std::string tj_error(tjhandle h) {
  const char* s = tjGetErrorStr2(h);
  return s != nullptr ? std::string(s) : std::string("unknown TurboJPEG error");
}

}  // namespace photoagent::image::detail

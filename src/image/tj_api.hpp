#pragma once
// TurboJPEG's entry points, loaded with dlopen on first use (DESIGN §10
// start-up). Only the functions photoagent calls are listed; the header
// supplies their types and the constants.

#include <turbojpeg.h>

namespace photoagent::image::detail {

struct TjApi {
  decltype(&::tjInitDecompress) init_decompress;
  decltype(&::tjInitCompress) init_compress;
  decltype(&::tjDestroy) destroy;
  decltype(&::tjFree) free;
  decltype(&::tjGetErrorStr2) get_error_str2;
  decltype(&::tjGetErrorCode) get_error_code;
  decltype(&::tjDecompressHeader3) decompress_header3;
  decltype(&::tjDecompress2) decompress2;
  decltype(&::tjCompress2) compress2;
};

// Loads libturbojpeg once (thread-safe); throws util::Error naming the
// Debian package when it is missing. A failed load is retried by the next call.
const TjApi& tj();

}  // namespace photoagent::image::detail

#include "photoagent/image/encode.hpp"

#include <algorithm>

#include "photoagent/util/error.hpp"
#include "tj_detail.hpp"

namespace photoagent::image {

std::vector<unsigned char> encode_jpeg(const RgbImage& img, const JpegOptions& options) {
  using util::Error;
  using util::ExitCode;
  if (img.width == 0 || img.height == 0 || img.pixels.empty())
    throw Error(ExitCode::error, "cannot encode an empty image");
  detail::TjHandle h(detail::tj().init_compress());
  if (!h) throw Error(ExitCode::error, "cannot initialise the JPEG encoder: " + detail::tj_error(nullptr));
  const int samp = options.subsampling == Subsampling::s444   ? TJSAMP_444
                   : options.subsampling == Subsampling::s422 ? TJSAMP_422
                                                              : TJSAMP_420;
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int rc = detail::tj().compress2(h.get(), img.pixels.data(), static_cast<int>(img.width), 0,
                             static_cast<int>(img.height), TJPF_RGB, &out, &size, samp,
                             std::clamp(options.quality, 1, 100), 0);
  detail::TjBuffer owned(out);
  if (rc != 0) throw Error(ExitCode::error, "cannot encode JPEG: " + detail::tj_error(h.get()));
  return std::vector<unsigned char>(out, out + size);
}

}  // namespace photoagent::image

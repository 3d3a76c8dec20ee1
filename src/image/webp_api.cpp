#include "webp_api.hpp"

#include <mutex>

#include "photoagent/util/shared_library.hpp"

namespace photoagent::image::detail {
namespace {

void load(WebpApi& w) {
  const util::SharedLibrary lib({"libwebp.so.7", "libwebp7", "read WebP images"});
  lib.bind(w.get_features_internal, "WebPGetFeaturesInternal");
  lib.bind(w.init_decoder_config_internal, "WebPInitDecoderConfigInternal");
  lib.bind(w.decode, "WebPDecode");
  lib.bind(w.free_dec_buffer, "WebPFreeDecBuffer");
}

}  // namespace

const WebpApi& webp() {
  return util::loaded_once(load);
}

}  // namespace photoagent::image::detail

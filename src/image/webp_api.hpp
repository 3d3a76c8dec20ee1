#pragma once
// libwebp's decoding entry points, loaded with dlopen on first use (DESIGN
// §10 start-up). The header's inline helpers (WebPGetFeatures,
// WebPInitDecoderConfig) call versioned "Internal" functions; the members
// of the same names here do the same.

#include <webp/decode.h>

namespace photoagent::image::detail {

struct WebpApi {
  decltype(&::WebPGetFeaturesInternal) get_features_internal;
  decltype(&::WebPInitDecoderConfigInternal) init_decoder_config_internal;
  decltype(&::WebPDecode) decode;
  decltype(&::WebPFreeDecBuffer) free_dec_buffer;

  VP8StatusCode get_features(const uint8_t* data, size_t size, WebPBitstreamFeatures* f) const {
    return get_features_internal(data, size, f, WEBP_DECODER_ABI_VERSION);
  }
  int init_decoder_config(WebPDecoderConfig* config) const {
    return init_decoder_config_internal(config, WEBP_DECODER_ABI_VERSION);
  }
};

// Loads libwebp once (thread-safe); throws util::Error naming the Debian
// package when it is missing. A failed load is retried by the next call.
const WebpApi& webp();

}  // namespace photoagent::image::detail

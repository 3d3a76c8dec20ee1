// What the emulator's text models answer. Captions are derived from the
// image itself (its size and shape, read from the JPEG/PNG header of a data
// URI), so tests can check that the right image was captioned. The
// instruction model answers a tag request with words from the prompt.
#pragma once

#include <string>

#include "app.hpp"

namespace fakecloud {

std::string caption_for(const std::string& image_input);
// Streamed-token output of an instruction model (array of strings).
json llm_tokens_for(const std::string& prompt);

}  // namespace fakecloud

#pragma once
// Internal: the one translation unit that compiles Debian's stb_image with
// only the PNG decoder (stb_png.cpp). Not part of the public API.

#include <cstddef>

namespace photoagent::image::detail {

// stbi_load_from_memory for PNG with `req_comp` channels (3 or 4), 8 bits
// per channel. Any single allocation stb asks for above `max_alloc` bytes
// fails (stb then reports "outofmem"). Returns nullptr on failure and sets
// *reason (stb's text). The buffer is released with stb_free().
unsigned char* stb_load_png(const unsigned char* data, int len, int req_comp, std::size_t max_alloc, int* width,
                            int* height, const char** reason) noexcept;
void stb_free(void* p) noexcept;

}  // namespace photoagent::image::detail

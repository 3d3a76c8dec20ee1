// The only stb_image implementation in photoagent: PNG decoder only, from
// memory only, 8-bit entry point only (never the flip, 16-bit or GIF APIs).
// Debian's libstb.so is not linked: it contains every decoder, including the
// JPEG one with unpatched CVEs (shared/reference/images.md §3.1).
#include "stb_png.hpp"

#include <cstdint>
#include <cstdlib>

namespace {
// Per-call allocation cap (see stb_load_png); stb allocates only through these.
thread_local std::size_t g_max_alloc = SIZE_MAX;
void* capped_malloc(std::size_t n) { return n > g_max_alloc ? nullptr : std::malloc(n); }
void* capped_realloc(void* p, std::size_t n) { return n > g_max_alloc ? nullptr : std::realloc(p, n); }
}  // namespace

#define STB_IMAGE_IMPLEMENTATION
#define STBI_ONLY_PNG
#define STBI_NO_STDIO
#define STBI_NO_HDR
#define STBI_NO_LINEAR
#define STBI_NO_GIF
#define STBI_MALLOC(sz) capped_malloc(sz)
#define STBI_REALLOC(p, newsz) capped_realloc(p, newsz)
#define STBI_FREE(p) std::free(p)

#include <stb/stb_image.h>  // compiles warning-free with -Wall -Wextra (gcc 12, clang 14)

namespace photoagent::image::detail {

unsigned char* stb_load_png(const unsigned char* data, int len, int req_comp, std::size_t max_alloc, int* width,
                            int* height, const char** reason) noexcept {
  int channels_in_file = 0;
  g_max_alloc = max_alloc;
  unsigned char* out = stbi_load_from_memory(data, len, width, height, &channels_in_file, req_comp);
  g_max_alloc = SIZE_MAX;
  if (out == nullptr) *reason = stbi_failure_reason();  // thread_local in stb >= 2.26
  return out;
}

void stb_free(void* p) noexcept { stbi_image_free(p); }

}  // namespace photoagent::image::detail

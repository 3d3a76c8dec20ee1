#pragma once
// Test pictures made in the tests themselves (TurboJPEG and stb_image_write),
// and decoding of what photoagent stored, to compare pixels.

#include <cstdint>
#include <filesystem>
#include <string>
#include <vector>

namespace e2e {

struct Pixels {
  int width = 0, height = 0, channels = 0;
  std::vector<unsigned char> data;
};

// A smooth, non-symmetric test pattern (so any rotation or flip shows).
Pixels pattern(int width, int height, int channels, unsigned seed = 1);

std::string encode_jpeg(const Pixels& p, int quality = 90);
std::string encode_png(const Pixels& p);
Pixels decode_jpeg_file(const std::filesystem::path& file);  // RGB

// Mean absolute difference per channel value, 0..255; images must match in size.
double mean_abs_diff(const Pixels& a, const Pixels& b);

void write_file(const std::filesystem::path& file, const std::string& bytes);
std::string read_file(const std::filesystem::path& file);

}  // namespace e2e

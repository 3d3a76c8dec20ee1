#include "pictures.hpp"

#include <turbojpeg.h>

#include <cmath>
#include <cstdlib>
#include <fstream>
#include <memory>
#include <stdexcept>

#define STB_IMAGE_WRITE_IMPLEMENTATION
#define STBI_WRITE_NO_STDIO
#include <stb/stb_image_write.h>

namespace e2e {

Pixels pattern(int w, int h, int ch, unsigned seed) {
  Pixels p{w, h, ch, std::vector<unsigned char>(static_cast<std::size_t>(w * h * ch))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x)
      for (int c = 0; c < ch; ++c) {
        double v = 0;
        switch (c) {
          case 0: v = 255.0 * x / w; break;                                   // left-right ramp
          case 1: v = 255.0 * y / h; break;                                   // top-bottom ramp
          case 2: v = 127.5 + 127.5 * std::sin((x + 2 * y + seed) / 37.0); break;
          default: v = x < w / 2 ? 0 : 255; break;                            // alpha: left half clear
        }
        p.data[static_cast<std::size_t>((y * w + x) * ch + c)] = static_cast<unsigned char>(v);
      }
  return p;
}

std::string encode_jpeg(const Pixels& p, int quality) {
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitCompress(), tjDestroy);
  unsigned char* out = nullptr;
  unsigned long size = 0;
  const int pf = p.channels == 1 ? TJPF_GRAY : TJPF_RGB;
  const int samp = p.channels == 1 ? TJSAMP_GRAY : TJSAMP_420;
  if (tjCompress2(tj.get(), p.data.data(), p.width, 0, p.height, pf, &out, &size, samp, quality, 0) != 0)
    throw std::runtime_error("tjCompress2 failed");
  std::string bytes(reinterpret_cast<char*>(out), size);
  tjFree(out);
  return bytes;
}

std::string encode_png(const Pixels& p) {
  std::string out;
  auto sink = [](void* ctx, void* data, int size) {
    static_cast<std::string*>(ctx)->append(static_cast<char*>(data), static_cast<std::size_t>(size));
  };
  if (!stbi_write_png_to_func(sink, &out, p.width, p.height, p.channels, p.data.data(), p.width * p.channels))
    throw std::runtime_error("stbi_write_png failed");
  return out;
}

Pixels decode_jpeg_file(const std::filesystem::path& file) {
  const std::string bytes = read_file(file);
  std::unique_ptr<void, int (*)(tjhandle)> tj(tjInitDecompress(), tjDestroy);
  int w = 0, h = 0, samp = 0, cs = 0;
  auto* src = reinterpret_cast<const unsigned char*>(bytes.data());
  if (tjDecompressHeader3(tj.get(), src, bytes.size(), &w, &h, &samp, &cs) != 0)
    throw std::runtime_error("not a JPEG: " + file.string());
  Pixels p{w, h, 3, std::vector<unsigned char>(static_cast<std::size_t>(w * h * 3))};
  if (tjDecompress2(tj.get(), src, bytes.size(), p.data.data(), w, 0, h, TJPF_RGB, 0) != 0)
    throw std::runtime_error("cannot decode " + file.string());
  return p;
}

double mean_abs_diff(const Pixels& a, const Pixels& b) {
  if (a.width != b.width || a.height != b.height || a.channels != b.channels) return 255;
  double sum = 0;
  for (std::size_t i = 0; i < a.data.size(); ++i) sum += std::abs(int(a.data[i]) - int(b.data[i]));
  return sum / static_cast<double>(a.data.size());
}

void write_file(const std::filesystem::path& file, const std::string& bytes) {
  std::ofstream f(file, std::ios::binary);
  f.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
}

std::string read_file(const std::filesystem::path& file) {
  std::ifstream f(file, std::ios::binary);
  return {std::istreambuf_iterator<char>(f), {}};
}

}  // namespace e2e

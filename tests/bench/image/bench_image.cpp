// Benchmark of the photoagent image pipeline (image::prepare) against
// vipsthumbnail and ImageMagick convert, plus our resampler against Debian's
// stb_image_resize 0.97. See README.md in this folder for how to run it and
// the measured results.
//
//   bench_image [--dir DIR] [--count 20] [--reps 3] [--threads N] [--no-tools]
//
// Generates COUNT synthetic 12 MP JPEGs (4000x3000, smooth gradients, soft
// shapes and sensor-like noise, quality 90; odd-numbered files carry EXIF
// orientation 6) unless they already exist, then prints markdown tables.
// Every tool runs in child processes so that peak RSS (wait4 ru_maxrss) is
// measured per configuration. Internal child mode:
//   bench_image --worker THREADS OUTDIR FILE...

#include <fcntl.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <functional>
#include <iterator>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include <turbojpeg.h>

#include "photoagent/image/decode.hpp"
#include "photoagent/image/encode.hpp"
#include "photoagent/image/exif.hpp"
#include "photoagent/image/orient.hpp"
#include "photoagent/image/prepare.hpp"
#include "photoagent/image/resize.hpp"
#include "photoagent/util/error.hpp"

#define STB_IMAGE_RESIZE_IMPLEMENTATION
#define STBIR_DEFAULT_FILTER_DOWNSAMPLE STBIR_FILTER_CATMULLROM
#include <stb/stb_image_resize.h>

namespace fs = std::filesystem;
using namespace photoagent::image;
using Bytes = std::vector<unsigned char>;
using Clock = std::chrono::steady_clock;

namespace {

constexpr std::uint32_t kW = 4000, kH = 3000, kSide = 1536;
constexpr int kQuality = 92;

double ms_since(Clock::time_point t0) {
  return std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
}

double median(std::vector<double> v) {
  std::sort(v.begin(), v.end());
  const std::size_t n = v.size();
  return n == 0 ? 0 : (n % 2 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2);
}

Bytes read_file(const std::string& p) {
  std::ifstream f(p, std::ios::binary);
  Bytes b(static_cast<std::size_t>(fs::file_size(p)));
  f.read(reinterpret_cast<char*>(b.data()), std::streamsize(b.size()));
  return b;
}

void write_file(const std::string& p, const Bytes& b) {
  std::ofstream f(p, std::ios::binary);
  f.write(reinterpret_cast<const char*>(b.data()), std::streamsize(b.size()));
}

// ---------------------------------------------------------------- test images

struct Xorshift {
  std::uint64_t s;
  std::uint64_t next() {
    s ^= s << 13;
    s ^= s >> 7;
    s ^= s << 17;
    return s;
  }
};

// Photo-like content: separable smooth gradients per channel, a few soft-edged
// discs (edges like objects), and approximately Gaussian noise (sigma ~ 10),
// which puts the files at about 4 MB, like a 12 MP phone photo.
RgbImage synth_photo(unsigned seed) {
  std::mt19937 rng(seed);
  std::uniform_real_distribution<double> u(0, 1);
  RgbImage img = RgbImage::allocate(kW, kH);
  std::vector<double> fx(std::size_t(kW) * 3), fy(std::size_t(kH) * 3);
  for (int c = 0; c < 3; ++c) {
    const double a1 = 2 + 6 * u(rng), p1 = 6.3 * u(rng), a2 = 1 + 3 * u(rng), p2 = 6.3 * u(rng);
    const double amp = 40 + 30 * u(rng), base = 70 + 60 * u(rng);
    for (std::uint32_t x = 0; x < kW; ++x)
      fx[x * 3 + c] = base + amp * std::sin(a1 * x / kW + p1) + 15 * std::sin(23.0 * x / kW + p1);
    for (std::uint32_t y = 0; y < kH; ++y)
      fy[y * 3 + c] = amp * 0.8 * std::cos(a2 * y / kH + p2) + 12 * std::sin(31.0 * y / kH + p2);
  }
  for (std::uint32_t y = 0; y < kH; ++y) {
    unsigned char* r = img.row(y);
    for (std::uint32_t x = 0; x < kW; ++x)
      for (int c = 0; c < 3; ++c) r[3 * x + c] = static_cast<unsigned char>(std::clamp(fx[x * 3 + c] + fy[y * 3 + c], 0.0, 255.0));
  }
  for (int d = 0; d < 12; ++d) {  // soft discs
    const double cx = u(rng) * kW, cy = u(rng) * kH, rad = 80 + u(rng) * 500;
    const double col[3] = {u(rng) * 255, u(rng) * 255, u(rng) * 255};
    const int x0 = std::max(0, int(cx - rad - 4)), x1 = std::min(int(kW), int(cx + rad + 4));
    const int y0 = std::max(0, int(cy - rad - 4)), y1 = std::min(int(kH), int(cy + rad + 4));
    for (int y = y0; y < y1; ++y) {
      unsigned char* r = img.row(std::uint32_t(y));
      for (int x = x0; x < x1; ++x) {
        const double dist = std::hypot(x - cx, y - cy);
        const double a = std::clamp(rad - dist, 0.0, 2.0) / 2.0 * 0.85;
        for (int c = 0; c < 3; ++c) r[3 * x + c] = static_cast<unsigned char>(r[3 * x + c] * (1 - a) + col[c] * a);
      }
    }
  }
  Xorshift xs{0x9E3779B97F4A7C15ull ^ seed};
  const std::size_t n = img.stride() * kH;
  unsigned char* p = img.pixels.data();
  for (std::size_t i = 0; i < n; i += 8) {
    std::uint64_t v = xs.next();
    for (std::size_t k = 0; k < 8 && i + k < n; ++k, v >>= 8) {
      // Sum of the two nibbles (uniform 0..15 each), centred: sigma ~ 6.5, scaled to ~ 9.7.
      const int noise = int((v & 15) + ((v >> 4) & 15)) - 15;
      p[i + k] = static_cast<unsigned char>(std::clamp(int(p[i + k]) + noise * 3 / 2, 0, 255));
    }
  }
  return img;
}

Bytes exif_orientation_segment(int o) {
  // APP1 "Exif\0\0" + big-endian TIFF with IFD0 = { Orientation SHORT 1 = o }.
  const unsigned char tiff[] = {'M', 'M', 0, 42, 0, 0, 0, 8, 0, 1, 0x01, 0x12, 0, 3, 0, 0, 0, 1,
                                0, static_cast<unsigned char>(o), 0, 0, 0, 0, 0, 0};
  Bytes seg{0xFF, 0xE1, 0, 0, 'E', 'x', 'i', 'f', 0, 0};
  seg.insert(seg.end(), std::begin(tiff), std::end(tiff));
  const std::size_t len = seg.size() - 2;
  seg[2] = static_cast<unsigned char>(len >> 8);
  seg[3] = static_cast<unsigned char>(len);
  return seg;
}

std::vector<std::string> ensure_inputs(const std::string& dir, int count) {
  fs::create_directories(dir);
  std::vector<std::string> files;
  tjhandle tj = tjInitCompress();
  for (int i = 0; i < count; ++i) {
    char name[64];
    std::snprintf(name, sizeof name, "photo%02d.jpg", i);
    const std::string path = dir + "/" + name;
    files.push_back(path);
    if (fs::exists(path) && fs::file_size(path) > 100000) continue;
    const RgbImage img = synth_photo(1000u + unsigned(i));
    unsigned char* out = nullptr;
    unsigned long size = 0;
    if (tjCompress2(tj, img.pixels.data(), int(kW), 0, int(kH), TJPF_RGB, &out, &size, TJSAMP_420, 90, 0) != 0) {
      std::fprintf(stderr, "encode failed: %s\n", tjGetErrorStr2(tj));
      std::exit(1);
    }
    Bytes jpg(out, out + size);
    tjFree(out);
    const Bytes app1 = exif_orientation_segment(i % 2 ? 6 : 1);
    jpg.insert(jpg.begin() + 2, app1.begin(), app1.end());
    write_file(path, jpg);
  }
  tjDestroy(tj);
  return files;
}

// ------------------------------------------------------------ child processes

struct RunResult {
  double wall_ms = 0;
  double cpu_ms = 0;    // user + system time of all children
  long max_rss_kb = 0;  // largest ru_maxrss among the children
  bool ok = true;
};

// Runs `cmds` with at most `parallel` children at a time.
RunResult run_commands(const std::vector<std::vector<std::string>>& cmds, int parallel) {
  RunResult res;
  const auto t0 = Clock::now();
  std::size_t next = 0;
  int running = 0;
  while (next < cmds.size() || running > 0) {
    while (running < parallel && next < cmds.size()) {
      const auto& c = cmds[next++];
      const pid_t pid = fork();
      if (pid == 0) {
        std::vector<char*> argv;
        for (const auto& a : c) argv.push_back(const_cast<char*>(a.c_str()));
        argv.push_back(nullptr);
        const int devnull = ::open("/dev/null", O_WRONLY);
        if (devnull >= 0) dup2(devnull, 1);
        execvp(argv[0], argv.data());
        _exit(127);
      }
      ++running;
    }
    int status = 0;
    struct rusage ru {};
    if (wait4(-1, &status, 0, &ru) > 0) {
      --running;
      res.max_rss_kb = std::max(res.max_rss_kb, ru.ru_maxrss);
      res.cpu_ms += (ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e3 + (ru.ru_utime.tv_usec + ru.ru_stime.tv_usec) / 1e3;
      if (!WIFEXITED(status) || WEXITSTATUS(status) != 0) res.ok = false;
    }
  }
  res.wall_ms = ms_since(t0);
  return res;
}

// Child mode: prepare every file with THREADS workers, write OUTDIR/<name>.
int worker_main(int threads, const std::string& outdir, const std::vector<std::string>& files) {
  std::atomic<std::size_t> next{0};
  std::atomic<int> failures{0};
  auto work = [&] {
    PrepareOptions o;
    o.max_side = kSide;
    o.jpeg.quality = kQuality;
    for (std::size_t i; (i = next.fetch_add(1)) < files.size();) {
      try {
        const Bytes in = read_file(files[i]);
        const Prepared p = prepare(in, o);
        write_file(outdir + "/" + fs::path(files[i]).filename().string(), p.jpeg);
      } catch (const photoagent::util::Error& e) {
        std::fprintf(stderr, "%s: %s\n", files[i].c_str(), e.what());
        ++failures;
      }
    }
  };
  std::vector<std::thread> pool;
  for (int t = 1; t < threads; ++t) pool.emplace_back(work);
  work();
  for (auto& t : pool) t.join();
  return failures == 0 ? 0 : 1;
}

// ----------------------------------------------------------- stage benchmarks

double psnr(const unsigned char* a, const unsigned char* b, std::size_t n) {
  double se = 0;
  for (std::size_t i = 0; i < n; ++i) se += double(a[i] - b[i]) * double(a[i] - b[i]);
  return se == 0 ? 99.0 : 10 * std::log10(255.0 * 255.0 / (se / double(n)));
}

RgbImage stbir_resize(const RgbImage& src, std::uint32_t w, std::uint32_t h, stbir_filter f) {
  RgbImage dst = RgbImage::allocate(w, h);
  stbir_resize_uint8_generic(src.pixels.data(), int(src.width), int(src.height), 0, dst.pixels.data(), int(w), int(h),
                             0, 3, STBIR_ALPHA_CHANNEL_NONE, 0, STBIR_EDGE_CLAMP, f, STBIR_COLORSPACE_LINEAR, nullptr);
  return dst;
}

void resize_comparison(const std::vector<std::string>& files, int rounds) {
  const Bytes jpg = read_file(files[0]);
  const RgbImage half = decode(jpg, Limits{}, kSide);  // 2000x1500: what prepare() resizes
  const RgbImage full = decode(jpg, Limits{});
  std::printf("\n### Resampler: ours vs stb_image_resize 0.97 (median of %d interleaved rounds)\n\n", rounds);
  std::printf("| case | filter | ours ms | stbir 0.97 ms | stbir ÷ ours | PSNR ours vs stbir |\n|---|---|---|---|---|---|\n");
  struct Case {
    const RgbImage* src;
    const char* name;
  } cases[] = {{&half, "2000x1500 -> 1536x1152 (pipeline)"}, {&full, "4000x3000 -> 1536x1152"}};
  struct F {
    Filter ours;
    stbir_filter stb;
    const char* name;
  } filters[] = {{Filter::catmull_rom, STBIR_FILTER_CATMULLROM, "Catmull-Rom"},
                 {Filter::mitchell, STBIR_FILTER_MITCHELL, "Mitchell"}};
  for (const Case& c : cases) {
    for (const F& f : filters) {
      std::vector<double> ours_ms, stb_ms;
      double q = 0;
      for (int r = 0; r < rounds; ++r) {
        auto t0 = Clock::now();
        const RgbImage a = resize(*c.src, 1536, 1152, f.ours);
        ours_ms.push_back(ms_since(t0));
        t0 = Clock::now();
        const RgbImage b = stbir_resize(*c.src, 1536, 1152, f.stb);
        stb_ms.push_back(ms_since(t0));
        q = psnr(a.pixels.data(), b.pixels.data(), a.stride() * a.height);
      }
      std::printf("| %s | %s | %.1f | %.1f | %.2fx | %.1f dB |\n", c.name, f.name, median(ours_ms), median(stb_ms),
                  median(stb_ms) / median(ours_ms), q);
    }
  }
  {
    std::vector<double> lz;
    for (int r = 0; r < rounds; ++r) {
      auto t0 = Clock::now();
      (void)resize(half, 1536, 1152, Filter::lanczos3);
      lz.push_back(ms_since(t0));
    }
    std::printf("| 2000x1500 -> 1536x1152 (pipeline) | Lanczos3 (ours only) | %.1f | - | - | - |\n", median(lz));
  }
}

void stage_timings(const std::vector<std::string>& files) {
  std::vector<double> read_ms, probe_ms, exif_ms, dec_ms, rs_ms, or_ms, enc_ms, total_ms;
  std::size_t out_bytes = 0, in_bytes = 0;
  for (const auto& f : files) {
    const auto t_all = Clock::now();
    auto t0 = Clock::now();
    const Bytes b = read_file(f);
    read_ms.push_back(ms_since(t0));
    in_bytes += b.size();
    t0 = Clock::now();
    const ImageInfo info = probe(b, Limits{});
    probe_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    const int o = jpeg_exif_orientation(b);
    exif_ms.push_back(ms_since(t0));
    const Size target = fit_long_side(info.width, info.height, kSide);
    t0 = Clock::now();
    RgbImage img = decode(b, Limits{}, std::max(target.width, target.height));
    dec_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    img = resize(img, target.width, target.height);
    rs_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    img = apply_orientation(std::move(img), o);
    or_ms.push_back(ms_since(t0));
    t0 = Clock::now();
    const Bytes out = encode_jpeg(img, {kQuality});
    enc_ms.push_back(ms_since(t0));
    out_bytes += out.size();
    total_ms.push_back(ms_since(t_all));
  }
  std::printf("\n### Stages of prepare() per 12 MP image (median over %zu files, one thread)\n\n", files.size());
  std::printf("| read file | probe | EXIF | decode 1/2 (2000x1500) | resize -> 1536x1152 | orient (half the files: 6) | encode q%d 4:2:0 | total |\n",
              kQuality);
  std::printf("|---|---|---|---|---|---|---|---|\n");
  std::printf("| %.2f ms | %.3f ms | %.4f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms | %.1f ms |\n", median(read_ms),
              median(probe_ms), median(exif_ms), median(dec_ms), median(rs_ms), median(or_ms), median(enc_ms),
              median(total_ms));
  std::printf("\nInput %.2f MB/file on average; output %.0f KB/file.\n", double(in_bytes) / files.size() / 1e6,
              double(out_bytes) / files.size() / 1e3);
}

// Quality: every output against a reference made from the full-resolution
// decode with ImageMagick's Lanczos filter (-resize WxH!), as PSNR in dB.
RgbImage read_rgb_raw(const std::string& path, std::uint32_t w, std::uint32_t h) {
  const Bytes b = read_file(path);
  RgbImage img = RgbImage::allocate(w, h);
  if (b.size() != img.stride() * h) return RgbImage{};
  std::memcpy(img.pixels.data(), b.data(), b.size());
  return img;
}

RgbImage decode_full(const Bytes& jpg) { return decode(jpg, Limits{}); }

void quality_comparison(const std::vector<std::string>& files, const std::string& out, const std::string& convert) {
  const std::string& f = files[0];  // orientation 1
  const std::string ref_path = out + "/ref.rgb";
  const std::string sz = "1536x1152";
  if (run_commands({{convert, f, "-filter", "Lanczos", "-resize", sz + "!", "-depth", "8", "rgb:" + ref_path}}, 1).ok ==
      false)
    return;
  const RgbImage ref = read_rgb_raw(ref_path, 1536, 1152);
  if (ref.pixels.empty()) return;
  auto db = [&](const RgbImage& img) {
    return (img.width == ref.width && img.height == ref.height) ? psnr(img.pixels.data(), ref.pixels.data(), ref.stride() * ref.height)
                                                                 : -1.0;
  };
  const Bytes jpg = read_file(f);
  const RgbImage half = decode(jpg, Limits{}, kSide);
  const RgbImage full = decode(jpg, Limits{});
  std::printf("\n### Quality vs a full-resolution Lanczos reference (ImageMagick `-filter Lanczos -resize %s!`), %s\n\n",
              sz.c_str(), fs::path(f).filename().c_str());
  std::printf("| output | PSNR | JPEG size |\n|---|---|---|\n");
  std::printf("| ours: 1/2 DCT decode + Catmull-Rom (before JPEG encoding) | %.2f dB | - |\n",
              db(resize(half, 1536, 1152, Filter::catmull_rom)));
  std::printf("| ours: 1/2 DCT decode + Mitchell | %.2f dB | - |\n", db(resize(half, 1536, 1152, Filter::mitchell)));
  std::printf("| ours: 1/2 DCT decode + Lanczos3 | %.2f dB | - |\n", db(resize(half, 1536, 1152, Filter::lanczos3)));
  std::printf("| ours: full decode + Catmull-Rom | %.2f dB | - |\n", db(resize(full, 1536, 1152, Filter::catmull_rom)));
  std::printf("| stbir 0.97: 1/2 DCT decode + Catmull-Rom | %.2f dB | - |\n",
              db(stbir_resize(half, 1536, 1152, STBIR_FILTER_CATMULLROM)));
  PrepareOptions o;
  o.max_side = kSide;
  o.jpeg.quality = kQuality;
  const Prepared p = prepare(jpg, o);
  std::printf("| **ours: prepare() output (q%d 4:2:0)** | %.2f dB | %zu KB |\n", kQuality, db(decode_full(p.jpeg)),
              p.jpeg.size() / 1000);
  const std::string v = out + "/vips-" + fs::path(f).filename().string();
  const std::string c = out + "/im-" + fs::path(f).filename().string();
  if (fs::exists(v)) std::printf("| vipsthumbnail output (Q%d 4:2:0) | %.2f dB | %ju KB |\n", kQuality,
                                 db(decode_full(read_file(v))), std::uintmax_t(fs::file_size(v) / 1000));
  if (fs::exists(c)) std::printf("| convert output (-quality %d, 2x2) | %.2f dB | %ju KB |\n", kQuality,
                                 db(decode_full(read_file(c))), std::uintmax_t(fs::file_size(c) / 1000));
}

// -------------------------------------------------------------------- main

struct Row {
  std::string name;
  std::vector<double> wall;  // per repetition, ms for all files
  std::vector<double> cpu;
  long rss_kb = 0;
  int workers = 1;
  bool ok = true;
};

}  // namespace

int main(int argc, char** argv) {
  std::string dir = "/tmp/pa-bench-image";
  int count = 20, reps = 3, threads = int(std::max(1u, std::thread::hardware_concurrency()));
  bool tools = true;
  for (int i = 1; i < argc; ++i) {
    const std::string a = argv[i];
    if (a == "--worker" && i + 2 < argc) {
      const int t = std::atoi(argv[i + 1]);
      std::vector<std::string> files(argv + i + 3, argv + argc);
      return worker_main(t, argv[i + 2], files);
    }
    if (a == "--dir" && i + 1 < argc) dir = argv[++i];
    else if (a == "--count" && i + 1 < argc) count = std::atoi(argv[++i]);
    else if (a == "--reps" && i + 1 < argc) reps = std::atoi(argv[++i]);
    else if (a == "--threads" && i + 1 < argc) threads = std::atoi(argv[++i]);
    else if (a == "--no-tools") tools = false;
    else {
      std::fprintf(stderr, "usage: %s [--dir DIR] [--count N] [--reps N] [--threads N] [--no-tools]\n", argv[0]);
      return 2;
    }
  }
  const std::string self = fs::canonical("/proc/self/exe").string();
  {
    std::ifstream cpu("/proc/cpuinfo");
    std::string line, model = "?";
    while (std::getline(cpu, line))
      if (line.rfind("model name", 0) == 0) {
        model = line.substr(line.find(':') + 2);
        break;
      }
    std::ifstream la("/proc/loadavg");
    std::string load;
    std::getline(la, load);
    const std::time_t now = std::time(nullptr);
    char date[64];
    std::strftime(date, sizeof date, "%Y-%m-%d %H:%M UTC", std::gmtime(&now));
    std::printf("Machine: %s, %u CPUs; %s; load average at start: %s\n", model.c_str(),
                std::thread::hardware_concurrency(), date, load.c_str());
  }
  const auto t_gen = Clock::now();
  const std::vector<std::string> files = ensure_inputs(dir, count);
  std::fprintf(stderr, "inputs ready in %.1f s: %s\n", ms_since(t_gen) / 1000, dir.c_str());
  const std::string out = dir + "/out";
  fs::create_directories(out);

  resize_comparison(files, 7);
  stage_timings(files);

  const std::string vips = "/usr/bin/vipsthumbnail", convert = "/usr/bin/convert";
  const bool have_vips = tools && fs::exists(vips), have_convert = tools && fs::exists(convert);
  const std::string size = std::to_string(kSide) + "x" + std::to_string(kSide);
  const std::string q = std::to_string(kQuality);

  auto per_file = [&](const std::function<std::vector<std::string>(const std::string&)>& make) {
    std::vector<std::vector<std::string>> cmds;
    for (const auto& f : files) cmds.push_back(make(f));
    return cmds;
  };
  auto out_of = [&](const std::string& f, const char* tag) {
    return out + "/" + tag + "-" + fs::path(f).filename().string();
  };
  struct Config {
    std::string name;
    std::vector<std::vector<std::string>> cmds;
    int parallel;
    int workers;
  };
  std::vector<Config> configs;
  {
    std::vector<std::string> one{self, "--worker", "1", out};
    one.insert(one.end(), files.begin(), files.end());
    configs.push_back({"photoagent prepare(), 1 thread, 1 process for all files", {one}, 1, 1});
    std::vector<std::string> n{self, "--worker", std::to_string(threads), out};
    n.insert(n.end(), files.begin(), files.end());
    configs.push_back({"photoagent prepare(), " + std::to_string(threads) + " threads, 1 process", {n}, 1, threads});
    configs.push_back({"photoagent prepare(), 1 process per image",
                       per_file([&](const std::string& f) { return std::vector<std::string>{self, "--worker", "1", out, f}; }),
                       1, 1});
  }
  if (have_vips) {
    auto vcmd = [&](const std::string& f) {
      return std::vector<std::string>{vips, f, "-s", size, "-o", out_of(f, "vips") + "[Q=" + q + ",strip,subsample-mode=on]"};
    };
    configs.push_back({"vipsthumbnail, 1 process per image", per_file(vcmd), 1, 1});
    std::vector<std::string> batch{vips};
    batch.insert(batch.end(), files.begin(), files.end());
    for (auto s : {"-s", size.c_str(), "-o"}) batch.push_back(s);
    batch.push_back(out + "/vipsb-%s.jpg[Q=" + q + ",strip,subsample-mode=on]");
    configs.push_back({"vipsthumbnail, 1 process for all files", {batch}, 1, 1});
    configs.push_back({"vipsthumbnail, 1 process per image, " + std::to_string(threads) + " at a time", per_file(vcmd),
                       threads, threads});
  }
  if (have_convert) {
    auto ccmd = [&](const std::string& f) {
      return std::vector<std::string>{convert, f, "-auto-orient", "-resize", size, "-sampling-factor", "2x2",
                                      "-quality", q, "-strip", out_of(f, "im")};
    };
    configs.push_back({"convert -auto-orient -resize, 1 process per image", per_file(ccmd), 1, 1});
    configs.push_back({"convert with -define jpeg:size (libjpeg DCT scaling hint)",
                       per_file([&](const std::string& f) {
                         return std::vector<std::string>{convert, "-define", "jpeg:size=" + size, f, "-auto-orient",
                                                         "-resize", size, "-sampling-factor", "2x2", "-quality", q,
                                                         "-strip", out_of(f, "im2")};
                       }),
                       1, 1});
    configs.push_back({"convert, 1 process per image, " + std::to_string(threads) + " at a time", per_file(ccmd),
                       threads, threads});
  }

  std::vector<Row> rows(configs.size());
  for (std::size_t c = 0; c < configs.size(); ++c) {
    rows[c].name = configs[c].name;
    rows[c].workers = configs[c].workers;
  }
  (void)run_commands(configs[0].cmds, 1);  // warm the page cache and the binary
  for (int r = 0; r < reps; ++r) {        // interleaved repetitions
    for (std::size_t c = 0; c < configs.size(); ++c) {
      const RunResult res = run_commands(configs[c].cmds, configs[c].parallel);
      rows[c].wall.push_back(res.wall_ms);
      rows[c].cpu.push_back(res.cpu_ms);
      rows[c].rss_kb = std::max(rows[c].rss_kb, res.max_rss_kb);
      rows[c].ok = rows[c].ok && res.ok;
      std::fprintf(stderr, "rep %d: %-60s %8.0f ms wall %8.0f ms cpu %6ld KB%s\n", r + 1, configs[c].name.c_str(),
                   res.wall_ms, res.cpu_ms, res.max_rss_kb, res.ok ? "" : "  (FAILED)");
    }
  }

  auto per_image = [&](const Row& row) { return median(row.wall) / double(files.size()); };
  const Row* vips_row = nullptr;
  const Row* convert_row = nullptr;
  for (const Row& row : rows) {
    if (row.name == "vipsthumbnail, 1 process per image") vips_row = &row;
    if (row.name == "convert -auto-orient -resize, 1 process per image") convert_row = &row;
  }
  std::printf("\n### End to end: %zu x 12 MP JPEG -> %u px JPEG q%d 4:2:0 (median of %d interleaved runs)\n\n",
              files.size(), kSide, kQuality, reps);
  std::printf("| pipeline | images/s | ms/image (wall) | run range | CPU ms/image | x vipsthumbnail | convert ÷ this | peak RSS | per worker |\n");
  std::printf("|---|---|---|---|---|---|---|---|---|\n");
  for (const Row& row : rows) {
    const double ms = per_image(row);
    const auto [lo, hi] = std::minmax_element(row.wall.begin(), row.wall.end());
    std::string xv = vips_row ? std::to_string(ms / per_image(*vips_row)).substr(0, 4) : "-";
    std::string xc = convert_row ? std::to_string(per_image(*convert_row) / ms).substr(0, 4) : "-";
    std::printf("| %s%s | %.2f | %.0f | %.0f-%.0f | %.0f | %s | %s | %.1f MiB | %.1f MiB |\n", row.name.c_str(),
                row.ok ? "" : " (FAILED)", 1000.0 / ms, ms, *lo / files.size(), *hi / files.size(),
                median(row.cpu) / double(files.size()), xv.c_str(), xc.c_str(), row.rss_kb / 1024.0,
                row.rss_kb / 1024.0 / row.workers);
  }
  {
    std::ifstream la("/proc/loadavg");
    std::string load;
    std::getline(la, load);
    std::printf("\nLoad average at the end: %s\n", load.c_str());
  }
  std::printf("\n\"x vipsthumbnail\" = this ms/image ÷ vipsthumbnail's (1 process per image); "
              "\"convert ÷ this\" = convert's ms/image ÷ this. Peak RSS is the largest ru_maxrss of any child "
              "process of that configuration; per worker = peak ÷ concurrent workers.\n");
  if (have_convert) quality_comparison(files, out, convert);
  return 0;
}

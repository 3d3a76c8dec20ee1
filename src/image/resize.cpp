#include "photoagent/image/resize.hpp"

#include <algorithm>
#include <cmath>
#include <cstring>
#include <numbers>
#include <string>
#include <vector>

#include "photoagent/util/error.hpp"
#include "resize_detail.hpp"

#if defined(__SSE2__)
#include <emmintrin.h>
#endif

namespace photoagent::image {
namespace detail {
namespace {

double cubic(double x, double b, double c) {
  x = std::fabs(x);
  if (x < 1.0) return ((12 - 9 * b - 6 * c) * x * x * x + (-18 + 12 * b + 6 * c) * x * x + (6 - 2 * b)) / 6.0;
  if (x < 2.0)
    return ((-b - 6 * c) * x * x * x + (6 * b + 30 * c) * x * x + (-12 * b - 48 * c) * x + (8 * b + 24 * c)) / 6.0;
  return 0.0;
}

double sinc(double x) {
  if (x == 0.0) return 1.0;
  x *= std::numbers::pi;
  return std::sin(x) / x;
}

double kernel(Filter f, double x) {
  switch (f) {
    case Filter::mitchell: return cubic(x, 1.0 / 3.0, 1.0 / 3.0);
    case Filter::catmull_rom: return cubic(x, 0.0, 0.5);
    case Filter::lanczos3: return (x > -3.0 && x < 3.0) ? sinc(x) * sinc(x / 3.0) : 0.0;
  }
  return 0.0;
}

double support(Filter f) { return f == Filter::lanczos3 ? 3.0 : 2.0; }

inline std::int16_t sat16(std::int32_t v) {
  return static_cast<std::int16_t>(std::clamp<std::int32_t>(v, INT16_MIN, INT16_MAX));
}

inline unsigned char sat8(std::int32_t v) { return static_cast<unsigned char>(std::clamp<std::int32_t>(v, 0, 255)); }

constexpr int kMidShift = kWeightBits - kExtraBits;  // vertical: acc >> 8 keeps 6 extra bits
constexpr int kOutShift = kWeightBits + kExtraBits;  // horizontal: acc >> 20 gives 8-bit

// ---- scalar passes ----

void vertical_scalar(const unsigned char* const* rows, const std::int16_t* w, int n, std::size_t len,
                     std::int16_t* out, std::int32_t* acc) {
  std::fill(acc, acc + len, 0);
  for (int k = 0; k < n; ++k) {
    const std::int32_t wk = w[k];
    if (wk == 0) continue;
    const unsigned char* r = rows[k];
    for (std::size_t i = 0; i < len; ++i) acc[i] += wk * r[i];
  }
  for (std::size_t i = 0; i < len; ++i) out[i] = sat16((acc[i] + (1 << (kMidShift - 1))) >> kMidShift);
}

void horizontal_scalar(const std::int16_t* in, const Taps& t, std::uint32_t out_w, unsigned char* out) {
  const int np = t.count_padded;
  for (std::uint32_t x = 0; x < out_w; ++x) {
    const std::int16_t* p = in + std::size_t(t.start[x]) * 3;
    const std::int16_t* w = t.weights.data() + std::size_t(x) * np;
    std::int32_t r = 1 << (kOutShift - 1), g = r, b = r;
    for (int k = 0; k < t.count; ++k) {
      const std::int32_t wk = w[k];
      r += wk * p[3 * k];
      g += wk * p[3 * k + 1];
      b += wk * p[3 * k + 2];
    }
    out[3 * x] = sat8(r >> kOutShift);
    out[3 * x + 1] = sat8(g >> kOutShift);
    out[3 * x + 2] = sat8(b >> kOutShift);
  }
}

#if defined(__SSE2__)
// ---- SSE2 passes: int16 x int16 pairs with pmaddwd, same arithmetic as scalar ----

inline __m128i weight_pair(const std::int16_t* w) {
  std::int32_t pair;
  std::memcpy(&pair, w, 4);
  return _mm_set1_epi32(pair);
}

// rows has count_padded entries (the padding repeats a real row, weight 0).
void vertical_sse2(const unsigned char* const* rows, const std::int16_t* w, int np, std::size_t len,
                   std::int16_t* out, std::int32_t* acc) {
  const __m128i zero = _mm_setzero_si128();
  const __m128i round = _mm_set1_epi32(1 << (kMidShift - 1));
  std::size_t i = 0;
  for (; i + 16 <= len; i += 16) {
    __m128i a0 = round, a1 = round, a2 = round, a3 = round;
    for (int k = 0; k < np; k += 2) {
      const __m128i wp = weight_pair(w + k);
      const __m128i r0 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k] + i));
      const __m128i r1 = _mm_loadu_si128(reinterpret_cast<const __m128i*>(rows[k + 1] + i));
      const __m128i lo = _mm_unpacklo_epi8(r0, r1);  // a0 b0 a1 b1 ... a7 b7
      const __m128i hi = _mm_unpackhi_epi8(r0, r1);
      a0 = _mm_add_epi32(a0, _mm_madd_epi16(_mm_unpacklo_epi8(lo, zero), wp));
      a1 = _mm_add_epi32(a1, _mm_madd_epi16(_mm_unpackhi_epi8(lo, zero), wp));
      a2 = _mm_add_epi32(a2, _mm_madd_epi16(_mm_unpacklo_epi8(hi, zero), wp));
      a3 = _mm_add_epi32(a3, _mm_madd_epi16(_mm_unpackhi_epi8(hi, zero), wp));
    }
    a0 = _mm_srai_epi32(a0, kMidShift);
    a1 = _mm_srai_epi32(a1, kMidShift);
    a2 = _mm_srai_epi32(a2, kMidShift);
    a3 = _mm_srai_epi32(a3, kMidShift);
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i), _mm_packs_epi32(a0, a1));
    _mm_storeu_si128(reinterpret_cast<__m128i*>(out + i + 8), _mm_packs_epi32(a2, a3));
  }
  if (i < len) {  // tail: fewer than 16 values
    const std::size_t rest = len - i;
    std::fill(acc, acc + rest, 0);
    for (int k = 0; k < np; ++k) {
      const std::int32_t wk = w[k];
      const unsigned char* r = rows[k] + i;
      for (std::size_t j = 0; j < rest; ++j) acc[j] += wk * r[j];
    }
    for (std::size_t j = 0; j < rest; ++j) out[i + j] = sat16((acc[j] + (1 << (kMidShift - 1))) >> kMidShift);
  }
}

// `in` must be readable (zero padded) for 4 int16 past its last pixel.
void horizontal_sse2(const std::int16_t* in, const Taps& t, std::uint32_t out_w, unsigned char* out) {
  const int np = t.count_padded;
  const __m128i round = _mm_set1_epi32(1 << (kOutShift - 1));
  for (std::uint32_t x = 0; x < out_w; ++x) {
    const std::int16_t* p = in + std::size_t(t.start[x]) * 3;
    const std::int16_t* w = t.weights.data() + std::size_t(x) * np;
    __m128i acc = round;
    for (int k = 0; k < np; k += 2) {
      const __m128i p0 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 3 * k));  // R0 G0 B0 (R1)
      const __m128i p1 = _mm_loadl_epi64(reinterpret_cast<const __m128i*>(p + 3 * k + 3));
      acc = _mm_add_epi32(acc, _mm_madd_epi16(_mm_unpacklo_epi16(p0, p1), weight_pair(w + k)));
    }
    acc = _mm_srai_epi32(acc, kOutShift);
    const __m128i px = _mm_packus_epi16(_mm_packs_epi32(acc, acc), acc);
    const std::uint32_t v = static_cast<std::uint32_t>(_mm_cvtsi128_si32(px));
    unsigned char* o = out + 3 * std::size_t(x);
    o[0] = static_cast<unsigned char>(v);
    o[1] = static_cast<unsigned char>(v >> 8);
    o[2] = static_cast<unsigned char>(v >> 16);
  }
}
#endif

}  // namespace

Taps make_taps(std::uint32_t in, std::uint32_t out, Filter filter) {
  Taps t;
  const double scale = double(in) / double(out);
  const double fscale = std::max(scale, 1.0);  // widen the kernel when shrinking
  const double sup = support(filter) * fscale;
  int n = static_cast<int>(std::ceil(sup)) * 2 + 1;
  n = std::min<std::int64_t>(n, in);
  t.count = n;
  t.count_padded = n + (n & 1);
  t.start.resize(out);
  t.weights.assign(std::size_t(out) * t.count_padded, 0);
  std::vector<double> w(std::size_t(n) + 2);
  for (std::uint32_t o = 0; o < out; ++o) {
    const double center = (o + 0.5) * scale;
    std::int64_t lo = static_cast<std::int64_t>(std::floor(center - sup + 0.5));
    std::int64_t hi = static_cast<std::int64_t>(std::floor(center + sup + 0.5));  // exclusive
    lo = std::max<std::int64_t>(lo, 0);
    hi = std::min<std::int64_t>(hi, in);
    if (hi - lo > n) hi = lo + n;
    if (hi <= lo) {  // cannot happen for sane sizes; keep a nearest-neighbour tap
      lo = std::min<std::int64_t>(static_cast<std::int64_t>(center), in - 1);
      hi = lo + 1;
    }
    const std::int64_t start = std::min<std::int64_t>(lo, std::int64_t(in) - n);
    t.start[o] = static_cast<std::int32_t>(start);
    double sum = 0;
    std::fill(w.begin(), w.end(), 0.0);
    for (std::int64_t i = lo; i < hi; ++i) {
      const double v = kernel(filter, (double(i) + 0.5 - center) / fscale);
      w[std::size_t(i - start)] = v;
      sum += v;
    }
    if (sum == 0) {  // degenerate: fall back to the nearest sample
      w[std::size_t(lo - start)] = 1.0;
      sum = 1.0;
    }
    std::int16_t* dst = t.weights.data() + std::size_t(o) * t.count_padded;
    std::int32_t total = 0;
    int biggest = 0;
    for (int k = 0; k < n; ++k) {
      dst[k] = static_cast<std::int16_t>(std::lround(w[std::size_t(k)] / sum * (1 << kWeightBits)));
      total += dst[k];
      if (dst[k] > dst[biggest]) biggest = k;
    }
    dst[biggest] = static_cast<std::int16_t>(dst[biggest] + ((1 << kWeightBits) - total));  // exact unity gain
  }
  return t;
}

RgbImage resize_impl(const RgbImage& src, std::uint32_t width, std::uint32_t height, Filter filter, bool simd) {
  if (src.width == 0 || src.height == 0 || src.pixels.empty() || width == 0 || height == 0)
    throw util::Error(util::ExitCode::error, "cannot resize an empty image (" + std::to_string(src.width) + "x" +
                                                 std::to_string(src.height) + " to " + std::to_string(width) + "x" +
                                                 std::to_string(height) + ")");
  RgbImage dst = RgbImage::allocate(width, height);
  if (width == src.width && height == src.height) {
    std::memcpy(dst.pixels.data(), src.pixels.data(), dst.stride() * height);
    return dst;
  }
#if !defined(__SSE2__)
  simd = false;
#endif
  const Taps ht = make_taps(src.width, width, filter);
  const Taps vt = make_taps(src.height, height, filter);
  const std::size_t len = src.stride();
  std::vector<std::int16_t> mid(len + 8, 0);  // + padding for the SSE2 horizontal loads
  std::vector<std::int32_t> acc(len);
  std::vector<const unsigned char*> rows(std::size_t(vt.count_padded));
  for (std::uint32_t y = 0; y < height; ++y) {
    const std::uint32_t s = static_cast<std::uint32_t>(vt.start[y]);
    for (int k = 0; k < vt.count_padded; ++k) rows[std::size_t(k)] = src.row(s + std::min(k, vt.count - 1));
    const std::int16_t* w = vt.weights.data() + std::size_t(y) * vt.count_padded;
#if defined(__SSE2__)
    if (simd) {
      vertical_sse2(rows.data(), w, vt.count_padded, len, mid.data(), acc.data());
      horizontal_sse2(mid.data(), ht, width, dst.row(y));
      continue;
    }
#endif
    vertical_scalar(rows.data(), w, vt.count, len, mid.data(), acc.data());
    horizontal_scalar(mid.data(), ht, width, dst.row(y));
  }
  return dst;
}

}  // namespace detail

Size fit_long_side(std::uint32_t width, std::uint32_t height, std::uint32_t max_side) noexcept {
  const std::uint32_t long_side = std::max(width, height);
  if (max_side == 0 || long_side <= max_side || width == 0 || height == 0) return {width, height};
  const std::uint32_t short_side = std::min(width, height);
  std::uint64_t s = (std::uint64_t{short_side} * max_side * 2 + long_side) / (std::uint64_t{long_side} * 2);  // rounded
  const std::uint32_t scaled = static_cast<std::uint32_t>(std::max<std::uint64_t>(s, 1));
  return width >= height ? Size{max_side, scaled} : Size{scaled, max_side};
}

RgbImage resize(const RgbImage& src, std::uint32_t width, std::uint32_t height, Filter filter) {
  return detail::resize_impl(src, width, height, filter, true);
}

}  // namespace photoagent::image

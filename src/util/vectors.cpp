#include "photoagent/util/vectors.hpp"

#include <algorithm>
#include <cmath>

namespace photoagent::util {

bool normalise(std::vector<float>& v) {
  double sum = 0;
  for (float x : v) sum += static_cast<double>(x) * x;
  if (!(sum > 0) || !std::isfinite(sum)) return false;
  const double inv = 1.0 / std::sqrt(sum);
  for (float& x : v) x = static_cast<float>(x * inv);
  return true;
}

double cosine(std::span<const float> a, std::span<const float> b) {
  double ab = 0, aa = 0, bb = 0;
  for (std::size_t i = 0; i < std::min(a.size(), b.size()); ++i) {
    ab += static_cast<double>(a[i]) * b[i];
    aa += static_cast<double>(a[i]) * a[i];
    bb += static_cast<double>(b[i]) * b[i];
  }
  return aa > 0 && bb > 0 ? ab / std::sqrt(aa * bb) : 0.0;
}

QuantisedVector quantise(std::span<const float> unit) {
  QuantisedVector out;
  float max = 0;
  for (float x : unit) max = std::max(max, std::fabs(x));
  out.q.assign(unit.size(), 0);
  if (max <= 0) return out;
  out.scale = max / 127.0f;
  for (std::size_t i = 0; i < unit.size(); ++i)
    out.q[i] = static_cast<std::int8_t>(std::clamp(std::lround(unit[i] / out.scale), -127L, 127L));
  return out;
}

std::vector<float> dequantise(std::span<const std::int8_t> q, float scale) {
  std::vector<float> v(q.size());
  for (std::size_t i = 0; i < q.size(); ++i) v[i] = static_cast<float>(q[i]) * scale;
  return v;
}

std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n) {
  // int16 products summed in int32: integer addition is associative, so the
  // compiler vectorises this (a float sum it may not reorder).
  std::int32_t sum = 0;
  for (std::size_t i = 0; i < n; ++i) sum += static_cast<std::int16_t>(a[i]) * static_cast<std::int16_t>(b[i]);
  return sum;
}

}  // namespace photoagent::util

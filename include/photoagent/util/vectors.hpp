#pragma once
// Embedding vectors as search keeps them (DESIGN §9): unit length, then
// quantised to int8 with one scale per vector, so 100,000 x 768 is 77 MB and
// a scan is a tight integer loop. cosine(a, b) ~= dot_i8(qa, qb) * sa * sb.

#include <cstddef>
#include <cstdint>
#include <span>
#include <vector>

namespace photoagent::util {

// Scales `v` to unit length; false (v untouched) when it is all zeros or not finite.
bool normalise(std::vector<float>& v);

double cosine(std::span<const float> a, std::span<const float> b);

struct QuantisedVector {
  std::vector<std::int8_t> q;
  float scale = 0;  // value of one step
};
// `unit` should be of unit length; the largest component maps to +-127.
QuantisedVector quantise(std::span<const float> unit);
std::vector<float> dequantise(std::span<const std::int8_t> q, float scale);

// Sum of q[i] * r[i]: the inner loop of every scan (vectorised by the compiler).
std::int32_t dot_i8(const std::int8_t* a, const std::int8_t* b, std::size_t n);

}  // namespace photoagent::util

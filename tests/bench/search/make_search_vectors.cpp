// Gives every image of a cache made by make_search_cache a 768-d vector in
// the space of the default embedding model (config embed.model), through
// the store (store::put_image_vectors: the matrix file and image_vectors),
// and caches the query vectors of a few text queries, so `photoagent search
// QUERY --semantic` runs offline over N vectors. Vectors are deterministic:
// 64 topics (random unit directions), each image near one of them.
//
// usage: make_search_vectors DIR
#include <cmath>
#include <cstdio>
#include <random>
#include <vector>

#include "photoagent/store/database.hpp"
#include "photoagent/store/vectors.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/vectors.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/embed.hpp"

using namespace photoagent;

namespace {

constexpr int kDim = 768;
constexpr int kTopics = 64;
// The queries run.sh asks (each cached, pointing at one topic).
constexpr const char* kQueries[] = {"red dress", "golden hour portrait", "ceramic mug on a table", "dog on the beach"};

std::vector<float> gaussian(std::mt19937_64& rng) {
  std::normal_distribution<float> n(0.0f, 1.0f);
  std::vector<float> v(kDim);
  for (auto& x : v) x = n(rng);
  util::normalise(v);
  return v;
}

}  // namespace

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: make_search_vectors DIR\n");
    return 2;
  }
  try {
    store::Database db(argv[1]);
    const workflows::Config config("/nonexistent/photoagent-bench-config.json");
    const auto model = workflows::embed_settings(config).model;  // the default
    const auto space = store::vector_space(db, model.full(), model.version, kDim);
    std::mt19937_64 rng(11);
    std::vector<std::vector<float>> topics;
    for (int t = 0; t < kTopics; ++t) topics.push_back(gaussian(rng));
    const auto ids = store::images_without_vector(db, space, std::nullopt);
    std::vector<std::pair<std::int64_t, std::vector<float>>> batch;
    for (std::size_t i = 0; i < ids.size(); ++i) {
      auto v = gaussian(rng);
      const auto& topic = topics[rng() % kTopics];
      for (int k = 0; k < kDim; ++k) v[static_cast<std::size_t>(k)] += 1.2f * topic[static_cast<std::size_t>(k)];
      batch.emplace_back(ids[i], std::move(v));
      if (batch.size() == 10000 || i + 1 == ids.size()) {
        store::put_image_vectors(db, space, batch);
        batch.clear();
      }
    }
    for (std::size_t q = 0; q < std::size(kQueries); ++q) store::cache_query_vector(db, space, kQueries[q], topics[q]);
    std::printf("%zu vectors (%d-d, int8) in %s\n", ids.size(), kDim, space.file.c_str());
  } catch (const util::Error& e) {
    std::fprintf(stderr, "make_search_vectors: %s\n", e.message().c_str());
    return 1;
  }
  return 0;
}

// The semantic pieces of search: reciprocal rank fusion, near-duplicate
// grouping (single linkage, exact copies kept apart), embedding parsing and
// the query cache key; and search() falling back to full text without
// vectors or an embedder.
#include <doctest/doctest.h>

#include "photoagent/services/replicate/models.hpp"
#include "photoagent/util/vectors.hpp"
#include "photoagent/workflows/embed.hpp"
#include "photoagent/workflows/search.hpp"
#include "store/search_fixture.hpp"

using namespace photoagent;
using workflows::fuse_ranks;

namespace {

// Vectors as the store keeps them (unit length, int8).
store::VectorSet set_of(const std::vector<std::pair<std::int64_t, std::vector<float>>>& items) {
  store::VectorSet s;
  s.dim = static_cast<int>(items.front().second.size());
  for (auto [id, v] : items) {
    util::normalise(v);
    const auto q = util::quantise(v);
    s.image_ids.push_back(id);
    s.scales.push_back(q.scale);
    s.rows.insert(s.rows.end(), q.q.begin(), q.q.end());
  }
  return s;
}

}  // namespace

TEST_SUITE("workflows::search vectors") {
  TEST_CASE("reciprocal rank fusion, k = 60") {
    auto fused = fuse_ranks({{1, 2, 3}, {3, 1, 4}});
    REQUIRE(fused.size() == 4);
    // 1: 1/61 + 1/62; 3: 1/63 + 1/61; 2: 1/62; 4: 1/63.
    CHECK(fused[0].first == 1);
    CHECK(fused[0].second == doctest::Approx(1.0 / 61 + 1.0 / 62));
    CHECK(fused[1].first == 3);
    CHECK(fused[2].first == 2);
    CHECK(fused[3].first == 4);
    // In one list only: the plain reciprocal rank; equal scores keep first appearance.
    auto one = fuse_ranks({{7, 8}, {}});
    CHECK(one[0].first == 7);
    CHECK(one[1].second == doctest::Approx(1.0 / 62));
    auto tie = fuse_ranks({{5}, {6}});
    CHECK(tie[0].first == 5);
    CHECK(fuse_ranks({{9}}, 0)[0].second == doctest::Approx(1.0));
  }

  TEST_CASE("near duplicates: pairs under the threshold join, chains link, exact copies stay apart") {
    const auto s = set_of({{1, {1, 0, 0, 0}},
                           {2, {1, 0.05f, 0, 0}},    // next to 1
                           {3, {1, 0.10f, 0.02f, 0}},  // next to 2
                           {4, {0, 1, 0, 0}},        // alone
                           {5, {0, 0, 1, 0}},
                           {6, {0, 0, 1, 0.01f}}});  // next to 5, but the same file (exact)
    auto groups = workflows::group_near(s, 0.01, {{5, 6}});
    REQUIRE(groups.size() == 1);
    CHECK(groups[0].ids == std::vector<std::int64_t>{1, 2, 3});
    CHECK(groups[0].distance > 0);
    CHECK(groups[0].distance < 0.01);
    CHECK_FALSE(groups[0].exact);
    // Without the exact list, 5 and 6 form a group too; the nearer group comes first.
    auto all = workflows::group_near(s, 0.01);
    REQUIRE(all.size() == 2);
    CHECK(all[0].ids == std::vector<std::int64_t>{5, 6});
    // A tighter threshold splits the chain.
    auto tight = workflows::group_near(s, 0.0015);
    for (const auto& g : tight) CHECK(g.ids.size() == 2);
  }

  TEST_CASE("embeddings in the output shapes models use") {
    CHECK(workflows::parse_embedding(R"({"embedding":[1, 2.5, -3]})") == std::vector<float>{1, 2.5f, -3});
    CHECK(workflows::parse_embedding("[0.5, 1]") == std::vector<float>{0.5f, 1});
    CHECK(workflows::parse_embedding(R"([{"input":"a","embedding":[4]}])") == std::vector<float>{4});
    CHECK_THROWS(workflows::parse_embedding(R"({"embedding":[]})"));
    CHECK_THROWS(workflows::parse_embedding(R"({"embedding":["a"]})"));
    CHECK_THROWS(workflows::parse_embedding("null"));
    CHECK(workflows::query_key("  red \t dress\n") == "red dress");
  }

  TEST_CASE("the input schema says which inputs take a data URI (format uri)") {
    const auto s = services::replicate::parse_input_schema(
        R"({"openapi_schema":{"components":{"schemas":{"Input":{"properties":{
             "image":{"type":"string","format":"uri"},"text":{"type":"string"},"mask":{"type":"string","format":"binary"}}}}}}})",
        false);
    CHECK(s.properties.size() == 3);
    CHECK(s.uri_properties == std::vector<std::string>{"image"});
    const auto plain = services::replicate::parse_input_schema(
        R"({"openapi_schema":{"components":{"schemas":{"Input":{"properties":{"image":{"type":"string"}}}}}}})", false);
    CHECK(plain.has("image"));
    CHECK(plain.uri_properties.empty());
  }

  TEST_CASE("semantic and hybrid fall back to full text without vectors, and say so") {
    testing::SearchCache c;
    workflows::SearchQuery q;
    q.text = "red dress";
    q.mode = workflows::SearchMode::semantic;
    auto r = workflows::search(c.db, q, util::system_clock(), nullptr);
    CHECK_FALSE(r.fallback.empty());
    CHECK(r.fallback.find("--semantic") != std::string::npos);
    CHECK(r.results.size() == 2);  // the full-text answer
    workflows::Config config("/nonexistent/config.json", util::process_env());
    workflows::Embedder embedder(c.db, workflows::embed_settings(config), []() -> workflows::PredictionRunner& {
      throw util::failure("no network in this test");
    });
    q.mode = workflows::SearchMode::hybrid;
    r = workflows::search(c.db, q, util::system_clock(), &embedder);
    CHECK(r.fallback.find("--index") != std::string::npos);  // no vectors yet
    CHECK(r.results.size() == 2);
    // With vectors but a query that is not cached and cannot be embedded: still full text.
    const auto settings = workflows::embed_settings(config);
    auto space = store::vector_space(c.db, settings.model.full(), settings.model.version, 4);
    store::put_image_vector(c.db, space, 1, std::vector<float>{1, 0, 0, 0});
    r = workflows::search(c.db, q, util::system_clock(), &embedder);
    CHECK(r.fallback.find("could not be embedded") != std::string::npos);
    CHECK(r.results.size() == 2);
    // A cached query needs no runner at all.
    store::cache_query_vector(c.db, space, "red dress", std::vector<float>{1, 0, 0, 0});
    q.mode = workflows::SearchMode::semantic;
    r = workflows::search(c.db, q, util::system_clock(), &embedder);
    CHECK(r.fallback.empty());
    REQUIRE(r.results.size() == 1);
    CHECK(r.results[0].image.id == 1);
    CHECK(r.results[0].score == doctest::Approx(1.0).epsilon(0.01));
  }
}

// The vector store (store/vectors.hpp) on the search fixture: spaces never
// mix, the matrix file is append-then-record (a torn tail or an unrecorded
// row is ignored), nearest_images honours the search filters and pages, and
// the query cache.
#include <doctest/doctest.h>

#include <cmath>
#include <fstream>

#include "photoagent/store/vectors.hpp"
#include "photoagent/util/vectors.hpp"
#include "search_fixture.hpp"

using namespace photoagent;

using testing::axis;

TEST_SUITE("store::vectors") {
  TEST_CASE("a space per model and version; its dimension is fixed") {
    testing::SearchCache c;
    auto a = store::vector_space(c.db, "krthr/clip-embeddings", "v1", 8);
    auto again = store::vector_space(c.db, "krthr/clip-embeddings", "v1", 8);
    CHECK(a.id == again.id);
    auto b = store::vector_space(c.db, "krthr/clip-embeddings", "v2", 8);
    CHECK(b.id != a.id);
    CHECK(b.file != a.file);
    CHECK_THROWS(store::vector_space(c.db, "krthr/clip-embeddings", "v1", 16));
    CHECK(store::latest_vector_space(c.db, "krthr/clip-embeddings")->id == b.id);
    CHECK_FALSE(store::find_vector_space(c.db, "other/model", "v1"));
  }

  TEST_CASE("vectors are stored at unit length and read back close; spaces never mix") {
    testing::SearchCache c;
    auto a = store::vector_space(c.db, "m/clip", "v1", 8);
    auto b = store::vector_space(c.db, "m/clip", "v2", 8);
    std::vector<float> raw = {3, 4, 0, 0, 0, 0, 0, 0};  // length 5
    store::put_image_vector(c.db, a, 1, raw);
    auto back = store::image_vector(c.db, a, 1);
    REQUIRE(back);
    CHECK((*back)[0] == doctest::Approx(0.6).epsilon(0.01));
    CHECK((*back)[1] == doctest::Approx(0.8).epsilon(0.01));
    CHECK_FALSE(store::image_vector(c.db, b, 1));  // the other version has none
    CHECK(store::count_image_vectors(c.db, a) == 1);
    CHECK(store::count_image_vectors(c.db, b) == 0);
    CHECK(store::images_without_vector(c.db, a, std::nullopt).size() == 6);
    CHECK(store::images_without_vector(c.db, std::nullopt, c.bob.id).size() == 2);
    CHECK_THROWS(store::put_image_vector(c.db, a, 2, std::vector<float>(7, 1.0f)));  // wrong length
    CHECK_THROWS(store::put_image_vector(c.db, a, 2, std::vector<float>(8, 0.0f)));  // no direction
  }

  TEST_CASE("nearest first; filters and pages as in full text; re-embedding replaces") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    for (int id = 1; id <= 7; ++id) store::put_image_vector(c.db, s, id, axis(id - 1));
    store::SearchFilters none;
    auto hits = store::nearest_images(c.db, s, axis(2), none, 3, 0);
    REQUIRE(hits.size() == 3);
    CHECK(hits[0].image_id == 3);
    CHECK(hits[0].score == doctest::Approx(1.0).epsilon(0.02));
    CHECK(hits[1].score <= hits[0].score);
    // Page 2 continues where page 1 stopped.
    auto page2 = store::nearest_images(c.db, s, axis(2), none, 3, 3);
    REQUIRE(page2.size() == 3);
    for (const auto& h : page2)
      for (const auto& g : hits) CHECK(h.image_id != g.image_id);
    // Filters on the base tables: bob's images only, generated only.
    store::SearchFilters bob;
    bob.project_id = c.bob.id;
    for (const auto& h : store::nearest_images(c.db, s, axis(2), bob, 10, 0)) CHECK((h.image_id == 6 || h.image_id == 7));
    store::SearchFilters generated;
    generated.source = "generated";
    CHECK(store::nearest_images(c.db, s, axis(0), generated, 10, 0).size() == 3);
    // --not's full-text expression leaves images out too.
    store::SearchFilters no_mug;
    no_mug.exclude = "\"mug\"";
    for (const auto& h : store::nearest_images(c.db, s, axis(5), no_mug, 10, 0)) CHECK(h.image_id != 6);
    // Image 3 re-embedded pointing away: its old row no longer counts.
    auto away = axis(2);
    for (auto& x : away) x = -x;
    store::put_image_vector(c.db, s, 3, away);
    auto after = store::nearest_images(c.db, s, axis(2), none, 1, 0);
    REQUIRE(after.size() == 1);
    CHECK(after[0].image_id != 3);
    CHECK(store::nearest_images(c.db, s, axis(2), none, 0, 0).size() == 7);  // 0: all, each image once
    // A skipped image (--like's own) is left out.
    for (const auto& h : store::nearest_images(c.db, s, axis(0), none, 10, 0, 1)) CHECK(h.image_id != 1);
  }

  TEST_CASE("crash safety: a torn last row and an unrecorded row are ignored; deleted images vanish") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    store::put_image_vector(c.db, s, 1, axis(0));
    store::put_image_vector(c.db, s, 2, axis(1));
    const auto size = std::filesystem::file_size(s.file);
    {  // a crash mid-append: half a row at the end
      std::ofstream f(s.file, std::ios::binary | std::ios::app);
      f << std::string(7, '\x7f');
    }
    CHECK(store::nearest_images(c.db, s, axis(0), {}, 10, 0).size() == 2);
    store::put_image_vector(c.db, s, 3, axis(2));  // cuts the torn tail, appends whole
    CHECK(std::filesystem::file_size(s.file) == size + size / 2);
    CHECK(store::image_vector(c.db, s, 3));
    {  // a whole row written, then a crash before it was recorded: image 4 pointing along axis 3
      const auto q = util::quantise(axis(3));
      std::ofstream f(s.file, std::ios::binary | std::ios::app);
      const std::int64_t id = 4;
      const std::uint32_t zero = 0;
      f.write(reinterpret_cast<const char*>(&id), 8);
      f.write(reinterpret_cast<const char*>(&q.scale), 4);
      f.write(reinterpret_cast<const char*>(&zero), 4);
      f.write(reinterpret_cast<const char*>(q.q.data()), 8);
    }
    auto hits = store::nearest_images(c.db, s, axis(3), {}, 10, 0);
    for (const auto& h : hits) CHECK(h.image_id != 4);
    CHECK(hits.size() == 3);
    CHECK_FALSE(store::image_vector(c.db, s, 4));
    store::delete_image(c.db, 2);
    for (const auto& h : store::nearest_images(c.db, s, axis(1), {}, 10, 0)) CHECK(h.image_id != 2);
    CHECK(store::count_image_vectors(c.db, s) == 2);
    auto set = store::load_vectors(c.db, s, {});
    CHECK(set.image_ids == std::vector<std::int64_t>{1, 3});
    CHECK(set.rows.size() == 16);
  }

  TEST_CASE("a matrix file removed or cut short: its images count as missing again") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    for (int id = 1; id <= 3; ++id) store::put_image_vector(c.db, s, id, axis(id));
    CHECK(store::images_without_vector(c.db, s, std::nullopt).size() == 4);
    std::filesystem::resize_file(s.file, std::filesystem::file_size(s.file) / 3);  // one row left
    CHECK(store::images_without_vector(c.db, s, std::nullopt).size() == 6);
    CHECK(store::count_image_vectors(c.db, s) == 1);
    std::filesystem::remove(s.file);
    CHECK(store::images_without_vector(c.db, s, std::nullopt).size() == 7);
    CHECK(store::nearest_images(c.db, s, axis(1), {}, 10, 0).empty());
  }

  TEST_CASE("query vectors are cached per space and exact text") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    auto t = store::vector_space(c.db, "m/clip", "v2", 8);
    CHECK_FALSE(store::cached_query_vector(c.db, s, "red dress"));
    store::cache_query_vector(c.db, s, "red dress", std::vector<float>{0, 2, 0, 0, 0, 0, 0, 0});
    auto v = store::cached_query_vector(c.db, s, "red dress");
    REQUIRE(v);
    CHECK((*v)[1] == doctest::Approx(1.0));
    CHECK_FALSE(store::cached_query_vector(c.db, t, "red dress"));
    CHECK_FALSE(store::cached_query_vector(c.db, s, "red  dress"));
  }

  TEST_CASE("exact duplicates group images with one stored file") {
    testing::SearchCache c;
    CHECK(store::exact_duplicates(c.db, {}).empty());
    // The same stored file in bob's project (another original, same bytes after preparing).
    auto copy = c.image(c.bob.id, "copy");
    copy.sha256 = store::find_image(c.db, 1)->sha256;
    copy.created_at = "2026-04-01T00:00:00Z";
    const auto id = store::insert_image(c.db, copy)->id;
    CHECK(store::exact_duplicates(c.db, {}) == std::vector<std::vector<std::int64_t>>{{1, id}});
    store::SearchFilters ada;
    ada.project_id = c.ada.id;
    CHECK(store::exact_duplicates(c.db, ada).empty());  // one of the two is left out: no group
    CHECK(store::image_ids_with_sha256(c.db, copy.sha256) == std::vector<std::int64_t>{1, id});
  }
}

TEST_SUITE("util::vectors") {
  TEST_CASE("int8 quantisation keeps cosine within a percent; dot_i8 is exact") {
    std::vector<float> a(768), b(768);
    for (std::size_t i = 0; i < 768; ++i) {
      a[i] = std::sin(static_cast<float>(i) * 0.37f);
      b[i] = std::sin(static_cast<float>(i) * 0.37f + 0.6f) + 0.2f * std::cos(static_cast<float>(i));
    }
    util::normalise(a);
    util::normalise(b);
    const double exact = util::cosine(a, b);
    const auto qa = util::quantise(a), qb = util::quantise(b);
    const double approx = util::dot_i8(qa.q.data(), qb.q.data(), 768) * static_cast<double>(qa.scale) * qb.scale;
    CHECK(approx == doctest::Approx(exact).epsilon(0.01));
    std::int8_t x[5] = {127, -127, 3, 0, -1}, y[5] = {127, 127, -2, 9, -1};
    CHECK(util::dot_i8(x, y, 5) == 127 * 127 - 127 * 127 - 6 + 0 + 1);
    std::vector<float> zero(4, 0.0f);
    CHECK_FALSE(util::normalise(zero));
  }
}

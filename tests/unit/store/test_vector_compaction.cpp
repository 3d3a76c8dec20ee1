// `cache gc` compacts the vector matrix files (store::compact_vector_files):
// the rows of deleted and re-embedded images, rows a crash left unrecorded
// and a torn tail go; every image keeps its current vector; a rewrite whose
// records were lost is mended; appenders running meanwhile lose nothing.
#include <doctest/doctest.h>

#include <SQLiteCpp/Statement.h>

#include <atomic>
#include <fstream>
#include <map>
#include <thread>

#include "photoagent/store/images.hpp"
#include "photoagent/store/vectors.hpp"
#include "photoagent/util/vectors.hpp"
#include "search_fixture.hpp"

using namespace photoagent;

namespace {

using testing::axis;

constexpr std::uintmax_t kRow = 16 + 8;  // header + 8 int8 components

// A whole row written, then a crash before it was recorded.
void append_unrecorded_row(const std::filesystem::path& file, std::int64_t id, const std::vector<float>& v) {
  const auto q = util::quantise(v);
  const std::uint32_t zero = 0;
  std::ofstream f(file, std::ios::binary | std::ios::app);
  f.write(reinterpret_cast<const char*>(&id), 8);
  f.write(reinterpret_cast<const char*>(&q.scale), 4);
  f.write(reinterpret_cast<const char*>(&zero), 4);
  f.write(reinterpret_cast<const char*>(q.q.data()), 8);
}

std::map<std::int64_t, std::vector<float>> current(store::Database& db, const store::VectorSpace& s) {
  std::map<std::int64_t, std::vector<float>> out;
  for (std::int64_t id = 1; id <= 7; ++id)
    if (auto v = store::image_vector(db, s, id)) out[id] = *v;
  return out;
}

}  // namespace

TEST_SUITE("store::vector compaction") {
  TEST_CASE("dead rows go, current vectors stay; --dry-run only counts; appends go on after") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    for (int id = 1; id <= 5; ++id) store::put_image_vector(c.db, s, id, axis(id));
    store::put_image_vector(c.db, s, 3, axis(6));  // re-embedded: row 2 is dead
    REQUIRE(store::delete_image(c.db, 2));          // its row is dead
    append_unrecorded_row(s.file, 6, axis(0));      // never recorded
    {  // a crash mid-append: half a row at the end
      std::ofstream f(s.file, std::ios::binary | std::ios::app);
      f << std::string(7, '\x7f');
    }
    const auto before = current(c.db, s);
    REQUIRE(before.size() == 4);  // 1, 3, 4, 5
    const auto missing = store::images_without_vector(c.db, s, std::nullopt);
    const auto size = std::filesystem::file_size(s.file);
    CHECK(size == 7 * kRow + 7);

    auto dry = store::compact_vector_files(c.db, true);
    REQUIRE(dry.size() == 1);
    CHECK(dry[0].space.id == s.id);
    CHECK(dry[0].rows == 7);
    CHECK(dry[0].kept == 4);
    CHECK(dry[0].bytes == static_cast<std::int64_t>(3 * kRow + 7));
    CHECK(std::filesystem::file_size(s.file) == size);
    CHECK(current(c.db, s) == before);

    auto done = store::compact_vector_files(c.db, false);
    REQUIRE(done.size() == 1);
    CHECK(done[0].bytes == dry[0].bytes);
    CHECK(std::filesystem::file_size(s.file) == 4 * kRow);
    CHECK(current(c.db, s) == before);
    CHECK(store::count_image_vectors(c.db, s) == 4);
    CHECK(store::images_without_vector(c.db, s, std::nullopt) == missing);
    const auto hits = store::nearest_images(c.db, s, axis(6), {}, 10, 0);
    REQUIRE(hits.size() == 4);
    CHECK(hits[0].image_id == 3);
    CHECK(store::compact_vector_files(c.db, false).empty());  // nothing left to reclaim

    store::put_image_vector(c.db, s, 6, axis(2));
    CHECK(std::filesystem::file_size(s.file) == 5 * kRow);
    CHECK(store::image_vector(c.db, s, 6));
  }

  TEST_CASE("a space without a file is left alone (no file is made)") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    CHECK(store::compact_vector_files(c.db, false).empty());
    CHECK_FALSE(std::filesystem::exists(s.file));
  }

  TEST_CASE("records that point at other images' rows (a crash between the rename and the commit) are mended") {
    testing::SearchCache c;
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    for (int id = 1; id <= 4; ++id) store::put_image_vector(c.db, s, id, axis(id));
    const auto before = current(c.db, s);
    {  // the old records of a rewrite: every row off by one, image 4's past the end
      auto tx = c.db.write_transaction();
      c.db.sql().exec("UPDATE image_vectors SET row = row + 1");
      tx.commit();
    }
    CHECK(current(c.db, s).empty());
    auto r = store::compact_vector_files(c.db, false);
    REQUIRE(r.size() == 1);
    CHECK(r[0].bytes == 0);
    CHECK(current(c.db, s) == before);
  }

  TEST_CASE("appenders running during compactions (another connection, as another process) lose nothing") {
    testing::SearchCache c;
    store::Database other{c.dir.path()};
    auto s = store::vector_space(c.db, "m/clip", "v1", 8);
    std::map<std::int64_t, int> last;  // image id -> axis of its latest vector
    std::atomic<bool> stop{false};
    std::thread writer([&] {
      for (int i = 0; i < 300; ++i) {
        const std::int64_t id = 1 + i % 7;
        store::put_image_vector(c.db, s, id, axis(i % 8));
        last[id] = i % 8;
      }
      stop = true;
    });
    int compactions = 0;
    while (!stop) compactions += static_cast<int>(store::compact_vector_files(other, false).size());
    writer.join();
    CHECK(compactions > 0);
    auto check_current = [&] {
      for (const auto& [id, k] : last) {
        const auto v = store::image_vector(c.db, s, id);
        REQUIRE_MESSAGE(v, "image " << id);
        const auto want = axis(k);
        float dot = 0;
        for (std::size_t i = 0; i < want.size(); ++i) dot += (*v)[i] * want[i];
        CHECK_MESSAGE(dot > 0.99f, "image " << id);
      }
    };
    check_current();  // before a last compaction could mend anything
    store::compact_vector_files(other, false);
    CHECK(std::filesystem::file_size(s.file) == 7 * kRow);
    check_current();
  }
}

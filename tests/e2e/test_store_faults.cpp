// The cache database failing under a statement of one item of a batch
// (issue 13, "read-only or corrupted database after open"): the item fails
// with the store's one line and its way out (`cache check`, a backup), never
// "internal error: ..." or SQLite's bare words.
#include <doctest/doctest.h>

#include <fstream>
#include <sstream>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::damage_table;
using e2e::has;
using e2e::Sandbox;
namespace fs = std::filesystem;

namespace {

}  // namespace

TEST_SUITE("e2e::store faults") {
  // An index only an insert touches: the photos are read and checked, and
  // storing each one is what fails.
  TEST_CASE("upload: a damaged index of the images table fails each photo with the store's line, not SQLite's words") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir files;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const auto first = files.path() / "p1.jpg";
    e2e::write_file(first, e2e::encode_jpeg(e2e::pattern(300, 200, 3, 1)));
    REQUIRE(box.run({"upload", "ada", first.string()}).code == 0);
    damage_table(box.data_dir() / "photoagent.db", "images_by_created");
    std::vector<std::string> up{"upload", "ada"};
    for (unsigned i = 2; i <= 3; ++i) {
      const auto p = files.path() / ("p" + std::to_string(i) + ".jpg");
      e2e::write_file(p, e2e::encode_jpeg(e2e::pattern(300, 200, 3, i)));
      up.push_back(p.string());
    }
    auto r = box.run(up);
    const std::string all = r.out + r.err;
    CHECK(r.code != 0);
    CHECK_MESSAGE(has(all, "the cache database is damaged: run `photoagent cache check`"), all);
    CHECK_MESSAGE(!has(all, "malformed"), all);
    CHECK_MESSAGE(!has(all, "internal error"), all);
  }

  // An index only new predictions touch: the batch is read and planned,
  // and recording each item before paying is what fails (nothing is sent).
  TEST_CASE("generate --batch: a damaged predictions index fails each item with the store's line") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir dir;
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    auto first = box.run({"generate", "--model", "black-forest-labs/flux-schnell", "first", "-o", dir.path().string()});
    REQUIRE_MESSAGE(first.code == 0, first.err);  // the table has rows, its index a page of its own
    damage_table(box.data_dir() / "photoagent.db", "predictions_by_created");
    const auto batch = dir.path() / "batch.jsonl";
    e2e::write_file(batch, "{\"prompt\":\"a\"}\n{\"prompt\":\"b\"}\n");
    auto r = box.run({"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(), "-o",
                      (dir.path() / "out").string()});
    const std::string all = r.out + r.err;
    CHECK(r.code != 0);
    CHECK_MESSAGE(has(all, "the cache database is damaged: run `photoagent cache check`"), all);
    CHECK_MESSAGE(!has(all, "internal error"), all);
    CHECK_MESSAGE(!has(all, "malformed"), all);
  }

  // The photos are stored; captioning them records a prediction each, and
  // that insert meets the damaged index inside a worker.
  TEST_CASE("upload --auto-caption: a damaged predictions index fails each caption with the store's line") {
    FakeCloud cloud;
    Sandbox box(cloud);
    e2e::TempDir files;
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    auto first = box.run({"generate", "--model", "black-forest-labs/flux-schnell", "first", "-o",
                          (files.path() / "gen").string()});
    REQUIRE_MESSAGE(first.code == 0, first.err);
    damage_table(box.data_dir() / "photoagent.db", "predictions_by_created");
    std::vector<std::string> up{"upload", "ada", "--auto-caption"};
    for (unsigned i = 1; i <= 2; ++i) {
      const auto p = files.path() / ("p" + std::to_string(i) + ".jpg");
      e2e::write_file(p, e2e::encode_jpeg(e2e::pattern(300, 200, 3, i)));
      up.push_back(p.string());
    }
    auto r = box.run(up);
    const std::string all = r.out + r.err;
    CHECK_MESSAGE(has(all, "caption failed"), all);
    CHECK_MESSAGE(has(all, "the cache database is damaged: run `photoagent cache check`"), all);
    CHECK_MESSAGE(!has(all, "internal error"), all);
    CHECK_MESSAGE(!has(all, "malformed"), all);
  }
}

// `cache gc` compacts the vector files of search --semantic: after an image
// is removed, its row in DATA/vectors/space-ID.i8 goes (bytes reported,
// --dry-run counting only), and the other images keep their vectors (a
// semantic search still finds them; search --index has nothing to pay for).
#include <doctest/doctest.h>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using nlohmann::json;
namespace fs = std::filesystem;

TEST_SUITE("e2e::cache vectors") {
  TEST_CASE("cache gc drops the vector row of a removed image and reports the bytes; the rest stay searchable") {
    e2e::ReplicateLab lab(R"({"prediction_latency_ms":30})");
    REQUIRE(lab.box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    for (unsigned i = 0; i < 3; ++i)
      e2e::write_file(lab.out.path() / ("p" + std::to_string(i) + ".jpg"),
                      e2e::encode_jpeg(e2e::pattern(240, 180, 3, 7 + i)));
    auto up = lab.box.run({"upload", "ada", lab.out.path().string(), "--json"});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    const json added = up.json()["added"];
    REQUIRE(added.size() == 3);
    auto index = lab.box.run({"search", "--index", "--json"});
    REQUIRE_MESSAGE(index.code == 0, index.err);
    REQUIRE(index.json()["embedded"] == 3);
    const long paid = lab.created();

    std::vector<fs::path> files;
    for (const auto& e : fs::directory_iterator(lab.box.data_dir() / "vectors")) files.push_back(e.path());
    REQUIRE(files.size() == 1);
    const auto size = static_cast<std::int64_t>(fs::file_size(files[0]));
    REQUIRE(size % 3 == 0);
    const std::int64_t row = size / 3;

    const auto gone = std::to_string(added[1]["id"].get<std::int64_t>());
    auto rm = lab.box.run({"project", "image", "rm", gone});
    REQUIRE_MESSAGE(rm.code == 0, rm.err);

    auto dry = lab.box.run({"cache", "gc", "--dry-run", "--json"});
    REQUIRE_MESSAGE(dry.code == 0, dry.err);
    const json d = dry.json();
    REQUIRE(d["vectors"].size() == 1);
    CHECK(d["vectors"][0]["path"] == files[0].string());
    CHECK(d["vectors"][0]["rows"] == 3);
    CHECK(d["vectors"][0]["rows_kept"] == 2);
    CHECK(d["vectors"][0]["bytes"] == row);
    CHECK(d["vector_bytes"] == row);
    CHECK(static_cast<std::int64_t>(fs::file_size(files[0])) == size);  // a dry run changes nothing

    auto gc = lab.box.run({"cache", "gc"});
    REQUIRE_MESSAGE(gc.code == 0, gc.err);
    CHECK_MESSAGE(e2e::has(gc.out, "1 vector rows"), gc.out);
    CHECK_MESSAGE(e2e::has(gc.err, "compacted 1 vector files"), gc.err);
    CHECK(static_cast<std::int64_t>(fs::file_size(files[0])) == 2 * row);

    auto again = lab.box.run({"cache", "gc", "--json"});
    REQUIRE_MESSAGE(again.code == 0, again.err);
    CHECK(again.json()["vectors"].empty());

    // The two left keep their vectors: nothing to index, and --like finds the other one.
    auto check = lab.box.run({"search", "--index", "--dry-run", "--json"});
    REQUIRE_MESSAGE(check.code == 0, check.err);
    CHECK(check.json()["missing"] == 0);
    const auto first = std::to_string(added[0]["id"].get<std::int64_t>());
    auto like = lab.box.run({"search", "--like", first, "--json"});
    REQUIRE_MESSAGE(like.code == 0, like.err);
    REQUIRE(like.json().size() == 1);
    CHECK(like.json()[0]["id"] == added[2]["id"]);
    CHECK(lab.created() == paid);
  }
}

// search's semantic side through the real binary against the emulator's
// CLIP model (krthr/clip-embeddings): --index (dry run, resume, never paying
// twice), --semantic, --hybrid, --like, --duplicates, embed.auto at upload
// and generation, the query cache (a repeated query makes no request), and
// the fallback to full text without vectors or offline.
#include <doctest/doctest.h>

#include <csignal>
#include <set>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// A photo of one main colour (with a gentle gradient, so JPEG has detail).
e2e::Pixels colour(int r, int g, int b, int w = 200, int h = 150, int shift = 0) {
  e2e::Pixels p{w, h, 3, std::vector<unsigned char>(static_cast<std::size_t>(w * h * 3))};
  for (int y = 0; y < h; ++y)
    for (int x = 0; x < w; ++x) {
      const int d = (x + shift) * 24 / w + y * 24 / h;
      unsigned char* px = &p.data[static_cast<std::size_t>((y * w + x) * 3)];
      px[0] = static_cast<unsigned char>(std::min(255, r + d));
      px[1] = static_cast<unsigned char>(std::min(255, g + d));
      px[2] = static_cast<unsigned char>(std::min(255, b + d));
    }
  return p;
}

struct Library {
  FakeCloud cloud;
  Sandbox box{cloud};
  e2e::TempDir files;
  std::int64_t red = 0, red_copy = 0, blue = 0, green = 0, mug = 0;

  explicit Library(const std::string& latency = R"({"prediction_latency_ms":40})") : cloud({"--config-json", latency}) {
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    REQUIRE(box.run({"project", "create", "bob", "--kind", "product"}).code == 0);
    const fs::path dir = files.path() / "ada";
    fs::create_directories(dir);
    struct Photo {
      const char* name;
      e2e::Pixels px;
      int quality;
      const char* caption;
    };
    const Photo photos[] = {{"red", colour(190, 20, 25), 92, "woman in a dress by the wall"},
                            // the same picture shifted, a shade lighter, saved again: a near duplicate
                            {"red_copy", colour(186, 24, 29, 200, 150, 12), 75, "woman in a dress, copy"},
                            {"blue", colour(20, 40, 190), 92, "sailing on a calm day"},
                            {"green", colour(30, 160, 40), 92, "walk under the trees"}};
    for (const auto& p : photos) {
      e2e::write_file(dir / (std::string(p.name) + ".jpg"), e2e::encode_jpeg(p.px, p.quality));
      e2e::write_file(dir / (std::string(p.name) + ".txt"), p.caption);
    }
    auto up = box.run({"upload", "ada", dir.string(), "--json"});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    const json added = up.json()["added"];  // a copy: the parsed document is a temporary
    for (const auto& a : added) {
      const auto stem = fs::path(a["file"].get<std::string>()).stem().string();
      const auto id = a["id"].get<std::int64_t>();
      (stem == "red" ? red : stem == "red_copy" ? red_copy : stem == "blue" ? blue : green) = id;
    }
    e2e::write_file(files.path() / "mug.jpg", e2e::encode_jpeg(colour(200, 200, 30)));
    auto up2 = box.run({"upload", "bob", (files.path() / "mug.jpg").string(), "--caption", "a yellow mug", "--json"});
    REQUIRE_MESSAGE(up2.code == 0, up2.err);
    mug = up2.json()["added"][0]["id"].get<std::int64_t>();
  }

  long created() const { return cloud.stats()["predictions_created"].get<long>(); }
  long requests() const {
    long n = 0;
    for (const auto& [route, count] : cloud.stats()["requests_by_route"].items())
      if (route.find("/_fake") == std::string::npos) n += count.get<long>();
    return n;
  }

  void index() const {
    auto r = box.run({"search", "--index", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
  }

  // Ids in rank order.
  std::vector<std::int64_t> ranked(std::vector<std::string> args, int* code = nullptr, std::string* err = nullptr) const {
    args.insert(args.begin(), "search");
    args.push_back("--json");
    auto r = box.run(args);
    if (code) *code = r.code;
    if (err) *err = r.err;
    CHECK_MESSAGE((r.code == 0 || r.code == 1), r.err);
    std::vector<std::int64_t> out;
    for (const auto& hit : r.json()) out.push_back(hit["id"].get<std::int64_t>());
    return out;
  }
};

}  // namespace

TEST_SUITE("e2e::search semantic") {
  TEST_CASE("--index: a dry run counts and prices, the run embeds each image once, again costs nothing") {
    Library lib;
    const long before = lib.created();
    auto dry = lib.box.run({"search", "--index", "--dry-run", "--json"});
    REQUIRE_MESSAGE(dry.code == 0, dry.err);
    CHECK(dry.json()["dry_run"] == true);
    CHECK(dry.json()["missing"] == 5);
    CHECK(dry.json()["estimated_cost_usd"].get<double>() > 0);
    CHECK(lib.created() == before);  // nothing paid
    auto text = lib.box.run({"search", "--index", "--dry-run", "--project", "bob"});
    CHECK(text.code == 0);
    CHECK(text.err.find("Would embed 1 image with krthr/clip-embeddings") != std::string::npos);

    auto run = lib.box.run({"search", "--index", "--json"});
    REQUIRE_MESSAGE(run.code == 0, run.err);
    CHECK(run.json()["embedded"] == 5);
    CHECK(run.json()["version"] == "1c0371070cb827ec3c7f2f28adcdde54b50dcd239aa6faea0bc98b174ef03fb4");
    CHECK(lib.created() == before + 5);
    auto again = lib.box.run({"search", "--index", "--json"});
    CHECK(again.json()["missing"] == 0);
    CHECK(lib.created() == before + 5);
    // The matrix file sits beside the database.
    CHECK(fs::exists(lib.box.data_dir() / "vectors" / "space-1.i8"));
    // Removed: --index sees the images as missing and embeds them again (the
    // stored answers were not kept twice, so this pays once more, on request).
    fs::remove_all(lib.box.data_dir() / "vectors");
    auto rebuilt = lib.box.run({"search", "--index", "--json"});
    REQUIRE_MESSAGE(rebuilt.code == 0, rebuilt.err);
    CHECK(rebuilt.json()["missing"] == 5);
    CHECK(rebuilt.json()["embedded"] == 5);
    CHECK(lib.created() == before + 10);
    CHECK(lib.ranked({"crimson", "--semantic", "--limit", "2"}).size() == 2);
  }

  TEST_CASE("--index resumes after an interruption without paying twice") {
    Library lib(R"({"prediction_latency_ms":700})");
    const long before = lib.created();
    // One at a time, 0.7 s each: Ctrl-C lands after one or two, with one in flight.
    auto stopped = lib.box.run_and_signal({"search", "--index", "-j", "1"}, SIGINT, 1800);
    CHECK(stopped.code == 130);
    const long paid = lib.created() - before;
    CHECK(paid >= 1);
    CHECK(paid < 5);
    auto rest = lib.box.run({"search", "--index", "--json"}, {}, {}, 120);
    REQUIRE_MESSAGE(rest.code == 0, rest.err);
    CHECK(rest.json()["missing"].get<long>() <= 5 - (paid - 1));
    CHECK(lib.created() == before + 5);  // each image paid for exactly once
    CHECK(lib.box.run({"search", "--index", "--json"}).json()["missing"] == 0);
  }

  TEST_CASE("--semantic ranks by meaning; a repeated query is served from the cache, even offline") {
    Library lib;
    lib.index();
    const long before = lib.created();
    auto first = lib.ranked({"crimson", "--semantic"});
    REQUIRE(first.size() == 5);
    CHECK(std::set<std::int64_t>{first[0], first[1]} == std::set<std::int64_t>{lib.red, lib.red_copy});
    CHECK(lib.created() == before + 1);  // the query's vector
    const long requests = lib.requests();
    auto second = lib.ranked({"crimson", "--semantic"});
    CHECK(second == first);
    CHECK(lib.created() == before + 1);
    CHECK(lib.requests() == requests);  // no request at all
    // A synonym lands in the same place; filters apply.
    auto sea = lib.ranked({"ocean", "--semantic", "--limit", "1"});
    CHECK(sea == std::vector<std::int64_t>{lib.blue});
    CHECK(lib.ranked({"crimson", "--semantic", "--project", "bob"}) == std::vector<std::int64_t>{lib.mug});
    CHECK(lib.ranked({"crimson", "--semantic", "--limit", "2", "--offset", "1"}).size() == 2);
    // Offline (nothing listens): the cached query still works, without a word on stderr.
    auto offline = lib.box.run({"search", "crimson", "--semantic", "--json"}, {},
                               {{"REPLICATE_API_BASE_URL", "http://127.0.0.1:9/v1"}});
    CHECK(offline.code == 0);
    CHECK(offline.err.empty());
    // Scores are cosines, best first; the paths are the stored files.
    auto doc = lib.box.run({"search", "crimson", "--semantic", "--json"}).json();
    CHECK(doc[0]["score"].get<double>() > doc[4]["score"].get<double>());
    CHECK(doc[0]["score"].get<double>() <= 1.0);
    CHECK(fs::exists(doc[0]["path"].get<std::string>()));
    auto paths = lib.box.run({"search", "crimson", "--semantic", "--paths", "--limit", "2"});
    CHECK(std::count(paths.out.begin(), paths.out.end(), '\n') == 2);
  }

  TEST_CASE("--hybrid fuses the two rankings with the same filters on both") {
    Library lib;
    lib.index();
    // "trees": full text finds green by its caption; meaning alone ranks on colour words.
    auto fused = lib.ranked({"trees", "--hybrid"});
    REQUIRE(!fused.empty());
    CHECK(fused[0] == lib.green);
    CHECK(fused.size() == 5);  // every image has a vector rank
    auto doc = lib.box.run({"search", "trees", "--hybrid", "--json"}).json();
    CHECK(doc[0]["score"].get<double>() == doctest::Approx(1.0 / 61 + 1.0 / 61).epsilon(0.2));
    CHECK(doc[0]["snippet"] == "walk under the trees");  // the full-text snippet is kept
    CHECK(lib.ranked({"trees", "--hybrid", "--project", "bob"}) == std::vector<std::int64_t>{lib.mug});
    CHECK(lib.ranked({"trees", "--hybrid", "--source", "generated"}).empty());
  }

  TEST_CASE("--like: by id or file, a new file embedded once, --not takes a meaning away") {
    Library lib;
    lib.index();
    auto like = lib.ranked({"--like", std::to_string(lib.red)});
    REQUIRE(like.size() == 4);  // itself left out
    CHECK(like[0] == lib.red_copy);
    // The same picture given as a file the cache holds: that image's vector, nothing paid.
    const long before = lib.created();
    auto by_file = lib.ranked({"--like", (lib.files.path() / "ada" / "red.jpg").string()});
    CHECK(by_file[0] == lib.red_copy);
    CHECK(lib.created() == before);
    // A file the cache has never seen: embedded once.
    e2e::write_file(lib.files.path() / "new_blue.jpg", e2e::encode_jpeg(colour(25, 45, 185, 160, 160)));
    auto fresh = lib.ranked({"--like", (lib.files.path() / "new_blue.jpg").string(), "--limit", "1"});
    CHECK(fresh == std::vector<std::int64_t>{lib.blue});
    CHECK(lib.created() == before + 1);
    lib.ranked({"--like", (lib.files.path() / "new_blue.jpg").string()});
    CHECK(lib.created() == before + 1);
    // --not red: the red copy falls behind.
    auto plain = lib.box.run({"search", "--like", std::to_string(lib.red_copy), "--json"}).json();
    auto minus = lib.box.run({"search", "--like", std::to_string(lib.red_copy), "--not", "red", "--json"}).json();
    double plain_red = 0, minus_red = 0;
    for (const auto& h : plain)
      if (h["id"] == lib.red) plain_red = h["score"].get<double>();
    for (const auto& h : minus)
      if (h["id"] == lib.red) minus_red = h["score"].get<double>();
    CHECK(minus_red < plain_red);
    CHECK(lib.box.run({"search", "--like", "999"}).code == 3);
    CHECK(lib.box.run({"search", "--like", "1", "red"}).code == 2);
    CHECK(lib.box.run({"search", "red", "--semantic", "--hybrid"}).code == 2);
  }

  TEST_CASE("--duplicates: near copies and identical files, apart; the threshold") {
    Library lib;
    // The same file in another project: identical content.
    auto up = lib.box.run({"upload", "bob", (lib.files.path() / "ada" / "blue.jpg").string(), "--json"});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    const auto blue_in_bob = up.json()["added"][0]["id"].get<std::int64_t>();
    // Without vectors: identical files only, and a warning.
    auto exact_only = lib.box.run({"search", "--duplicates", "--json"});
    CHECK(exact_only.code == 0);
    CHECK(exact_only.err.find("--index") != std::string::npos);
    CHECK(exact_only.json().size() == 1);
    const long before = lib.created();
    lib.index();
    CHECK(lib.created() == before + 5);  // the two identical files share one embedding
    auto r = lib.box.run({"search", "--duplicates", "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto groups = r.json();
    REQUIRE(groups.size() == 2);
    CHECK(groups[0]["exact"] == true);
    CHECK(groups[0]["group"] == json::array({lib.blue, blue_in_bob}));
    CHECK(groups[0]["distance"] == 0);
    CHECK(groups[1]["exact"] == false);
    // Ids in ascending order (upload gives ids in the order files finish).
    CHECK(groups[1]["group"] == json::array({std::min(lib.red, lib.red_copy), std::max(lib.red, lib.red_copy)}));
    CHECK(groups[1]["distance"].get<double>() > 0);
    CHECK(groups[1]["distance"].get<double>() < 0.05);
    CHECK(lib.box.run({"search", "--duplicates", "--project", "ada", "--json"}).json().size() == 1);
    CHECK(lib.box.run({"search", "--duplicates", "--project", "ada", "--threshold", "0.000001"}).code == 1);
    CHECK(lib.box.run({"search", "--duplicates", "--threshold", "3"}).code == 2);
    CHECK(lib.box.run({"search", "--threshold", "0.1", "red"}).code == 2);
  }

  TEST_CASE("a model whose schema has no uri-typed `image` input is refused before anything is paid") {
    Library lib;
    REQUIRE(lib.box.run({"config", "set", "embed.model", "andreasjansson/clip-features"}).code == 0);
    const long before = lib.created();
    auto r = lib.box.run({"search", "--index"});
    CHECK(r.code == 2);
    CHECK(r.err.find("no `image` input") != std::string::npos);
    CHECK(lib.created() == before);
    // The default model's schema passes (image: format uri).
    REQUIRE(lib.box.run({"config", "unset", "embed.model"}).code == 0);
    CHECK(lib.box.run({"search", "--index"}).code == 0);
  }

  TEST_CASE("embed.auto: photos at upload and outputs at generation get their vectors") {
    Library lib;
    REQUIRE(lib.box.run({"config", "set", "embed.auto", "true"}).code == 0);
    const long before = lib.created();
    e2e::write_file(lib.files.path() / "purple.jpg", e2e::encode_jpeg(colour(120, 30, 160)));
    auto up = lib.box.run({"upload", "ada", (lib.files.path() / "purple.jpg").string()});
    REQUIRE_MESSAGE(up.code == 0, up.err);
    CHECK(lib.created() == before + 1);
    auto gen = lib.box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell", "on a boat", "-o",
                            (lib.files.path() / "out").string()});
    REQUIRE_MESSAGE(gen.code == 0, gen.err);
    CHECK(lib.created() == before + 3);  // the generation and its output's vector
    auto dry = lib.box.run({"search", "--index", "--dry-run", "--json"}).json();
    CHECK(dry["missing"] == 5);  // only the older photos
    REQUIRE(lib.box.run({"config", "set", "embed.auto", "maybe"}).code == 0);
    CHECK(lib.box.run({"search", "--index", "--dry-run"}).code == 2);
  }

  TEST_CASE("without vectors, or offline with a new query, --semantic and --hybrid fall back to full text") {
    Library lib;
    auto r = lib.box.run({"search", "trees", "--semantic", "--json"});
    CHECK(r.code == 0);
    CHECK(r.err.find("--semantic") != std::string::npos);
    CHECK(r.err.find("--index") != std::string::npos);
    CHECK(std::count(r.err.begin(), r.err.end(), '\n') == 1);  // one line
    REQUIRE(r.json().size() == 1);
    CHECK(r.json()[0]["id"] == lib.green);
    lib.index();
    auto offline = lib.box.run({"search", "trees", "--hybrid", "--json"}, {},
                               {{"REPLICATE_API_BASE_URL", "http://127.0.0.1:9/v1"}});
    CHECK(offline.code == 0);
    CHECK(offline.err.find("--hybrid: the query could not be embedded") != std::string::npos);
    CHECK(offline.json().size() == 1);
    // Nothing matched by the words either: exit 1, as grep.
    auto none = lib.box.run({"search", "zebra", "--semantic"}, {}, {{"REPLICATE_API_BASE_URL", "http://127.0.0.1:9/v1"}});
    CHECK(none.code == 1);
  }
}

// --shard K/N: the partition of a batch and the folders shards write into.
#include <doctest/doctest.h>

#include <fstream>
#include <map>
#include <nlohmann/json.hpp>
#include <sstream>

#include "photoagent/util/error.hpp"
#include "photoagent/workflows/batch_file.hpp"
#include "photoagent/workflows/shard.hpp"
#include "support.hpp"

using namespace photoagent;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::vector<workflows::GenerateRequest> lines_of(const std::string& text, const fs::path& out = "out") {
  std::istringstream in(text);
  workflows::GenerateRequest defaults;
  defaults.out_dir = out;
  std::vector<workflows::GenerateRequest> out_lines;
  for (auto& l : workflows::read_batch(in, "-", defaults)) {
    REQUIRE_MESSAGE(l.error.empty(), (l.where + ": " + l.error));
    out_lines.push_back(l.request);
  }
  return out_lines;
}

std::string batch_text(int from, int to) {
  std::string text;
  for (int i = from; i < to; ++i) {
    json line = {{"prompt", "a lighthouse, study " + std::to_string(i)}};
    if (i % 5 == 0) line["id"] = "item-" + std::to_string(i);
    if (i % 7 == 0) line["style"] = "headshot";
    text += line.dump() + "\n";
  }
  return text;
}

}  // namespace

TEST_SUITE("workflows::shard") {
  TEST_CASE("K/N parses; anything else is a usage error") {
    auto s = workflows::parse_shard("2/3");
    CHECK(s.k == 2);
    CHECK(s.n == 3);
    CHECK(workflows::parse_shard("1/1").active());
    for (const char* bad : {"", "3", "0/3", "4/3", "1/0", "-1/3", "1/-3", "a/b", "1/3x", " 1/3", "1/1001", "1/2/3", "99999/99999"}) {
      try {
        workflows::parse_shard(bad);
        FAIL("accepted '" << bad << "'");
      } catch (const util::Error& e) {
        CHECK(e.code() == util::ExitCode::usage);
        CHECK(e.message().find("--shard") != std::string::npos);
      }
    }
  }

  TEST_CASE("every line is in exactly one shard, the split is balanced, and it is the same everywhere") {
    const auto lines = lines_of(batch_text(0, 3000));
    for (int n : {2, 3, 7}) {
      std::map<int, int> count;
      for (const auto& l : lines) {
        int in = 0;
        for (int k = 1; k <= n; ++k) in += workflows::in_shard(l, {k, n});
        CHECK(in == 1);
        ++count[workflows::shard_of(workflows::shard_key(l), n)];
      }
      const double fair = 3000.0 / n;
      for (int k = 1; k <= n; ++k) {
        CHECK(count[k] > fair * 0.9);  // within 10% of an even split
        CHECK(count[k] < fair * 1.1);
      }
    }
    // Another runner's folder (a CI machine) splits alike: the folder is not in the key.
    const auto elsewhere = lines_of(batch_text(0, 3000), "/somewhere/else/out");
    for (std::size_t i = 0; i < lines.size(); ++i)
      CHECK(workflows::shard_key(lines[i]) == workflows::shard_key(elsewhere[i]));
  }

  TEST_CASE("appending lines moves no other line; what a line says decides its shard") {
    const auto before = lines_of(batch_text(0, 300));
    const auto after = lines_of(batch_text(0, 300) + batch_text(300, 600));
    REQUIRE(after.size() == 600);
    for (std::size_t i = 0; i < before.size(); ++i)
      for (int n : {3, 8}) CHECK(workflows::shard_of(workflows::shard_key(before[i]), n) ==
                                 workflows::shard_of(workflows::shard_key(after[i]), n));
    // An id is the key: editing the prompt of a line with an id keeps its shard.
    auto a = lines_of(R"({"id": "hero", "prompt": "one"})").at(0);
    auto b = lines_of(R"({"id": "hero", "prompt": "two"})").at(0);
    CHECK(workflows::shard_key(a) == workflows::shard_key(b));
    // Without one, every field counts, and so does the occurrence of identical lines.
    auto c = lines_of(R"({"prompt": "one"})").at(0);
    auto d = c;
    d.seed = 5;
    CHECK(workflows::shard_key(c) != workflows::shard_key(d));
    auto e = c;
    e.occurrence = 1;
    CHECK(workflows::shard_key(c) != workflows::shard_key(e));
  }

  TEST_CASE("each shard has its own folder; a folder holding another split is refused") {
    testing::TempDir tmp;
    const auto out = tmp.path() / "out";
    CHECK(workflows::batch_folder(out, {}) == out);  // nothing there yet
    CHECK(workflows::batch_folder(out, {2, 3}) == out / "shard-2-of-3");
    fs::create_directories(out / "shard-1-of-3");
    std::ofstream(out / "shard-1-of-3" / ".photoagent-batch.jsonl") << "\n";
    CHECK(workflows::batch_folder(out, {3, 3}) == out / "shard-3-of-3");  // the same split: fine
    auto refused = [&](workflows::Shard s, const char* says) {
      try {
        workflows::batch_folder(out, s);
        FAIL("not refused");
      } catch (const util::Error& e) {
        CHECK(e.code() == util::ExitCode::usage);
        CHECK_MESSAGE(e.message().find(says) != std::string::npos, e.message());
      }
    };
    refused({1, 4}, "split into 3 (shard-1-of-3), not 4");
    refused({}, "split into 3");  // an unsharded batch over shards
    // An unrelated folder of that shape without a journal is not a shard.
    fs::remove_all(out / "shard-1-of-3");
    fs::create_directories(out / "shard-1-of-5");
    CHECK(workflows::batch_folder(out, {1, 4}) == out / "shard-1-of-4");
    // An unsharded journal: shards there would pay again.
    std::ofstream(out / ".photoagent-batch.jsonl") << "\n";
    refused({1, 2}, "unsharded batch");
    CHECK(workflows::batch_folder(out, {}) == out);
  }

  TEST_CASE("the account's create rate is shared") {
    CHECK(workflows::shard_rate(600, {}) == 600);
    CHECK(workflows::shard_rate(600, {1, 3}) == 200);
    CHECK(workflows::shard_rate(2, {1, 3}) == 1);  // never zero
  }
}

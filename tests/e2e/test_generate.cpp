// generate: single images, styles, chains, batches under faults and crashes.
#include <doctest/doctest.h>

#include <csignal>
#include <fstream>
#include <set>
#include <thread>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Lab : e2e::ReplicateLab {
  explicit Lab(const std::string& config = R"({"prediction_latency_ms":100})") : ReplicateLab(config) {}
  std::vector<json> lines(const e2e::Result& r) {
    std::vector<json> out;
    std::size_t start = 0;
    while (start < r.out.size()) {
      auto nl = r.out.find('\n', start);
      auto line = r.out.substr(start, nl - start);
      if (!line.empty()) {
        auto j = json::parse(line, nullptr, false);
        REQUIRE_MESSAGE(!j.is_discarded(), (std::string("not JSON: ") + line));
        out.push_back(j);
      }
      if (nl == std::string::npos) break;
      start = nl + 1;
    }
    return out;
  }
  fs::path write_batch(const std::string& name, int n) {
    auto path = out.path() / name;
    std::ofstream f(path);
    for (int i = 0; i < n; ++i) f << json{{"prompt", "a lighthouse, study " + std::to_string(i)}}.dump() << "\n";
    return path;
  }
};

std::size_t images_in(const fs::path& dir) {
  std::size_t n = 0;
  if (!fs::exists(dir)) return 0;
  for (const auto& e : fs::directory_iterator(dir)) {
    if (!e.is_regular_file() || e.path().extension() != ".png") continue;
    auto bytes = e2e::read_file(e.path());
    REQUIRE_MESSAGE(bytes.rfind("\x89PNG", 0) == 0, e.path().string());  // complete, real PNGs only
    ++n;
  }
  return n;
}

}  // namespace

TEST_SUITE("e2e::generate") {
  TEST_CASE("a base model: files written with metadata, JSON fields, and a rerun pays nothing") {
    Lab lab;
    auto dir = lab.out.path() / "single";
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a red fox in snow", "-n", "2",
                          "-o", dir.string(), "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto doc = lab.lines(r).at(0);
    for (const char* k : {"key", "prompt", "style", "model", "version", "seed", "replicate_id", "status", "files", "cost_usd", "error"})
      CHECK_MESSAGE(doc.contains(k), k);
    CHECK(doc["status"] == "succeeded");
    CHECK(doc["files"].size() == 2);
    const auto file = doc["files"][0].get<std::string>();
    CHECK(fs::exists(file));
    CHECK(e2e::read_file(file).find("a red fox in snow") != std::string::npos);  // embedded metadata
    CHECK(lab.created() == 1);
    auto again = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a red fox in snow", "-n", "2",
                              "-o", dir.string(), "--json"});
    CHECK(again.code == 0);
    CHECK(lab.lines(again).at(0)["files"] == doc["files"]);
    CHECK(lab.created() == 1);
    CHECK(images_in(dir) == 2);
  }

  TEST_CASE("-n splits by the model's num_outputs; styles shape the request") {
    Lab lab;
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a studio portrait", "--style", "headshot",
                          "-n", "6", "-o", lab.out.path().string(), "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto docs = lab.lines(r);
    CHECK(docs.size() == 2);  // 4 + 2
    std::size_t files = 0;
    for (const auto& d : docs) {
      files += d["files"].size();
      CHECK(d["style"] == "headshot");
    }
    CHECK(files == 6);
    // headshot is 3:4: the emulator renders the asked aspect ratio.
    auto png = e2e::read_file(docs[0]["files"][0].get<std::string>());
    auto be32 = [&](std::size_t at) {
      return (unsigned(static_cast<unsigned char>(png[at])) << 24) | (unsigned(static_cast<unsigned char>(png[at + 1])) << 16) |
             (unsigned(static_cast<unsigned char>(png[at + 2])) << 8) | unsigned(static_cast<unsigned char>(png[at + 3]));
    };
    CHECK(be32(16) < be32(20));
    auto styles = lab.box.run({"generate", "--list-styles", "--json"}).json();
    std::set<std::string> names;
    for (const auto& s : styles) names.insert(s["name"].get<std::string>());
    for (const char* s : {"headshot", "full-body", "linkedin", "instagram", "dating", "gym", "ghibli", "cinematic",
                          "product-studio", "product-lifestyle"})
      CHECK_MESSAGE(names.count(s) == 1, s);
    CHECK(lab.box.run({"generate", "x", "--style", "nope"}).code == 2);
  }

  TEST_CASE("a trained model runs by version with the trigger word; upscale and face restore chain") {
    Lab lab(R"({"prediction_latency_ms":100,"training_duration_ms":300})");
    auto& box = lab.box;
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    for (int i = 0; i < 10; ++i)
      e2e::write_file(lab.out.path() / ("p" + std::to_string(i) + ".jpg"),
                      e2e::encode_jpeg(e2e::pattern(200, 200, 3, static_cast<unsigned>(i))));
    REQUIRE(box.run({"upload", "ada", lab.out.path().string()}).code == 0);
    REQUIRE(box.run({"train", "ada", "--wait"}, "", {}, 120).code == 0);
    auto version = box.run({"status", "--json", "--offline"}).json()["trainings"][0]["version"].get<std::string>();
    auto r = box.run({"generate", "ada", "on a sailboat", "--upscale", "--face-restore", "-o",
                      (lab.out.path() / "g").string(), "--json"}, "", {}, 120);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto d = lab.lines(r).at(0);
    CHECK(d["model"] == "ada-lab/ada");
    CHECK(version.find(d["version"].get<std::string>()) != std::string::npos);
    CHECK(d["files"].size() == 3);  // the output, restored, then upscaled
    CHECK(lab.created() == 3);
    auto plan = box.run({"generate", "ada", "on a sailboat", "--dry-run", "--json"}).json();
    CHECK(plan["predictions"][0]["input"]["prompt"].get<std::string>().find("TOK_ADA") != std::string::npos);
    CHECK(lab.created() == 3);  // --dry-run sends nothing
  }

  TEST_CASE("--no-wait returns an id that --collect fetches later") {
    Lab lab(R"({"prediction_latency_ms":600})");
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "a kite", "--no-wait", "-o",
                          lab.out.path().string()});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    CHECK(r.out == "g1\n");
    auto pending = lab.box.run({"status", "--json", "--offline"}).json()["predictions"];
    REQUIRE(pending.size() == 1);
    CHECK(pending[0]["prompt"] == "a kite");
    auto c = lab.box.run({"generate", "--collect", "g1", "--json"});
    REQUIRE_MESSAGE(c.code == 0, c.err);
    CHECK(lab.lines(c).at(0)["files"].size() == 1);
    CHECK(lab.created() == 1);
  }

  TEST_CASE("a batch of 200 with 10% injected faults: 200 valid images, exactly 200 predictions") {
    Lab lab(R"({"prediction_latency_ms":[20,120]})");
    lab.cloud.post("/_fake/config", {{"seed", 7}, {"faults", {
        {{"route", "POST /v1/models/black-forest-labs/flux-schnell/predictions"}, {"kind", "status"}, {"status", 429}, {"retry_after", 1}, {"rate", 0.03}},
        {{"route", "POST /v1/models/black-forest-labs/flux-schnell/predictions"}, {"kind", "status"}, {"status", 503}, {"rate", 0.02}},
        {{"route", "POST /v1/models/black-forest-labs/flux-schnell/predictions"}, {"kind", "drop_after"}, {"rate", 0.02}},
        {{"route", "GET /v1/predictions/*"}, {"kind", "drop"}, {"rate", 0.02}},
        {{"route", "GET /_delivery/*"}, {"kind", "truncate"}, {"rate", 0.03}}}}});
    auto batch = lab.write_batch("prompts.jsonl", 200);
    auto dir = lab.out.path() / "batch";
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                          "--concurrency", "16", "-o", dir.string(), "--json"}, "", {}, 300);
    CHECK_MESSAGE(r.code == 0, r.err);
    auto docs = lab.lines(r);
    CHECK(docs.size() == 200);
    for (const auto& d : docs) CHECK_MESSAGE(d["error"].is_null(), d.dump());
    CHECK(images_in(dir) == 200);
    CHECK(lab.created() == 200);
    CHECK(lab.cloud.stats()["faults_injected"].get<long>() > 10);
  }

  TEST_CASE("kill -9 three times during a batch of 200, then the same command: all 200, none paid twice") {
    Lab lab(R"({"prediction_latency_ms":[200,400]})");
    auto batch = lab.write_batch("prompts.jsonl", 200);
    auto dir = lab.out.path() / "crash";
    const std::vector<std::string> cmd{"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                                       "--concurrency", "8", "-o", dir.string(), "--json"};
    for (int round = 0; round < 3; ++round) {
      auto killed = lab.box.run_and_signal(cmd, SIGKILL, 1200);
      CHECK(killed.code == 128 + SIGKILL);
    }
    CHECK(images_in(dir) < 200);
    auto r = lab.box.run(cmd, "", {}, 300);
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(lab.lines(r).size() == 200);
    CHECK(images_in(dir) == 200);
    CHECK(lab.created() == 200);
  }

  TEST_CASE("Ctrl-C stops creating, exits 130; the next run finishes without paying twice") {
    Lab lab(R"({"prediction_latency_ms":[300,500]})");
    auto batch = lab.write_batch("prompts.jsonl", 60);
    auto dir = lab.out.path() / "int";
    const std::vector<std::string> cmd{"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                                       "--concurrency", "4", "-o", dir.string(), "--json"};
    auto stopped = lab.box.run_and_signal(cmd, SIGINT, 1000);
    CHECK(stopped.code == 130);
    CHECK(stopped.err.find("run the same command again") != std::string::npos);
    CHECK(lab.created() < 60);
    auto r = lab.box.run(cmd, "", {}, 120);
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(images_in(dir) == 60);
    CHECK(lab.created() == 60);
  }

  TEST_CASE("a fresh CI runner with only the cached output folder resumes a killed batch without paying twice") {
    Lab lab(R"({"prediction_latency_ms":[300,600]})");
    auto batch = lab.write_batch("prompts.jsonl", 40);
    auto dir = lab.out.path() / "cached-output";
    const std::vector<std::string> cmd{"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                                       "--concurrency", "8", "-o", dir.string(), "--json"};
    auto killed = lab.box.run_and_signal(cmd, SIGKILL, 900);
    CHECK(killed.code == 128 + SIGKILL);
    CHECK(fs::exists(dir / ".photoagent-batch.jsonl"));
    const long before = lab.created();
    CHECK(before > 0);
    CHECK(images_in(dir) < 40);
    // A new runner: empty cache and config, the output folder restored from its cache.
    e2e::TempDir fresh;
    REQUIRE(lab.box.run({"login", "--replicate", "--with-token"}, "r8_good",
                        {{"PHOTOAGENT_HOME", (fresh.path() / "data").string()},
                         {"PHOTOAGENT_CONFIG_DIR", (fresh.path() / "config").string()}}).code == 0);
    auto r = lab.box.run(cmd, "", {{"PHOTOAGENT_HOME", (fresh.path() / "data").string()},
                                   {"PHOTOAGENT_CONFIG_DIR", (fresh.path() / "config").string()}}, 120);
    CHECK_MESSAGE(r.code == 0, r.err);
    CHECK(r.err.find("Resuming") != std::string::npos);
    CHECK(images_in(dir) == 40);
    CHECK(lab.created() == 40);  // in-flight creates were found, not repeated
    // Complete: the journal is compacted to one record per item, each with its file.
    std::ifstream journal(dir / ".photoagent-batch.jsonl");
    std::set<std::string> keys;
    for (std::string line; std::getline(journal, line);) {
      auto rec = json::parse(line);
      CHECK(rec["files"].size() == 1);
      keys.insert(rec["key"].get<std::string>());
    }
    CHECK(keys.size() == 40);
  }

  TEST_CASE("a resume that cannot account for every item exits 6, paying nothing again") {
    Lab lab(R"({"prediction_latency_ms":[20,60]})");
    auto batch = lab.write_batch("prompts.jsonl", 6);
    auto dir = lab.out.path() / "cached-output";
    const std::vector<std::string> cmd{"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                                       "--concurrency", "3", "-o", dir.string(), "--json"};
    auto first = lab.box.run(cmd, "", {}, 120);
    REQUIRE_MESSAGE(first.code == 0, first.err);
    REQUIRE(images_in(dir) == 6);
    // One item's file is lost and Replicate no longer has its output.
    const auto file = dir / ".photoagent-batch.jsonl";
    std::vector<json> recs;
    {
      std::ifstream in(file);
      for (std::string line; std::getline(in, line);) recs.push_back(json::parse(line));
    }
    REQUIRE(recs.size() == 6);
    for (const auto& f : recs[0]["files"]) fs::remove(f.get<std::string>());
    recs[0]["output"] = json::array({lab.cloud.origin() + "/_delivery/gone/out-0.png"}).dump();
    {
      std::ofstream out(file, std::ios::trunc);
      for (const auto& r : recs) out << r.dump() << "\n";
    }
    e2e::TempDir fresh;
    const std::map<std::string, std::string> env{{"PHOTOAGENT_HOME", (fresh.path() / "data").string()},
                                                 {"PHOTOAGENT_CONFIG_DIR", (fresh.path() / "config").string()}};
    REQUIRE(lab.box.run({"login", "--replicate", "--with-token"}, "r8_good", env).code == 0);
    auto r = lab.box.run(cmd, "", env, 120);
    CHECK_MESSAGE(r.code == 6, r.err);
    CHECK(images_in(dir) == 5);
    CHECK(lab.created() == 6);  // the lost one is reported, not paid for again
    std::size_t failed = 0;
    for (const auto& d : lab.lines(r)) failed += !d["error"].is_null();
    CHECK(failed == 1);
  }

  TEST_CASE("two batches into one folder at once: the second is refused") {
    Lab lab(R"({"prediction_latency_ms":[400,600]})");
    auto batch = lab.write_batch("prompts.jsonl", 20);
    auto dir = lab.out.path() / "shared";
    const std::vector<std::string> cmd{"generate", "--model", "black-forest-labs/flux-schnell", "--batch", batch.string(),
                                       "--concurrency", "2", "-o", dir.string()};
    e2e::Result first;
    std::thread t([&] { first = lab.box.run(cmd, "", {}, 120); });
    std::this_thread::sleep_for(std::chrono::milliseconds(700));
    auto second = lab.box.run(cmd);
    t.join();
    CHECK(first.code == 0);
    CHECK(second.code == 1);
    CHECK(second.err.find("another photoagent") != std::string::npos);
  }

  TEST_CASE("--provider huggingface: images from HF inference, a loading model waited for, nothing asked twice") {
    Lab lab(R"({"hf_loading_count":1})");
    REQUIRE(lab.box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    auto dir = lab.out.path() / "hf";
    const std::vector<std::string> cmd{"generate", "--provider", "huggingface", "--model", "stabilityai/stable-diffusion-3-medium-diffusers",
                                       "a lighthouse at dusk", "--style", "cinematic", "-n", "2", "-o", dir.string(), "--json"};
    auto r = lab.box.run(cmd, "", {}, 60);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto docs = lab.lines(r);
    REQUIRE(docs.size() == 2);
    for (const auto& d : docs) {
      CHECK(d["status"] == "succeeded");
      CHECK(d["replicate_id"].is_null());
      REQUIRE(d["files"].size() == 1);
      CHECK(e2e::read_file(d["files"][0].get<std::string>()).rfind("\xFF\xD8", 0) == 0);  // the JPEG the Hub sent
    }
    auto stats = lab.cloud.stats();
    CHECK(stats["hf_images_generated"] == 2);
    CHECK(stats["hf_loading_answers"] == 1);  // one 503 "currently loading", then the image
    CHECK(lab.created() == 0);                // no Replicate prediction
    CHECK(lab.box.run(cmd).code == 0);
    CHECK(lab.cloud.stats()["hf_images_generated"] == 2);
    auto missing = lab.box.run({"generate", "--provider", "huggingface", "--model", "nobody/does-not-exist-1", "x", "-o", dir.string()});
    CHECK(missing.code == 3);  // the provider pre-check finds no such model on the Hub
    CHECK(missing.err.find("does not exist") != std::string::npos);
    CHECK(lab.box.run({"generate", "--provider", "huggingface", "x"}).code == 2);
  }

  TEST_CASE("bad batch lines are reported by number, the rest run, exit 6") {
    Lab lab;
    auto path = lab.out.path() / "mixed.jsonl";
    std::ofstream(path) << R"({"prompt":"ok one"})" << "\n" << "not json\n" << R"({"promt":"typo"})" << "\n"
                        << R"({"prompt":"ok two","seed":5})" << "\n";
    auto r = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "--batch", path.string(), "-o",
                          lab.out.path().string(), "--json"});
    CHECK(r.code == 6);
    CHECK(lab.lines(r).size() == 2);
    CHECK(r.err.find("mixed.jsonl:2") != std::string::npos);
    CHECK(r.err.find("mixed.jsonl:3") != std::string::npos);
    CHECK(r.err.find("promt") != std::string::npos);
  }
}

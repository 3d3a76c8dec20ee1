// generate --rerun g12: the same model version, input and seed; overrides
// change only the field they name.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "helpers.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

constexpr const char* kOld = "39ed52f2a78e934b3ba6e2a89f5b1c712de7dfea535525255b1aa35c5565e08b";

struct Lab : e2e::ReplicateLab {
  // The emulator answers with the version asked for, so what was sent can be read back.
  Lab() : ReplicateLab(R"({"prediction_latency_ms":50,"answer_latest_version":false})") {}

  json generate(std::vector<std::string> args) {
    args.insert(args.begin(), "generate");
    for (const char* a : {"--json", "-o"}) args.push_back(a);
    args.push_back(out.path().string());
    auto r = box.run(args);
    REQUIRE_MESSAGE(r.code == 0, r.err);
    auto doc = json::parse(r.out.substr(0, r.out.find('\n')));
    REQUIRE(doc["status"] == "succeeded");
    return doc;
  }
  // The prediction as Replicate holds it (input and version as created).
  json remote(const json& doc) {
    auto r = e2e::run_process({"/usr/bin/curl", "-sS", "-H", "Authorization: Bearer r8_good",
                               cloud.origin() + "/v1/predictions/" + doc["replicate_id"].get<std::string>()},
                              {});
    REQUIRE(r.code == 0);
    return json::parse(r.out);
  }
};

// `a` without the keys in `except`.
json without(json a, std::initializer_list<const char*> except) {
  for (const char* k : except) a.erase(k);
  return a;
}

}  // namespace

TEST_SUITE("e2e::rerun") {
  TEST_CASE("a rerun sends the original's version and input again; run again it pays nothing") {
    Lab lab;
    const auto first = lab.generate({"--model", std::string("stability-ai/sdxl:") + kOld, "a red fox in snow",
                                     "--style", "headshot"});
    const auto original = lab.remote(first);
    REQUIRE(original["version"] == kOld);  // an older version than the model's latest
    auto again = lab.generate({"--rerun", first["id"].get<std::string>()});
    CHECK(again["replicate_id"] != first["replicate_id"]);  // a new prediction
    CHECK(again["id"] != first["id"]);
    const auto rerun = lab.remote(again);
    CHECK(rerun["version"] == kOld);
    CHECK(rerun["input"] == original["input"]);
    CHECK(again["seed"] == first["seed"]);
    CHECK(again["prompt"] == "a red fox in snow");
    CHECK(again["style"] == "headshot");
    CHECK(lab.created() == 2);
    // The same rerun again is the same prediction: nothing paid twice.
    auto third = lab.generate({"--rerun", first["id"].get<std::string>()});
    CHECK(third["replicate_id"] == again["replicate_id"]);
    CHECK(lab.created() == 2);
    // By Replicate's id too; an official model (no version) the same way.
    const auto schnell = lab.generate({"--model", "black-forest-labs/flux-schnell", "a quiet harbour", "-n", "2"});
    const auto by_id = lab.generate({"--rerun", schnell["replicate_id"].get<std::string>()});
    CHECK(lab.remote(by_id)["input"] == lab.remote(schnell)["input"]);
    CHECK(by_id["files"].size() == 2);
  }

  TEST_CASE("--seed, --prompt and --style change only what they name") {
    Lab lab;
    const auto first = lab.generate({"--model", std::string("stability-ai/sdxl:") + kOld, "a red fox in snow",
                                     "--style", "headshot"});
    const auto id = first["id"].get<std::string>();
    const json in = lab.remote(first)["input"];
    REQUIRE(in.contains("seed"));
    REQUIRE(in.contains("negative_prompt"));

    const json seeded = lab.remote(lab.generate({"--rerun", id, "--seed", "42"}))["input"];
    CHECK(seeded["seed"] == 42);
    CHECK(without(seeded, {"seed"}) == without(in, {"seed"}));

    const json prompted = lab.remote(lab.generate({"--rerun", id, "--prompt", "a grey wolf at dusk"}))["input"];
    std::string expected = in["prompt"].get<std::string>();
    expected.replace(expected.find("a red fox in snow"), std::string("a red fox in snow").size(), "a grey wolf at dusk");
    CHECK(prompted["prompt"] == expected);  // the headshot template around the new text
    CHECK(without(prompted, {"prompt"}) == without(in, {"prompt"}));

    const auto restyled_doc = lab.generate({"--rerun", id, "--style", "ghibli"});
    CHECK(restyled_doc["style"] == "ghibli");
    const json restyled = lab.remote(restyled_doc)["input"];
    const auto prompt = restyled["prompt"].get<std::string>();
    CHECK(prompt.starts_with("Studio Ghibli style illustration of a person, a red fox in snow,"));
    CHECK(restyled["negative_prompt"] == "photo, realistic, 3d render");
    CHECK(restyled["lora_scale"] == 0.8);  // the ghibli preset's input, which sdxl takes
    CHECK(restyled["seed"] == in["seed"]);
    CHECK(without(restyled, {"prompt", "negative_prompt", "lora_scale"}) == without(in, {"prompt", "negative_prompt"}));
    CHECK(lab.created() == 4);

    // --dry-run shows the input and creates nothing.
    auto dry = lab.box.run({"generate", "--rerun", id, "--seed", "7", "--dry-run", "--json"});
    REQUIRE_MESSAGE(dry.code == 0, dry.err);
    CHECK(json::parse(dry.out)["predictions"][0]["input"]["seed"] == 7);
    CHECK(lab.created() == 4);
  }

  TEST_CASE("--rerun usage: unknown ids, flags that would change it, --prompt alone") {
    Lab lab;
    const auto first = lab.generate({"--model", "black-forest-labs/flux-schnell", "a red fox"});
    const auto id = first["id"].get<std::string>();
    auto missing = lab.box.run({"generate", "--rerun", "g999"});
    CHECK(missing.code == 3);
    CHECK(missing.err.find("no generation 'g999'") != std::string::npos);
    for (const std::vector<std::string>& extra : std::vector<std::vector<std::string>>{
             {"--model", "stability-ai/sdxl"}, {"-n", "2"}, {"--aspect", "1:1"}, {"--input", "go_fast=true"},
             {"a new prompt"}, {"--batch", "x.jsonl"}}) {
      std::vector<std::string> args{"generate", "--rerun", id};
      args.insert(args.end(), extra.begin(), extra.end());
      auto r = lab.box.run(args);
      CHECK_MESSAGE(r.code == 2, extra.front());
      CHECK(r.err.find("repeats that generation as it was") != std::string::npos);
    }
    auto lone = lab.box.run({"generate", "--model", "black-forest-labs/flux-schnell", "x", "--prompt", "y"});
    CHECK(lone.code == 2);
    CHECK(lone.err.find("--prompt goes with --rerun") != std::string::npos);
    auto no_seed_style = lab.box.run({"generate", "--rerun", id, "--style", "nope"});
    CHECK(no_seed_style.code == 2);
    auto huge_seed = lab.box.run({"generate", "--rerun", id, "--seed", "4294967296"});
    CHECK(huge_seed.code == 2);
    CHECK(huge_seed.err.find("seed") != std::string::npos);
    CHECK(lab.created() == 1);
  }

  TEST_CASE("a Hugging Face generation reruns on Hugging Face, with the same input") {
    Lab lab;
    REQUIRE(lab.box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    const std::vector<std::string> original{"--provider", "huggingface", "--model",
                                            "stabilityai/stable-diffusion-3-medium-diffusers", "a lighthouse at dusk",
                                            "--style", "cinematic"};
    auto dry = [&](std::vector<std::string> args) {
      args.insert(args.begin(), "generate");
      for (const char* a : {"--dry-run", "--json", "-o"}) args.push_back(a);
      args.push_back(lab.out.path().string());
      auto r = lab.box.run(args);
      REQUIRE_MESSAGE(r.code == 0, r.err);
      return json::parse(r.out)["predictions"][0]["input"];
    };
    const json sent = dry(original);  // what the original sends (its seed is derived, so the same)
    const auto first = lab.generate(original);
    const auto id = first["id"].get<std::string>();
    CHECK(dry({"--rerun", id}) == sent);
    json seeded = dry({"--rerun", id, "--seed", "9"});
    CHECK(seeded["parameters"]["seed"] == 9);
    seeded["parameters"]["seed"] = sent["parameters"]["seed"];
    CHECK(seeded == sent);
    const json restyled = dry({"--rerun", id, "--style", "headshot"});
    CHECK(restyled["inputs"].get<std::string>().starts_with("professional headshot photo of a person, a lighthouse at dusk,"));
    CHECK(restyled["parameters"]["negative_prompt"] == "blurry, deformed, extra fingers, watermark, text");
    CHECK(restyled["parameters"]["width"].get<int>() < restyled["parameters"]["height"].get<int>());  // 3:4, not 16:9
    CHECK(restyled["parameters"]["seed"] == sent["parameters"]["seed"]);
    const auto again = lab.generate({"--rerun", id});
    CHECK(again["files"].size() == 1);
    CHECK(lab.cloud.stats()["hf_images_generated"] == 2);
    CHECK(lab.created() == 0);  // nothing on Replicate
  }

  TEST_CASE("a trained project's generation reruns by its version, in its project, with the trigger word") {
    Lab lab;
    lab.cloud.post("/_fake/config", {{"training_duration_ms", 300}});
    REQUIRE(lab.box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    const auto photos = lab.out.path() / "photos";
    fs::create_directories(photos);
    for (int i = 0; i < 10; ++i)
      e2e::write_file(photos / ("p" + std::to_string(i) + ".jpg"),
                      e2e::encode_jpeg(e2e::pattern(200, 200, 3, static_cast<unsigned>(i))));
    REQUIRE(lab.box.run({"upload", "ada", photos.string()}).code == 0);
    REQUIRE(lab.box.run({"train", "ada", "--wait"}, "", {}, 120).code == 0);
    const auto first = lab.generate({"ada", "on a sailboat"});
    const json in = lab.remote(first)["input"];
    REQUIRE(in["prompt"] == "TOK_ADA on a sailboat");
    // A second project as the default: the rerun still runs in ada's.
    REQUIRE(lab.box.run({"project", "create", "bob", "--kind", "person"}).code == 0);
    REQUIRE(lab.box.run({"project", "use", "bob"}).code == 0);
    const auto again = lab.generate({"--rerun", first["id"].get<std::string>(), "--prompt", "on a mountain top"});
    const json rerun = lab.remote(again);
    CHECK(rerun["version"] == lab.remote(first)["version"]);
    CHECK(rerun["input"]["prompt"] == "TOK_ADA on a mountain top");
    CHECK(without(rerun["input"], {"prompt"}) == without(in, {"prompt"}));
    CHECK(again["model"] == first["model"]);
    auto images = lab.box.run({"project", "images", "ada", "--source", "generated", "--json"});
    REQUIRE(images.code == 0);
    CHECK(images.json().size() == 2);  // the rerun's output is kept with ada's outputs
  }

  TEST_CASE("a rerun keeps to the spend caps") {
    Lab lab;
    const auto id = lab.generate({"--model", "black-forest-labs/flux-schnell", "a red fox"})["id"].get<std::string>();
    auto over = lab.box.run({"generate", "--rerun", id, "--seed", "3", "--max-cost", "0.0001", "-o", lab.out.path().string()});
    CHECK(over.code == 2);  // the estimate ($0.003 an image) is over: nothing paid
    CHECK(over.err.find("0.0001") != std::string::npos);
    auto held = lab.box.run({"generate", "--rerun", id, "--seed", "3", "--max-predictions", "0", "-o", lab.out.path().string()});
    CHECK_MESSAGE(held.code == 6, held.err);
    CHECK(held.err.find("spend cap reached") != std::string::npos);
    CHECK(lab.created() == 1);
    auto ok = lab.box.run({"generate", "--rerun", id, "--seed", "3", "--max-predictions", "1", "-o", lab.out.path().string()});
    CHECK_MESSAGE(ok.code == 0, ok.err);
    CHECK(lab.created() == 2);
  }
}

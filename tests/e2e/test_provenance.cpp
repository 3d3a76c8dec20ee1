// search --file PATH: which generation made a file (by its bytes in the
// cache, then by the metadata photoagent embedded), and the command that
// makes it again, run here to show it sends the same input.
#include <doctest/doctest.h>

#include "harness.hpp"
#include "pictures.hpp"

using e2e::FakeCloud;
using e2e::Sandbox;
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

struct Made {
  FakeCloud cloud{{"--config-json", R"({"prediction_latency_ms":20})"}};
  Sandbox box{cloud};
  e2e::TempDir files;
  fs::path output;
  json generated;  // generate's JSON line

  Made() {
    REQUIRE(box.run({"login", "--replicate", "--with-token"}, "r8_good").code == 0);
    REQUIRE(box.run({"project", "create", "ada", "--kind", "person"}).code == 0);
    auto gen = box.run({"generate", "-p", "ada", "--model", "black-forest-labs/flux-schnell",
                        "TOK on Ada's sailboat", "--style", "headshot", "--seed", "42", "--guidance", "3.5",
                        "--input", "go_fast=false", "--input", "megapixels=\"1\"", "-o", (files.path() / "out").string(), "--json"});
    REQUIRE_MESSAGE(gen.code == 0, gen.err);
    generated = gen.json();
    output = generated["files"][0].get<std::string>();
  }

  json file_json(const Sandbox& b, const fs::path& file, int want = 0) const {
    auto r = b.run({"search", "--file", file.string(), "--json"});
    REQUIRE_MESSAGE(r.code == want, r.err);
    return r.json();
  }

  // Runs a printed command through the shell, as a user would paste it.
  e2e::Result paste(const std::string& command, const std::string& extra) const {
    REQUIRE(command.rfind("photoagent generate ", 0) == 0);
    const std::string line = std::string("'") + PHOTOAGENT_BIN + "'" + command.substr(std::string("photoagent").size()) + extra;
    return e2e::run_process({"/bin/sh", "-c", line}, box.env);
  }
};

}  // namespace

TEST_SUITE("e2e::provenance") {
  TEST_CASE("by content: prompt, model, version, seed, input, and a command that sends the same input") {
    Made m;
    const json hits = m.file_json(m.box, m.output);
    REQUIRE(hits.size() == 1);
    const json& hit = hits[0];
    CHECK(hit["found_by"] == "sha256");
    CHECK(hit["project"] == "ada");
    CHECK(hit["source"] == "generated");
    CHECK(hit["path"] == m.output.string());
    const json& g = hit["generation"];
    CHECK(g["id"] == m.generated["id"]);
    CHECK(g["model"] == "black-forest-labs/flux-schnell");
    CHECK(g["version"].is_null());  // an official model runs by name
    CHECK(g["seed"] == 42);
    CHECK(g["input"]["seed"] == 42);
    CHECK(g["input"]["go_fast"] == false);
    CHECK(g["input"]["megapixels"] == "1");
    CHECK(g["input"]["prompt"].get<std::string>().find("TOK on Ada's sailboat") != std::string::npos);
    const std::string cmd = g["command"];
    CHECK(cmd.find(" --seed 42") != std::string::npos);
    CHECK(cmd.find(" --model black-forest-labs/flux-schnell") != std::string::npos);
    CHECK(cmd.find("--input 'megapixels=\"1\"'") != std::string::npos);  // a string that reads as a number stays one
    CHECK(cmd.find("output_format") == std::string::npos);              // the default is left out
    // Run it: a new prediction whose input is the same as the first one's.
    auto again = m.paste(cmd, " -o '" + (m.files.path() / "again").string() + "' --json");
    REQUIRE_MESSAGE(again.code == 0, again.err);
    const fs::path second = again.json()["files"][0].get<std::string>();
    const json g2 = m.file_json(m.box, second)[0]["generation"];
    CHECK(g2["id"] != g["id"]);
    CHECK(g2["input"] == g["input"]);
    CHECK(g2["command"] == g["command"]);
    // The text form names the same things.
    auto text = m.box.run({"search", "--file", m.output.string()});
    CHECK(text.code == 0);
    CHECK(text.out.find("found by    sha256 (image ") != std::string::npos);
    CHECK(text.out.find("seed        42\n") != std::string::npos);
    CHECK(text.out.find("command     " + cmd + "\n") != std::string::npos);
  }

  TEST_CASE("by embedded metadata: a changed copy here, and the bare file in another cache") {
    Made m;
    const fs::path copy = m.files.path() / "copy.png";
    e2e::write_file(copy, e2e::read_file(m.output) + "trailing bytes");  // another sha256, same metadata
    const json here = m.file_json(m.box, copy)[0];
    CHECK(here["found_by"] == "metadata");
    CHECK(here["id"].is_null());  // no image row holds these bytes
    CHECK(here["generation"]["id"] == m.generated["id"]);
    CHECK(here["generation"]["seed"] == 42);

    Sandbox elsewhere(m.cloud);
    const json there = m.file_json(elsewhere, m.output)[0];
    CHECK(there["found_by"] == "metadata");
    CHECK(there["generation"]["id"].is_null());
    CHECK(there["generation"]["model"] == "black-forest-labs/flux-schnell");
    CHECK(there["generation"]["seed"] == 42);
    const std::string cmd = there["generation"]["command"];
    CHECK(cmd.find(" -p ") == std::string::npos);  // no project known there
    CHECK(cmd.find(" --seed 42") != std::string::npos);
  }

  TEST_CASE("Hugging Face output without a project: found by the file generate wrote, command with --provider") {
    FakeCloud cloud;
    Sandbox box{cloud};
    e2e::TempDir files;
    REQUIRE(box.run({"login", "--huggingface", "--with-token"}, "hf_good").code == 0);
    auto gen = box.run({"generate", "--provider", "huggingface", "--model", "stabilityai/stable-diffusion-3-medium-diffusers",
                        "a lighthouse at dusk", "--seed", "9", "--steps", "20", "-o", (files.path() / "hf").string(), "--json"});
    REQUIRE_MESSAGE(gen.code == 0, gen.err);
    const json made = gen.json();
    auto r = box.run({"search", "--file", made["files"][0].get<std::string>(), "--json"});
    REQUIRE_MESSAGE(r.code == 0, r.err);
    const json g = r.json()[0]["generation"];
    CHECK(r.json()[0]["found_by"] == "metadata");  // no project: no cached copy to match by content
    CHECK(g["id"] == made["id"]);
    CHECK(g["model"] == "hf:stabilityai/stable-diffusion-3-medium-diffusers");
    CHECK(g["seed"] == 9);
    CHECK(g["command"] == "photoagent generate 'a lighthouse at dusk' --provider huggingface --model "
                         "stabilityai/stable-diffusion-3-medium-diffusers --seed 9 --input num_inference_steps=20");
  }

  TEST_CASE("unknown files, uploaded photos and usage: exit 1, 3 and 2") {
    Made m;
    const fs::path plain = m.files.path() / "plain.jpg";
    e2e::write_file(plain, e2e::encode_jpeg(e2e::pattern(64, 64, 3, 3)));
    auto unknown = m.box.run({"search", "--file", plain.string(), "--json"});
    CHECK(unknown.code == 1);
    CHECK(unknown.json() == json::array());
    CHECK(unknown.err.find("No generation known for ") != std::string::npos);

    REQUIRE(m.box.run({"upload", "ada", plain.string()}).code == 0);
    auto photo = m.box.run({"search", "--file", plain.string(), "--json"});
    CHECK(photo.code == 1);
    CHECK(photo.json()[0]["generation"].is_null());
    CHECK(photo.json()[0]["source"] == "upload");

    CHECK(m.box.run({"search", "--file", (m.files.path() / "nope.png").string()}).code == 3);
    CHECK(m.box.run({"search", "sailboat", "--file", m.output.string()}).code == 2);
  }
}

// search --file: the reproducing command (reproduce_command, shell_quote).
// The lookups themselves run end to end in tests/e2e/test_provenance.cpp.
#include <doctest/doctest.h>

#include "photoagent/workflows/provenance.hpp"

namespace wf = photoagent::workflows;

TEST_SUITE("workflows::provenance") {
  TEST_CASE("shell_quote: safe words as they are, anything else in single quotes") {
    CHECK(wf::shell_quote("black-forest-labs/flux-dev:abc") == "black-forest-labs/flux-dev:abc");
    CHECK(wf::shell_quote("aspect_ratio=16:9") == "aspect_ratio=16:9");
    CHECK(wf::shell_quote("") == "''");
    CHECK(wf::shell_quote("a red fox") == "'a red fox'");
    CHECK(wf::shell_quote("Ada's $HOME `x` \"y\"") == "'Ada'\\''s $HOME `x` \"y\"'");
  }

  TEST_CASE("Replicate: model:version, -n, --seed, --input for the rest; the default format left out") {
    wf::Provenance p;
    p.purpose = "generate";
    p.project = "ada";
    p.model = "black-forest-labs/flux-dev";
    p.version = "abc123";
    p.seed = 7;
    p.input = R"({"prompt":"TOK on a boat","seed":7,"num_outputs":2,"output_format":"png","guidance":3.5,)"
              R"("megapixels":"1","go_fast":false,"aspect_ratio":"16:9","extra":{"a":[1,2]}})";
    CHECK(wf::reproduce_command(p, "png") ==
          "photoagent generate -p ada 'TOK on a boat' --model black-forest-labs/flux-dev:abc123 -n 2 --seed 7"
          " --input aspect_ratio=16:9 --input 'extra={\"a\":[1,2]}' --input go_fast=false --input guidance=3.5"
          " --input 'megapixels=\"1\"'");
    // Another format is an input of its own; a prompt that starts with '-' goes after "--".
    p.project.clear();
    p.version.clear();
    p.input = R"({"prompt":"-dash first","seed":7,"output_format":"webp"})";
    CHECK(wf::reproduce_command(p, "png") ==
          "photoagent generate --model black-forest-labs/flux-dev --seed 7 --input output_format=webp -- '-dash first'");
  }

  TEST_CASE("Hugging Face: --provider, the prompt from inputs, the seed from parameters") {
    wf::Provenance p;
    p.purpose = "generate";
    p.model = "hf:stabilityai/sd3";
    p.input = R"({"inputs":"a cat","parameters":{"seed":3,"width":512,"height":512}})";
    CHECK(wf::reproduce_command(p, "png") ==
          "photoagent generate 'a cat' --provider huggingface --model stabilityai/sd3 --seed 3 --input height=512"
          " --input width=512");
  }

  TEST_CASE("what cannot be given exactly is said") {
    wf::Provenance p;
    p.purpose = "upscale";
    p.model = "nightmareai/real-esrgan";
    p.input = R"({"image":"https://x/y.png"})";
    std::vector<std::string> notes;
    CHECK(wf::reproduce_command(p, "png", &notes).empty());
    CHECK(notes.size() == 1);
    p.purpose = "generate";
    p.input = R"({"prompt":"x","image":"data:sha256,abcd","seed":1})";
    notes.clear();
    CHECK(wf::reproduce_command(p, "png", &notes).find("--input image=data:sha256,abcd") != std::string::npos);
    REQUIRE(notes.size() == 1);
    CHECK(notes[0].find("image") != std::string::npos);
  }
}

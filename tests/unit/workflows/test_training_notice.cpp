// The model card and the notification email escape every string they insert
// (issue 13: API strings inside the email's HTML and the card were inserted raw).
#include <doctest/doctest.h>

#include "workflows/training_notice.hpp"

using namespace photoagent;

namespace {

store::TrainingRow hostile_row() {
  store::TrainingRow row;
  row.project = "ada";
  row.trainer_model = "ostris/flux-dev-lora-trainer";
  row.trainer_version = "c6e78d25`) <img src=x>";
  row.destination = "ada-lab/ada<script>";
  row.version = "ada-lab/ada:</code><script>alert(1)</script>\n```\n# injected";
  row.hf_repo = "ada/ada\"onmouseover=\"x";
  row.input = R"({"trigger_word":"TOK\nlicense: mit\n---\n# owned","input_images":"https://x/zip","steps":10})";
  row.images = 12;
  return row;
}

workflows::Trainer trainer() {
  workflows::Trainer t;
  t.name = "flux";
  t.base_model = "black-forest-labs/FLUX.1-dev";
  t.inputs = {{"images", "input_images"}, {"trigger", "trigger_word"}};
  return t;
}

// The YAML front matter: between the first two "---" lines.
std::string front_matter(const std::string& card) {
  REQUIRE(card.rfind("---\n", 0) == 0);
  const auto end = card.find("\n---\n", 4);
  REQUIRE(end != std::string::npos);
  return card.substr(4, end - 4);
}

}  // namespace

TEST_SUITE("workflows::training_notice") {
  TEST_CASE("the email's HTML holds no tag from an API string") {
    const auto m = workflows::training_mail(hostile_row(), 1.5, "https://huggingface.co/ada/ada\"onmouseover=\"x");
    CHECK(m.html.find("<script>") == std::string::npos);
    CHECK(m.html.find("&lt;script&gt;alert(1)&lt;/script&gt;") != std::string::npos);
    CHECK(m.html.find("\"onmouseover") == std::string::npos);
    CHECK(m.html.find("ada-lab/ada&lt;script&gt;") != std::string::npos);
    CHECK(m.text.find("ada-lab/ada<script>") != std::string::npos);  // plain text stays as sent
    CHECK(m.html.find("$1.50") != std::string::npos);
  }

  TEST_CASE("the model card's front matter keeps its keys whatever the trigger word holds") {
    const auto card = workflows::model_card(hostile_row(), trainer(), "ada/ada");
    const auto yaml = front_matter(card);
    CHECK(yaml.find("instance_prompt: \"TOK\\nlicense: mit\\n---\\n# owned\"") != std::string::npos);
    CHECK(yaml.find("\nlicense: mit") == std::string::npos);
    CHECK(yaml.find("base_model: black-forest-labs/FLUX.1-dev") != std::string::npos);
    CHECK(card.find("input_images") == std::string::npos);
    // The version cannot close its code span or start a heading of its own.
    CHECK(card.find("\n# injected") == std::string::npos);
    CHECK(card.find("<img src=x>") != std::string::npos);  // inside a code span, where Markdown shows it as text
    CHECK(card.find("``c6e78d25`) <img src=x>``") != std::string::npos);
  }

  TEST_CASE("a plain training keeps the card readable") {
    auto row = hostile_row();
    row.version = "ada-lab/ada:abc";
    row.input = R"({"trigger_word":"TOK_ADA"})";
    const auto card = workflows::model_card(row, trainer(), "ada/ada");
    CHECK(card.find("instance_prompt: TOK_ADA\n") != std::string::npos);
    CHECK(card.find("Replicate version: `ada-lab/ada:abc`") != std::string::npos);
    CHECK(card.find("load_lora_weights(\"ada/ada\"") != std::string::npos);
    CHECK(card.find("photoagent generate 'ada' 'TOK_ADA on a sailboat at golden hour'") != std::string::npos);
  }
}

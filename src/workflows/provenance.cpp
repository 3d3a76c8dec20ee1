// search --file: the generation behind a file (provenance.hpp).
#include "photoagent/workflows/provenance.hpp"

#include <nlohmann/json.hpp>
#include <system_error>

#include "photoagent/image/metadata.hpp"
#include "photoagent/store/predictions.hpp"
#include "photoagent/store/provenance.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/file.hpp"
#include "photoagent/util/hash.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

// Fills the generation's fields from its predictions row.
void from_row(store::Database& db, const store::PredictionRow& row, Provenance& p) {
  p.generated = true;
  p.generation_id = row.id;
  p.purpose = row.purpose;
  p.model = row.model;
  p.version = row.version;
  p.replicate_id = row.replicate_id;
  p.created_at = row.created_at;
  p.input = row.input;
  const auto info = store::generation_info(db, row.id);
  p.prompt = info.prompt;
  p.style = info.style;
  p.seed = info.seed;
  if (p.project.empty() && row.project_id != 0) p.project = store::project_name(db, row.project_id);
}

// The seed as sent, where the provider puts it, when the row has none.
long long seed_in(const json& input) {
  for (const auto* at : {"/seed", "/parameters/seed"}) {
    const json::json_pointer ptr(at);
    if (input.contains(ptr) && input.at(ptr).is_number_integer()) return input.at(ptr).get<long long>();
  }
  return -1;
}

// --input k=v as generate reads it back (inputs.cpp: JSON when it parses,
// else the text): a string that would parse as JSON goes quoted.
std::string input_arg(const std::string& key, const json& v) {
  std::string text;
  if (v.is_string()) {
    text = v.get<std::string>();
    if (!json::parse(text, nullptr, false).is_discarded()) text = v.dump();
  } else {
    text = v.dump();
  }
  return "--input " + shell_quote(key + "=" + text);
}

bool held_file_or_secret(const json& v) {
  if (!v.is_string()) return false;
  const auto& s = v.get_ref<const std::string&>();
  return s.starts_with("data:sha256,") || s.find("[redacted]") != std::string::npos;
}

}  // namespace

std::string shell_quote(const std::string& text) {
  const bool safe = !text.empty() && text.find_first_not_of("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
                                                           "0123456789_./:=@%+,-") == std::string::npos;
  if (safe) return text;
  std::string out = "'";
  for (char c : text) out += c == '\'' ? std::string("'\\''") : std::string(1, c);
  return out + "'";
}

std::string reproduce_command(const Provenance& p, const std::string& default_format, std::vector<std::string>* notes) {
  if (p.purpose != "generate") {
    if (notes) notes->push_back("made by the " + p.purpose + " step of a generation, not by generate itself");
    return "";
  }
  json input = json::parse(p.input.empty() ? "{}" : p.input, nullptr, false);
  if (!input.is_object()) return "";
  const bool hf = p.model.starts_with("hf:");
  std::string cmd = "photoagent generate";
  if (!p.project.empty()) cmd += " -p " + shell_quote(p.project);
  json params = hf ? input.value("parameters", json::object()) : input;
  const std::string prompt = hf ? input.value("inputs", p.prompt) : input.value("prompt", p.prompt);
  const bool dash = prompt.starts_with("-");  // would read as an option: goes last, after "--"
  if (!dash) cmd += " " + shell_quote(prompt);
  if (hf) {
    cmd += " --provider huggingface --model " + shell_quote(p.model.substr(3));
  } else {
    cmd += " --model " + shell_quote(p.model + (p.version.empty() ? "" : ":" + p.version));
  }
  if (!params.is_object()) params = json::object();
  if (params.contains("num_outputs") && params["num_outputs"].is_number_integer() && params["num_outputs"].get<int>() > 1)
    cmd += " -n " + std::to_string(params["num_outputs"].get<int>());
  const long long seed = p.seed >= 0 ? p.seed : seed_in(input);
  if (seed >= 0) cmd += " --seed " + std::to_string(seed);
  for (const auto& [k, v] : params.items()) {
    if (k == "prompt" || k == "seed" || k == "num_outputs") continue;
    if (k == "output_format" && v.is_string() && v.get<std::string>() == default_format) continue;
    if (held_file_or_secret(v) && notes)
      notes->push_back("input " + k + " held a file or a secret that was not kept: put it back before running");
    cmd += " " + input_arg(k, v);
  }
  if (dash) cmd += " -- " + shell_quote(prompt);
  return cmd;
}

std::optional<Provenance> provenance_of(store::Database& db, const Config& config, const fs::path& file) {
  std::error_code ec;
  if (!fs::is_regular_file(file, ec))
    throw util::not_found("no file " + file.string(), "search --file takes the path of an image photoagent made.");
  const std::string bytes = util::read_file(file);
  Provenance p;
  p.file = fs::absolute(file).lexically_normal();
  p.sha256 = util::sha256_hex(bytes);

  // 1. The same bytes in the cache: generate keeps a copy of every output.
  const auto origins = store::images_with_sha256(db, p.sha256);
  if (!origins.empty()) {
    p.found_by = "sha256";
    p.image = origins.front().image;
    p.project = origins.front().image.project;
    if (origins.front().prediction_id != 0)
      if (auto row = store::find_prediction_by_id(db, origins.front().prediction_id)) from_row(db, *row, p);
  }
  // 2. The recipe photoagent wrote into the file itself.
  if (!p.generated) {
    const auto text = image::read_text_metadata(bytes, "photoagent");
    const json meta = text ? json::parse(*text, nullptr, false) : json();
    if (meta.is_object() && meta.contains("model")) {
      p.found_by = p.found_by.empty() ? "metadata" : p.found_by;
      const std::string rid = meta.value("replicate_id", "");
      std::optional<store::PredictionRow> row;
      if (!rid.empty()) row = store::find_prediction_by_replicate_id(db, rid);
      if (!row) {
        // No Replicate id (Hugging Face runs have none): the file where generate wrote it.
        if (auto id = store::prediction_with_file(db, p.file.string()))
          if (auto r = store::find_prediction_by_id(db, id); r && r->model == meta.value("model", "")) row = r;
      }
      if (row) {
        from_row(db, *row, p);
      } else {
        // Made elsewhere (another machine, a cache since deleted): the file alone.
        p.generated = true;
        p.purpose = "generate";
        p.model = meta.value("model", "");
        p.version = meta.value("version", "");
        p.replicate_id = rid;
        p.prompt = meta.value("prompt", "");
        const json input = meta.value("input", json::object());
        p.input = input.dump();
        p.seed = seed_in(input);
      }
    }
  }
  if (p.found_by.empty()) return std::nullopt;
  if (p.generated) p.command = reproduce_command(p, config.get_or_default("generate.format"), &p.notes);
  return p;
}

}  // namespace photoagent::workflows

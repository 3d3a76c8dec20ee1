#include "search_file.hpp"

#include <nlohmann/json.hpp>
#include <ostream>

#include "../output/json.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/provenance.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

json or_null(const std::string& s) { return s.empty() ? json(nullptr) : json(s); }

// The search result fields (CLI.md), plus "generation".
json to_json(const workflows::Provenance& p) {
  json generation = nullptr;
  if (p.generated) {
    json input = json::parse(p.input.empty() ? "{}" : p.input, nullptr, false);
    generation = {{"id", p.generation_id ? json("g" + std::to_string(p.generation_id)) : json(nullptr)},
                  {"model", p.model},
                  {"version", or_null(p.version)},
                  {"seed", p.seed < 0 ? json(nullptr) : json(p.seed)},
                  {"input", input.is_discarded() ? json(nullptr) : input},
                  {"command", or_null(p.command)},
                  {"prompt", p.prompt},
                  {"style", or_null(p.style)},
                  {"purpose", p.purpose},
                  {"replicate_id", or_null(p.replicate_id)},
                  {"created_at", or_null(p.created_at)},
                  {"notes", p.notes}};
  }
  const auto* img = p.image ? &*p.image : nullptr;
  return {{"id", img ? json(img->id) : json(nullptr)},
          {"project", or_null(p.project)},
          {"source", img ? json(img->source) : json(p.generated ? "generated" : "")},
          {"path", p.file.string()},
          {"caption", img ? json(img->caption) : json(nullptr)},
          {"prompt", p.generated ? json(p.prompt) : json(nullptr)},
          {"tags", img ? json(util::split(img->tags, ',')) : json::array()},
          {"score", nullptr},
          {"snippet", ""},
          {"sha256", p.sha256},
          {"found_by", p.found_by},
          {"generation", generation}};
}

void line(Context& ctx, const char* key, const std::string& value) {
  if (value.empty()) return;
  std::string k = key;
  k.resize(12, ' ');
  ctx.io.out << k << value << "\n";
}

}  // namespace

int run_search_file(Context& ctx, const std::string& file, const std::vector<std::string>& words) {
  if (!words.empty())
    throw util::usage_error("--file takes no search words", "Run 'photoagent search --file PATH' alone.");
  const auto found = workflows::provenance_of(ctx.db(), ctx.config(), file);
  if (!found) {
    if (ctx.global.json) print_json(ctx.io, json::array());
    if (!ctx.global.quiet)
      ctx.io.err << "No generation known for " << file
                 << ": its bytes are not in the cache and it carries no photoagent metadata.\n";
    return 1;
  }
  const auto& p = *found;
  if (ctx.global.json) {
    print_json(ctx.io, json::array({to_json(p)}));
  } else {
    line(ctx, "file", p.file.string());
    line(ctx, "found by", p.found_by == "sha256" && p.image
                              ? "sha256 (image " + std::to_string(p.image->id) + " of " + p.image->project + ")"
                              : p.found_by + (p.generation_id ? "" : " (not in this cache)"));
    if (p.generated) {
      line(ctx, "generation", p.generation_id ? "g" + std::to_string(p.generation_id) : "-");
      if (p.purpose != "generate") line(ctx, "step", p.purpose);
      line(ctx, "project", p.project);
      line(ctx, "prompt", p.prompt);
      line(ctx, "style", p.style);
      line(ctx, "model", p.model);
      line(ctx, "version", p.version);
      line(ctx, "seed", p.seed < 0 ? "" : std::to_string(p.seed));
      line(ctx, "input", p.input);
      line(ctx, "replicate", p.replicate_id);
      line(ctx, "created", p.created_at);
      line(ctx, "command", p.command);
    }
    for (const auto& n : p.notes) warn(ctx.io, n);
  }
  if (!p.generated) {
    if (!ctx.global.quiet)
      ctx.io.err << file << " is image " << p.image->id << " of " << p.image->project
                 << ", an uploaded photo: no generation made it.\n";
    return 1;
  }
  return 0;
}

}  // namespace photoagent::cli

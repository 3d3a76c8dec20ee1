#include "search_semantic.hpp"

#include <cstdio>
#include <nlohmann/json.hpp>
#include <optional>

#include "../output/json.hpp"
#include "../output/progress.hpp"
#include "../output/table.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/strings.hpp"
#include "photoagent/workflows/index_job.hpp"

namespace photoagent::cli {
using nlohmann::json;

SemanticTools::SemanticTools(Context& ctx)
    : ctx_(ctx),
      embedder_(
          ctx.db(), workflows::embed_settings(ctx.config()),
          [this]() -> workflows::PredictionRunner& { return runner(); },
          [this]() -> const services::Api& { return ctx_.api(services::Service::replicate); }) {}

SemanticTools::~SemanticTools() = default;

workflows::PredictionRunner& SemanticTools::runner() {
  std::lock_guard lock(runner_mu_);
  if (!runner_)
    runner_ = std::make_unique<workflows::PredictionRunner>(
        ctx_.db(), ctx_.api(services::Service::replicate), ctx_.create_limiter());
  return *runner_;
}

std::unique_ptr<SemanticTools> prepare_semantic(Context& ctx, SearchOptions& o) {
  auto& q = o.query;
  const int modes = o.semantic + o.hybrid + !o.like.empty();
  if (modes > 1) throw util::usage_error("--semantic, --hybrid and --like are different rankings: pick one");
  if (o.dry_run) throw util::usage_error("--dry-run goes with --index");
  if (o.threshold) throw util::usage_error("--threshold goes with --duplicates");
  if (modes == 0) return nullptr;
  if (q.fts) throw util::usage_error("--fts is a full-text expression; it does not go with --semantic, --hybrid or --like");
  if (q.sort == "date") throw util::usage_error("--sort date is for full text; semantic rankings sort by score");
  if (!o.like.empty()) {
    if (!o.words.empty())
      throw util::usage_error("--like ranks by the image alone; take words away with --not WORD");
    q.mode = workflows::SearchMode::like;
    q.like = o.like;
  } else {
    q.mode = o.semantic ? workflows::SearchMode::semantic : workflows::SearchMode::hybrid;
  }
  return std::make_unique<SemanticTools>(ctx);
}

namespace {

int run_index(Context& ctx, const SearchOptions& o) {
  SemanticTools tools(ctx);
  workflows::IndexJobSpec spec;
  spec.project = o.query.project;
  spec.dry_run = o.dry_run;
  spec.jobs = static_cast<unsigned>(o.jobs);
  if (!o.dry_run) ctx.api(services::Service::replicate);  // no login: exit 4 before any work
  std::optional<ProgressBar> bar;
  const auto r = workflows::run_index_job(ctx.db(), ctx.config(), tools.embedder(), spec,
                                          [&](std::size_t done, std::size_t total) {
                                            if (!bar) bar.emplace(ctx.io, "Embedding", total);
                                            bar->update(done);
                                          });
  bar.reset();
  const std::string model = r.model + (r.version.empty() ? "" : ":" + r.version.substr(0, 12));
  if (ctx.global.json) {
    json failed = json::array();
    for (const auto& f : r.failed) failed.push_back({{"id", f.image_id}, {"error", f.error}});
    print_json(ctx.io, {{"model", r.model}, {"version", r.version}, {"dry_run", r.dry_run}, {"missing", r.missing},
                        {"embedded", r.embedded}, {"failed", failed}, {"not_reached", r.not_reached},
                        {"estimated_cost_usd", std::round(r.estimate_usd * 10000) / 10000}});
  } else {
    for (const auto& f : r.failed) ctx.io.err << red(ctx.io, "failed") << " image " << f.image_id << ": " << f.error << "\n";
    char line[256];
    if (r.dry_run)
      std::snprintf(line, sizeof line, "Would embed %zu image%s with %s, about $%.4f. Nothing was created.\n",
                    r.missing, r.missing == 1 ? "" : "s", model.c_str(), r.estimate_usd);
    else if (r.missing == 0)
      std::snprintf(line, sizeof line, "Every image has a vector for %s.\n", model.c_str());
    else
      std::snprintf(line, sizeof line, "Embedded %zu of %zu image%s with %s.\n", r.embedded, r.missing,
                    r.missing == 1 ? "" : "s", model.c_str());
    if (!ctx.global.quiet || r.dry_run) ctx.io.err << line;
  }
  if (!r.failed.empty()) return r.embedded == 0 ? 1 : 6;
  return 0;
}

int run_duplicates(Context& ctx, const SearchOptions& o) {
  SemanticTools tools(ctx);
  const auto r = workflows::find_duplicates(ctx.db(), &tools.embedder(), o.query.project,
                                            o.threshold.value_or(workflows::kDefaultDuplicateThreshold));
  if (!r.note.empty()) warn(ctx.io, "--duplicates: " + r.note + "; only identical files are grouped");
  if (ctx.global.json) {
    json arr = json::array();
    for (const auto& g : r.groups)
      arr.push_back({{"group", g.ids}, {"distance", std::round(g.distance * 1e6) / 1e6}, {"exact", g.exact}});
    print_json(ctx.io, arr);
  } else if (o.paths || o.null) {
    // One group per paragraph (or NUL-separated paths, a group ended by an empty one).
    for (const auto& g : r.groups) {
      for (const auto& path : g.paths) ctx.io.out << path.string() << (o.null ? '\0' : '\n');
      ctx.io.out << (o.null ? '\0' : '\n');
    }
    ctx.io.out.flush();
  } else {
    Table t({"group", "ids", "distance", "kind"});
    std::size_t n = 0;
    for (const auto& g : r.groups) {
      std::vector<std::string> ids;
      for (auto id : g.ids) ids.push_back(std::to_string(id));
      char d[32];
      std::snprintf(d, sizeof d, "%.4f", g.distance);
      t.add({std::to_string(++n), util::join(ids, " "), d, g.exact ? "identical" : "near"});
    }
    t.print(ctx.io);
  }
  if (r.groups.empty()) {
    if (!ctx.global.quiet) ctx.io.err << "No duplicates.\n";
    return 1;
  }
  return 0;
}

}  // namespace

int run_search_vectors(Context& ctx, const SearchOptions& o) {
  if (o.index && o.duplicates) throw util::usage_error("--index and --duplicates are separate commands: pick one");
  if (!o.words.empty())
    throw util::usage_error(std::string(o.index ? "--index" : "--duplicates") + " takes no words",
                            "Search the vectors with 'photoagent search WORDS --semantic'.");
  if (o.semantic || o.hybrid || !o.like.empty())
    throw util::usage_error("--semantic, --hybrid and --like rank a search; --index and --duplicates do not");
  if (o.dry_run && !o.index) throw util::usage_error("--dry-run goes with --index");
  if (o.threshold && !o.duplicates) throw util::usage_error("--threshold goes with --duplicates");
  return o.index ? run_index(ctx, o) : run_duplicates(ctx, o);
}

}  // namespace photoagent::cli

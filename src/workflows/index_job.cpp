#include "photoagent/workflows/index_job.hpp"

#include "photoagent/store/images.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/interrupt.hpp"
#include "photoagent/util/worker_pool.hpp"
#include "search_detail.hpp"

namespace photoagent::workflows {
namespace {

// Embeds each image, `jobs` at a time; one failure per image that failed.
std::vector<IndexFailure> embed_all(store::Database& db, Embedder& embedder, const std::vector<std::int64_t>& ids,
                                    unsigned jobs, const IndexProgress& progress, std::size_t* not_reached) {
  // SQLite's own exceptions leave as the store's line (a damaged cache says
  // how to recover), not as the pool's "internal error: ...".
  auto work = [&](std::size_t i) {
    db.explained([&] {
      const auto img = store::find_image(db, ids[i]);
      if (img) embedder.image(*img);  // deleted meanwhile: nothing to do
    });
  };
  util::ItemDoneCallback on_done;
  if (progress) on_done = [&](const util::ItemDone& d) { progress(d.done, d.total); };
  const auto pool = util::parallel_for_each(ids.size(), jobs, work, on_done);
  std::vector<IndexFailure> failed;
  for (std::size_t i = 0; i < ids.size(); ++i) {
    const auto& item = pool.items[i];
    if (item.state == util::ItemState::not_started) {
      if (not_reached) ++*not_reached;
    } else if (item.state != util::ItemState::succeeded) {
      failed.push_back({ids[i], item.error});
    }
  }
  return failed;
}

}  // namespace

IndexReport run_index_job(store::Database& db, const Config& config, Embedder& embedder, const IndexJobSpec& spec,
                          const IndexProgress& progress) {
  IndexReport r;
  r.dry_run = spec.dry_run;
  const auto space = embedder.space();
  r.model = embedder.settings().model.full();
  r.version = !embedder.settings().model.version.empty() ? embedder.settings().model.version
              : space                                    ? space->version
                                                         : "";
  const auto ids = store::images_without_vector(db, space, project_filter(db, spec.project));
  r.missing = ids.size();
  r.estimate_usd = static_cast<double>(ids.size()) * embed_cost_estimate(config);
  if (spec.dry_run || ids.empty()) return r;
  embedder.check_image_input();  // once, before the pool: a wrong model fails the run, not each image
  r.failed = embed_all(db, embedder, ids, spec.jobs, progress, &r.not_reached);
  embedder.finish(util::interrupt_signal() == 0);
  r.embedded = ids.size() - r.failed.size() - r.not_reached;
  util::throw_if_interrupted();  // Ctrl-C: exit 130 (143); the next run resumes
  return r;
}

bool auto_embed_on(const Config& config) { return embed_settings(config).auto_embed; }

std::vector<IndexFailure> auto_embed(store::Database& db, const Config& config, PredictionRunner& runner,
                                     const std::vector<std::int64_t>& ids, const services::Api* replicate) {
  const auto settings = embed_settings(config);
  if (!settings.auto_embed || ids.empty()) return {};
  ApiSource api;
  if (replicate) api = [replicate]() -> const services::Api& { return *replicate; };
  Embedder embedder(db, settings, [&]() -> PredictionRunner& { return runner; }, api);
  try {
    embedder.check_image_input();
  } catch (const util::Error& e) {
    if (e.is_interruption()) throw;
    std::vector<IndexFailure> all;
    for (auto id : ids) all.push_back({id, e.message()});
    return all;
  }
  auto failed = embed_all(db, embedder, ids, 8, {}, nullptr);
  embedder.finish(util::interrupt_signal() == 0);
  return failed;
}

std::vector<IndexFailure> auto_embed_since(store::Database& db, const Config& config, PredictionRunner& runner,
                                           const std::string& since, const std::string& source,
                                           const services::Api* replicate) {
  if (!auto_embed_on(config)) return {};
  return auto_embed(db, config, runner, store::image_ids_since(db, since, source), replicate);
}

}  // namespace photoagent::workflows

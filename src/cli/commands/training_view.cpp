#include "training_view.hpp"

#include "photoagent/workflows/status.hpp"

#include <cmath>
#include <cstdint>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"
#include "photoagent/util/printable.hpp"
#include "photoagent/util/time.hpp"

namespace photoagent::cli {
using nlohmann::json;

namespace {

// A send takes at most a few minutes (connect and stall limits, retries only
// before anything went out); a claim older than this with no outcome is a
// sender that died between the claim and the answer (kill -9, power loss).
constexpr std::int64_t kSendWindowSeconds = 600;

bool claim_abandoned(const store::TrainingRow& r) {
  const auto claimed = util::parse_iso8601(r.notified_at);
  return claimed && util::unix_now() - *claimed > kSendWindowSeconds;
}

std::string notify_word(const store::TrainingRow& r) {
  if (r.notify_to.empty()) return "-";
  if (r.notify_state == "sent") return "sent";
  // DESIGN §9: an outcome nobody can know is "unknown", never resent silently.
  if (r.notify_state == "claimed") return r.notify_error.empty() && !claim_abandoned(r) ? "sending" : "unknown";
  if (r.notify_state == "failed") return "failed";
  return "pending";
}

std::string hf_word(const store::TrainingRow& r) {
  if (r.hf_repo.empty()) return "-";
  if (!r.hf_commit.empty()) return "pushed";
  if (!r.hf_error.empty()) return "failed";
  return "pending";
}

std::string elapsed(const store::TrainingRow& r) {
  double s = r.predict_time;
  if (s < 0 && !r.started_at.empty()) {
    if (auto started = util::parse_iso8601(r.started_at)) s = static_cast<double>(util::unix_now() - *started);
  }
  if (s < 0) return "";
  const long v = std::lround(s);
  return v >= 3600 ? std::to_string(v / 3600) + "h" + std::to_string(v % 3600 / 60) + "m"
                   : std::to_string(v / 60) + "m" + std::to_string(v % 60) + "s";
}

}  // namespace

bool looks_like_training_ref(Context& ctx, const std::string& ref) {
  return workflows::looks_like_training_ref(ctx.db(), ref);
}

store::TrainingRow resolve_training(Context& ctx, const std::string& ref) {
  return workflows::resolve_training(ctx.db(), ref);
}

json training_json(Context& ctx, const store::TrainingRow& r) {
  auto opt = [](const std::string& s) { return s.empty() ? json(nullptr) : json(s); };
  return {{"id", workflows::training_ref(r.id)},
          {"replicate_id", opt(r.replicate_id)},
          {"project", r.project},
          {"trainer", r.trainer},
          {"status", store::to_string(r.status)},
          {"progress", r.progress < 0 ? json(nullptr) : json(std::round(r.progress * 1000) / 10)},
          {"version", opt(r.version)},
          {"destination", r.destination},
          {"hf_repo", opt(r.hf_repo)},
          {"hf_pushed", !r.hf_commit.empty()},
          {"hf_error", opt(r.hf_error)},
          {"notified", r.notify_state == "sent"},
          {"notify", notify_word(r)},
          {"cost_usd", std::round(workflows::training_cost(ctx.config(), r) * 10000) / 10000},
          {"predict_seconds", r.predict_time < 0 ? json(nullptr) : json(r.predict_time)},
          {"error", opt(r.error)},
          // The training zip on Replicate: pending (deleted when it ends), kept, deleted.
          {"upload", opt(r.upload_state)},
          {"upload_error", opt(r.upload_error)},
          {"created_at", r.created_at},
          {"started_at", opt(r.started_at)},
          {"completed_at", opt(r.completed_at)}};
}

std::vector<std::string> training_headers() {
  return {"id", "project", "status", "progress", "elapsed", "cost", "hf", "email", "version"};
}

std::vector<std::string> training_cells(Context& ctx, const store::TrainingRow& r) {
  char cost[32], pct[16] = "";
  std::snprintf(cost, sizeof cost, "$%.2f", workflows::training_cost(ctx.config(), r));
  if (r.progress >= 0) std::snprintf(pct, sizeof pct, "%.0f%%", r.progress * 100);
  // Replicate's words: no terminal controls in a table cell.
  std::string version = util::printable_line(
      r.version.substr(r.version.find(':') == std::string::npos ? 0 : r.version.find(':') + 1, 12));
  return {workflows::training_ref(r.id), r.project, store::to_string(r.status), pct, elapsed(r), cost, hf_word(r), notify_word(r), version};
}

workflows::Services training_services(Context& ctx) {
  workflows::Services s;
  s.replicate = &ctx.api(services::Service::replicate);
  s.huggingface = ctx.api_if_configured(services::Service::huggingface);
  s.sendgrid = ctx.api_if_configured(services::Service::sendgrid);
  s.mail_from = ctx.config().get_or_default("sendgrid.from");
  return s;
}

}  // namespace photoagent::cli

// After a training succeeds: the LoRA goes to Hugging Face, then one email.
// Both are recorded on the row, so whichever photoagent process sees the
// success first (train --wait, status, the watcher) does them, and a later
// one retries what failed.

#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/repo.hpp"
#include "photoagent/services/huggingface/upload.hpp"
#include "photoagent/services/huggingface/whoami.hpp"
#include "photoagent/services/sendgrid.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/net/retry.hpp"
#include "photoagent/util/paths.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/download.hpp"
#include "photoagent/workflows/training.hpp"
#include "training_notice.hpp"

namespace photoagent::workflows {
using nlohmann::json;
namespace fs = std::filesystem;

namespace {

std::string hf_url(const services::Api* hf, const std::string& repo) {
  return (hf ? hf->base() : std::string("https://huggingface.co")) + "/" + repo;
}

// Downloads the weights tar and pulls out the LoRA, never trusting the
// archive's paths (util::extract_matching refuses any that escape).
fs::path fetch_lora(const Config& config, const services::Api& replicate, const store::TrainingRow& row,
                    const fs::path& dir) {
  if (row.weights_url.empty()) throw util::remote_error("Replicate reported no weights for this training");
  util::ensure_dir(dir, 0700);
  const fs::path tar = dir / "weights.tar";
  const auto limits = weights_download_limits(config);
  net::Request req = download_request(replicate, row.weights_url, limits);
  req.response_file = tar;
  req.stall_timeout = std::chrono::seconds(60);
  const net::Response r = download(replicate, req, limits, "the trained weights");
  if (r.status != 200)
    throw util::remote_error("could not download the trained weights (" + std::to_string(r.status) + ")");
  auto files = util::extract_matching(tar, ".safetensors", dir / "extracted");
  fs::remove(tar);
  for (const auto& f : files)
    if (f.filename() == "lora.safetensors") return f;
  if (files.size() == 1) return files[0];
  throw util::remote_error("the weights archive holds " + std::to_string(files.size()) +
                           " .safetensors files and none named lora.safetensors");
}

void push_to_hub(store::Database& db, const Config& config, const Services& s, store::TrainingRow& row) {
  if (!store::claim_hf_push(db, row.id, ::getpid())) return;  // another photoagent is pushing it
  const fs::path dir = db.data_dir() / "weights" / store::training_ref(row.id);
  try {
    if (s.huggingface == nullptr)
      throw util::auth_error("no Hugging Face credentials to push the LoRA",
                             "Run 'photoagent login --huggingface'; 'photoagent status' then pushes it.");
    const auto trainer = find_trainer(config, row.trainer);
    // A token that may not write there fails before the weights are fetched.
    services::huggingface::require_write_access(*s.huggingface, row.hf_repo);
    const fs::path lora = fetch_lora(config, *s.replicate, row, dir);
    services::huggingface::create_repo(*s.huggingface, row.hf_repo, /*private=*/true);
    auto result = services::huggingface::upload_files(
        *s.huggingface, row.hf_repo,
        {{"lora.safetensors", lora, ""}, {"README.md", {}, model_card(row, trainer, row.hf_repo)}},
        "photoagent: LoRA from training " + row.replicate_id);
    store::set_training_hf(db, row.id, result.commit_oid.empty() ? "unchanged" : result.commit_oid, "");
  } catch (const util::Error& e) {
    store::set_training_hf(db, row.id, "", e.message());
  }
  std::error_code ec;
  fs::remove_all(dir, ec);
  row = *store::find_training(db, row.id);
}

void send_email(store::Database& db, const Config& config, const Services& s, store::TrainingRow& row) {
  if (!store::claim_notification(db, row.id)) return;  // someone else has it, or it went out
  try {
    if (s.sendgrid == nullptr || s.mail_from.empty())
      throw util::auth_error("no SendGrid key and sender to send the email",
                             "Run 'photoagent login --sendgrid --from you@example.com'.");
    const double cost = training_cost(config, row);
    const std::string hub = row.hf_repo.empty() ? "" : hf_url(s.huggingface, row.hf_repo);
    services::sendgrid::Mail m = training_mail(row, cost, hub);  // every inserted string HTML-escaped
    m.from = s.mail_from;
    m.to = row.notify_to;
    const auto id = services::sendgrid::send_mail(*s.sendgrid, m);
    store::finish_notification(db, row.id, true, id, "");
  } catch (const services::sendgrid::MaybeSent& e) {
    // Unknown outcome: the claim stays, status shows "unknown", and it is
    // never resent silently (DESIGN §9); 'status --notify' resends on request.
    store::record_notification_error(db, row.id, e.what());
  } catch (const util::Error& e) {
    // SendGrid refused, or we could not even send: safe to try again later.
    store::finish_notification(db, row.id, false, "", e.message());
  }
  row = *store::find_training(db, row.id);
}

}  // namespace

double training_cost(const Config& config, const store::TrainingRow& row) {
  double seconds = row.predict_time;
  if (seconds < 0 && !row.started_at.empty() && row.completed_at.empty()) {
    if (auto started = util::parse_iso8601(row.started_at)) seconds = static_cast<double>(util::unix_now() - *started);
  }
  return seconds < 0 ? 0 : seconds * price_per_second(config, row.hardware);
}

bool training_settled(const store::TrainingRow& row) {
  const bool ended = row.status == store::TrainingStatus::succeeded || store::failed(row.status);
  if (ended && row.upload_state == "pending" && !row.upload_id.empty()) return false;  // the zip is still online
  if (row.status != store::TrainingStatus::succeeded) return store::settled(row.status);
  const bool pushed = row.hf_repo.empty() || !row.hf_commit.empty();
  const bool mailed = row.notify_to.empty() || row.notify_state == "sent" || row.notify_state == "claimed";
  return pushed && mailed;
}

store::TrainingRow complete_training(store::Database& db, const Config& config, const Services& s,
                                     store::TrainingRow row) {
  row = delete_training_upload(db, *s.replicate, row);  // whatever the end: the zip is not needed any more
  if (row.status != store::TrainingStatus::succeeded) return row;
  if (!row.hf_repo.empty() && row.hf_commit.empty()) push_to_hub(db, config, s, row);
  const bool pushed = row.hf_repo.empty() || !row.hf_commit.empty();
  // The email carries the Hugging Face link, so it waits for the push.
  if (pushed && !row.notify_to.empty() && (row.notify_state.empty() || row.notify_state == "failed"))
    send_email(db, config, s, row);
  return row;
}

store::TrainingRow follow_training(store::Database& db, const Config& config, const Services& s,
                                   store::TrainingRow row, std::chrono::seconds limit,
                                   const std::function<void(const store::TrainingRow&)>& on_update) {
  const auto deadline = std::chrono::steady_clock::now() + limit;
  std::chrono::milliseconds delay(1000);
  for (;;) {
    row = refresh_training(db, *s.replicate, row);
    if (on_update) on_update(row);
    if (store::settled(row.status)) break;
    if (std::chrono::steady_clock::now() + delay > deadline) return row;
    net::interruptible_sleep(delay);
    delay = std::min(std::chrono::milliseconds(static_cast<long long>(delay.count() * 1.5)),
                     std::chrono::milliseconds(15000));
  }
  row = complete_training(db, config, s, row);
  if (on_update) on_update(row);
  return row;
}

}  // namespace photoagent::workflows

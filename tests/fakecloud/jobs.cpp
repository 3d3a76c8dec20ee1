// The prediction/training state machine. A job stores planned times (start,
// end) and events (cancel, deadline); its status at any instant is computed
// from those, so there is no timer thread and a GET always sees a consistent
// starting -> processing -> terminal sequence.
#include <cmath>
#include <thread>

#include "clip_model.hpp"
#include "replicate.hpp"
#include "text_models.hpp"

namespace fakecloud {
namespace {

std::string clock_fmt(double secs) {
  long s = std::max(0L, std::lround(secs));
  char buf[48];
  std::snprintf(buf, sizeof buf, "%02ld:%02ld", s / 60, s % 60);
  return buf;
}

// One tqdm line: "desc:  40%|████      | 400/1000 [00:10<00:15, 39.50it/s]".
std::string tqdm(const std::string& desc, int k, int total, double elapsed, double rate) {
  int pct = total ? k * 100 / total : 100;
  std::string bar;
  int full = pct / 10;
  for (int i = 0; i < full; ++i) bar += "\u2588";
  int used = full;
  if (pct % 10 >= 5 && full < 10) {
    bar += "\u258c";
    ++used;
  }
  bar += std::string(static_cast<size_t>(10 - used), ' ');
  char head[32];
  std::snprintf(head, sizeof head, "%3d%%|", pct);
  std::string remaining = k == 0 ? "?" : clock_fmt(rate > 0 ? (total - k) / rate : 0);
  char tail[160];
  if (k == 0)
    std::snprintf(tail, sizeof tail, " [00:00<?, ?it/s]");
  else
    std::snprintf(tail, sizeof tail, " [%s<%s, %.2fit/s]", clock_fmt(elapsed).c_str(),
                  remaining.c_str(), rate);
  return (desc.empty() ? "" : desc + ": ") + head + bar + "| " + std::to_string(k) + "/" +
         std::to_string(total) + tail + "\n";
}

std::string job_logs(const Job& j, const JobView& v) {
  if (v.status == "starting" || v.status == "aborted") return "";
  std::string logs;
  double span = std::max(0.001, seconds_between(j.start_at, j.end_at));
  // Real runs take minutes; report a plausible pace rather than the emulator's.
  double scale = j.training ? 1500.0 / span : 3.0 / span;
  int steps = std::max(1, j.steps);
  int lines = j.training ? 10 : 4;
  std::string desc = j.training ? "flux_train_replicate" : "";
  if (j.training) {
    logs += "Extracted " + std::to_string(j.image_count + j.caption_count) +
            " files from zip to input_images\n";
    logs += "Using trigger word: " + jstr(j.resolved_input, "trigger_word", "TOK") + "\n";
  } else {
    logs += "Using seed: " + std::to_string(j.seed) + "\n";
    if (!j.prompt.empty()) logs += "Prompt: " + j.prompt + "\n";
  }
  for (int i = 0; i <= lines; ++i) {
    double frac = static_cast<double>(i) / lines;
    if (frac > v.progress + 1e-9) break;
    int k = static_cast<int>(std::lround(frac * steps));
    double el = frac * span * scale;
    logs += tqdm(desc, k, steps, el, el > 0 ? k / el : 0);
  }
  if (v.status == "failed")
    logs += "Traceback (most recent call last):\n  File \"predict.py\", line 1, in predict\n" +
            std::string("Exception: ") + j.error + "\n";
  if (v.status == "succeeded" && j.training)
    logs += "Saved weights to output/flux_train_replicate/lora.safetensors\n";
  return logs;
}

json embedding_for(const std::string& text, int dim) {
  json v = json::array();
  uint64_t h = fnv1a(text);
  double norm = 0;
  std::vector<double> xs(static_cast<size_t>(dim));
  for (auto& x : xs) {
    h = h * 6364136223846793005ULL + 1442695040888963407ULL;
    x = static_cast<double>(static_cast<int64_t>(h >> 11) % 2000 - 1000) / 1000.0;
    norm += x * x;
  }
  norm = std::sqrt(norm);
  for (double x : xs) v.push_back(std::round(x / norm * 1e6) / 1e6);
  return v;
}

json job_output(const App& app, const Job& j, const std::string& origin) {
  const std::string delivery = app.cfg_str("delivery_origin", "");  // a test pointing outputs elsewhere
  std::string base = (delivery.empty() ? origin : delivery) + "/_delivery/" + j.id + "/";
  if (j.training)
    return json{{"version", j.destination + ":" + j.new_version}, {"weights", base + "trained_model.tar"}};
  if (j.kind == "images" || j.kind == "trainer") {
    json urls = json::array();
    for (int i = 0; i < j.num_outputs; ++i)
      urls.push_back(base + "out-" + std::to_string(i) + "." + j.ext);
    return urls;
  }
  if (j.kind == "image") return base + "output." + j.ext;
  if (j.kind == "text") return caption_for(jstr(j.input, "image"));
  if (j.kind == "llm") return llm_tokens_for(jstr(j.input, "prompt"));
  if (j.kind == "clip") return clip_embedding_output(j.input, static_cast<int>(app.cfg_long("embedding_dim", 768)));
  if (j.kind == "embedding") {
    json out = json::array();
    std::string all = jstr(j.input, "inputs", "a\nb");
    size_t pos = 0;
    int dim = static_cast<int>(app.cfg_long("embedding_dim", 768));
    while (pos <= all.size()) {
      size_t nl = all.find('\n', pos);
      std::string line = all.substr(pos, nl == std::string::npos ? std::string::npos : nl - pos);
      if (!line.empty()) out.push_back({{"input", line}, {"embedding", embedding_for(line, dim)}});
      if (nl == std::string::npos) break;
      pos = nl + 1;
    }
    return out;
  }
  return nullptr;
}

}  // namespace

JobView view_job(const Job& j, TimePoint now) {
  JobView v;
  TimePoint end = j.end_at;
  std::string final_status = j.will_fail ? "failed" : "succeeded";
  if (j.deadline && *j.deadline < end) {
    end = *j.deadline;
    final_status = *j.deadline <= j.start_at ? "aborted" : "canceled";
  }
  if (j.canceled_at && *j.canceled_at < end) {
    end = *j.canceled_at;
    final_status = "canceled";
  }
  double span = std::max(1e-6, seconds_between(j.start_at, j.end_at));
  v.progress = std::clamp(seconds_between(j.start_at, std::min(now, end)) / span, 0.0, 1.0);
  if (now >= end) {
    v.status = final_status;
    v.completed = end;
    if (final_status != "aborted") v.started = std::min(j.start_at, end);
  } else if (now >= j.start_at) {
    v.status = "processing";
    v.started = j.start_at;
  } else {
    v.status = "starting";
  }
  return v;
}

uint64_t output_seed(const Job& j, int index) {
  return fnv1a(j.prompt) ^ (j.seed * 1000003ULL + static_cast<uint64_t>(index));
}

bool is_terminal(const std::string& s) {
  return s == "succeeded" || s == "failed" || s == "canceled" || s == "aborted";
}

bool data_removed(const App& app, const Job& j, const JobView& v, TimePoint now) {
  if (!v.completed) return false;
  if (j.expired) return true;
  if (j.training && !app.cfg_bool("trainings_data_removed", true)) return false;
  // Seconds, fractions allowed, so a test can watch the hour pass in milliseconds.
  double ttl = std::clamp(app.cfg_double("output_ttl_s", 3600), 0.0, 1e9);  // 1e9 s: never, without overflow
  return now > *v.completed + std::chrono::duration_cast<Clock::duration>(std::chrono::duration<double>(ttl));
}

namespace {

// The name the API answers for a model: official models may come back under
// an internal deployment name (config model_aliases, recorded).
std::string answered_model(const App& app, const std::string& model) {
  auto it = app.config.find("model_aliases");
  if (it == app.config.end() || !it->is_object()) return model;
  return jstr(*it, model.c_str(), model);
}

}  // namespace

json render_job(const App& app, const Job& j, TimePoint now, const std::string& origin, bool create) {
  JobView v = view_job(j, now);
  std::string coll = j.training && !create ? "trainings" : "predictions";  // create quirk [obs]
  bool removed = data_removed(app, j, v, now);
  bool latest = app.cfg_bool("answer_latest_version", true) && !j.served_version.empty();
  bool show_defaults = j.official && app.cfg_bool("official_input_defaults", false) && !create;
  json o;
  o["id"] = j.id;
  o["model"] = answered_model(app, j.model);
  o["version"] = latest ? j.served_version : j.version;
  o["input"] = removed ? json::object() : show_defaults ? j.resolved_input : j.input;
  o["logs"] = removed ? json(nullptr) : json(job_logs(j, v));
  // Trainings keep their output (the version exists; weights follow weights_ttl_s).
  bool output_gone = removed && !j.training;
  o["output"] = v.status == "succeeded" && !output_gone ? job_output(app, j, origin) : json(nullptr);
  o["data_removed"] = removed;
  o["error"] = v.status == "failed" ? json(j.error) : json(nullptr);
  o["status"] = v.status;
  o["source"] = "api";
  o["created_at"] = iso(j.created);
  o["started_at"] = v.started ? json(iso(*v.started)) : json(nullptr);
  o["completed_at"] = v.completed ? json(iso(*v.completed)) : json(nullptr);
  std::string self = origin + "/v1/" + coll + "/" + j.id;
  o["urls"] = {{"get", self}, {"cancel", self + "/cancel"}, {"web", "https://replicate.com/p/" + j.id}};
  o["metrics"] = json::object();
  if (v.completed) {
    double predict = v.started ? seconds_between(*v.started, *v.completed) : 0.0;
    o["metrics"] = {{"predict_time", std::round(predict * 1e6) / 1e6},
                    {"total_time", std::round(seconds_between(j.created, *v.completed) * 1e6) / 1e6}};
  }
  if (j.deadline) o["deadline"] = iso(*j.deadline);
  if (!j.webhook.is_null()) o["webhook"] = j.webhook;
  if (create && app.cfg_bool("recorded_create_shape", true) && !is_terminal(v.status)) {
    // A 201 that is not final carries no output, timings or metrics yet
    // (recorded create answers: id, model, version, input, logs, error,
    // status, created_at, urls). The sync path adds the output back.
    for (const char* k : {"output", "data_removed", "started_at", "completed_at", "metrics", "source"})
      o.erase(k);
  }
  return o;
}

void settle_trainings(App& app, TimePoint now) {
  for (auto& [id, j] : app.state.replicate.jobs) {
    if (!j.training || j.settled) continue;
    JobView v = view_job(j, now);
    if (!is_terminal(v.status)) continue;
    j.settled = true;
    if (v.status != "succeeded") continue;
    auto it = app.state.replicate.models.find(j.destination);
    if (it == app.state.replicate.models.end()) continue;
    Version ver;
    ver.id = j.new_version;
    ver.created_at = iso(*v.completed);
    ver.openapi_schema = trained_version_schema();
    it->second.versions.push_back(std::move(ver));
  }
}

void wait_for_job(App& app, const std::string& id, int wait_s) {
  auto deadline = Clock::now() + std::chrono::seconds(wait_s);
  for (;;) {
    auto now = Clock::now();
    TimePoint next;
    {
      std::lock_guard<std::mutex> lock(app.mu);
      auto it = app.state.replicate.jobs.find(id);
      if (it == app.state.replicate.jobs.end()) return;
      const Job& j = it->second;
      if (is_terminal(view_job(j, now).status)) return;
      next = j.end_at;
      if (j.deadline) next = std::min(next, *j.deadline);
    }
    if (now >= deadline) return;
    // Wake at the planned end, but at least every 25 ms to notice a cancel.
    next = std::min({next, deadline, now + std::chrono::milliseconds(25)});
    std::this_thread::sleep_until(next);
  }
}

int parse_prefer_wait(const std::string& header, std::string& applied) {
  size_t pos = 0;
  while (pos < header.size()) {
    size_t end = header.find_first_of(",;", pos);
    std::string tok = header.substr(pos, end == std::string::npos ? std::string::npos : end - pos);
    while (!tok.empty() && tok.front() == ' ') tok.erase(0, 1);
    while (!tok.empty() && tok.back() == ' ') tok.pop_back();
    if (tok == "wait") {
      applied = "wait";
      return 60;
    }
    if (starts_with(tok, "wait=")) {
      std::string n = tok.substr(5);
      bool digits = !n.empty() && n.size() <= 2 && n[0] != '0' &&
                    n.find_first_not_of("0123456789") == std::string::npos;
      if (!digits) return 0;
      int s = std::min(60, std::stoi(n));
      applied = "wait=" + std::to_string(s);
      return s;
    }
    if (end == std::string::npos) break;
    pos = end + 1;
  }
  return 0;
}

}  // namespace fakecloud

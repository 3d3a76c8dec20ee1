// Replicate trainings: create (trainer version + destination), get, cancel,
// list. A training reads its input_images zip when it was uploaded here
// (Files API URL or data: URI) and fails like the trainer does when the file
// is not a zip.
#include <cmath>

#include "replicate.hpp"

namespace fakecloud {
namespace {

struct ZipInfo {
  bool ok = false;
  int images = 0, captions = 0;
};

uint32_t le(const std::string& s, size_t at, int bytes) {
  uint32_t v = 0;
  for (int i = bytes - 1; i >= 0; --i) v = (v << 8) | static_cast<uint8_t>(s[at + static_cast<size_t>(i)]);
  return v;
}

// Walks the central directory; counts images and captions the trainer would see.
ZipInfo inspect_zip(const std::string& z) {
  ZipInfo info;
  if (z.size() < 22 || z.compare(0, 4, "PK\x03\x04") != 0) return info;
  size_t eocd = z.rfind(std::string("PK\x05\x06", 4));
  if (eocd == std::string::npos || eocd + 22 > z.size()) return info;
  size_t entries = le(z, eocd + 10, 2), off = le(z, eocd + 16, 4);
  for (size_t i = 0; i < entries; ++i) {
    if (off + 46 > z.size() || z.compare(off, 4, "PK\x01\x02") != 0) return info;
    size_t n = le(z, off + 28, 2), extra = le(z, off + 30, 2), comment = le(z, off + 32, 2);
    if (off + 46 + n > z.size()) return info;
    std::string name = z.substr(off + 46, n);
    off += 46 + n + extra + comment;
    if (starts_with(name, "__MACOSX/") || starts_with(name, "._") || ends_with(name, "/")) continue;
    std::string lower = name;
    for (auto& ch : lower) ch = static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
    for (const char* e : {".png", ".jpg", ".jpeg", ".bmp", ".gif", ".webp"})
      if (ends_with(lower, e)) ++info.images;
    if (ends_with(lower, ".txt")) ++info.captions;
  }
  info.ok = true;
  return info;
}

// Returns an error text when the trainer could not use input_images.
std::string read_images(App& app, const json& input, Job& t) {
  std::string url = jstr(input, "input_images");
  std::string bytes;
  if (auto at = url.find("/v1/files/"); at != std::string::npos) {
    std::string id = url.substr(at + 10);
    id = id.substr(0, id.find_first_of("/?"));
    auto it = app.state.replicate.files.find(id);
    if (it == app.state.replicate.files.end())
      return "Failed to download input_images: 404 Client Error: Not Found for url: " + url;
    bytes = *it->second.bytes;
  } else if (starts_with(url, "data:")) {
    auto comma = url.find(',');
    auto decoded = comma == std::string::npos ? std::nullopt : base64_decode(url.substr(comma + 1));
    if (!decoded) return "ValueError: input_images must be a zip file";
    bytes = *decoded;
  } else {
    t.image_count = 12;  // elsewhere on the internet: assume a typical set
    return {};
  }
  ZipInfo z = inspect_zip(bytes);
  if (!z.ok) return "ValueError: input_images must be a zip file";
  t.image_count = z.images;
  t.caption_count = z.captions;
  return {};
}

void create(Ctx& c) {
  json b = json::parse(c.req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object())
    return replicate_problem(c, 400, "The request body must be a JSON object", "Bad Request");
  json fields = json::array();
  if (!b.value("destination", json()).is_string())
    fields.push_back({{"type", "required"}, {"field", "(root)"}, {"description", "destination is required"}});
  if (!b.value("input", json()).is_object())
    fields.push_back({{"type", "required"}, {"field", "(root)"}, {"description", "input is required"}});
  if (!fields.empty()) return send_invalid_fields(c, fields);
  std::lock_guard<std::mutex> lock(c.app.mu);
  App& app = c.app;
  auto now = Clock::now();
  settle_trainings(app, now);
  Model* trainer = find_model(app, c.p("owner") + "/" + c.p("name"));
  Version* v = nullptr;
  if (trainer)
    for (auto& x : trainer->versions)
      if (x.id == c.p("vid")) v = &x;
  if (!v) return replicate_problem(c, 404, "The requested resource could not be found.");
  if (schema_prop(v->openapi_schema, "TrainingInput", "input_images").is_null())
    return replicate_problem(c, 422, "The specified version does not support training",
                             "Invalid version or not permitted");
  std::string dest = b["destination"];
  Model* dm = find_model(app, dest);
  if (!dm || dm->owner != app.cfg_str("replicate_user", "ada-lab"))
    return replicate_problem(c, 404, "The specified training destination does not exist");
  if (!app.cfg_bool("billing_ok", true))
    return replicate_problem(c, 402,
                             "You have insufficient credit to run this model. Go to "
                             "https://replicate.com/account/billing#billing to purchase credit. "
                             "Once you purchase credit, please wait a few minutes before trying again.",
                             "Insufficient credit");
  json bad = check_input(v->openapi_schema, "TrainingInput", b["input"],
                         app.cfg_bool("strict_training_input", true));
  if (!bad.empty()) return send_invalid_fields(c, bad);

  Job t;
  t.training = true;
  do t.id = replicate_id(); while (app.state.replicate.jobs.count(t.id));
  t.seq = app.state.replicate.next_seq++;
  t.model = trainer->full();
  t.version = v->id;
  t.served_version = trainer->versions.back().id;
  t.input = b["input"];
  // Inputs left out take the trainer's defaults (lora_rank 16, steps 1000, ...).
  t.resolved_input = with_defaults(v->openapi_schema, "TrainingInput", t.input);
  t.kind = "trainer";
  t.created = now;
  long total = sample_ms(app.config.value("training_duration_ms", json(2000)), app.rng, 2000);
  double frac = std::clamp(app.cfg_double("training_start_fraction", 0.1), 0.0, 1.0);
  t.start_at = now + std::chrono::milliseconds(std::lround(static_cast<double>(total) * frac));
  t.end_at = now + std::chrono::milliseconds(total);
  t.destination = dest;
  t.new_version = random_hex(64);
  t.steps = static_cast<int>(std::clamp(jlong(t.resolved_input, "steps", 1000), 1L, 100000L));
  if (b.contains("webhook")) t.webhook = b["webhook"];
  std::string problem = read_images(app, t.resolved_input, t);
  std::string forced = app.cfg_str("training_outcome", "auto");
  std::string trigger = jstr(t.resolved_input, "trigger_word");
  std::string needle = app.cfg_str("training_fail_substring", "FAIL");
  double rate = app.cfg_double("training_failure_rate", 0.0);
  t.error = problem.empty() ? app.cfg_str("training_error", "Training failed.") : problem;
  if (forced == "failed" || !problem.empty()) t.will_fail = true;
  else if (forced == "succeeded") t.will_fail = false;
  else
    t.will_fail = (!needle.empty() && trigger.find(needle) != std::string::npos) ||
                  (rate > 0 && std::uniform_real_distribution<double>(0, 1)(app.rng) < rate);
  if (!problem.empty()) t.end_at = t.start_at + std::chrono::milliseconds(std::min(total / 10 + 1, 200L));
  std::string id = t.id;
  app.state.replicate.jobs[id] = std::move(t);
  trainer->run_count += 1;
  app.bump("trainings_created");
  c.send_json(201, render_job(app, app.state.replicate.jobs[id], now, c.origin, true));
}

Job* find_training(Ctx& c) {
  auto it = c.app.state.replicate.jobs.find(c.p("id"));
  if (it == c.app.state.replicate.jobs.end() || !it->second.training) {
    replicate_problem(c, 404, "The requested resource could not be found.");
    return nullptr;
  }
  return &it->second;
}

}  // namespace

void register_replicate_trainings(Router& r) {
  r.add("POST", "/v1/models/{owner}/{name}/versions/{vid}/trainings", Auth::Replicate, create);

  r.add("GET", "/v1/trainings/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    settle_trainings(c.app, now);
    if (Job* t = find_training(c)) c.send_json(200, render_job(c.app, *t, now, c.origin));
  });

  r.add("POST", "/v1/trainings/{id}/cancel", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    Job* t = find_training(c);
    if (!t) return;
    if (!is_terminal(view_job(*t, now).status)) {
      t->canceled_at = now;
      c.app.bump("trainings_canceled");
    }
    settle_trainings(c.app, now);
    c.send_json(200, render_job(c.app, *t, now, c.origin));
  });

  r.add("GET", "/v1/trainings", Auth::Replicate, [](Ctx& c) {
    std::optional<TimePoint> after, before;
    if (!time_filter(c, after, before)) return;
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    settle_trainings(c.app, now);
    std::vector<std::pair<long, json>> items;
    for (const auto& [id, j] : c.app.state.replicate.jobs) {
      if (!j.training) continue;
      if ((after && j.created <= *after) || (before && j.created >= *before)) continue;
      items.emplace_back(j.seq, render_job(c.app, j, now, c.origin));
    }
    std::sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first > b.first; });
    json page = paginate(c, items, c.app.cfg_long("page_size", 100));
    if (!page.is_null()) c.send_json(200, page);
  });
}

}  // namespace fakecloud

// Replicate predictions: create (by version or official model, Prefer: wait,
// Cancel-After), get, cancel, list.
#include <cmath>
#include <set>

#include "replicate.hpp"

namespace fakecloud {
namespace {

// Width/height of the output: explicit width+height, else aspect_ratio scaled
// to image_base_px on the long side (kept small unless a test asks for more).
void plan_size(const App& app, const json& in, Job& j) {
  long base = app.cfg_long("image_base_px", 64), max_px = app.cfg_long("max_image_px", 2048);
  long w = base, h = base;
  if (in.value("width", json()).is_number_integer() && in.value("height", json()).is_number_integer()) {
    w = in["width"].get<long>();
    h = in["height"].get<long>();
  } else if (in.value("aspect_ratio", json()).is_string()) {
    std::string ar = in["aspect_ratio"];
    auto colon = ar.find(':');
    if (colon != std::string::npos) {
      double aw = std::atof(ar.substr(0, colon).c_str()), ah = std::atof(ar.substr(colon + 1).c_str());
      if (aw > 0 && ah > 0) {
        if (aw >= ah) h = std::lround(static_cast<double>(base) * ah / aw);
        else w = std::lround(static_cast<double>(base) * aw / ah);
      }
    }
  }
  if (j.kind == "image") {  // upscaler: scale the (notional) input
    const json s = in.value("scale", json(4));  // absent: the model's default
    double scale = s.is_number() ? s.get<double>() : 4.0;
    w = std::lround(static_cast<double>(w) * std::max(1.0, scale));
    h = std::lround(static_cast<double>(h) * std::max(1.0, scale));
  }
  j.width = static_cast<int>(std::clamp(w, 1L, max_px));
  j.height = static_cast<int>(std::clamp(h, 1L, max_px));
}

int int_input(const json& in, const json& schema, const char* key, int def) {
  if (in.value(key, json()).is_number_integer()) return in[key].get<int>();
  json p = schema_prop(schema, "Input", key);
  if (p.is_object() && p.value("default", json()).is_number_integer()) return p["default"].get<int>();
  return def;
}

bool decide_failure(App& app, const std::string& prompt) {
  std::string forced = app.cfg_str("prediction_outcome", "auto");
  if (forced == "failed") return true;
  if (forced == "succeeded") return false;
  std::string needle = app.cfg_str("prediction_fail_substring", "FAIL");
  if (!needle.empty() && prompt.find(needle) != std::string::npos) return true;
  double rate = app.cfg_double("prediction_failure_rate", 0.0);
  return rate > 0 && std::uniform_real_distribution<double>(0, 1)(app.rng) < rate;
}

Job make_job(App& app, const Model& m, const Version& v, const json& input, TimePoint now) {
  Job j;
  auto& st = app.state.replicate;
  do j.id = replicate_id(); while (st.jobs.count(j.id));
  j.seq = st.next_seq++;
  j.model = m.full();
  j.official = m.official;
  // Official models answer with an opaque deployment version, not latest_version.id.
  j.version = m.official ? "dp-" + stable_hex64(m.full()).substr(0, 32) : v.id;
  if (!m.official) j.served_version = m.versions.back().id;
  j.input = input;
  j.resolved_input = with_defaults(v.openapi_schema, "Input", input);
  j.kind = m.kind;
  j.created = now;
  long total = sample_ms(app.config.value("prediction_latency_ms", json(300)), app.rng, 300);
  double frac = std::clamp(app.cfg_double("prediction_start_fraction", 0.25), 0.0, 1.0);
  j.start_at = now + std::chrono::milliseconds(std::lround(static_cast<double>(total) * frac));
  j.end_at = now + std::chrono::milliseconds(total);
  j.prompt = jstr(input, "prompt");
  j.will_fail = decide_failure(app, j.prompt);
  j.error = app.cfg_str("prediction_error", "Prediction failed.");
  const json& schema = v.openapi_schema;
  std::string fmt = input.value("output_format", json()).is_string() ? input["output_format"].get<std::string>() : "";
  if (fmt.empty()) {
    json p = schema_prop(schema, "Input", "output_format");
    fmt = p.is_object() && p.value("default", json()).is_string() ? p["default"].get<std::string>() : "png";
  }
  j.ext = fmt == "jpeg" ? "jpg" : fmt;
  json np = schema_prop(schema, "Input", "num_outputs");
  int max_outputs = np.is_object() && np.value("maximum", json()).is_number_integer() ? np["maximum"].get<int>() : 4;
  j.num_outputs = std::clamp(int_input(input, schema, "num_outputs", 1), 1, std::max(1, max_outputs));
  j.steps = std::max(1, int_input(input, schema, "num_inference_steps", 28));
  j.seed = input.value("seed", json()).is_number_integer() ? input["seed"].get<uint64_t>()
                                                           : fnv1a(j.id) % 100000;
  plan_size(app, input, j);
  return j;
}

void create(Ctx& c, const std::string& model_path) {
  json b = json::parse(c.req.body, nullptr, false);
  if (b.is_discarded() || !b.is_object())
    return replicate_problem(c, 400, "The request body must be a JSON object", "Bad Request");
  std::set<std::string> allowed = {"input", "stream", "webhook", "webhook_events_filter"};
  if (model_path.empty()) allowed.insert("version");
  json fields = json::array();
  if (model_path.empty() && !b.contains("version"))
    fields.push_back({{"type", "required"}, {"field", "(root)"}, {"description", "version is required"}});
  if (!b.contains("input"))
    fields.push_back({{"type", "required"}, {"field", "(root)"}, {"description", "input is required"}});
  for (auto& [k, v] : b.items())
    if (!allowed.count(k))
      fields.push_back({{"type", "additional_property_not_allowed"}, {"field", "(root)"},
                        {"description", "Additional property " + k + " is not allowed"}});
  if (!fields.empty()) {
    std::string detail;
    for (const auto& f : fields) detail += "- " + f["description"].get<std::string>() + "\n";
    return replicate_problem(c, 422, detail, "Input validation failed", json{{"invalid_fields", fields}});
  }
  std::string applied;
  int wait_s = parse_prefer_wait(c.req.get_header_value("Prefer"), applied);
  std::optional<std::chrono::milliseconds> cancel_after;
  if (c.req.has_header("Cancel-After")) {
    cancel_after = parse_go_duration(c.req.get_header_value("Cancel-After"));
    if (!cancel_after)
      return replicate_problem(c, 400, "Invalid Cancel-After header", "Bad Request");
  }
  std::string id;
  {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    settle_trainings(c.app, now);
    Model* m = nullptr;
    Version* v = nullptr;
    if (!model_path.empty()) {
      m = find_model(c.app, model_path);
      if (!m || m->versions.empty())
        return replicate_problem(c, 404, "The requested resource could not be found.");
      if (!m->official) {
        // Community models are not runnable here: 404 (usual) or, as also
        // recorded, 422 "Invalid version" (config community_model_route_status).
        if (c.app.cfg_long("community_model_route_status", 404) == 422)
          return replicate_problem(c, 422,
                                   "The specified version does not exist (or perhaps you don't have "
                                   "permission to use it?)",
                                   "Invalid version or not permitted");
        return replicate_problem(c, 404, "The requested resource could not be found.");
      }
      v = &m->versions.back();
    } else {
      std::string ver = b["version"].is_string() ? b["version"].get<std::string>() : "";
      auto colon = ver.find(':');
      if (is_hex64(ver)) {
        std::tie(m, v) = find_version(c.app, ver);
      } else if (colon != std::string::npos) {
        m = find_model(c.app, ver.substr(0, colon));
        if (m)
          for (auto& x : m->versions)
            if (x.id == ver.substr(colon + 1)) v = &x;
      } else if (ver.find('/') != std::string::npos) {
        m = find_model(c.app, ver);
        if (m && m->official && !m->versions.empty()) v = &m->versions.back();
      }
      if (!m || !v)
        return replicate_problem(c, 422,
                                 "The specified version does not exist (or perhaps you don't have "
                                 "permission to use it?)",
                                 "Invalid version or not permitted");
    }
    if (!c.app.cfg_bool("billing_ok", true))
      return replicate_problem(c, 402,
                               "You have insufficient credit to run this model. Go to "
                               "https://replicate.com/account/billing#billing to purchase credit. "
                               "Once you purchase credit, please wait a few minutes before trying again.",
                               "Insufficient credit");
    json bad = check_input(v->openapi_schema, "Input", b["input"], false);
    if (!bad.empty()) return send_invalid_fields(c, bad);
    Job j = make_job(c.app, *m, *v, b["input"], now);
    if (cancel_after) j.deadline = now + *cancel_after;
    if (b.contains("webhook")) j.webhook = b["webhook"];
    id = j.id;
    m->run_count += 1;
    c.app.state.replicate.jobs[id] = std::move(j);
    c.app.bump("predictions_created");
  }
  if (wait_s > 0) wait_for_job(c.app, id, wait_s);
  std::lock_guard<std::mutex> lock(c.app.mu);
  auto found = c.app.state.replicate.jobs.find(id);
  if (found == c.app.state.replicate.jobs.end())  // /_fake/reset while we waited
    return replicate_problem(c, 404, "The requested resource could not be found.");
  const Job& j = found->second;
  json out = render_job(c.app, j, Clock::now(), c.origin, true);
  if (wait_s > 0 && out["status"] == "succeeded" && c.app.cfg_bool("sync_returns_processing", true)) {
    // What the real sync API answers (every recorded Prefer: wait create):
    // the output is there, the status is not yet terminal, and there are no
    // timings or metrics; metrics.predict_time appears on a later GET.
    out["status"] = "processing";
    for (const char* k : {"started_at", "completed_at", "metrics", "source"}) out.erase(k);
  }
  if (wait_s > 0 && out["output"].is_array() && c.app.cfg_bool("sync_data_uri_outputs", false) &&
      (j.kind == "images" || j.kind == "trainer")) {
    // The sync API briefly answered with data: URIs instead of delivery URLs (replicate.md §2.2).
    for (int i = 0; i < static_cast<int>(out["output"].size()); ++i) {
      std::string type;
      std::string bytes = render_image(j.ext, j.width, j.height, output_seed(j, i), type);
      out["output"][static_cast<size_t>(i)] = "data:" + type + ";base64," + base64_encode(bytes);
    }
  }
  if (!applied.empty()) c.res.set_header("Preference-Applied", applied);
  c.send_json(201, out);
}

}  // namespace

void register_replicate_predictions(Router& r) {
  r.add("POST", "/v1/predictions", Auth::Replicate, [](Ctx& c) { create(c, ""); }, kPredictionCreate);
  r.add("POST", "/v1/models/{owner}/{name}/predictions", Auth::Replicate,
        [](Ctx& c) { create(c, c.p("owner") + "/" + c.p("name")); }, kPredictionCreate);

  // Also answers for training ids: a training create's urls.get points here.
  r.add("GET", "/v1/predictions/{id}", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    settle_trainings(c.app, now);
    auto it = c.app.state.replicate.jobs.find(c.p("id"));
    if (it == c.app.state.replicate.jobs.end())
      return replicate_problem(c, 404, "The requested resource could not be found.");
    c.send_json(200, render_job(c.app, it->second, now, c.origin));
  });

  r.add("POST", "/v1/predictions/{id}/cancel", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    auto it = c.app.state.replicate.jobs.find(c.p("id"));
    if (it == c.app.state.replicate.jobs.end())
      return replicate_problem(c, 404, "The requested resource could not be found.");
    Job& j = it->second;
    if (!is_terminal(view_job(j, now).status)) {
      j.canceled_at = now;
      c.app.bump(j.training ? "trainings_canceled" : "predictions_canceled");
    }
    settle_trainings(c.app, now);
    c.send_json(200, render_job(c.app, j, now, c.origin));
  });

  r.add("GET", "/v1/predictions", Auth::Replicate, [](Ctx& c) {
    std::optional<TimePoint> after, before;
    if (!time_filter(c, after, before)) return;
    std::lock_guard<std::mutex> lock(c.app.mu);
    auto now = Clock::now();
    settle_trainings(c.app, now);
    std::vector<std::pair<long, json>> items;
    for (const auto& [id, j] : c.app.state.replicate.jobs) {
      if (j.training) continue;
      if ((after && j.created <= *after) || (before && j.created >= *before)) continue;
      items.emplace_back(j.seq, render_job(c.app, j, now, c.origin));
    }
    std::sort(items.begin(), items.end(), [](auto& a, auto& b) { return a.first > b.first; });
    json page = paginate(c, items, c.app.cfg_long("page_size", 100));
    if (!page.is_null()) c.send_json(200, page);
  });
}

}  // namespace fakecloud

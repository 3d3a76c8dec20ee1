// Config: one JSON object. Flags seed it, /_fake/config merges into it, and
// handlers read it on every request, so a test can change behaviour mid-run.
#include <set>

#include "app.hpp"

namespace fakecloud {

json default_config() {
  return json{
      // Accepted secrets and account names.
      {"replicate_token", "r8_good"},
      {"hf_token", "hf_good"},
      {"sendgrid_token", "SG.good"},
      {"sendgrid_send_only_token", "SG.sendonly"},
      {"replicate_user", "ada-lab"},
      {"hf_user", "ada-hf"},
      {"hf_orgs", json::array()},
      {"hf_token_role", "write"},  // read | write | admin | fineGrained
      {"hf_token_scoped", json::array()},  // fineGrained grants: [{"entity":{"type","name"},"permissions":[...]}]
      {"hf_token_global", json::array()},
      // Latency added to every API answer (ms; number, {"min","max"} or [min,max]).
      {"latency_ms", 0},
      {"route_latency_ms", json::object()},
      // Predictions.
      {"prediction_latency_ms", 300},
      {"prediction_start_fraction", 0.25},
      {"prediction_outcome", "auto"},  // auto | succeeded | failed
      {"prediction_fail_substring", "FAIL"},
      {"prediction_failure_rate", 0.0},
      {"prediction_error", "NSFW content detected. Try running it again, or try a different prompt."},
      // Recorded behaviour of the real API, each on by default (README "Recorded behaviour").
      {"sync_returns_processing", true},
      {"recorded_create_shape", true},
      {"model_aliases", {{"meta/meta-llama-3-8b-instruct", "replicate-internal/llama-3-8b-instruct-int8-triton"}}},
      {"answer_latest_version", true},
      {"community_model_route_status", 404},  // or 422 "Invalid version or not permitted"
      {"official_input_defaults", false},
      {"output_ttl_s", 3600},  // seconds, fractions allowed
      {"trainings_data_removed", true},
      {"delivery_origin", ""},  // origin of output/weights URLs in answers; "" = the request's
      {"image_base_px", 64},
      {"max_image_px", 2048},
      // Trainings.
      {"training_duration_ms", 2000},
      {"training_start_fraction", 0.1},
      {"training_outcome", "auto"},
      {"training_fail_substring", "FAIL"},
      {"training_failure_rate", 0.0},
      {"training_error", "Training failed: CUDA out of memory (fakecloud)."},
      {"strict_training_input", true},
      // Files, billing, paging, rate limits.
      {"max_file_bytes", 100L * 1024 * 1024},
      {"file_ttl_s", 86400},
      {"billing_ok", true},
      {"page_size", 100},
      {"rate_limit", {{"enforce", false}, {"creates_per_min", 600}, {"others_per_min", 3000}}},
      // Hugging Face.
      {"hf_multipart_threshold", 20L * 1024 * 1024},
      {"hf_chunk_size", 5L * 1024 * 1024},
      {"hf_resolve_redirect", false},
      {"hf_inference_models", json::array({"stabilityai/stable-diffusion-3-medium-diffusers"})},
      // SendGrid.
      // Verified senders (an "@domain" entry = an authenticated domain): the
      // addresses the e2e tests and examples/demo.sh send from.
      {"sendgrid_verified_senders", json::array({"me@example.com", "studio@example.com"})},
      {"sendgrid_max_bytes", 30L * 1024 * 1024},
      // Fault rules (see faults.cpp).
      {"faults", json::array()},
      {"seed", 1},
  };
}

static const std::set<std::string> kKinds = {"status", "drop",  "drop_after",
                                             "hold",   "slow", "truncate",
                                             "corrupt", "expire", "oversize",
                                             "trickle", "redirect",
                                             "patch", "deep"};  // hostile.cpp

std::string apply_config_patch(App& app, const json& patch) {
  if (!patch.is_object()) return "config must be a JSON object";
  std::vector<FaultRule> rules;
  if (patch.contains("faults")) {
    const json& fl = patch["faults"];
    if (!fl.is_array()) return "faults must be an array";
    for (const auto& f : fl) {
      if (!f.is_object()) return "each fault must be an object";
      FaultRule r;
      r.spec = f;
      const json& route = f.value("route", json("*"));
      if (route.is_string()) r.routes.push_back(route);
      else if (route.is_array())
        for (const auto& x : route)
          if (x.is_string()) r.routes.push_back(x);
      if (r.routes.empty()) return "fault route must be a string or an array of strings";
      if (f.contains("skip")) {
        if (!f["skip"].is_number_integer()) return "fault skip must be an integer";
        r.skip = f["skip"].get<long>();
      }
      r.kind = jstr(f, "kind", "status");
      if (!kKinds.count(r.kind)) return "unknown fault kind: " + r.kind;
      if (f.contains("count")) {
        if (!f["count"].is_number_integer()) return "fault count must be an integer";
        r.remaining = f["count"].get<long>();
      }
      if (f.contains("rate") && !f["rate"].is_number()) return "fault rate must be a number";
      r.rate = f.contains("rate") ? f["rate"].get<double>() : 1.0;
      if (r.rate < 0 || r.rate > 1) return "fault rate must be within 0..1";
      rules.push_back(std::move(r));
    }
  }
  app.config.merge_patch(patch);
  if (patch.contains("faults")) {
    // merge_patch replaces arrays wholesale; keep the parsed rules in step.
    app.config["faults"] = patch["faults"];
    app.faults = std::move(rules);
  }
  if (patch.contains("seed") && patch["seed"].is_number_integer())
    app.rng.seed(patch["seed"].get<uint64_t>());
  return {};
}

void reset_state(App& app) {
  app.state = State{};
  app.counters = Counters{};
  app.config = json::object();
  app.faults.clear();
  app.config = app.initial_config;
  app.config["faults"] = json::array();
  apply_config_patch(app, json{{"faults", app.initial_config.value("faults", json::array())}});
  app.rng.seed(static_cast<uint64_t>(jlong(app.config, "seed", 1)));
  seed_models(app);
}

long App::cfg_long(const char* key, long def) const {
  auto it = config.find(key);
  return it != config.end() && it->is_number() ? it->get<long>() : def;
}
double App::cfg_double(const char* key, double def) const {
  auto it = config.find(key);
  return it != config.end() && it->is_number() ? it->get<double>() : def;
}
bool App::cfg_bool(const char* key, bool def) const {
  auto it = config.find(key);
  return it != config.end() && it->is_boolean() ? it->get<bool>() : def;
}
std::string App::cfg_str(const char* key, const std::string& def) const {
  auto it = config.find(key);
  return it != config.end() && it->is_string() ? it->get<std::string>() : def;
}

}  // namespace fakecloud

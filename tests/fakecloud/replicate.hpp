// Shared pieces of the Replicate emulation. Functions taking App& expect the
// caller to hold App::mu.
#pragma once

#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "router.hpp"

namespace fakecloud {

// seeds.cpp: the input schema of every version a training produces.
json trained_version_schema();

// schema_check.cpp ------------------------------------------------------------
// A property of components.schemas[schema_name], with allOf/$ref folded in; null if absent.
json schema_prop(const json& openapi, const char* schema_name, const std::string& prop);
// Validates `input` like Cog does; returns invalid_fields entries (empty = valid).
json check_input(const json& openapi, const char* schema_name, const json& input,
                 bool reject_unknown);
// `input` with every absent (or null) property that has a schema default set
// to it, as Cog does before calling predict()/train().
json with_defaults(const json& openapi, const char* schema_name, const json& input);
// 422 "Input validation failed" with detail lines and invalid_fields.
void send_invalid_fields(const Ctx& c, const json& fields);

// jobs.cpp --------------------------------------------------------------------
struct JobView {
  std::string status;  // starting | processing | succeeded | failed | canceled | aborted
  std::optional<TimePoint> started, completed;
  double progress = 0;  // 0..1 of the processing phase
};
JobView view_job(const Job& j, TimePoint now);
bool is_terminal(const std::string& status);
// Inputs, outputs and logs removed: output_ttl_s (fractions allowed) after completion.
bool data_removed(const App& app, const Job& j, const JobView& v, TimePoint now);
// The API object. `create` applies the quirks of create responses.
json render_job(const App& app, const Job& j, TimePoint now, const std::string& origin,
                bool create = false);
// Adds the versions of finished trainings to their destination models.
void settle_trainings(App& app, TimePoint now);
// Holds the answer until the job is terminal or `wait_s` passed (Prefer: wait).
// Takes and releases app.mu itself; call without holding it.
void wait_for_job(App& app, const std::string& id, int wait_s);
// Value of a `Prefer: wait[=N]` header: seconds (1..60), or 0 when absent/invalid.
int parse_prefer_wait(const std::string& header, std::string& applied);

// models (replicate_models.cpp) ----------------------------------------------
Model* find_model(App& app, const std::string& full);
// Finds a version id anywhere (64-hex), e.g. a trained version.
std::pair<Model*, Version*> find_version(App& app, const std::string& id);
json model_json(const Model& m);
json version_json(const Version& v);

// paging (replicate_models.cpp) ----------------------------------------------
// Pages items given newest first as (seq, object); writes 400 and returns
// null on a bad cursor. next/previous are absolute URLs on the emulator.
json paginate(const Ctx& c, const std::vector<std::pair<long, json>>& items, long page_size);
// created_after / created_before filters; false (after writing 400) if malformed.
bool time_filter(const Ctx& c, std::optional<TimePoint>& after, std::optional<TimePoint>& before);

// images.cpp / weights.cpp ----------------------------------------------------
// Seed of output `index`: a function of the prompt and the input seed only.
uint64_t output_seed(const Job& j, int index);
// Deterministic picture for (prompt, seed): returns bytes, sets the content type.
std::string render_image(const std::string& ext, int w, int h, uint64_t seed,
                         std::string& content_type);
// POSIX tar of output/flux_train_replicate/{lora.safetensors,config.yaml,captions/}.
std::string make_weights_tar(const Job& training, const std::string& extra_entry = {});

}  // namespace fakecloud

#pragma once
// Generation: a prompt (or a batch line) becomes one or more paid
// predictions through the runner, and their outputs become files.
//
//   plan: style + options -> inputs the model takes (from its schema);
//         -n split into predictions of at most the model's num_outputs;
//         a stable key per prediction; a seed derived from the key when
//         none is given, so identical unseeded lines stay distinct and a
//         rerun asks for exactly the same thing (DESIGN §9)
//   run:  runner (never pays twice) -> download at once (URLs expire) ->
//         verify it is an image -> write beside the others under a name
//         that never collides -> cache -> optional upscale / face restore

#include <cstdint>
#include <filesystem>
#include <functional>
#include <mutex>
#include <optional>
#include <string>
#include <utility>
#include <vector>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/store/images.hpp"
#include "photoagent/store/projects.hpp"
#include "photoagent/workflows/config.hpp"
#include "photoagent/workflows/backend.hpp"
#include "photoagent/workflows/runner.hpp"
#include "photoagent/workflows/styles.hpp"

namespace photoagent::workflows {

class BatchState;

// Seeds go to models as 32-bit unsigned numbers (numpy and most samplers
// take no more): 0..kMaxSeed.
inline constexpr long long kMaxSeed = 4294967295LL;

struct GenerateRequest {
  std::string prompt;
  std::string style;
  std::string model;  // OWNER/NAME[:VERSION]; "" = the project's trained version, else generate.model
  int n = 1;
  std::string aspect;
  std::optional<long long> seed;
  int steps = 0;
  double guidance = -1;
  std::optional<double> lora_scale;
  std::string extra_lora;
  std::string negative;
  std::string format;  // png | jpg | webp; "" = config generate.format
  std::vector<std::pair<std::string, std::string>> inputs;  // --input k=v (JSON values when they parse)
  bool upscale = false;
  bool face_restore = false;
  std::filesystem::path out_dir = ".";
  std::string provider;  // "" or "replicate"; "huggingface": HF inference with --model REPO
  std::string id;  // a batch line's stable "id", else ""
  int occurrence = 0;  // n-th identical unseeded batch line: keeps them distinct
};

struct PlannedPrediction {
  std::string key;
  services::replicate::ModelRef model;
  std::string input_json;
  std::string prompt;  // as the user wrote it
  std::string line_id;  // the batch line's "id", if any
  Provider provider = Provider::replicate;
  std::string style;
  long long seed = -1;
  std::filesystem::path out_dir;
  bool upscale = false, face_restore = false;
  int first_image = 0;  // images of the request before this prediction's (-n split): {n} of --name
};

struct GenerateResult {
  PlannedPrediction plan;
  store::PredictionRow row;
  std::vector<std::string> files;  // written, absolute
  double cost_usd = -1;            // -1: unknown (no price for the model)
  std::string error;
};

class Generator {
 public:
  Generator(store::Database& db, const Config& config, const services::Api& replicate, PredictionRunner& runner,
            std::optional<store::Project> project);

  // Resolves model and schema (cached per model) and splits -n.
  std::vector<PlannedPrediction> plan(const GenerateRequest& request);

  // Runs one planned prediction. `wait` false: create and return (--no-wait).
  // Never throws for a failed prediction: the result carries the error.
  GenerateResult run(const PlannedPrediction& p, bool wait);

  // Downloads the outputs of a finished row that lack files (resume, --collect).
  GenerateResult collect(store::PredictionRow row);

  // Runs an "expired" or "unknown" generation again from what its row
  // recorded (model, version, input, seed, folder), paying again; with the
  // retry flags set. util::Error when the stored input cannot be replayed
  // (it held a file or a secret).
  GenerateResult retry(const store::PredictionRow& row);

  // Copies every prediction's progress into the batch's state file.
  void set_batch_state(BatchState* state) { state_ = state; }

  // Hugging Face inference, for --provider huggingface.
  void set_hf_inference(const services::Api* api) { hf_ = api; }

  // --retry-unknown / --retry-expired: re-create (and pay for) predictions
  // whose create could not be confirmed, or whose outputs Replicate removed.
  void set_retry(bool unknown, bool expired) {
    retry_unknown_ = unknown;
    retry_expired_ = expired;
  }

  // --name TEMPLATE ("" = the default names) and --overwrite (output_names.hpp).
  void set_output_names(std::string name_template, bool overwrite) {
    name_template_ = std::move(name_template);
    overwrite_ = overwrite;
  }

 private:
  // The model to run; `trained` says it is the project's own LoRA (which
  // alone learned the trigger word).
  services::replicate::ModelRef resolve_model(const std::string& requested, bool& trained);
  const services::replicate::InputSchema& schema_for(const services::replicate::ModelRef& model);
  // `name_of(i)`, when set, names output i (else STEM-i).
  std::vector<std::string> download_outputs(const store::PredictionRow& row, const std::filesystem::path& dir,
                                            const std::string& stem, const std::string& metadata,
                                            const std::function<std::string(std::size_t)>& name_of = {});
  // `plan`, when known, gives --name its batch line id and image numbers.
  GenerateResult collect(store::PredictionRow row, const PlannedPrediction* plan);
  void postprocess(GenerateResult& result);
  // What a provider makes of a request (one planner, provider mappings).
  struct Mapping {
    services::replicate::ModelRef model;
    std::string input;          // JSON shared by every prediction of the request
    int per_prediction = 1;     // images one prediction may make
    bool count_input = false;   // the model takes num_outputs
    bool takes_seed = true;
    std::string seed_at;        // JSON pointer of the seed input
    std::string scope;          // names the model in keys
  };
  Mapping map_replicate(const GenerateRequest& request, const Style* style);
  Mapping map_huggingface(const GenerateRequest& request, const Style* style);
  GenerateResult run(const PlannedPrediction& p, bool wait, bool retry_unknown, bool retry_expired);
  // Checks, stamps with metadata and writes one output; fills `cached` (the
  // cache row, file stored) when the generation belongs to a project.
  std::string save_output(std::string bytes, const store::PredictionRow& row, const std::filesystem::path& dir,
                          const std::string& stem, const std::string& prompt, store::Image* cached);

  store::Database& db_;
  const Config& config_;
  const services::Api& api_;
  PredictionRunner& runner_;
  std::optional<store::Project> project_;
  const services::Api* hf_ = nullptr;
  BatchState* state_ = nullptr;
  bool retry_unknown_ = false, retry_expired_ = false;
  std::string name_template_;
  bool overwrite_ = false;
  std::mutex mu_;
  std::vector<std::pair<std::string, services::replicate::InputSchema>> schemas_;
};

}  // namespace photoagent::workflows

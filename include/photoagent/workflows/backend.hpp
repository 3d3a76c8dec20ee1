#pragma once
// What the one prediction runner talks to (DESIGN §10: one runner, backends
// behind it). Replicate creates jobs it can list, so an ambiguous create is
// reconciled; Hugging Face inference answers at once and keeps no list, so
// an answer lost on the way is simply asked again (one inference call).
// Search's embeddings will be the runner's third user, on Replicate.

#include <map>
#include <memory>
#include <mutex>
#include <string>

#include "photoagent/services/api.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"

namespace photoagent::workflows {

enum class Provider { replicate, huggingface };
// "replicate" | "huggingface" ("" = replicate); util::Error (usage) else.
Provider parse_provider(const std::string& name);
const char* provider_name(Provider p);

class PredictionBackend {
 public:
  virtual ~PredictionBackend() = default;
  virtual Provider provider() const = 0;
  // The version to run a model by: "" for a model run without one.
  virtual std::string version_for(const services::replicate::ModelRef& model) = 0;
  // Sends the create. Throws services::replicate::MaybeCreated when the
  // request went out and no clear answer came back, NotOfficial when the
  // model must be run by version, util::Error when refused.
  virtual services::replicate::Prediction create(const services::replicate::ModelRef& model,
                                                 const std::string& input_json, int wait_seconds) = 0;
  // Whether jobs can be asked about later (get, list): false for a
  // synchronous service, whose lost answers are asked again instead.
  virtual bool keeps_jobs() const = 0;
  virtual services::replicate::Prediction get(const std::string& id) = 0;
  virtual services::replicate::PredictionPage list(const std::string& created_after, const std::string& next,
                                                   const std::string& created_before) = 0;
  virtual std::string latest_version(const services::replicate::ModelRef& model) = 0;
};

std::unique_ptr<PredictionBackend> replicate_backend(const services::Api& api);
// `inference`: the router's API (credentials of Hugging Face).
std::unique_ptr<PredictionBackend> huggingface_backend(const services::Api& inference);

}  // namespace photoagent::workflows

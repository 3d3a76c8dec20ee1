#include <map>
#include <mutex>

#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/models.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/workflows/backend.hpp"

namespace photoagent::workflows {
namespace rep = services::replicate;

Provider parse_provider(const std::string& name) {
  if (name.empty() || name == "replicate") return Provider::replicate;
  if (name == "huggingface") return Provider::huggingface;
  throw util::usage_error("--provider is replicate or huggingface, not '" + name + "'");
}

const char* provider_name(Provider p) { return p == Provider::huggingface ? "huggingface" : "replicate"; }

namespace {

class ReplicateBackend final : public PredictionBackend {
 public:
  explicit ReplicateBackend(const services::Api& api) : api_(api) {}
  Provider provider() const override { return Provider::replicate; }

  // GET /models/{o}/{n} says is_official (DESIGN §10): official models run
  // through the model route, others by their latest version. Once per model.
  std::string version_for(const rep::ModelRef& model) override {
    {
      std::lock_guard lock(mu_);
      if (auto it = versions_.find(model.full()); it != versions_.end()) return it->second;
    }
    auto m = rep::find_model(api_, model);  // network: outside the lock
    if (!m)
      throw util::not_found("Replicate has no model " + model.full(),
                            "Check the name on https://replicate.com/" + model.full() + ".");
    std::string version;
    if (!m->is_official) {
      version = m->latest_version;
      if (version.empty())
        throw util::not_found(model.full() + " has no published version to run",
                              "Pass a version: --model " + model.full() + ":VERSION.");
    }
    std::lock_guard lock(mu_);
    versions_[model.full()] = version;
    return version;
  }

  rep::Prediction create(const rep::ModelRef& model, const std::string& input_json, int wait_seconds) override {
    return rep::create_prediction(api_, model, input_json, wait_seconds);
  }
  bool keeps_jobs() const override { return true; }
  rep::Prediction get(const std::string& id) override { return rep::get_prediction(api_, id); }
  rep::PredictionPage list(const std::string& after, const std::string& next, const std::string& before) override {
    return rep::list_predictions(api_, after, next, before);
  }
  std::string latest_version(const rep::ModelRef& model) override {
    auto v = rep::latest_version(api_, model);
    std::lock_guard lock(mu_);
    versions_[model.full()] = v;
    return v;
  }

 private:
  const services::Api& api_;
  std::mutex mu_;
  std::map<std::string, std::string> versions_;
};

}  // namespace

std::unique_ptr<PredictionBackend> replicate_backend(const services::Api& api) {
  return std::make_unique<ReplicateBackend>(api);
}

}  // namespace photoagent::workflows

#include <nlohmann/json.hpp>

#include "photoagent/services/huggingface/inference.hpp"
#include "photoagent/services/replicate/model_ref.hpp"
#include "photoagent/services/replicate/predictions.hpp"
#include "photoagent/util/base64.hpp"
#include "photoagent/util/error.hpp"
#include "photoagent/util/time.hpp"
#include "photoagent/workflows/backend.hpp"

namespace photoagent::workflows {
namespace rep = services::replicate;

namespace {

// Hugging Face inference: one synchronous request per image; the answer is
// the image itself, handed on as a data URI output (the generator writes it
// out and keeps only its digest).
class HuggingFaceBackend final : public PredictionBackend {
 public:
  explicit HuggingFaceBackend(const services::Api& inference) : api_(inference) {}
  Provider provider() const override { return Provider::huggingface; }
  std::string version_for(const rep::ModelRef&) override { return ""; }

  rep::Prediction create(const rep::ModelRef& model, const std::string& input_json, int) override {
    const std::string bytes = services::huggingface::text_to_image(api_, model.full(), input_json);
    rep::Prediction p;
    p.status = "succeeded";
    p.model = model.full();
    p.created_at = util::now_iso8601();
    p.output = nlohmann::json::array({"data:application/octet-stream;base64," + util::base64_encode(bytes)}).dump();
    return p;
  }
  bool keeps_jobs() const override { return false; }
  rep::Prediction get(const std::string& id) override {
    throw util::failure("internal: Hugging Face inference keeps no job '" + id + "'");
  }
  rep::PredictionPage list(const std::string&, const std::string&, const std::string&) override { return {}; }
  std::string latest_version(const rep::ModelRef&) override { return ""; }

 private:
  const services::Api& api_;
};

}  // namespace

std::unique_ptr<PredictionBackend> huggingface_backend(const services::Api& inference) {
  return std::make_unique<HuggingFaceBackend>(inference);
}

}  // namespace photoagent::workflows

// GET /v1/account, /v1/hardware, /v1/webhooks/default/secret.
#include "router.hpp"

namespace fakecloud {

void register_replicate_account(Router& r) {
  r.add("GET", "/v1/account", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    c.send_json(200, json{{"type", "user"},
                          {"username", c.app.cfg_str("replicate_user", "ada-lab")},
                          {"name", c.app.cfg_str("replicate_name", "Ada Lab")},
                          {"github_url", nullptr}});
  });

  r.add("GET", "/v1/hardware", Auth::Replicate, [](Ctx& c) {
    std::lock_guard<std::mutex> lock(c.app.mu);
    json list = c.app.config.value("hardware", json::array());
    if (list.empty())
      list = json::parse(R"([{"sku":"cpu","name":"CPU"},{"sku":"gpu-t4","name":"Nvidia T4 GPU"},
        {"sku":"gpu-l40s","name":"Nvidia L40S GPU"},{"sku":"gpu-a100-large","name":"Nvidia A100 (80GB) GPU"},
        {"sku":"gpu-h100","name":"Nvidia H100 GPU"}])");
    c.send_json(200, list);
  });

  r.add("GET", "/v1/webhooks/default/secret", Auth::Replicate, [](Ctx& c) {
    c.send_json(200, json{{"key", "whsec_MfKQ9r8GKYqrTwjUPD8ILPZIo2LaLaSw"}});
  });
}

}  // namespace fakecloud

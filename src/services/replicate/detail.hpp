#pragma once
// What Replicate's predictions, trainings and models calls share: creates
// that must never be repeated blindly, and cursor pages whose `next` links
// are followed only on the API's own host.

#include <cstddef>
#include <nlohmann/json.hpp>
#include <string>
#include <string_view>

#include "photoagent/services/api.hpp"
#include "photoagent/services/json_read.hpp"

namespace photoagent::services::replicate::detail {

// POSTs a create. Returns the 2xx response; throws MaybeCreated when the
// outcome is unknown (sent, then the connection broke or a 5xx/408 came),
// util::Error when Replicate refused or nothing was sent.
net::Response send_create(const Api& api, net::Request req, const std::string& action);

// GETs `first_path` (when next_url is empty) or next_url, and returns the
// body of the page (parse_prediction_page, parse_training_page read it).
std::string get_page_body(const Api& api, const std::string& first_path, const std::string& next_url,
                          const std::string& action);

// The same page parsed within the limits (services/json_read.hpp), with its
// `results` array checked.
nlohmann::json get_page(const Api& api, const std::string& first_path, const std::string& next_url,
                        const std::string& action);

// A prediction's or training's `error`: a string as it is, any other value
// as JSON, "" when absent or null.
std::string error_text(const JsonReader& j);

// One page of a list answer ("the list of predictions"): each of `results`
// read by from_json (a JsonReader on an object -> Item), and the `next` link.
template <class Page, class FromJson>
Page parse_page(const std::string& text, std::string_view what, FromJson from_json) {
  const nlohmann::json j = parse_answer(Service::replicate, text, what);
  const JsonReader page(Service::replicate, j, what);
  Page out;
  const JsonReader results = page.array("results");
  for (std::size_t i = 0; i < results.size(); ++i) out.items.push_back(from_json(results.at(i).expect_object()));
  out.next = page.opt_str("next");
  return out;
}

}  // namespace photoagent::services::replicate::detail

#include "photoagent/services/replicate/trainings.hpp"

#include <nlohmann/json.hpp>
#include <string_view>

#include "detail.hpp"
#include "photoagent/net/url.hpp"
#include "photoagent/services/json_read.hpp"
#include "photoagent/util/error.hpp"

namespace photoagent::services::replicate {
using nlohmann::json;

namespace {
Training from_json(const JsonReader& j) {
  Training t;
  t.id = j.str("id");
  t.model = j.opt_str("model");
  t.version = j.opt_str("version");
  t.status = j.opt_str("status");
  t.logs = j.opt_str("logs");
  t.created_at = j.opt_str("created_at");
  t.started_at = j.opt_str("started_at");
  t.completed_at = j.opt_str("completed_at");
  const json* input = j.raw("input");
  t.input = input != nullptr ? input->dump() : "{}";
  t.data_removed = j.opt_bool("data_removed").value_or(false);
  t.error = detail::error_text(j);
  // Before success `output` is null; after, {version, weights}.
  if (const json* o = j.raw("output"); o != nullptr && o->is_object()) {
    const JsonReader out = j.object("output");
    t.output_version = out.opt_str("version");
    t.weights_url = out.opt_str("weights");
  }
  if (auto m = j.opt_object("metrics"))
    if (auto p = m->opt_number("predict_time")) t.predict_time = *p;
  return t;
}
}  // namespace

Training parse_training(const std::string& text) {
  const json j = parse_answer(Service::replicate, text, "the training");
  return from_json(JsonReader(Service::replicate, j, "the training").expect_object());
}

TrainingPage parse_training_page(const std::string& text) {
  return detail::parse_page<TrainingPage>(text, "the list of trainings", from_json);
}

Training create_training(const Api& api, const ModelRef& trainer, const std::string& destination,
                         const std::string& input_json) {
  json body = {{"destination", destination}, {"input", json::parse(input_json)}};
  net::Request req;
  req.method = "POST";
  req.url = api.base() + "/models/" + trainer.full() + "/versions/" + trainer.version + "/trainings";
  req.body = body.dump();
  req.header("Content-Type", "application/json");
  const std::string answer = detail::send_create(api, std::move(req), "start the training").body;
  try {
    return parse_training(answer);
  } catch (const util::Error& e) {
    // The training exists: unknown outcome, found again through the list.
    throw MaybeCreated("Replicate took the request to start the training but its answer could not be read: " +
                       e.message());
  }
}

Training get_training(const Api& api, const std::string& id) {
  return parse_training(api.call("GET", "/trainings/" + net::url_encode(id), "show training " + id).body);
}

Training cancel_training(const Api& api, const std::string& id) {
  return parse_training(api.call("POST", "/trainings/" + net::url_encode(id) + "/cancel", "cancel training " + id).body);
}

TrainingPage list_trainings(const Api& api, const std::string& next_url) {
  return parse_training_page(detail::get_page_body(api, "/trainings", next_url, "list trainings"));
}

namespace {

bool is_digit(char c) { return c >= '0' && c <= '9'; }
bool is_space(char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v'; }

// Reads 1..15 digits at logs[i] (more cannot be a step count and would not
// fit a double exactly); advances i past them.
std::optional<double> read_count(const std::string& logs, std::size_t& i) {
  double v = 0;
  std::size_t n = 0;
  for (; i < logs.size() && is_digit(logs[i]); ++i, ++n) v = v * 10 + (logs[i] - '0');
  if (n == 0 || n > 15) return std::nullopt;
  return v;
}

// The "k/total" of a tqdm bar whose '%' is at logs[pct], or nothing. The
// shape: 1-3 digits, '%', spaces, '|', at most kMaxBar characters other than
// '|' and line ends, '|', spaces, digits '/' digits.
std::optional<double> bar_at(const std::string& logs, std::size_t pct) {
  constexpr std::size_t kMaxBar = 1000;  // tqdm bars are a terminal line wide
  if (pct == 0 || !is_digit(logs[pct - 1])) return std::nullopt;
  std::size_t i = pct + 1;
  while (i < logs.size() && is_space(logs[i])) ++i;
  if (i >= logs.size() || logs[i] != '|') return std::nullopt;
  const std::size_t bar_end = std::string_view(logs).substr(0, i + 2 + kMaxBar).find_first_of("|\n\r", i + 1);
  if (bar_end == std::string::npos || logs[bar_end] != '|') return std::nullopt;
  i = bar_end + 1;
  while (i < logs.size() && is_space(logs[i])) ++i;
  const auto done = read_count(logs, i);
  if (!done || i >= logs.size() || logs[i] != '/') return std::nullopt;
  ++i;
  const auto total = read_count(logs, i);
  if (!total || *total <= 0) return std::nullopt;
  return std::min(1.0, *done / *total);
}

}  // namespace

std::optional<double> progress_from_logs(const std::string& logs) {
  // A plain scan, not std::regex: logs are remote and unbounded, and
  // libstdc++'s regex recurses per character (a 50 kB bar overflowed the
  // stack). Last bar wins; tqdm redraws with \r, so both line ends count.
  std::optional<double> out;
  for (std::size_t pct = logs.find('%'); pct != std::string::npos; pct = logs.find('%', pct + 1))
    if (auto p = bar_at(logs, pct)) out = p;
  return out;
}

}  // namespace photoagent::services::replicate

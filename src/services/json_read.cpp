#include "photoagent/services/json_read.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/util/error.hpp"

namespace photoagent::services {
using nlohmann::json;

namespace {

constexpr std::string_view kHint =
    "Try again; if it persists, the service or something between it and you is answering out of the ordinary "
    "(--debug shows the exchange).";

std::string answered(Service s, std::string_view what) {
  return std::string(display_name(s)) + " answered " + (what.empty() ? "" : std::string(what) + " with ");
}

// "a number", "an object", "null" ...
std::string kind_of(const json* j) {
  if (j == nullptr) return "missing";
  switch (j->type()) {
    case json::value_t::null: return "null";
    case json::value_t::object: return "an object";
    case json::value_t::array: return "an array";
    case json::value_t::string: return "a string";
    case json::value_t::boolean: return "a boolean";
    case json::value_t::number_integer:
    case json::value_t::number_unsigned:
    case json::value_t::number_float: return "a number";
    default: return "not JSON";
  }
}

}  // namespace

bool nesting_within(std::string_view text, std::size_t max_depth) {
  std::size_t depth = 0;
  bool in_string = false, escaped = false;
  for (char c : text) {
    if (in_string) {
      if (escaped) escaped = false;
      else if (c == '\\') escaped = true;
      else if (c == '"') in_string = false;
    } else if (c == '"') {
      in_string = true;
    } else if (c == '[' || c == '{') {
      if (++depth > max_depth) return false;
    } else if ((c == ']' || c == '}') && depth > 0) {
      --depth;
    }
  }
  return true;
}

namespace {

// nlohmann's parser is iterative; its callback sees each container start
// with its depth (0 = the top). Containers below the limit are skipped, not
// built, and the container at the limit that held them becomes kTooDeep.
json parse_cut(std::string_view body) {
  constexpr int kLast = static_cast<int>(kMaxJsonDepth) - 1;
  bool cut = false;
  auto limit = [&cut](int depth, json::parse_event_t event, json& parsed) {
    using E = json::parse_event_t;
    if ((event == E::array_start || event == E::object_start) && depth > kLast) {
      cut = true;
      return false;
    }
    if ((event == E::array_end || event == E::object_end) && depth == kLast && cut) {
      parsed = std::string(kTooDeep);
      cut = false;
    }
    return true;
  };
  return json::parse(body, limit, false);
}

}  // namespace

json parse_answer_lenient(std::string_view body) {
  if (body.size() > kMaxJsonBytes) return json(json::value_t::discarded);
  return parse_cut(body);
}

json parse_answer(Service s, std::string_view body, std::string_view what) {
  const std::string who = answered(s, what);
  const std::string hint(kHint);
  if (body.size() > kMaxJsonBytes)
    throw util::remote_error(who + std::to_string(body.size() >> 20) +
                                 " MiB of JSON, more than the " + std::to_string(kMaxJsonBytes >> 20) +
                                 " MiB photoagent reads",
                             hint);
  json j = parse_cut(body);
  if (j.is_discarded()) throw util::remote_error(who + "something that is not JSON", hint);
  return j;
}

std::string string_or_empty(const json& j, const char* key) {
  auto it = j.find(key);
  return it != j.end() && it->is_string() ? it->get<std::string>() : std::string();
}

JsonReader::JsonReader(Service s, const json& value, std::string_view what, std::string path)
    : service_(s), value_(&value), what_(what), path_(std::move(path)) {}

std::string JsonReader::field_path(std::string_view key) const {
  if (key.empty()) return path_;
  if (path_.empty()) return std::string(key);
  return path_ + (key.front() == '[' ? "" : ".") + std::string(key);
}

void JsonReader::fail(std::string_view field, std::string_view expected) const {
  const std::string where = field_path(field);
  const json* found = field.empty() ? value_ : nullptr;
  if (!field.empty() && value_->is_object()) {
    auto it = value_->find(std::string(field));
    if (it != value_->end()) found = &*it;
  }
  const std::string what = where.empty() ? "the answer" : "`" + where + "`";
  throw util::remote_error(answered(service_, what_) + "an unexpected shape: " + what + " is " + kind_of(found) +
                               ", expected " + std::string(expected),
                           std::string(kHint));
}

const JsonReader& JsonReader::expect_object() const {
  if (!value_->is_object()) fail("", "an object");
  return *this;
}

bool JsonReader::is_object() const { return value_->is_object(); }
bool JsonReader::is_array() const { return value_->is_array(); }

const json* JsonReader::member(std::string_view key) const {
  expect_object();
  auto it = value_->find(std::string(key));
  return it == value_->end() || it->is_null() ? nullptr : &*it;
}

bool JsonReader::has(std::string_view key) const { return value_->is_object() && member(key) != nullptr; }

const json* JsonReader::raw(std::string_view key) const {
  expect_object();
  auto it = value_->find(std::string(key));
  return it == value_->end() ? nullptr : &*it;
}

std::string JsonReader::str(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr || !m->is_string()) fail(key, "a string");
  return m->get<std::string>();
}

std::string JsonReader::opt_str(std::string_view key, std::string fallback) const {
  const json* m = member(key);
  if (m == nullptr) return fallback;
  if (!m->is_string()) fail(key, "a string");
  return m->get<std::string>();
}

std::optional<double> JsonReader::opt_number(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr) return std::nullopt;
  if (!m->is_number()) fail(key, "a number");
  return m->get<double>();
}

std::uint64_t JsonReader::opt_uint(std::string_view key, std::uint64_t fallback) const {
  const json* m = member(key);
  if (m == nullptr) return fallback;
  if (m->is_number_unsigned()) return m->get<std::uint64_t>();
  if (m->is_number_integer() && m->get<std::int64_t>() >= 0) return static_cast<std::uint64_t>(m->get<std::int64_t>());
  fail(key, "a whole number of 0 or more");
}

std::optional<bool> JsonReader::opt_bool(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr) return std::nullopt;
  if (!m->is_boolean()) fail(key, "true or false");
  return m->get<bool>();
}

JsonReader JsonReader::object(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr || !m->is_object()) fail(key, "an object");
  return JsonReader(service_, *m, what_, field_path(key));
}

std::optional<JsonReader> JsonReader::opt_object(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr) return std::nullopt;
  if (!m->is_object()) fail(key, "an object");
  return JsonReader(service_, *m, what_, field_path(key));
}

JsonReader JsonReader::array(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr || !m->is_array()) fail(key, "an array");
  return JsonReader(service_, *m, what_, field_path(key));
}

std::optional<JsonReader> JsonReader::opt_array(std::string_view key) const {
  const json* m = member(key);
  if (m == nullptr) return std::nullopt;
  if (!m->is_array()) fail(key, "an array");
  return JsonReader(service_, *m, what_, field_path(key));
}

std::size_t JsonReader::size() const { return value_->is_array() ? value_->size() : 0; }

JsonReader JsonReader::at(std::size_t i) const {
  if (!value_->is_array() || i >= value_->size()) fail("", "an array of more than " + std::to_string(i) + " items");
  return JsonReader(service_, (*value_)[i], what_, path_ + "[" + std::to_string(i) + "]");
}

std::string JsonReader::as_str() const {
  if (!value_->is_string()) fail("", "a string");
  return value_->get<std::string>();
}

}  // namespace photoagent::services

#pragma once
// Reading what a service answered, never trusting its shape (DESIGN §10
// "Hostile answers"): a body is parsed only within depth and size limits,
// and every field is read with the type it must have. A wrong answer becomes
// one util::Error (exit 5) that names the service and the field, e.g.
// "Replicate answered the upload with an unexpected shape: `urls.get` is a
// number, expected a string", never a json exception or a crash.

#include <nlohmann/json_fwd.hpp>

#include <cstddef>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "photoagent/services/service.hpp"

namespace photoagent::services {

// Deeper nesting than any real answer; nlohmann's dump() recurses per level,
// so a 100,000-deep `output` (a third-party model controls it) would
// overflow the stack wherever it is written out.
inline constexpr std::size_t kMaxJsonDepth = 64;
// What a container at the deepest level allowed becomes when it holds
// deeper ones: the rest of the answer stays readable (one prediction of a
// list page, the other fields of a prediction), and readers can tell.
inline constexpr std::string_view kTooDeep = "(photoagent: nested deeper than 64 levels, not read)";
// Far above any real answer (a page of 100 predictions with data-URI inputs).
inline constexpr std::size_t kMaxJsonBytes = std::size_t{64} << 20;

// True when no array or object in `text` nests deeper than `max_depth`
// (a plain scan that skips strings; it never recurses and reads each byte
// once). For callers that must refuse rather than cut.
bool nesting_within(std::string_view text, std::size_t max_depth = kMaxJsonDepth);

// A service's answer parsed within the limits: a container at level 64
// that holds deeper ones is replaced by the string kTooDeep (never built, so
// nothing later recurses through it). `what` completes "answered ... with":
// "the upload", "/account". Throws util::Error (exit 5) when the body is
// larger than kMaxJsonBytes or not JSON.
nlohmann::json parse_answer(Service s, std::string_view body, std::string_view what);

// The same limits, for bodies that may hold anything (error answers): a
// discarded value (is_discarded()) instead of an error.
nlohmann::json parse_answer_lenient(std::string_view body);

// The string at `key` of `j`, or "" when `j` is not an object or the member
// is missing or not a string: for fields an answer may leave out or that
// the caller checks for emptiness itself (JsonReader refuses a wrong type).
std::string string_or_empty(const nlohmann::json& j, const char* key);

// One value inside an answer, with its path for messages. Required reads
// throw when the member is missing, null or of another type; optional reads
// take missing or null as absent but still refuse another type. Holds a
// pointer into the parsed answer: keep the answer alive while reading.
class JsonReader {
 public:
  JsonReader(Service s, const nlohmann::json& value, std::string_view what = {}, std::string path = {});

  bool is_object() const;
  bool is_array() const;
  bool has(std::string_view key) const;  // present and not null

  std::string str(std::string_view key) const;
  std::string opt_str(std::string_view key, std::string fallback = {}) const;
  std::optional<double> opt_number(std::string_view key) const;
  std::uint64_t opt_uint(std::string_view key, std::uint64_t fallback = 0) const;
  std::optional<bool> opt_bool(std::string_view key) const;
  JsonReader object(std::string_view key) const;
  std::optional<JsonReader> opt_object(std::string_view key) const;
  JsonReader array(std::string_view key) const;
  std::optional<JsonReader> opt_array(std::string_view key) const;
  // A member of any type (e.g. a prediction's `output`), or null when absent.
  const nlohmann::json* raw(std::string_view key) const;

  // This value as an object (checks it), and arrays element by element.
  const JsonReader& expect_object() const;
  std::size_t size() const;  // 0 unless an array
  JsonReader at(std::size_t i) const;
  std::string as_str() const;

  const nlohmann::json& value() const { return *value_; }
  const std::string& path() const { return path_; }
  Service service() const { return service_; }

  // The error for `field` (relative to this value) not being `expected`.
  [[noreturn]] void fail(std::string_view field, std::string_view expected) const;

 private:
  const nlohmann::json* member(std::string_view key) const;  // null when missing or null
  std::string field_path(std::string_view key) const;

  Service service_;
  const nlohmann::json* value_;
  std::string what_;
  std::string path_;
};

}  // namespace photoagent::services

#include "hostile.hpp"

#include "util.hpp"

namespace fakecloud {

namespace {

constexpr const char* kPlaceholder = "__fakecloud_deep_placeholder__";

bool matches(const json& item, const std::string& needle) {
  return needle.empty() || item.dump(-1, ' ', false, json::error_handler_t::replace).find(needle) != std::string::npos;
}

}  // namespace

bool is_body_fault(const std::string& kind) { return kind == "patch" || kind == "deep"; }

void rewrite_body(const std::string& kind, const json& spec, httplib::Response& res) {
  json body = json::parse(res.body, nullptr, false);
  if (!body.is_object()) return;
  const std::string needle = jstr(spec, "if_contains");
  std::vector<json*> targets;
  if (body.contains("results") && body["results"].is_array()) {
    for (auto& item : body["results"])
      if (item.is_object() && matches(item, needle)) targets.push_back(&item);
  } else if (matches(body, needle)) {
    targets.push_back(&body);
  }
  if (targets.empty()) return;
  if (kind == "patch") {
    for (json* t : targets) t->merge_patch(spec.value("patch", json::object()));
    res.body = body.dump();
    return;
  }
  // deep: built as text, never as a json value (whose dump would recurse per level).
  const std::string field = jstr(spec, "field", "output");
  const auto depth = static_cast<std::size_t>(std::max(1L, jlong(spec, "depth", 100000)));
  for (json* t : targets) (*t)[field] = kPlaceholder;
  std::string text = body.dump();
  const std::string quoted = json(kPlaceholder).dump();
  const std::string nested = std::string(depth, '[') + std::string(depth, ']');
  for (auto at = text.find(quoted); at != std::string::npos; at = text.find(quoted, at + nested.size()))
    text.replace(at, quoted.size(), nested);
  res.body = std::move(text);
}

}  // namespace fakecloud

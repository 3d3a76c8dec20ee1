#include "photoagent/workflows/reconcile.hpp"

#include <nlohmann/json.hpp>

#include "photoagent/util/hash.hpp"

namespace photoagent::workflows {
using nlohmann::json;

namespace {

bool is_file_like(const std::string& s) {
  return s.starts_with("data:") || s.starts_with("https://") || s.starts_with("http://");
}

// Compares one value of ours with Replicate's; `presence` records that a
// file field was accepted without comparing its bytes.
bool same(const json& ours, const json& remote, bool& presence) {
  if (ours.is_string()) {
    const auto& o = ours.get_ref<const std::string&>();
    if (o == "[redacted]") return !remote.is_null();
    if (!remote.is_string()) return false;
    const auto& r = remote.get_ref<const std::string&>();
    if (o.starts_with("data:sha256,")) {
      if (r.starts_with("data:")) return "data:sha256," + util::sha256_hex(r) == o;
      if (r.empty()) return false;
      presence = true;
      return true;
    }
    if (o == r) return true;
    if (is_file_like(o) && is_file_like(r)) {
      presence = true;
      return true;
    }
    return false;
  }
  if (ours.is_object()) {
    if (!remote.is_object()) return false;
    // Keys Replicate added (defaults) do not matter; ours must all be there.
    for (auto it = ours.begin(); it != ours.end(); ++it) {
      auto r = remote.find(it.key());
      if (r == remote.end() || !same(*it, *r, presence)) return false;
    }
    return true;
  }
  if (ours.is_array()) {
    if (!remote.is_array() || remote.size() != ours.size()) return false;
    for (std::size_t i = 0; i < ours.size(); ++i)
      if (!same(ours[i], remote[i], presence)) return false;
    return true;
  }
  return ours == remote;  // numbers compare by value (1 == 1.0), bools, null
}

}  // namespace

InputMatch match_input(const std::string& ours_text, const std::string& remote_text, bool data_removed) {
  const json ours = json::parse(ours_text, nullptr, false);
  const json remote = json::parse(remote_text, nullptr, false);
  if (ours.is_discarded() || !ours.is_object()) return InputMatch::none;
  const bool remote_empty = remote.is_discarded() || remote.is_null() || (remote.is_object() && remote.empty());
  if (remote_empty) return data_removed || !ours.empty() ? InputMatch::removed : InputMatch::exact;
  bool presence = false;
  if (!same(ours, remote, presence)) return InputMatch::none;
  return presence ? InputMatch::by_presence : InputMatch::exact;
}

Verdict decide(const std::vector<Candidate>& candidates, std::string& chosen) {
  const Candidate* by_presence = nullptr;
  int presence_count = 0;
  bool removed = false;
  for (const auto& c : candidates) {
    if (c.match == InputMatch::exact) {
      chosen = c.id;
      return Verdict::found;
    }
    if (c.match == InputMatch::by_presence) {
      ++presence_count;
      by_presence = &c;
    }
    if (c.match == InputMatch::removed) removed = true;
  }
  if (presence_count == 1 && !removed) {
    chosen = by_presence->id;
    return Verdict::found;
  }
  if (presence_count > 1 || removed) return Verdict::unknown;
  return Verdict::not_found;
}

}  // namespace photoagent::workflows
